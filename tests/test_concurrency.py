"""Several writers on one vault at once: review sessions, link, a scripted grade, an editor.

Every writer takes the vault lock; the review session waits for it (up to 15 s) instead of
failing, so no grade is lost, and every write re-reads the note under the lock, so no one's
change is written over. Readers see a note whole, before or after a write, never half of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
from _faults import REVIEW_TOUCH, check_agreement, environment, outside, studycards
from test_review_pty import frontmatter_value, ledger_events, note, spawn

from studycards.lock import LOCK_NAME, vault_lock
from studycards.notes.summary import parse_summary
from studycards.scheduling.ledger import Ledger

ATTENTION = "notes/Attention/first.md"
CODING = "notes/Coding/second.md"
TODAY = dt.date.today()


@pytest.fixture
def root(make_vault) -> Path:
    return make_vault(
        {
            ATTENTION: note("Attention question", TODAY - dt.timedelta(days=1), "ALPHA answer"),
            CODING: note("Coding question", TODAY, "GAMMA answer"),
        }
    )


def revealed(child: pexpect.spawn, answer: str) -> pexpect.spawn:
    child.expect("space reveal")
    child.send(" ")
    child.expect(answer)
    return child


def ended(child: pexpect.spawn) -> None:
    child.expect("Session done")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def reviews(root: Path) -> list[tuple[str, int]]:
    return sorted((e["path"], e["rating"]) for e in ledger_events(root) if e["kind"] == "review")


# ---------------------------------------------------------------------------------------------
# two sessions


@pytest.mark.slow
def test_two_sessions_grading_different_cards_both_land(root: Path) -> None:
    one = revealed(spawn(root, "review", "--topic", "Attention"), "ALPHA answer")
    two = revealed(spawn(root, "review", "--topic", "Coding"), "GAMMA answer")
    one.send("3")
    two.send("4")  # at once: whichever comes second waits for the other's lock
    ended(one)
    ended(two)
    assert reviews(root) == [(ATTENTION, 3), (CODING, 4)]
    assert frontmatter_value(root, ATTENTION, "review_count") == "1"
    assert frontmatter_value(root, CODING, "review_count") == "1"
    check_agreement(root, {})


@pytest.mark.slow
def test_two_sessions_grading_the_same_card_count_twice(root: Path) -> None:
    one = revealed(spawn(root, "review", "--limit", "1"), "ALPHA answer")
    two = revealed(spawn(root, "review", "--limit", "1"), "ALPHA answer")
    one.send("2")
    two.send("3")
    ended(one)
    ended(two)
    assert reviews(root) == [(ATTENTION, 2), (ATTENTION, 3)]
    assert frontmatter_value(root, ATTENTION, "review_count") == "2"  # no update lost
    check_agreement(root, {})


# ---------------------------------------------------------------------------------------------
# a session and another writer


def held_by(root: Path, process: subprocess.Popen) -> None:
    """Wait (busily: link holds the lock for milliseconds) until ``process`` holds the lock."""
    lock = root / ".studycards" / LOCK_NAME
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if lock.read_text(encoding="ascii").strip() == str(process.pid):
                return
        except FileNotFoundError:
            pass
    raise AssertionError(f"pid {process.pid} was never seen holding the lock")


@pytest.mark.slow
def test_link_and_a_grade_at_once_both_end_up_in_the_note(root: Path) -> None:
    session = revealed(spawn(root, "review", "--limit", "1"), "ALPHA answer")
    link = subprocess.Popen(studycards(root, "link"), env=environment(), stdout=subprocess.DEVNULL)
    try:
        held_by(root, link)
        link.send_signal(signal.SIGSTOP)  # link holds the lock, mid-way through its writes
        session.send("3")
        time.sleep(1.0)
        assert reviews(root) == []  # the grade waits for the lock
    finally:
        link.send_signal(signal.SIGCONT)
    assert link.wait(timeout=30) == 0
    ended(session)
    text = (root / ATTENTION).read_text(encoding="utf-8")
    assert "<!-- 自动生成 -->" in text and f"({CODING})" in text  # link's block
    assert reviews(root) == [(ATTENTION, 3)]  # the grade, after it
    assert frontmatter_value(root, ATTENTION, "review_count") == "1"
    check_agreement(root, {})


@pytest.mark.slow
def test_a_scripted_grade_during_a_session_is_not_lost(root: Path) -> None:
    session = revealed(spawn(root, "review", "--limit", "1"), "ALPHA answer")
    scripted = subprocess.run(
        studycards(root, "grade", ATTENTION, "hard"), env=environment(), capture_output=True
    )
    assert scripted.returncode == 0, scripted.stderr
    session.send("3")
    ended(session)
    assert reviews(root) == [(ATTENTION, 2), (ATTENTION, 3)]
    assert frontmatter_value(root, ATTENTION, "review_count") == "2"
    second = [e for e in ledger_events(root) if e["kind"] == "review"][1]
    assert second["prev"]["review_count"] == "review_count: 1\n"  # graded on the fresh note
    check_agreement(root, {})


@pytest.mark.slow
def test_undo_in_a_session_keeps_a_later_scripted_grade_of_the_same_note(root: Path) -> None:
    session = revealed(spawn(root, "review"), "ALPHA answer")
    session.send("3")
    session.expect("Coding question")
    scripted = subprocess.run(
        studycards(root, "grade", ATTENTION, "hard"), env=environment(), capture_output=True
    )
    assert scripted.returncode == 0, scripted.stderr
    graded = (root / ATTENTION).read_bytes()
    session.send("u")
    session.expect("reviewed again since, elsewhere")
    session.send("q")
    ended(session)
    assert (root / ATTENTION).read_bytes() == graded  # its id and both reviews stay
    assert [e["kind"] for e in ledger_events(root)] == ["review", "review"]
    check_agreement(root, {})


@pytest.mark.slow
def test_a_grade_waiting_for_the_lock_is_saved_once_it_is_free(root: Path) -> None:
    session = revealed(spawn(root, "review", "--limit", "1"), "ALPHA answer")
    with vault_lock(root / ".studycards"):
        session.send("3")
        blocked = subprocess.run(
            studycards(root, "grade", CODING, "good"), env=environment(), capture_output=True
        )
        time.sleep(0.5)
        assert reviews(root) == []
    assert blocked.returncode != 0
    assert b"is writing to this vault" in blocked.stderr  # a command fails at once instead
    ended(session)
    assert reviews(root) == [(ATTENTION, 3)]
    check_agreement(root, {})


# ---------------------------------------------------------------------------------------------
# readers


WRITER = """
import datetime as dt, hashlib, json, sys
from pathlib import Path
from studycards.scheduling.grading import grade_note
from studycards.scheduling.schedule import Rating
from studycards.notes.vault import open_vault
root, rel, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
vault = open_vault(root)
seen = []
for n in range(count):
    now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=n)
    grade_note(vault, rel, Rating(n % 4 + 1), now)
    seen.append(hashlib.sha256((root / rel).read_bytes()).hexdigest())
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_readers_see_a_note_before_or_after_a_write_never_half(root: Path) -> None:
    path = root / ATTENTION
    original = path.read_bytes()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root), ATTENTION, "40"],
        env=environment(),
        stdout=subprocess.PIPE,
    )
    reads: set[str] = set()
    ledger = Ledger(root / ".studycards" / "reviews.jsonl")
    while writer.poll() is None:
        raw = path.read_bytes()
        reads.add(hashlib.sha256(raw).hexdigest())
        summary = parse_summary(raw.decode("utf-8"), ATTENTION)
        assert not summary.broken and outside(raw, REVIEW_TOUCH) == outside(original, REVIEW_TOUCH)
        assert all("last line is incomplete" in n for n in ledger.read().notices)
    written = json.loads(writer.communicate()[0])
    assert writer.returncode == 0 and len(written) == 40
    assert reads <= {hashlib.sha256(original).hexdigest(), *written}
    assert len(reads) > 5  # the reader did overlap the writes


