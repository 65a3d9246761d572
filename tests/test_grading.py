"""Writing reviews: grade, undo byte for byte, migration, reconcile, reschedule, mv, the lock."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import fsrs_rs_python as fsrs
import pytest
from conftest import KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM

from studycards.errors import CannotComplete, PathEscapesVault, UsageError, VaultLocked
from studycards.lock import vault_lock
from studycards.notes.summary import parse_summary
from studycards.notes.vault import Vault, open_vault
from studycards.scheduling.grading import grade_note
from studycards.scheduling.history import note_state
from studycards.scheduling.queue import load_queue
from studycards.scheduling.reconcile import reconcile
from studycards.scheduling.reschedule import move_note, reschedule
from studycards.scheduling.schedule import (
    MemoryState,
    Rating,
    interview_due,
    mastery,
    migrate,
    retrievability,
)
from studycards.scheduling.schedule import grade as schedule_grade
from studycards.scheduling.undo import undo_last
from studycards.scheduling.writes import ledger_of, settings_of

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
# The engine's own intervals (the efficient scheduler is tested in test_policy.py).
EXACT_CONFIG = "notes_dir: notes\nfuzz: false\nscheduler: retention\n"

OLD = "notes/Old/old_tool.md"
OLD_NOTE = """---
created: '2025-09-01'
last_reviewed: '2025-10-20'
next_review: '2025-11-03'
review_count: 4
difficulty: medium
mastery_level: 0.7
tags: [Old]
---
# An old tool's note

## Short answer

It is.
"""

# Notes whose bytes an undo must give back exactly.
SHAPES = {
    "notes/Shapes/crlf.md": (
        "---\r\ncreated: '2025-10-01'\r\nnext_review: '2025-11-01'\r\nreview_count: 0\r\n"
        "difficulty: medium\r\ntags: [Shapes]\r\n---\r\n# CRLF note\r\n\r\n## Short answer\r\n"
        "\r\nText.\r\n"
    ),
    "notes/Shapes/bom.md": (
        "\ufeff---\ncreated: '2025-10-01'\nlast_reviewed: null\nnext_review: '2025-11-01'\n"
        "review_count: 0\nmastery_level: 0.0\n---\n# BOM note\n\nText.\n"
    ),
    "notes/Shapes/bare_dates.md": (
        "---\ncreated: 2025-10-01\nlast_reviewed: 2025-10-25\nnext_review: 2025-11-01\n"
        "review_count: 2\ndifficulty: hard\nmastery_level: 0.5\n---\n# Bare dates\n\nText.\n"
    ),
    "notes/Shapes/no_frontmatter.md": "# No frontmatter at all\n\nJust text, no block.\n",
    "notes/Shapes/with_id.md": (
        "---\nid: sc_fixed000001\n# a comment line\nnext_review: '2025-11-01'  # by hand\n"
        "review_count: 1\ndifficulty: easy\n---\n# Has an id\n\nText.\n"
    ),
}


@pytest.fixture
def exact_vault(make_vault) -> Vault:
    """The sample notes, the odd shapes and an old tool's note; fuzz off."""
    return open_vault(make_vault({**SHAPES, OLD: OLD_NOTE}, samples=True, config=EXACT_CONFIG))


def at(day_offset: int = 0, seconds: int = 0) -> dt.datetime:
    return NOW + dt.timedelta(days=day_offset, seconds=seconds)


def read(vault: Vault, rel: str) -> bytes:
    return (vault.root / rel).read_bytes()


def summary(vault: Vault, rel: str):
    return parse_summary(read(vault, rel).decode("utf-8"), rel)


def events(vault: Vault):
    return ledger_of(vault).read().events


def engine():
    return fsrs.FSRS(fsrs.DEFAULT_PARAMETERS)


# ---------------------------------------------------------------------------------------------
# grading


