"""kill -9 at random points during ``grade``: the note and the ledger are never left corrupt.

Each run is ``python -m studycards --vault V grade NOTE good``, killed with SIGKILL after a random
delay of 0-300 ms; every 15th run is let finish. Python's start-up alone can take longer than
300 ms on a loaded machine, so the delays are counted three ways, in turn: from the start (kills
during start-up), from a calibrated lead (the time a complete run takes to reach its ledger
append, less 250 ms, re-measured as the load changes), and from the moment the ledger grows (a
0-2 ms delay: the review is logged but the note not yet written, the case reconcile finishes).

After every kill the note is either byte-identical to before or a completed review (only the
projection keys and ``id`` differ) and the ledger parses; after the next reconcile (in process
under the lock, or simply the next ``grade`` command) the note's ``next_review``,
``last_reviewed`` and ``review_count`` agree with the ledger.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _faults import (
    EDGE_NOTES,
    REVIEW_TOUCH,
    Probe,
    check_note,
    environment,
    kill_after,
    kill_on_change,
    reconcile_now,
    start,
)
from conftest import SEQ2SEQ, TWO_SUM

from studycards.notes.summary import parse_summary
from studycards.notes.vault import Vault, open_vault
from studycards.scheduling.history import replay
from studycards.scheduling.writes import ledger_of

KILLS = 50
MAX_ITERATIONS = 100
PLAIN, CRLF = EDGE_NOTES
EXTRA = EDGE_NOTES
NOTES = [TWO_SUM, SEQ2SEQ, PLAIN, CRLF]
# Reviews each note had before this test (two_sum's old tool counted one).
START_COUNT = {TWO_SUM: 1, SEQ2SEQ: 0, PLAIN: 0, CRLF: 0}


def command(root: Path, rel: str) -> list[str]:
    return [sys.executable, "-m", "studycards", "--vault", str(root), "grade", rel, "good"]


def completed_run_lead(root: Path, rel: str) -> float:
    """Seconds from start until a complete ``grade`` run appends to the ledger."""
    ledger = root / ".studycards" / "reviews.jsonl"
    size = ledger.stat().st_size if ledger.exists() else 0
    started = time.monotonic()
    process = subprocess.Popen(command(root, rel), env=environment(), stdout=subprocess.DEVNULL)
    appended = None
    while process.poll() is None:
        if appended is None and ledger.exists() and ledger.stat().st_size != size:
            appended = time.monotonic() - started
        time.sleep(0.001)
    assert process.returncode == 0
    return appended if appended is not None else time.monotonic() - started


def check_after_kill(vault: Vault, rel: str, before: bytes, before_count: int) -> str:
    """The note is untouched or a completed review; the ledger parses. Returns which."""
    ledger_of(vault).read()  # never raises
    after = (vault.root / rel).read_bytes()
    if after == before:
        return "untouched"
    check_note(rel, before, after, REVIEW_TOUCH)
    note = parse_summary(after.decode("utf-8"), rel)
    history = replay(ledger_of(vault).read().events)[note.id]
    assert note.next_review == history.due
    assert note.review_count == before_count + 1
    return "completed"


def check_agreement(vault: Vault, rel: str) -> int:
    """Note and ledger agree: due day, review count, last review day. Returns the count."""
    note = parse_summary((vault.root / rel).read_text(encoding="utf-8"), rel)
    cards = replay(ledger_of(vault).read().events)
    if note.id is None:  # never reviewed yet
        assert not any(h.last and h.last.path == rel for h in cards.values())
        return START_COUNT[rel]
    history = cards[note.id]
    assert note.next_review == history.due
    assert note.review_count == START_COUNT[rel] + history.reviews
    assert history.last is not None and note.last_reviewed == history.last.day_date
    return note.review_count


def kill_once(vault: Vault, rel: str, strategy: int, lead: float, rng: random.Random) -> int:
    """Start a grade and kill it by ``strategy``; returns the exit code (-9 when killed)."""
    ledger = ledger_of(vault).path
    process = start(command(vault.root, rel))
    if strategy == 0:  # anywhere in the first 300 ms, start-up included
        kill_after(process, rng.uniform(0, 0.3))
    elif strategy == 3:  # right after the review is logged, before the note is written
        kill_on_change(process, Probe([ledger]), rng.uniform(0, 0.002))
    else:  # a 300 ms window ending just after the ledger append
        kill_after(process, lead + rng.uniform(0, 0.3))
    return process.returncode


@pytest.mark.slow
def test_kill_9_during_grade_leaves_note_and_ledger_consistent(make_vault):
    vault = open_vault(make_vault(EXTRA, samples=True))
    rng = random.Random(20251101)
    counts = {rel: check_agreement(vault, rel) for rel in NOTES}
    outcomes: dict[str, int] = {}
    killed = iteration = 0
    lead = 0.0
    while killed < KILLS and iteration < MAX_ITERATIONS:
        rel = NOTES[iteration % len(NOTES)]
        if iteration % 15 == 0:  # let a run complete, and re-measure the lead under this load
            lead = max(0.0, completed_run_lead(vault.root, rel) - 0.25)
            counts[rel] = check_agreement(vault, rel)
        before = (vault.root / rel).read_bytes()
        ledger_size = ledger_of(vault).path.stat().st_size
        code = kill_once(vault, rel, iteration % 4, lead, rng)
        outcome = check_after_kill(vault, rel, before, counts[rel])
        appended = ledger_of(vault).path.stat().st_size != ledger_size
        key = f"{'killed' if code == -signal.SIGKILL else 'finished'}, {outcome}"
        key += ", ledger appended" if appended else ""
        outcomes[key] = outcomes.get(key, 0) + 1
        killed += code == -signal.SIGKILL
        if iteration % 5 == 1:  # the next grade command reconciles, then grades once more
            result = subprocess.run(
                command(vault.root, rel), env=environment(), capture_output=True, timeout=120
            )
            assert result.returncode == 0, result.stderr
        else:
            reconcile_now(vault)
        counts[rel] = check_agreement(vault, rel)
        iteration += 1
    print(f"\n{iteration} runs: {outcomes}")
    assert killed >= KILLS
    assert outcomes.get("killed, untouched, ledger appended", 0) >= 1  # a review left half-done
