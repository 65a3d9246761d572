"""The scheduling commands end to end: due, grade, undo, reschedule, mv, and the vault lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM, pin_clock

from studycards.lock import vault_lock
from studycards.notes.summary import parse_summary
from studycards.notes.vault import open_vault
from studycards.scheduling.ledger import TORN_NAME
from studycards.scheduling.schedule import Settings, migrate
from studycards.scheduling.writes import ledger_of

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=UTC)
EXACT_CONFIG = "notes_dir: notes\nfuzz: false\n"

OLD = "notes/Old/old_tool.md"
OLD_NOTE = """---
created: '2025-09-01'
last_reviewed: '2025-10-20'
next_review: '2025-11-03'
review_count: 4
difficulty: medium
mastery_level: 0.7
---
# An old tool's note

Text.
"""


@pytest.fixture
def clock(monkeypatch):
    """Pin the time commands see: ``clock(datetime)``; pinned to NOW to start with."""

    def pin(now: dt.datetime) -> dt.datetime:
        return pin_clock(monkeypatch, now)

    pin(NOW)
    return pin


@pytest.fixture
def root(make_vault, use_vault, clock) -> Path:
    """The sample vault plus an old tool's note, fuzz off, named by STUDYCARDS_VAULT."""
    return use_vault(make_vault({OLD: OLD_NOTE}, samples=True, config=EXACT_CONFIG))


def events(root: Path):
    return ledger_of(open_vault(root)).read().events


def summary(root: Path, rel: str):
    return parse_summary((root / rel).read_text(encoding="utf-8"), rel)


def due_json(cli, *args: str) -> dict:
    result = cli("due", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def all_bytes(root: Path) -> dict[Path, bytes]:
    files = {p: p.read_bytes() for p in (root / "notes").rglob("*") if p.is_file()}
    ledger = root / ".studycards" / "reviews.jsonl"
    if ledger.exists():
        files[ledger] = ledger.read_bytes()
    return files


# ---------------------------------------------------------------------------------------------
# due


def test_due_shows_todays_study_list_then_the_rest_collapsed(root, cli):
    result = cli("due")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "2025-11-01: 3 to study now (3 due, 1 of them new; 0 reviewed today)"
    assert lines[1].startswith("Today's study list (3, most overdue first)")
    assert "2025-10-19 (+13d)" in result.stdout and "new" in result.stdout
    assert "The rest: this week 2 (next 2025-11-03: 1) · later 1 (next 2025-12-01: 1)" in (
        result.stdout
    )


def _study_titles(text: str) -> list[str]:
    rows = [line.split("│") for line in text.splitlines() if "│" in line]
    return [row[1].strip() for row in rows if row[0].strip().isdigit()]


@pytest.mark.parametrize("order", ["due", "risk", "easy-first"])
def test_due_prints_the_study_list_in_the_chosen_order(root, cli, order):
    text = cli("due", "--order", order).stdout
    expected = [i["title"] for i in due_json(cli, "--order", order)["study"]]
    assert _study_titles(text) == expected
    names = {"due": "most overdue first", "risk": "lowest", "easy-first": "easy, familiar"}
    assert names[order] in text


def test_due_json_structure(root, cli):
    data = due_json(cli)
    assert data["today"] == "2025-11-01"
    assert [i["path"] for i in data["study"]] == [SEQ2SEQ, BEAM_SEARCH, TWO_SUM]
    groups = {g: [i["path"] for i in items] for g, items in data["groups"].items()}
    assert groups == {
        "overdue": [SEQ2SEQ, BEAM_SEARCH],
        "today": [TWO_SUM],
        "week": [OLD, MULTI_HEAD],
        "later": [KV_CACHE],
    }
    assert data["still_to_do"] is None and data["until"] is None


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("due", [SEQ2SEQ, BEAM_SEARCH, TWO_SUM]),
        ("risk", [BEAM_SEARCH, TWO_SUM, SEQ2SEQ]),
        ("easy-first", [TWO_SUM, BEAM_SEARCH, SEQ2SEQ]),
    ],
)
def test_due_orders(root, cli, order, expected):
    assert [i["path"] for i in due_json(cli, "--order", order)["study"]] == expected


def test_the_order_can_come_from_the_config(root, cli):
    (root / "studycards.yaml").write_text(EXACT_CONFIG + "order: easy-first\n", encoding="utf-8")
    assert due_json(cli)["study"][0]["path"] == TWO_SUM


def test_due_with_an_unknown_order(root, cli):
    result = cli("due", "--order", "shuffle")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: unknown order 'shuffle': use one of due, risk, easy-first, weighted\n"
    )