def test_grade_writes_only_the_projection_and_logs_the_review(exact_vault):
    rel = "notes/Shapes/with_id.md"
    before = read(exact_vault, rel).decode()
    result = grade_note(exact_vault, rel, Rating.GOOD, NOW, duration=12.34)
    expected = engine().next_states(None, 0.9, 0).good
    assert result.outcome.interval == round(expected.interval) == 2
    after = read(exact_vault, rel).decode()
    assert after == before.replace(
        "review_count: 1\n",
        "review_count: 2\n",
    ).replace(
        "difficulty: easy\n",
        f"difficulty: easy\nlast_reviewed: '2025-11-01'\nmastery_level: {result.mastery}\n",
    ).replace("next_review: '2025-11-01'  # by hand", "next_review: '2025-11-03'  # by hand")
    (review,) = events(exact_vault)
    assert (review.kind, review.card, review.note, review.path) == (
        "review",
        "sc_fixed000001",
        "sc_fixed000001",
        rel,
    )
    assert (review.rating, review.interval, review.due, review.day) == (
        3,
        2,
        "2025-11-03",
        "2025-11-01",
    )
    assert (review.elapsed_days, review.duration, review.ts) == (0, 12.3, "2025-11-01T09:00:00Z")
    assert review.stability == round(expected.memory.stability, 6)
    assert review.prev == {
        "last_reviewed": None,
        "next_review": "next_review: '2025-11-01'  # by hand\n",
        "review_count": "review_count: 1\n",
        "mastery_level": None,
    }  # fmt: skip


def test_a_note_without_an_id_gets_one_on_its_first_grade(exact_vault):
    result = grade_note(exact_vault, SEQ2SEQ, Rating.GOOD, NOW)
    note = summary(exact_vault, SEQ2SEQ)
    assert note.id is not None and note.id.startswith("sc_") and len(note.id) == 15
    assert result.event.card == note.id
    assert result.event.prev is not None and result.event.prev["id"] is None


def test_grades_through_the_ledger_follow_the_engine(exact_vault):
    rel = "notes/Shapes/crlf.md"
    plan = [
        (0, Rating.GOOD),
        (2, Rating.GOOD),
        (9, Rating.AGAIN),
        (10, Rating.HARD),
        (15, Rating.EASY),
    ]
    fsrs_engine, memory, previous = engine(), None, None
    for offset, rating in plan:
        today = TODAY + dt.timedelta(days=offset)
        elapsed = 0 if previous is None else (today - previous).days
        expected = getattr(fsrs_engine.next_states(memory, 0.9, elapsed), rating.name.lower())
        result = grade_note(exact_vault, rel, rating, at(offset))
        assert result.outcome.elapsed_days == elapsed
        assert result.outcome.interval == max(1, round(expected.interval))
        assert result.outcome.state.stability == pytest.approx(expected.memory.stability, abs=1e-5)
        assert result.outcome.state.difficulty == pytest.approx(
            expected.memory.difficulty, abs=1e-5
        )
        assert summary(exact_vault, rel).next_review == result.outcome.due
        assert summary(exact_vault, rel).review_count == len([p for p in plan if p[0] <= offset])
        memory = fsrs.MemoryState(result.event.stability, result.event.difficulty)
        previous = today
    assert read(exact_vault, rel).count(b"\r\n") == read(exact_vault, rel).count(b"\n")


def test_mastery_in_the_note_rises_and_drops_after_again(exact_vault):
    rel = "notes/Shapes/bom.md"
    levels = []
    for offset, rating in [
        (0, Rating.GOOD),
        (2, Rating.GOOD),
        (8, Rating.GOOD),
        (30, Rating.AGAIN),
    ]:
        levels.append(grade_note(exact_vault, rel, rating, at(offset)).mastery)
        assert summary(exact_vault, rel).mastery_level == levels[-1]
    assert levels[0] < levels[1] < levels[2] and levels[3] < levels[2]


# ---------------------------------------------------------------------------------------------
# undo


@pytest.mark.parametrize("rel", sorted(SHAPES) + [SEQ2SEQ, MULTI_HEAD, KV_CACHE, OLD])
def test_undo_gives_back_the_exact_bytes(exact_vault, rel):
    original = read(exact_vault, rel)
    grade_note(exact_vault, rel, Rating.HARD, NOW)
    assert read(exact_vault, rel) != original
    result = undo_last(exact_vault, at(seconds=5))
    assert read(exact_vault, rel) == original
    assert result.rel == rel and result.undone.kind == "review"
    assert events(exact_vault)[-1].kind == "undo"


