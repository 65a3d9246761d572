"""Every note's summary and memory state in one disposable cache, ``.studycards/snapshot.bin``.

``due``, ``list`` and ``stats`` need, for every note, its summary and its memory state (from the
ledger's replay, else migrated from the old scheme's frontmatter), and the ledger's count of
reviews per day. Working them out means reading every index row and replaying the whole ledger;
the snapshot keeps the result, so a run in which nothing changed only walks the notes folder,
compares what it finds with what the snapshot was made from and reads one file.

The snapshot is used only when every note file has the path, size and modification time it was
made from, the ledger the same size, times and inode, and the settings are the same; any change
and it is made again (the note index still spares the parsing of unchanged notes). A damaged,
missing or unwritable snapshot only means the work is done afresh.
"""

from __future__ import annotations

import datetime as dt
import gc
import marshal
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studycards.notes.note import NoteSummary
from studycards.notes.vault import ScanResult, iter_note_files
from studycards.scheduling.history import DayCounts
from studycards.scheduling.schedule import MemoryState

if TYPE_CHECKING:
    from studycards.notes.vault import Vault, _FileEntry

SNAPSHOT_NAME = "snapshot.bin"
_VERSION = 1


@dataclass(frozen=True)
class VaultState:
    """The scan, each note's memory state by path (None: new), the day counts, the ledger's
    notices."""

    scan: ScanResult
    states: dict[str, MemoryState | None]
    days: DayCounts
    notices: tuple[str, ...] = ()


def vault_state(vault: Vault, use_cache: bool = True) -> VaultState:
    """The vault's notes and memory states, from the snapshot when nothing changed."""
    entries = list(iter_note_files(vault))
    path = vault.state_dir / SNAPSHOT_NAME
    key = _key(vault, entries)
    if use_cache:
        cached = _load(path, key)
        if cached is not None:
            return cached
    state = _build(vault, entries, use_cache)
    if use_cache:  # keyed by what was found before reading: a later change is a mismatch
        _save(path, key, state)
    return state


def _build(vault: Vault, entries: list[_FileEntry], use_cache: bool = True) -> VaultState:
    from studycards.notes.vault import scan
    from studycards.scheduling.history import migrated_state
    from studycards.scheduling.ledger import LEDGER_NAME
    from studycards.scheduling.replay_cache import REPLAY_NAME, load_replay
    from studycards.scheduling.writes import settings_of

    settings = settings_of(vault, with_margin=False)
    state_dir = vault.state_dir
    replayed = load_replay(state_dir / LEDGER_NAME, state_dir / REPLAY_NAME, use_cache)
    result = scan(vault, entries=entries)
    states = {
        note.rel: replayed.state(note.id) or migrated_state(note, settings) for note in result.notes
    }
    return VaultState(result, states, replayed.days, tuple(replayed.notices))


def _key(vault: Vault, entries: list[_FileEntry]) -> tuple:
    from studycards.notes.index import index_stamp
    from studycards.scheduling.ledger import LEDGER_NAME

    files = [
        (e.rel, e.size, e.mtime_ns, None if e.problem is None else e.problem.message)
        for e in entries
    ]
    return (
        _VERSION,
        sys.version_info[:2],
        index_stamp(vault),
        str(vault.root),
        repr(vault.config),
        _stamp(vault.state_dir / LEDGER_NAME),
        files,
    )


def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# ---------------------------------------------------------------------------------------------
# the file


def _load(path: Path, key: tuple) -> VaultState | None:
    from studycards._statefile import read_bytes
    from studycards.errors import StudycardsError

    try:
        with no_collection():
            data = marshal.loads(read_bytes(path))
            if not isinstance(data, tuple) or len(data) != 6 or data[0] != _VERSION:
                return None
            if data[1] != key:
                return None
            return _from_data(data[2:])
    except (OSError, StudycardsError, ValueError, TypeError, EOFError, KeyError, IndexError):
        return None


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while tens of thousands of objects are made that hold
    no cycles (it would walk them all again and again as they are made)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _from_data(data: tuple) -> VaultState:
    rows, states, (new, reviews), notices = data
    summaries = tuple(NoteSummary.from_row(row) for row in rows)
    by_rel = {rel: None if s is None else _state(s) for rel, s in states.items()}
    if not all(isinstance(n, str) for n in notices) or not all(map(_plain, summaries)):
        raise TypeError("not a snapshot studycards wrote")
    return VaultState(
        ScanResult(summaries), by_rel, DayCounts(dict(new), dict(reviews)), tuple(notices)
    )


def _plain(summary: NoteSummary) -> bool:
    """The types a summary's fields must have for the commands not to trip over them."""
    texts = (summary.rel, summary.title, summary.topic, *summary.tags)
    return (
        all(type(t) is str for t in texts)
        and type(summary.review_count) is int
        and type(summary.mastery_level) is float
    )


def _state(row: tuple) -> MemoryState:
    stability, difficulty, ordinal = (float(row[0]), float(row[1]), row[2])
    if not (0 < stability < math.inf and 1 <= difficulty <= 10):
        raise ValueError("not a memory state")
    return MemoryState(stability, difficulty, dt.date.fromordinal(ordinal))


def _row(s: NoteSummary) -> tuple:
    """``s.to_row()``, field by field (the generic one was a third of a rebuild)."""
    created, last, due = s.created, s.last_reviewed, s.next_review
    problems = tuple((p.path, p.line, p.severity, p.message) for p in s.problems)
    return (
        s.rel, s.title, s.topic, s.has_frontmatter, s.id,
        None if created is None else created.toordinal(),
        None if last is None else last.toordinal(),
        None if due is None else due.toordinal(),
        s.review_count, s.difficulty, s.mastery_level, s.tags, s.related_outlines, problems,
    )  # fmt: skip


def _save(path: Path, key: tuple, state: VaultState) -> None:
    """Write the snapshot; a vault that cannot be written to simply goes without."""
    from studycards._atomic import atomic_write

    states = {
        rel: None if s is None else (s.stability, s.difficulty, s.last_review.toordinal())
        for rel, s in state.states.items()
    }
    data = (
        _VERSION,
        key,
        tuple(map(_row, state.scan.summaries)),
        states,
        (state.days.new, state.days.reviews),
        tuple(state.notices),
    )
    try:
        if path.parent.is_dir():
            atomic_write(path, marshal.dumps(data, 4))
    except (OSError, ValueError):
        pass