def test_daily_limits_cut_the_list_and_the_totals_line_says_so(root, cli):
    (root / "studycards.yaml").write_text(
        EXACT_CONFIG + "new_per_day: 0\nreviews_per_day: 1\n", encoding="utf-8"
    )
    result = cli("due")
    lines = result.stdout.splitlines()
    assert lines[0] == "2025-11-01: 1 to study now (3 due, 1 of them new; 0 reviewed today)"
    assert lines[1] == (
        "daily limits cut the list: 1 of 3 shown (new_per_day / reviews_per_day in "
        "studycards.yaml, or --all)"
    )
    assert lines[2] == "  new: 0 of 1 (new_per_day 0); reviews: 1 of 2 (reviews_per_day 1)"
    assert _study_titles(result.stdout) == [due_json(cli)["study"][0]["title"]]
    assert "The rest: overdue 1 (cut by the daily limits) · today 1 (cut by the daily" in (
        result.stdout.replace("\n", " ")
    )
    assert [i["path"] for i in due_json(cli)["study"]] == [BEAM_SEARCH]
    assert len(due_json(cli, "--all")["study"]) == 3


def test_reviews_done_today_count_against_the_limit(root, cli):
    (root / "studycards.yaml").write_text(EXACT_CONFIG + "reviews_per_day: 2\n", encoding="utf-8")
    assert cli("grade", BEAM_SEARCH, "good").exit_code == 0
    data = due_json(cli)
    assert data["done_today"] == 1
    assert [i["path"] for i in data["study"]] == [SEQ2SEQ, TWO_SUM]
    first = cli("due").stdout.splitlines()[0]
    assert first == "2025-11-01: 2 to study now (2 due, 1 of them new; 1 reviewed today)"


def test_due_until_shows_what_is_still_to_be_done(root, cli):
    (root / "studycards.yaml").write_text(
        EXACT_CONFIG + "interview_target: 0.95\n", encoding="utf-8"
    )
    data = due_json(cli, "--until", "2025-11-20")
    assert data["until"] == "2025-11-20"
    still = [i["path"] for i in data["still_to_do"]]
    assert SEQ2SEQ in still and KV_CACHE in still
    kv = next(i for i in data["groups"]["week"] + data["groups"]["later"] if i["path"] == KV_CACHE)
    assert kv["due"] == "2025-11-17"  # pulled into the run-up, three days before the date
    text = cli("due", "--until", "2025-11-20").stdout
    assert f"still to do before 2025-11-20: {len(still)} notes below 95% predicted recall" in text
    assert f"  2025-11-17  What does the KV cache store? ({KV_CACHE})" in text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "error: --until: expected a date like 2026-12-15, got 'soon'\n"),
        ("2025-10-01", "error: --until: 2025-10-01 is in the past\n"),
    ],
)
def test_due_until_refuses_bad_dates(root, cli, value, message):
    result = cli("due", "--until", value)
    assert (result.exit_code, result.stderr) == (2, message)


def test_an_old_note_keeps_its_next_review_until_its_first_grade(root, cli):
    old = next(i for i in due_json(cli)["groups"]["week"] if i["path"] == OLD)
    assert old["due"] == "2025-11-03" and not old["new"]
    assert cli("grade", OLD, "good").exit_code == 0
    imported, review = events(root)
    assert (imported.kind, review.kind) == ("import", "review")
    state = migrate("medium", dt.date(2025, 10, 20), dt.date(2025, 11, 3), Settings(fuzz=False))
    assert (imported.stability, imported.difficulty) == (state.stability, state.difficulty)
    assert summary(root, OLD).next_review == review.due_date


# ---------------------------------------------------------------------------------------------
# grade and undo


def test_grade_prints_the_outcome(root, cli):
    result = cli("grade", "two_sum", "good")
    assert result.exit_code == 0 and result.stderr == ""
    review = events(root)[-1]
    note = summary(root, TWO_SUM)
    assert result.stdout == (
        f"两数之和: good -> next review {review.due} (in {review.interval}d), "
        f"mastery {note.mastery_level:.2f}\n"
    )
    assert note.next_review == review.due_date and note.review_count == 2


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("two_sum", "meh"), 2, "error: unknown grade 'meh': use again, hard, good or easy\n"),
        (
            ("zzz_nothing", "good"),
            1,
            "error: no note matches 'zzz_nothing' (try 'studycards list')\n",
        ),
    ],
)
def test_grade_errors(root, cli, args, code, message):
    result = cli("grade", *args)
    assert (result.exit_code, result.stderr, result.stdout) == (code, message, "")
    assert events(root) == ()


def test_undo_with_nothing_to_undo(root, cli):
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stderr == "error: nothing to undo: no review in the ledger\n"
    assert result.stdout == ""