@pytest.mark.parametrize("rel", sorted(SHAPES) + [OLD])
def test_two_undos_undo_two_reviews(exact_vault, rel):
    original = read(exact_vault, rel)
    grade_note(exact_vault, rel, Rating.GOOD, NOW)
    after_first = read(exact_vault, rel)
    grade_note(exact_vault, rel, Rating.EASY, at(1))
    undo_last(exact_vault, at(1, 5))
    assert read(exact_vault, rel) == after_first
    undo_last(exact_vault, at(1, 6))
    assert read(exact_vault, rel) == original
    with pytest.raises(CannotComplete, match="^nothing to undo: no review in the ledger$"):
        undo_last(exact_vault, at(1, 7))


def test_undo_restores_the_schedule_seen_by_the_queue(exact_vault):
    grade_note(exact_vault, TWO_SUM, Rating.AGAIN, NOW)
    undo_last(exact_vault, at(seconds=1))
    queue, _ = load_queue(exact_vault, TODAY, use_limits=False)
    item = next(i for i in queue.groups["today"] if i.note.rel == TWO_SUM)
    assert item.due == TODAY
    assert item.state is not None and item.state.last_review == dt.date(2025, 10, 30)


def test_undo_with_nothing_to_undo(exact_vault):
    with pytest.raises(CannotComplete) as caught:
        undo_last(exact_vault, NOW)
    assert str(caught.value) == "nothing to undo: no review in the ledger"


def test_undo_and_regrade_gives_the_same_result_as_grading_once(exact_vault):
    """An old tool's note that already had an id: the import logged with the undone review must
    not leave a state dated on the day of the import behind."""
    rel = "notes/Old/with_id.md"
    (exact_vault.root / rel).parent.mkdir(parents=True, exist_ok=True)
    (exact_vault.root / rel).write_text(OLD_NOTE.replace("---\n", "---\nid: sc_old000000001\n", 1))
    first = grade_note(exact_vault, rel, Rating.GOOD, NOW)
    undo_last(exact_vault, at(seconds=1))
    second = grade_note(exact_vault, rel, Rating.GOOD, at(seconds=2))
    assert second.outcome == first.outcome


# ---------------------------------------------------------------------------------------------
# migration from the old tool's fields


def test_an_old_note_keeps_its_next_review_until_graded(exact_vault):
    queue, _ = load_queue(exact_vault, TODAY, use_limits=False)
    item = next(i for g in queue.groups.values() for i in g if i.note.rel == OLD)
    assert item.due == dt.date(2025, 11, 3) and item.group == "week"
    expected = migrate(
        "medium", dt.date(2025, 10, 20), dt.date(2025, 11, 3), settings_of(exact_vault)
    )
    assert item.state == expected
    assert events(exact_vault) == ()


def test_the_first_grade_of_an_old_note_logs_an_import_then_the_review(exact_vault):
    settings = settings_of(exact_vault)
    result = grade_note(exact_vault, OLD, Rating.GOOD, NOW)
    imported, review = events(exact_vault)
    assert (imported.kind, review.kind) == ("import", "review")
    assert imported.card == review.card == summary(exact_vault, OLD).id
    sm2 = engine().memory_state_from_sm2(2.5, 14.0, 0.9)
    expected = migrate("medium", dt.date(2025, 10, 20), dt.date(2025, 11, 3), settings)
    assert (imported.stability, imported.difficulty) == (sm2.stability, sm2.difficulty)
    assert (imported.stability, imported.difficulty) == (expected.stability, expected.difficulty)
    assert imported.due == "2025-11-03" and imported.reason == "migrated from review_count 4"
    elapsed = (TODAY - dt.date(2025, 10, 20)).days
    step = engine().next_states(fsrs.MemoryState(sm2.stability, sm2.difficulty), 0.9, elapsed)
    assert review.elapsed_days == elapsed == 12
    assert review.stability == round(step.good.memory.stability, 6)
    assert result.outcome.interval == round(step.good.interval)
    assert summary(exact_vault, OLD).review_count == 5
    grade_note(exact_vault, OLD, Rating.GOOD, at(3))
    assert [e.kind for e in events(exact_vault)] == ["import", "review", "review"]


# ---------------------------------------------------------------------------------------------
# reconcile: interrupted writes and hand edits


