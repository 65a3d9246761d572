"""What ``review`` does besides today's list: nothing due, --ahead, --search, --outline; the
editor key when the editor cannot run; a dumb terminal; and each previewed interval against
the one a grade records, in-process over many first reviews."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pexpect
import pytest
from _pty_screen import PtyScreen

from studycards.notes.vault import open_vault, scan
from studycards.review.session_backend import EARLY_REASON, VaultBackend, build_cards
from studycards.scheduling.queue import load_queue
from studycards.scheduling.schedule import Rating

TODAY = dt.date.today()


def note(title: str, due: dt.date, words: str = "", reviews: int = 0) -> str:
    last = "null" if reviews == 0 else f"'{(due - dt.timedelta(days=5)).isoformat()}'"
    return (
        "---\n"
        f"created: '2025-10-01'\nlast_reviewed: {last}\nnext_review: '{due.isoformat()}'\n"
        f"review_count: {reviews}\ndifficulty: medium\nmastery_level: 0.0\n"
        "tags:\n- OS\nrelated_outlines: []\n---\n"
        f"# {title}\n\n## 面试标准答案\n\nThe answer to {title}. {words}\n\n"
        "## 深度讲解\n\nMore.\n"
    )


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


SELECT = "notes/OS/select()、poll()、epoll()的工作原理和区别.md"
PERCENT = "notes/OS/100% CPU 排查.md"
LATER = "notes/OS/later.md"


@pytest.fixture
def future_vault(make_vault) -> Path:
    return make_vault(
        {
            SELECT: note("select、poll、epoll", days(3), "zebrafish multiplexing"),
            PERCENT: note("100% CPU", days(3)),
            LATER: note("Later note", days(9), "zebrafish"),
            "outlines/操作系统.md": (
                "# 操作系统\n\n- [IO](<../notes/OS/select()、poll()、epoll()的工作原理和区别.md>)\n"
                "- [CPU](<notes/OS/100% CPU 排查.md>)\n"
            ),
        }
    )


def ledger(vault: Path) -> list[dict]:
    path = vault / ".studycards" / "reviews.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_nothing_due_says_when_the_next_notes_come_and_what_else_to_do(future_vault) -> None:
    screen = PtyScreen(future_vault, "review", columns=200)
    out = screen.finish()
    assert f"nothing due. Next: 2 notes on {days(3).isoformat()}" in out
    assert "--ahead DAYS" in out and "--search QUERY" in out and "--outline NAME" in out
    assert screen.child.exitstatus == 0


@pytest.mark.slow
def test_ahead_studies_the_next_days_and_logs_early_reviews(future_vault) -> None:
    screen = PtyScreen(future_vault, "review", "--ahead", "3")
    screen.wait_for("space reveal")
    assert screen.lines[0].startswith("1/2  new 2")
    screen.send(" ")
    screen.wait_for("3 Good")
    screen.send("3")
    screen.wait_for("2/2")
    screen.send("q")
    out = screen.finish()
    [event] = ledger(future_vault)
    assert event["kind"] == "review" and event["reason"] == EARLY_REASON
    assert event["path"] in (SELECT, PERCENT)
    assert "left today" in out


@pytest.mark.slow
def test_search_reviews_the_notes_it_finds(future_vault) -> None:
    screen = PtyScreen(future_vault, "review", "--search", "zebrafish")
    screen.wait_for("space reveal")
    assert screen.lines[0].startswith("1/2")
    titles = {screen.lines[1]}
    screen.send("s")
    screen.wait_for("skipped")
    titles.add(screen.lines[1])
    assert titles == {"select、poll、epoll", "Later note"}
    screen.send("q")
    screen.finish()
    missing = PtyScreen(future_vault, "review", "--search", "nowhere-at-all")
    assert "no note matches 'nowhere-at-all'" in missing.finish()


@pytest.mark.slow
def test_outline_reviews_the_notes_it_links(future_vault) -> None:
    screen = PtyScreen(future_vault, "review", "--outline", "操作系统")
    screen.wait_for("space reveal")
    assert screen.lines[0].startswith("1/2")
    first = screen.lines[1]
    screen.send(" ")
    screen.wait_for("1 Again")
    screen.send("4")
    screen.wait_for("2/2")
    assert screen.lines[1] != first and {first, screen.lines[1]} == {
        "select、poll、epoll",
        "100% CPU",
    }
    screen.send("q")
    screen.finish()
    assert [e["reason"] for e in ledger(future_vault)] == [EARLY_REASON]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("editor", "message"),
    [
        ('vim "', "not edited: cannot read $EDITOR"),
        ("/no/such/editor", "not edited: cannot run the editor '/no/such/editor'"),
        ("false", "the editor exited with status 1"),
    ],
)
def test_editor_failures_are_one_line_and_the_session_goes_on(make_vault, editor, message):
    vault = make_vault({SELECT: note("select、poll、epoll", TODAY)})
    screen = PtyScreen(vault, "review", columns=120, env={"EDITOR": editor, "VISUAL": ""})
    screen.wait_for("space reveal")
    screen.send("e")
    screen.wait_for(message)
    assert screen.lines[1] == "select、poll、epoll"
    screen.send(" ")
    screen.wait_for("3 Good")
    screen.send("3")
    screen.wait_for("Session done")
    out = screen.finish()
    assert "Traceback" not in out
    assert [e["kind"] for e in ledger(vault)] == ["review"]


@pytest.mark.slow
def test_a_dumb_terminal_is_not_reprinted_every_second(make_vault) -> None:
    vault = make_vault({SELECT: note("select、poll、epoll", TODAY)})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(vault), "review"],
        env={"TERM": "dumb", "NO_COLOR": "1", "HOME": str(vault)},
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=15,
    )
    child.expect("space reveal")
    try:
        child.expect("space reveal", timeout=2.5)
        reprinted = True
    except pexpect.TIMEOUT:
        reprinted = False
    assert not reprinted
    assert "\x1b[" not in child.before
    child.send(" ")
    child.expect("3 Good")
    child.send("q")
    child.expect(pexpect.EOF)


def test_each_previewed_interval_is_the_one_recorded_for_many_first_reviews(make_vault):
    notes = {f"notes/T/n{i:02d}.md": note(f"Note {i}", TODAY, reviews=i % 3) for i in range(24)}
    root = make_vault(notes)
    vault = open_vault(root)
    now = dt.datetime.now().astimezone()
    queue, _ = load_queue(vault, now.date(), use_limits=False)
    backend = VaultBackend(vault, lambda: now)
    cards = build_cards(vault, queue.study, backend.histories(), now.date(), False)
    assert len(cards) == 24
    for number, card in enumerate(cards):
        rating = Rating(number % 4 + 1)
        card = backend.reload(card)
        shown = backend.preview(card)
        graded = backend.grade(card, rating, 5.0)
        assert graded.interval == shown[rating], (card.note_rel, rating)
    assert all(s.id for s in scan(vault).notes)


@pytest.mark.slow
def test_an_edit_is_shown_at_once_and_the_session_goes_on(make_vault) -> None:
    vault = make_vault({SELECT: note("select、poll、epoll", TODAY)})
    editor = 'sh -c \'printf "\\nEDITED in the editor\\n" >> "$0"\''
    screen = PtyScreen(vault, "review", columns=100, env={"EDITOR": editor, "VISUAL": ""})
    screen.wait_for("space reveal")
    screen.send("e")
    screen.wait_for("reloaded select、poll、epoll")
    screen.send(" d")
    screen.wait_for("EDITED in the editor")
    assert screen.lines[0].startswith("1/1") and screen.lines[1] == "select、poll、epoll"
    screen.send("3")
    assert "Session done" in screen.finish()
    assert "EDITED in the editor" in (vault / SELECT).read_text(encoding="utf-8")


def test_ahead_search_and_outline_are_one_at_a_time(future_vault, cli) -> None:
    result = cli("--vault", str(future_vault), "review", "--ahead", "2", "--search", "epoll")
    assert result.exit_code == 2
    assert result.stderr == "error: use one of --ahead, --search and --outline\n"


def test_the_end_screens_streak_counts_the_days_the_old_scripts_recorded(make_vault):
    """After ``migrate``, ``stats`` goes on from the old streak; the session's end screen says
    the same number, not a streak that starts again at 1."""
    from typer.testing import CliRunner

    from studycards.cli import app
    from studycards.cli.review import _earlier_days

    root = make_vault({"notes/T/a.md": note("A note", TODAY)})
    vault = open_vault(root)
    now = dt.datetime.now().astimezone()
    before = [(now.date() - dt.timedelta(days=n)).isoformat() for n in (1, 2)]
    vault.ensure_state_dir()
    (root / ".studycards" / "imported.json").write_text(
        json.dumps({"streak": {"history": before}}), encoding="utf-8"
    )
    queue, _ = load_queue(vault, now.date(), use_limits=False)
    backend = VaultBackend(vault, lambda: now, earlier_days=_earlier_days(vault))
    card = build_cards(vault, queue.study, backend.histories(), now.date(), False)[0]
    backend.grade(card, Rating.GOOD, 5.0)
    assert VaultBackend(vault, lambda: now).streak() == 1  # the ledger alone
    assert backend.streak() == 3
    stats = CliRunner().invoke(app, ["--vault", str(root), "stats", "--json"])
    assert json.loads(stats.stdout)["streak"]["current"] == backend.streak()