def test_undo_restores_the_note_and_says_what_it_undid(root, cli, clock):
    before = (root / TWO_SUM).read_bytes()
    cli("grade", TWO_SUM, "again")
    clock(NOW + dt.timedelta(minutes=1))
    result = cli("undo")
    assert result.exit_code == 0
    assert result.stdout == f"undid the review of 两数之和 from 2025-11-01 ({TWO_SUM})\n"
    assert (root / TWO_SUM).read_bytes() == before
    assert cli("undo").exit_code == 1


def test_two_undos_undo_two_reviews(root, cli, clock):
    first, second = (root / TWO_SUM).read_bytes(), (root / BEAM_SEARCH).read_bytes()
    cli("grade", TWO_SUM, "good")
    clock(NOW + dt.timedelta(seconds=30))
    cli("grade", BEAM_SEARCH, "hard")
    assert cli("undo").stdout.startswith("undid the review of beam search")
    assert cli("undo").stdout.startswith("undid the review of 两数之和")
    assert (root / TWO_SUM).read_bytes() == first
    assert (root / BEAM_SEARCH).read_bytes() == second


# ---------------------------------------------------------------------------------------------
# hand edits and damaged ledgers


def test_a_hand_edited_next_review_is_logged_by_the_next_write_and_honoured(root, cli, clock):
    cli("grade", TWO_SUM, "good")
    path = root / TWO_SUM
    due = summary(root, TWO_SUM).next_review
    path.write_bytes(path.read_bytes().replace(due.isoformat().encode(), b"2025-12-24"))
    clock(NOW + dt.timedelta(minutes=5))
    assert cli("grade", BEAM_SEARCH, "good").exit_code == 0
    manual = [e for e in events(root) if e.kind == "manual"]
    assert len(manual) == 1
    assert (manual[0].path, manual[0].due) == (TWO_SUM, "2025-12-24")
    item = next(i for i in due_json(cli)["groups"]["later"] if i["path"] == TWO_SUM)
    assert item["due"] == "2025-12-24"
    cli("grade", SEQ2SEQ, "good")
    assert len([e for e in events(root) if e.kind == "manual"]) == 1


def test_a_torn_ledger_line_is_reported_once_and_set_aside_by_the_next_grade(root, cli, clock):
    cli("grade", TWO_SUM, "good")
    ledger = root / ".studycards" / "reviews.jsonl"
    with open(ledger, "ab") as handle:
        handle.write(b'{"card":"sc_x","kind":"rev')
    notice = (
        f"warning: {ledger}: last line is incomplete (torn by a crash?): ignored; "
        f"the next write moves it to {TORN_NAME}\n"
    )
    assert cli("due").stderr == notice
    clock(NOW + dt.timedelta(seconds=30))
    result = cli("grade", BEAM_SEARCH, "good")
    assert (result.exit_code, result.stderr) == (0, notice)
    assert (ledger.parent / TORN_NAME).read_bytes() == b'{"card":"sc_x","kind":"rev\n'
    assert cli("due").stderr == ""
    assert [e.kind for e in events(root)] == ["import", "review", "import", "review"]


def test_bad_ledger_lines_are_named_and_the_rest_still_counts(root, cli):
    cli("grade", TWO_SUM, "good")  # an import and a review: lines 1 and 2
    ledger = root / ".studycards" / "reviews.jsonl"
    with open(ledger, "ab") as handle:
        handle.write(b'{"v": 99, "kind": "hologram"}\nnot json\n')
    result = cli("due", "--json")
    assert result.stderr.splitlines() == [
        f"warning: {ledger}:3: schema version 99 is newer than this studycards (1): ignored; "
        "upgrade studycards",
        f"warning: {ledger}:4: not a JSON event: ignored",
    ]
    item = next(
        i for g in json.loads(result.stdout)["groups"].values() for i in g if i["path"] == TWO_SUM
    )
    assert item["review_count"] == 2


# ---------------------------------------------------------------------------------------------
# reschedule


def test_reschedule_dry_run_writes_nothing_then_applies(root, cli, clock):
    for rel in (TWO_SUM, BEAM_SEARCH):
        assert cli("grade", rel, "good").exit_code == 0
    nothing = cli("reschedule", "--dry-run")
    assert (nothing.stdout, nothing.stderr) == ("", "0 notes would move\n")
    (root / "studycards.yaml").write_text(
        EXACT_CONFIG + "desired_retention: 0.8\n", encoding="utf-8"
    )
    before = all_bytes(root)
    result = cli("reschedule", "--dry-run")
    assert result.exit_code == 0
    assert all_bytes(root) == before
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [TWO_SUM, BEAM_SEARCH]
    assert result.stderr == "2 notes would move\n"
    old_due = summary(root, TWO_SUM).next_review.isoformat()
    assert lines[0].startswith(f"{TWO_SUM}: {old_due} -> ")
    new_due = lines[0].rsplit(" ", 1)[1]

    clock(NOW + dt.timedelta(minutes=1))
    applied = cli("reschedule")
    assert (applied.stdout, applied.stderr) == (result.stdout, "2 notes moved\n")
    assert summary(root, TWO_SUM).next_review.isoformat() == new_due
    manual = [e for e in events(root) if e.kind == "manual"]
    assert [(e.path, e.due, e.reason) for e in manual][0] == (TWO_SUM, new_due, "reschedule")
    assert cli("reschedule", "--dry-run").stderr == "0 notes would move\n"