def crash_before_the_note_is_written(monkeypatch, vault: Vault, rel: str, now: dt.datetime):
    def crash(path: Path, text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("studycards.scheduling.writes.write_text", crash)
    with pytest.raises(KeyboardInterrupt):
        grade_note(vault, rel, Rating.GOOD, now)
    monkeypatch.undo()


@pytest.mark.parametrize(
    "rel", ["notes/Shapes/with_id.md", SEQ2SEQ, "notes/Shapes/no_frontmatter.md"]
)
def test_reconcile_finishes_a_review_whose_note_write_was_interrupted(
    exact_vault, monkeypatch, rel
):
    original = read(exact_vault, rel)
    crash_before_the_note_is_written(monkeypatch, exact_vault, rel, NOW)
    assert read(exact_vault, rel) == original
    review = events(exact_vault)[-1]
    with vault_lock(exact_vault.state_dir):
        done = reconcile(exact_vault, at(seconds=30))
    assert done.finished == (rel,) and done.manual == ()
    note = summary(exact_vault, rel)
    assert note.id == review.card
    assert note.next_review == review.due_date and note.last_reviewed == TODAY
    state = MemoryState(review.stability, review.difficulty, TODAY)
    assert note.mastery_level == mastery(state, TODAY)
    assert events(exact_vault)[-1] == review  # nothing more logged
    with vault_lock(exact_vault.state_dir):
        assert reconcile(exact_vault, at(seconds=40)).finished == ()


def test_reconcile_gives_the_same_bytes_as_an_uninterrupted_grade(make_vault, monkeypatch):
    rel = "notes/Shapes/with_id.md"
    done, crashed = (open_vault(make_vault(SHAPES, config=EXACT_CONFIG)) for _ in range(2))
    grade_note(done, rel, Rating.GOOD, NOW)
    crash_before_the_note_is_written(monkeypatch, crashed, rel, NOW)
    with vault_lock(crashed.state_dir):
        reconcile(crashed, NOW)
    assert read(crashed, rel) == read(done, rel)


def test_reconcile_finishes_an_interrupted_review_whose_due_day_did_not_change(
    exact_vault, monkeypatch
):
    rel = "notes/Shapes/with_id.md"
    grade_note(exact_vault, rel, Rating.EASY, NOW)
    before = summary(exact_vault, rel)
    crash_before_the_note_is_written(monkeypatch, exact_vault, rel, at(seconds=10))
    assert events(exact_vault)[-1].due_date == before.next_review  # same day again
    with vault_lock(exact_vault.state_dir):
        assert reconcile(exact_vault, at(seconds=20)).finished == (rel,)
    assert summary(exact_vault, rel).review_count == before.review_count + 1


def test_a_hand_edited_next_review_is_logged_once_and_wins(exact_vault):
    rel = "notes/Shapes/with_id.md"
    grade_note(exact_vault, rel, Rating.GOOD, NOW)
    path = exact_vault.root / rel
    path.write_bytes(path.read_bytes().replace(b"2025-11-03", b"2025-12-24"))
    with vault_lock(exact_vault.state_dir):
        done = reconcile(exact_vault, at(seconds=60))
    assert done.manual == (rel,) and done.finished == ()
    manual = events(exact_vault)[-1]
    assert (manual.kind, manual.card, manual.due) == ("manual", "sc_fixed000001", "2025-12-24")
    assert manual.reason == "next_review edited by hand"
    with vault_lock(exact_vault.state_dir):
        assert reconcile(exact_vault, at(seconds=70)) == type(done)()
    queue, _ = load_queue(exact_vault, TODAY, use_limits=False)
    item = next(i for i in queue.groups["later"] if i.note.rel == rel)
    assert item.due == dt.date(2025, 12, 24)


def test_reconcile_reports_the_ledgers_notices(exact_vault):
    grade_note(exact_vault, TWO_SUM, Rating.GOOD, NOW)
    with open(ledger_of(exact_vault).path, "ab") as handle:
        handle.write(b"garbage\n")
    with vault_lock(exact_vault.state_dir):
        done = reconcile(exact_vault, NOW)
    assert len(done.notices) == 1 and "not a JSON event" in done.notices[0]


# ---------------------------------------------------------------------------------------------
# reschedule


def all_bytes(vault: Vault) -> dict[str, bytes]:
    files = {p: p.read_bytes() for p in (vault.root / "notes").rglob("*") if p.is_file()}
    ledger = ledger_of(vault).path
    if ledger.exists():
        files[ledger] = ledger.read_bytes()
    return files


def set_config(vault: Vault, text: str) -> Vault:
    (vault.root / "studycards.yaml").write_text(text, encoding="utf-8")
    return open_vault(vault.root)


@pytest.mark.parametrize("fuzz", ["false", "true"])
def test_reschedule_with_unchanged_settings_moves_nothing(make_vault, fuzz):
    vault = open_vault(
        make_vault({**SHAPES, OLD: OLD_NOTE}, samples=True, config=f"fuzz: {fuzz}\n")
    )
    for rel, rating in [(TWO_SUM, Rating.AGAIN), (MULTI_HEAD, Rating.GOOD), (OLD, Rating.HARD)]:
        grade_note(vault, rel, rating, NOW)
    grade_note(vault, "notes/Shapes/crlf.md", Rating.EASY, NOW)
    moved = {m.rel for m in reschedule(vault, NOW, dry_run=True)}
    assert moved.isdisjoint({TWO_SUM, MULTI_HEAD, OLD, "notes/Shapes/crlf.md"})
    reschedule(vault, NOW, dry_run=False)
    assert reschedule(vault, at(seconds=1), dry_run=True) == []
    assert reschedule(vault, at(3), dry_run=True) == []


def test_reschedule_dry_run_writes_nothing_and_lists_the_moves(exact_vault):
    graded = [TWO_SUM, MULTI_HEAD, "notes/Shapes/crlf.md"]
    for rel in graded:
        grade_note(exact_vault, rel, Rating.GOOD, NOW)
    vault = set_config(exact_vault, EXACT_CONFIG + "desired_retention: 0.8\n")
    before = all_bytes(vault)
    moves = reschedule(vault, at(seconds=10), dry_run=True)
    assert all_bytes(vault) == before
    by_rel = {m.rel: m for m in moves}
    assert set(graded) <= set(by_rel)
    for rel in graded:
        move = by_rel[rel]
        assert move.old_due == summary(vault, rel).next_review
        assert move.new_due > move.old_due  # lower retention: longer intervals
    review = next(e for e in events(vault) if e.path == TWO_SUM and e.kind == "review")
    interval = engine().next_interval(review.stability, 0.8, 3)
    assert by_rel[TWO_SUM].new_due == TODAY + dt.timedelta(days=round(interval))


def test_reschedule_applies_the_moves_and_logs_them(exact_vault):
    for rel in (TWO_SUM, MULTI_HEAD):
        grade_note(exact_vault, rel, Rating.GOOD, NOW)
    vault = set_config(exact_vault, EXACT_CONFIG + "desired_retention: 0.8\n")
    planned = reschedule(vault, at(seconds=10), dry_run=True)
    count = len(events(vault))
    applied = reschedule(vault, at(seconds=10), dry_run=False)
    assert applied == planned
    logged = events(vault)[count:]
    assert [e.kind for e in logged if e.kind == "manual"] == ["manual"] * len(applied)
    assert all(e.reason == "reschedule" for e in logged if e.kind == "manual")
    for move in applied:
        assert summary(vault, move.rel).next_review == move.new_due
    assert reschedule(vault, at(seconds=20), dry_run=True) == []


# ---------------------------------------------------------------------------------------------
# mv


def test_mv_moves_the_file_and_the_history_follows(exact_vault):
    grade_note(exact_vault, TWO_SUM, Rating.GOOD, NOW)
    before = read(exact_vault, TWO_SUM)
    source, target = move_note(exact_vault, TWO_SUM, "notes/Algorithms/two_sum_hash")
    assert (source, target) == (TWO_SUM, "notes/Algorithms/two_sum_hash.md")
    assert not (exact_vault.root / TWO_SUM).exists()
    assert read(exact_vault, target) == before
    queue, _ = load_queue(exact_vault, TODAY, use_limits=False)
    item = next(i for g in queue.groups.values() for i in g if i.note.rel == target)
    assert item.state is not None and item.state.last_review == TODAY
    undo_last(exact_vault, at(seconds=5))
    assert summary(exact_vault, target).last_reviewed == dt.date(2025, 10, 30)


def test_mv_gives_a_note_without_an_id_one_first(exact_vault):
    _, target = move_note(exact_vault, SEQ2SEQ, "notes/Transformer/seq2seq.md")
    assert summary(exact_vault, target).id is not None


def test_a_note_renamed_outside_studycards_is_matched_by_its_id(exact_vault):
    rel = "notes/Shapes/with_id.md"
    grade_note(exact_vault, rel, Rating.GOOD, NOW)
    os.rename(exact_vault.root / rel, exact_vault.root / "notes/Shapes/renamed.md")
    queue, _ = load_queue(exact_vault, TODAY, use_limits=False)
    item = next(i for g in queue.groups.values() for i in g if i.note.id == "sc_fixed000001")
    assert item.note.rel == "notes/Shapes/renamed.md"
    assert item.state is not None and item.state.last_review == TODAY
    with vault_lock(exact_vault.state_dir):
        assert reconcile(exact_vault, NOW) == type(reconcile(exact_vault, NOW))()
    grade_note(exact_vault, "notes/Shapes/renamed.md", Rating.GOOD, at(2))
    assert [e.card for e in events(exact_vault)] == ["sc_fixed000001"] * 2


def test_mv_refuses_an_existing_target(exact_vault):
    before = all_bytes(exact_vault)
    with pytest.raises(CannotComplete, match=f"^{MULTI_HEAD} already exists: not overwritten$"):
        move_note(exact_vault, TWO_SUM, MULTI_HEAD)
    assert all_bytes(exact_vault) == before


@pytest.mark.parametrize("target", ["../escape.md", "notes/../../escape.md", "/tmp/escape.md"])
def test_mv_refuses_to_leave_the_vault(exact_vault, target):
    before = all_bytes(exact_vault)
    with pytest.raises(PathEscapesVault, match="would leave the vault"):
        move_note(exact_vault, TWO_SUM, target)
    assert all_bytes(exact_vault) == before


def test_mv_refuses_a_target_outside_the_notes_folder(exact_vault):
    before = all_bytes(exact_vault)
    with pytest.raises(UsageError, match="^outlines/two_sum.md is outside the notes folder"):
        move_note(exact_vault, TWO_SUM, "outlines/two_sum.md")
    assert all_bytes(exact_vault) == before


# ---------------------------------------------------------------------------------------------
# the lock


def test_a_second_writer_is_refused_while_the_lock_is_held(exact_vault):
    with vault_lock(exact_vault.state_dir):
        with pytest.raises(VaultLocked) as caught:
            grade_note(exact_vault, TWO_SUM, Rating.GOOD, NOW)
    assert (
        str(caught.value)
        == f"another studycards process (pid {os.getpid()}) is writing to this vault"
    )
    assert events(exact_vault) == ()
    grade_note(exact_vault, TWO_SUM, Rating.GOOD, NOW)  # released


# ---------------------------------------------------------------------------------------------
# interview-date mode from the config


def test_interview_date_in_the_config_brings_weak_notes_back_before_the_date(make_vault):
    date = dt.date(2025, 11, 20)
    config = EXACT_CONFIG + f"interview_date: {date}\ninterview_target: 0.95\n"
    vault = open_vault(make_vault(config=config))
    plain = replace(settings_of(vault), interview_date=None)
    for rel in (MULTI_HEAD, KV_CACHE, SEQ2SEQ):
        state = note_state(summary(vault, rel), {}, plain)
        normal = schedule_grade(rel, state, Rating.GOOD, TODAY, plain)
        result = grade_note(vault, rel, Rating.GOOD, NOW)
        if normal.due > date and retrievability(normal.state, date) < 0.95:
            assert result.outcome.due == interview_due(normal.state, date, settings_of(vault)), rel
        else:
            assert result.outcome.due == normal.due, rel
        assert result.outcome.state == normal.state
    dues = {e.path: e.due for e in events(vault) if e.kind == "review"}
    assert dues[MULTI_HEAD] == "2025-11-17"  # weak on the day: back three days before it
    assert dues[SEQ2SEQ] == "2025-11-03"  # due before the date anyway
