"""doctor: each health problem is one exact line; --repair fixes what is safe, one line each."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studycards.lock import vault_lock
from studycards.notes.index import INDEX_NAME
from studycards.notes.vault import Vault, open_vault, scan
from studycards.scheduling.grading import grade_note
from studycards.scheduling.schedule import Rating
from studycards.scheduling.writes import ledger_of

NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
A, B = "notes/T/a.md", "notes/T/b.md"


def note(title: str) -> str:
    return (
        "---\ncreated: '2025-10-01'\nlast_reviewed: null\nnext_review: '2025-10-20'\n"
        f"review_count: 0\ndifficulty: medium\nmastery_level: 0.0\n---\n# {title}\n\n"
        "## Short answer\n\nYes.\n"
    )


@pytest.fixture
def vault(make_vault, use_vault, monkeypatch) -> Vault:
    """Two notes, each graded once (so each has an id and a ledger history); time pinned."""
    root = make_vault(
        {A: note("A"), B: note("B")}, config="notes_dir: notes\nfuzz: false\nscheduler: retention\n"
    )
    use_vault(root)
    monkeypatch.setattr("studycards.scheduling.clock.now_in", lambda zone: NOW)
    vault = open_vault(root)
    for rel in (A, B):
        grade_note(vault, rel, Rating.GOOD, NOW)
    scan(vault)  # the cache as a command leaves it
    return vault


def text(vault: Vault, rel: str) -> str:
    return (vault.root / rel).read_text(encoding="utf-8")


def write(vault: Vault, rel: str, content: str) -> None:
    (vault.root / rel).write_text(content, encoding="utf-8")


def note_id(vault: Vault, rel: str) -> str:
    return next(line[4:] for line in text(vault, rel).splitlines() if line.startswith("id: "))


def doctor(cli, *args: str):
    return cli("doctor", *args)


def test_a_healthy_vault(vault, cli):
    result = doctor(cli)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "the vault is healthy\n")
    assert doctor(cli, "--repair").stdout == ""


def test_an_interrupted_review_is_finished(vault, cli):
    before = text(vault, A)
    grade_note(vault, A, Rating.EASY, NOW + dt.timedelta(days=2))
    due = ledger_of(vault).read().events[-1].due
    write(vault, A, before)  # the crash: the ledger has the review, the note does not
    result = doctor(cli)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{A}: the ledger holds a review the note does not show yet (next_review 2025-11-03, "
        f"ledger {due}): --repair writes it\n"
    )
    assert result.stderr == "1 problem found; 1 can be fixed with --repair\n"
    repaired = doctor(cli, "--repair")
    assert repaired.exit_code == 0
    assert repaired.stdout == (f"repaired: {A}: wrote the review the ledger holds into the note\n")
    assert f"next_review: '{due}'" in text(vault, A) and "review_count: 2" in text(vault, A)
    assert doctor(cli).exit_code == 0


def test_a_hand_edited_next_review_is_logged(vault, cli):
    write(
        vault, A, text(vault, A).replace("next_review: '2025-11-03'", "next_review: '2026-01-01'")
    )
    scan(vault)
    result = doctor(cli)
    assert result.stdout == (
        f"{A}: next_review 2026-01-01 differs from the ledger (2025-11-03): edited by hand? "
        "--repair logs it as a manual reschedule\n"
    )
    assert doctor(cli, "--repair").stdout == (
        f"repaired: {A}: logged its next_review as a manual reschedule\n"
    )
    last = ledger_of(vault).read().events[-1]
    assert (last.kind, last.due, last.reason) == (
        "manual",
        "2026-01-01",
        "next_review edited by hand",
    )
    assert doctor(cli).exit_code == 0


def test_duplicate_ids_give_the_copy_a_new_id(vault, cli):
    copy = "notes/T/copy.md"
    write(vault, copy, text(vault, A))
    scan(vault)
    same = note_id(vault, A)
    result = doctor(cli)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{copy}: has the same id {same} as {A} (a copy?): the next writing command, or "
        "--repair, gives it a new id\n"
    )
    repaired = doctor(cli, "--repair")
    assert repaired.exit_code == 0
    new = note_id(vault, copy)
    assert new != same and note_id(vault, A) == same
    assert repaired.stdout == f"repaired: {copy}: gave it the new id {new} (it shared {same})\n"


def test_the_copy_at_the_ledgers_path_keeps_the_id(vault, cli):
    """The copy sorting first is the newcomer: the note the ledger last saw keeps its history."""
    first = "notes/T/0_first.md"
    write(vault, first, text(vault, B))
    assert doctor(cli).stdout.startswith(f"{first}: has the same id {note_id(vault, B)} as {B}")


def test_a_removed_id_is_put_back(vault, cli):
    old = note_id(vault, A)
    write(vault, A, text(vault, A).replace(f"id: {old}\n", ""))
    scan(vault)
    result = doctor(cli)
    assert result.stdout == (
        f"{A}: has no id, but the ledger holds 1 event for its id {old}: --repair puts it back\n"
    )
    repaired = doctor(cli, "--repair")
    assert repaired.stdout == f"repaired: {A}: put back its id {old}, so its history applies\n"
    assert note_id(vault, A) == old and doctor(cli).exit_code == 0


def test_a_changed_id_and_a_deleted_note_are_warnings(vault, cli):
    old_a, old_b = note_id(vault, A), note_id(vault, B)
    write(vault, A, text(vault, A).replace(f"id: {old_a}", "id: sc_othernote01"))
    (vault.root / B).unlink()
    scan(vault)
    result = doctor(cli)
    assert result.exit_code == 0
    assert result.stdout == (
        f"{A}: warning: the ledger holds 1 event for {old_a} logged at this path, but the note's "
        f"id is now sc_othernote01: if it is the same note, set its id back to {old_a}\n"
        f"{B}: warning: the ledger holds 1 event for note {old_b}, which no note carries "
        "(deleted?): kept, harmless\n"
    )
    assert result.stderr == "the vault is healthy (2 warnings)\n"


def test_a_torn_last_line_is_moved_aside(vault, cli):
    path = ledger_of(vault).path
    whole = path.read_bytes()
    with open(path, "ab") as handle:
        handle.write(b'{"kind":"review","ca')
    result = doctor(cli)
    assert result.stdout == (
        ".studycards/reviews.jsonl: last line is incomplete (20 bytes, torn by a crash): "
        "--repair moves it to reviews.torn.txt\n"
    )
    assert doctor(cli, "--repair").stdout == (
        "repaired: moved the torn last line of the ledger (20 bytes) to "
        ".studycards/reviews.torn.txt\n"
    )
    assert path.read_bytes() == whole
    assert (path.parent / "reviews.torn.txt").read_bytes() == b'{"kind":"review","ca\n'


def test_a_bad_line_inside_the_ledger_is_a_warning(vault, cli):
    path = ledger_of(vault).path
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0], b"<<<<<<< HEAD", *lines[1:]]))
    result = doctor(cli)
    assert result.exit_code == 0
    assert result.stdout == ".studycards/reviews.jsonl:2: warning: not a JSON event: ignored\n"


def test_a_stale_lock_pid_is_reported_and_cleared(vault, cli):
    lock = vault.state_dir / "lock"
    lock.write_text("999999999\n", encoding="ascii")
    result = doctor(cli)
    assert result.exit_code == 0
    assert result.stdout == (
        ".studycards/lock: warning: pid 999999999 is not running (left by a crash): harmless, "
        "the lock itself was released; --repair clears it\n"
    )
    repaired = doctor(cli, "--repair")
    assert repaired.stdout == "repaired: cleared the stale pid 999999999 from .studycards/lock\n"
    assert lock.read_text(encoding="ascii") == ""


def test_a_lock_that_is_held_is_not_stale_and_repair_waits_for_it(vault, cli):
    with vault_lock(vault.state_dir):
        assert doctor(cli).stdout == ""
        result = doctor(cli, "--repair")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: another studycards process (pid {os.getpid()}) is writing to this vault\n"
    )


def test_cache_rows_for_deleted_and_changed_notes_are_not_a_problem(vault, cli):
    """The next scan refreshes them, so doctor does not even warn."""
    (vault.root / B).unlink()
    write(vault, A, text(vault, A) + "\nMore.\n")
    result = doctor(cli)
    assert result.stdout == _orphan_line(vault, B)
    assert result.exit_code == 0


def _orphan_line(vault: Vault, rel: str) -> str:
    events = [e for e in ledger_of(vault).read().events if e.path == rel]
    return (
        f"{rel}: warning: the ledger holds 1 event for note {events[0].note}, which no note "
        "carries (deleted?): kept, harmless\n"
    )


def test_a_cached_row_that_lies_about_its_note(vault, cli):
    """Same size and mtime but other content (a copy that kept the time): only doctor sees it."""
    path = vault.root / A
    info = path.stat()
    content = text(vault, A)
    write(vault, A, content.replace("difficulty: medium", "difficulty: easy  "))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    result = doctor(cli)
    assert result.stdout == (
        ".studycards/index.sqlite: warning: stale rows: 1 not matching the note, whose size and time did "
        "not change: --repair rebuilds it\n"
    )
    assert doctor(cli, "--repair").exit_code == 0
    assert next(s for s in scan(vault).summaries if s.rel == A).difficulty == "easy"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda p: p.write_bytes(b"not a database at all" * 100),
            "unreadable (file is not a database)",
        ),
        (
            lambda p: _set_stamp(p, "0:elsewhere:1"),
            "built by another studycards version or settings",
        ),
    ],
)
def test_an_unreadable_or_foreign_index(vault, cli, damage, message):
    damage(vault.state_dir / INDEX_NAME)
    result = doctor(cli)
    assert result.stdout == f".studycards/index.sqlite: warning: {message}: --repair rebuilds it\n"
    assert doctor(cli, "--repair").stdout == (
        "repaired: rebuilt the cache .studycards/index.sqlite (2 notes)\n"
    )
    assert doctor(cli).exit_code == 0


def _set_stamp(path: Path, stamp: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'stamp'", (stamp,))
    connection.commit()
    connection.close()


def test_everything_at_once_then_healthy(vault, cli):
    old = note_id(vault, B)
    write(vault, B, text(vault, B).replace(f"id: {old}\n", ""))
    write(vault, "notes/T/z.md", text(vault, A))
    with open(ledger_of(vault).path, "ab") as handle:
        handle.write(b'{"torn')
    (vault.state_dir / "lock").write_text("999999999\n", encoding="ascii")
    assert doctor(cli).exit_code == 1
    result = doctor(cli, "--repair")
    assert result.exit_code == 0
    assert [line.split(":")[1].strip() for line in result.stdout.splitlines()] == [
        "cleared the stale pid 999999999 from .studycards/lock",
        "moved the torn last line of the ledger (6 bytes) to .studycards/reviews.torn.txt",
        "notes/T/z.md",
        "notes/T/b.md",
    ]
    assert result.stderr == "the vault is healthy\n"
    assert doctor(cli).stdout == ""


def test_doctor_in_a_real_process_never_prints_a_traceback(vault):
    (vault.state_dir / INDEX_NAME).write_bytes(b"\x00" * 5000)
    with open(ledger_of(vault).path, "ab") as handle:
        handle.write(b"\xff\xfe{")
    env = dict(os.environ, STUDYCARDS_VAULT=str(vault.root))
    for args in (["doctor"], ["doctor", "--repair"], ["doctor"]):
        run = subprocess.run(
            [sys.executable, "-m", "studycards", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(ledger_of(vault).path.read_text(encoding="utf-8").splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# temporary files left by a killed write


def _leftover(folder: Path, name: str, age: float = 3600.0) -> Path:
    path = folder / name
    path.write_text("half a note", encoding="utf-8")
    old = path.stat().st_mtime - age
    os.utime(path, (old, old))
    return path


def test_temporary_files_left_by_a_killed_write_are_reported_and_deleted(vault, cli):
    notes = vault.root / "notes" / "T"
    leftover = _leftover(notes, ".a.md.k3j9x_2q.tmp")
    cache = _leftover(vault.state_dir, ".activity.json.1234.tmp")
    before = text(vault, A)
    result = doctor(cli)
    assert result.exit_code == 0
    assert result.stdout == (
        ".studycards/.activity.json.1234.tmp: warning: left by an interrupted write of "
        "activity.json (which is intact): --repair deletes it\n"
        "notes/T/.a.md.k3j9x_2q.tmp: warning: left by an interrupted write of a.md (which is "
        "intact): --repair deletes it\n"
    )
    repaired = doctor(cli, "--repair")
    assert repaired.stdout == (
        "repaired: deleted .studycards/.activity.json.1234.tmp, left by an interrupted write\n"
        "repaired: deleted notes/T/.a.md.k3j9x_2q.tmp, left by an interrupted write\n"
    )
    assert not leftover.exists() and not cache.exists()
    assert text(vault, A) == before
    assert doctor(cli).stdout == ""


def test_a_fresh_temporary_file_may_be_a_write_in_progress_and_is_left_alone(vault, cli):
    fresh = _leftover(vault.root / "notes" / "T", ".b.md.abc123.tmp", age=0.0)
    other = _leftover(vault.root / "notes" / "T", "plan.tmp")  # not a temporary file's name
    assert doctor(cli).stdout == ""
    doctor(cli, "--repair")
    assert fresh.exists() and other.exists()