# ---------------------------------------------------------------------------------------------
# mv


def test_mv_moves_the_note_and_its_history_follows(root, cli):
    cli("grade", TWO_SUM, "good")
    result = cli("mv", TWO_SUM, "notes/Algorithms/two_sum_hash.md")
    assert result.exit_code == 0
    assert result.stdout == f"moved {TWO_SUM} -> notes/Algorithms/two_sum_hash.md\n"
    data = due_json(cli)
    moved = next(i for g in data["groups"].values() for i in g if i["title"] == "两数之和")
    assert moved["path"] == "notes/Algorithms/two_sum_hash.md"
    assert moved["recall_today"] == 1.0 and moved["topic"] == "Algorithms"
    assert cli("undo").exit_code == 0
    assert summary(root, "notes/Algorithms/two_sum_hash.md").review_count == 1


def test_a_note_renamed_by_hand_is_matched_by_its_id(root, cli):
    cli("grade", BEAM_SEARCH, "easy")
    os.rename(root / BEAM_SEARCH, root / "notes/Inference/beam.md")
    item = next(
        i for g in due_json(cli)["groups"].values() for i in g if i["path"].endswith("beam.md")
    )
    assert item["recall_today"] == 1.0
    assert (
        cli("undo").stdout == "undid the review of beam from 2025-11-01 (notes/Inference/beam.md)\n"
    )


def test_mv_refuses_an_existing_target(root, cli):
    before = all_bytes(root)
    result = cli("mv", TWO_SUM, MULTI_HEAD)
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {MULTI_HEAD} already exists: not overwritten\n",
    )
    assert all_bytes(root) == before


def test_mv_refuses_to_escape_the_vault(root, cli):
    before = all_bytes(root)
    result = cli("mv", TWO_SUM, "../two_sum.md")
    assert result.exit_code == 1
    assert result.stderr == f"error: ../two_sum.md would leave the vault {root}\n"
    assert all_bytes(root) == before


# ---------------------------------------------------------------------------------------------
# the vault lock, across processes


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "studycards", "--vault", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_grade_in_another_process_is_refused_while_this_one_holds_the_lock(root):
    before = all_bytes(root)
    with vault_lock(root / ".studycards"):
        started = time.monotonic()
        result = run_cli(root, "grade", TWO_SUM, "good")
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr == (
        f"error: another studycards process (pid {os.getpid()}) is writing to this vault\n"
    )
    assert result.stdout == ""
    assert elapsed < 20  # at once: no waiting for the lock
    assert all_bytes(root) == before
    assert run_cli(root, "grade", TWO_SUM, "good").returncode == 0


def test_grade_here_is_refused_while_another_process_holds_the_lock(root, cli):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from studycards.lock import vault_lock\n"
            "with vault_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); sys.stdin.read()\n",
            str(root / ".studycards"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = cli("grade", TWO_SUM, "good")
        assert result.exit_code == 1
        assert result.stderr == (
            f"error: another studycards process (pid {holder.pid}) is writing to this vault\n"
        )
    finally:
        holder.communicate("", timeout=30)
    assert cli("grade", TWO_SUM, "good").exit_code == 0


def test_a_state_folder_that_is_a_file_is_a_clear_error(make_vault, use_vault, clock, cli):
    root = use_vault(make_vault())
    (root / ".studycards").write_text("oops\n", encoding="utf-8")
    result = cli("grade", TWO_SUM, "good")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {root / '.studycards'}: is not a folder: studycards keeps the review ledger "
        "and its lock there\n"
    )


def test_mv_first_finishes_a_first_review_whose_note_write_was_interrupted(root, cli, monkeypatch):
    from studycards.scheduling.grading import grade_note
    from studycards.scheduling.schedule import Rating

    def crash(path: Path, text: str) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("studycards.scheduling.writes.write_text", crash)
        with pytest.raises(KeyboardInterrupt):
            grade_note(open_vault(root), SEQ2SEQ, Rating.GOOD, NOW)
    review = events(root)[-1]
    assert summary(root, SEQ2SEQ).id is None
    assert cli("mv", SEQ2SEQ, "notes/Transformer/seq2seq.md").exit_code == 0
    moved = summary(root, "notes/Transformer/seq2seq.md")
    assert moved.id == review.card and moved.next_review == review.due_date
