"""``studycards today`` and ``studycards sync`` end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, SEQ2SEQ, TWO_SUM

from studycards.notes.vault import open_vault
from studycards.scheduling.writes import ledger_of

NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def root(make_vault, use_vault, monkeypatch) -> Path:
    monkeypatch.setattr("studycards.scheduling.clock.now_in", lambda _zone: NOW)
    monkeypatch.setattr("studycards.scheduling.clock.today_in", lambda *_: NOW.date())
    return use_vault(make_vault(config="notes_dir: notes\nfuzz: false\nchecklist_language: en\n"))


def checklist(root: Path) -> str:
    return (root / "reviewsToday.md").read_text(encoding="utf-8")


def tick(root: Path, *replacements: tuple[str, str]) -> None:
    text = checklist(root)
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (root / "reviewsToday.md").write_text(text, encoding="utf-8")


def ratings(root: Path) -> list[tuple[str, int]]:
    events = ledger_of(open_vault(root)).read().events
    return [(e.path, e.rating) for e in events if e.kind == "review"]


def test_today_writes_the_checklist(cli, root):
    result = cli("today")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "wrote reviewsToday.md: 2 overdue, 1 today, 1 this week, 0 done today\n"
    assert checklist(root).startswith("# Reviews for 2025-11-01\n")
    assert f"- [ ] [两数之和]({TWO_SUM}) · reviews 1 · easy\n" in checklist(root)


def test_today_reports_the_daily_limits(cli, root):
    (root / "studycards.yaml").write_text(
        "new_per_day: 0\nfuzz: false\nchecklist_language: en\n", encoding="utf-8"
    )
    result = cli("today")
    assert result.stdout.splitlines() == [
        "wrote reviewsToday.md: 1 overdue, 1 today, 1 this week, 0 done today",
        "daily limits left 1 due notes out (--all lists them)",
    ]
    result = cli("today", "--all")
    assert result.stdout == "wrote reviewsToday.md: 2 overdue, 1 today, 1 this week, 0 done today\n"


def test_today_refuses_to_drop_ticked_boxes(cli, root):
    cli("today")
    tick(root, ("- [ ] [两数", "- [x] [两数"))
    before = checklist(root)
    result = cli("today")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: reviewsToday.md has 1 ticked box not yet synced (line 12): run 'studycards sync' "
        "first, or 'studycards today --force' to drop them\n"
    )
    assert checklist(root) == before
    assert cli("today", "--force").exit_code == 0
    assert "[x]" not in checklist(root)


def test_sync_logs_and_marks_done(cli, root):
    cli("today")
    tick(
        root,
        ("- [ ] [两数", "- [x] [两数"),
        ("- [ ] [beam", "- [x] [beam"),
        ("beam_search.md) ·", "beam_search.md) (hard) ·"),
    )
    result = cli("sync")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{BEAM_SEARCH}: hard -> next review ")
    assert lines[1].startswith(f"{TWO_SUM}: good -> next review ")
    assert lines[2] == "logged 2 reviews"
    assert ratings(root) == [(BEAM_SEARCH, 2), (TWO_SUM, 3)]
    assert "[x]" not in checklist(root)
    assert f"- [✓] [两数之和]({TWO_SUM}) (good) · reviews 1 · easy" in checklist(root)
    assert f"- [✓] [beam search]({BEAM_SEARCH}) (hard) · reviews 2" in checklist(root)
    result = cli("today")  # nothing ticked any more; what was done stays listed
    assert result.stdout == "wrote reviewsToday.md: 1 overdue, 0 today, 1 this week, 2 done today\n"
    assert f"## Done today\n\n- [✓] [beam search]({BEAM_SEARCH}) (hard)\n" in checklist(root)


def test_second_sync_has_nothing_to_do(cli, root):
    cli("today")
    tick(root, ("- [ ] [两数", "- [x] [两数"))
    cli("sync")
    text = checklist(root)
    result = cli("sync")
    assert result.exit_code == 0
    assert result.stdout == "nothing to sync: no ticked boxes in reviewsToday.md\n"
    assert checklist(root) == text and ratings(root) == [(TWO_SUM, 3)]


def test_sync_reports_a_dead_link_with_its_line(cli, root):
    cli("today")
    tick(
        root,
        ("- [ ] [两数", "- [x] [两数"),
        (f"({SEQ2SEQ})", "(notes/Transformer/gone.md)"),
        ("- [ ] [Seq2Seq", "- [x] [Seq2Seq"),
    )
    result = cli("sync")
    assert result.exit_code == 1
    assert result.stderr == "reviewsToday.md:7: no note at notes/Transformer/gone.md\n"
    assert result.stdout.splitlines()[-1] == "logged 1 review; 1 line left ticked"
    assert "- [x] [Seq2Seq" in checklist(root)
    assert ratings(root) == [(TWO_SUM, 3)]


def test_sync_says_when_a_note_was_already_reviewed_today(cli, root):
    assert cli("grade", TWO_SUM, "good").exit_code == 0
    cli("today")
    (root / "reviewsToday.md").write_text(f"- [x] [两数之和]({TWO_SUM}) (easy)\n", encoding="utf-8")
    result = cli("sync")
    assert result.stdout.splitlines()[0].endswith("(already reviewed today: logged again)")
    assert ratings(root) == [(TWO_SUM, 3), (TWO_SUM, 4)]


def test_sync_without_a_checklist(cli, root):
    result = cli("sync")
    assert result.exit_code == 1
    assert result.stderr == "error: no reviewsToday.md in the vault: run 'studycards today' first\n"


def test_help_of_both_commands(cli):
    for command in ("today", "sync"):
        result = cli(command, "--help")
        assert result.exit_code == 0 and "reviewsToday.md" in result.stdout