# ---------------------------------------------------------------------------------------------
# an editor


EDITED = ("ALPHA answer", "EDITED answer from the editor")
CLOSING = "\nA closing paragraph added in the editor.\n"


def save_as_editor(path: Path) -> bytes:
    """Write the note in place (as many editors save), with new body text."""
    text = path.read_text(encoding="utf-8").replace(*EDITED) + CLOSING
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return text.encode("utf-8")


@pytest.mark.slow
def test_a_note_saved_in_an_editor_is_reloaded_and_kept(root: Path) -> None:
    session = spawn(root, "review", "--limit", "1")
    session.expect("Attention question")
    session.expect("space reveal")
    edited = save_as_editor(root / ATTENTION)
    session.expect("reloaded Attention question", timeout=5)  # at the next tick of the screen
    session.send(" ")
    session.expect("EDITED answer from the editor")
    session.send("3")
    ended(session)
    after = (root / ATTENTION).read_bytes()
    assert outside(after, REVIEW_TOUCH) == outside(edited, REVIEW_TOUCH)
    assert frontmatter_value(root, ATTENTION, "review_count") == "1"


@pytest.mark.slow
def test_grading_right_after_an_editor_save_writes_no_stale_text(root: Path) -> None:
    session = revealed(spawn(root, "review", "--limit", "1"), "ALPHA answer")
    edited = save_as_editor(root / ATTENTION)
    session.send("3")  # before the screen had a chance to reload
    ended(session)
    after = (root / ATTENTION).read_bytes()
    assert CLOSING.strip().encode() in after
    assert outside(after, REVIEW_TOUCH) == outside(edited, REVIEW_TOUCH)
    check_agreement(root, {})
