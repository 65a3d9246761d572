"""The ledger's replay kept between runs, ``.studycards/replay.bin``: each card's memory state,
the day counts and the ledger's notices, extended by the lines appended since.

Replaying a ledger of tens of thousands of reviews means parsing and checking every line; after
a ``grade`` only one line is new. The cache is used only while the ledger still starts with
exactly the bytes it replayed (size and CRC-32), so a ledger rewritten rather than appended (a
merge, a hand edit) is replayed afresh; so is one with a new undo (it changes what came before)
or an incomplete last line (as :meth:`Ledger.read` reads it, uncached). Deleting the file loses
nothing.
"""

from __future__ import annotations

import datetime as dt
import marshal
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from studycards.errors import LedgerError
from studycards.scheduling.events import Event, live_events, parse_stamp
from studycards.scheduling.history import DayCounts
from studycards.scheduling.schedule import MemoryState

REPLAY_NAME = "replay.bin"
_VERSION = 1
_EARLIEST = float("-inf")


class _Stale(Exception):
    """The appended lines cannot simply extend the replay (an undo)."""


@dataclass
class Replayed:
    """What the queue needs of the ledger: each card's latest memory (stability, difficulty,
    day ordinal, and the time of the event it came from), the day counts, the notices."""

    memory: dict[str, tuple[float, float, int, float]] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)
    introduced: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)
    undone: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    notices: list[str] = field(default_factory=list)
    size: int = 0
    crc: int = 0
    lines: int = 0

    def state(self, card: str | None) -> MemoryState | None:
        found = self.memory.get(card) if card else None
        if found is None:
            return None
        stability, difficulty, ordinal, _ = found
        return MemoryState(stability, difficulty, dt.date.fromordinal(ordinal))

    @property
    def days(self) -> DayCounts:
        return DayCounts(self.new, self.reviews)

    def add(self, events: Iterable[Event]) -> None:
        """Apply events that come after everything applied so far in the file."""
        for event in events:
            self.seen.add(event.id)
            if event.kind == "undo":
                raise _Stale(event.id)
            if event.id in self.undone:
                continue
            self._memory(event)
            self._count(event)

    def _memory(self, event: Event) -> None:
        if event.kind not in ("review", "import") or event.stability is None:
            return
        assert event.difficulty is not None
        instant = _instant(event)
        known = self.memory.get(event.card)
        if known is None or instant >= known[3]:  # replay's order: by time, then file order
            self.memory[event.card] = (
                event.stability,
                event.difficulty,
                event.day_date.toordinal(),
                instant,
            )

    def _count(self, event: Event) -> None:
        if event.kind == "import":
            self.imported.add(event.card)
        if event.kind != "review":
            return
        if event.card not in self.imported and event.card not in self.introduced:
            self.introduced.add(event.card)
            self.new[event.day] = self.new.get(event.day, 0) + 1
        self.reviews[event.day] = self.reviews.get(event.day, 0) + 1


def _instant(event: Event) -> float:
    try:
        return parse_stamp(event.ts).timestamp()
    except (TypeError, ValueError):
        return _EARLIEST


def replayed_from(events: Iterable[Event], notices: Iterable[str] = ()) -> Replayed:
    """The replay of events read in file order, without any cache."""
    events = list(events)
    replayed = Replayed(notices=list(notices))
    replayed.undone = {t for e in events if e.kind == "undo" for t in (e.undoes or [])}
    replayed.seen = {e.id for e in events}
    live = live_events(events)
    ordered = sorted(range(len(live)), key=lambda k: (_instant(live[k]), k))
    for k in ordered:
        replayed._memory(live[k])
    for event in live:
        replayed._count(event)
    return replayed


def load_replay(ledger_path: Path, cache_path: Path, use_cache: bool = True) -> Replayed:
    """The ledger's replay, from the cache plus the lines appended since when it can be."""
    from studycards._statefile import read_bytes
    from studycards.scheduling.ledger import Ledger, _parse_lines

    try:
        raw = read_bytes(ledger_path)
    except FileNotFoundError:
        return Replayed()
    except OSError as error:
        raise LedgerError(f"cannot read the ledger: {error.strerror}", ledger_path) from None
    if raw and not raw.endswith(b"\n"):  # a torn or unfinished last line: read() decides
        read = Ledger(ledger_path).read()
        return replayed_from(read.events, read.notices)
    cached = _load(cache_path, ledger_path) if use_cache else None
    replayed = None
    if cached is not None and 0 < cached.size <= len(raw):
        if zlib.crc32(memoryview(raw)[: cached.size]) == cached.crc:
            replayed = _extended(cached, raw, ledger_path)
    if replayed is None:
        events, notices = _parse_lines(raw, ledger_path)
        replayed = replayed_from(events, notices)
    if replayed.size != len(raw):
        replayed.size, replayed.crc = len(raw), zlib.crc32(raw)
        replayed.lines = raw.count(b"\n")
        if use_cache:
            _save(cache_path, ledger_path, replayed)
    return replayed


def _extended(cached: Replayed, raw: bytes, path: Path) -> Replayed | None:
    from studycards.scheduling.ledger import _parse_lines

    if cached.size == len(raw):
        return cached
    events, notices = _parse_lines(raw[cached.size :], path, cached.lines + 1, cached.seen)
    try:
        cached.add(events)
    except _Stale:
        return None
    cached.notices.extend(notices)
    return cached


# ---------------------------------------------------------------------------------------------
# the file


def _load(path: Path, ledger_path: Path) -> Replayed | None:
    from studycards._statefile import read_bytes
    from studycards.errors import StudycardsError

    try:
        data = marshal.loads(read_bytes(path))
        version, where, size, crc, lines, memory, counts, sets, notices = data
        if version != _VERSION or where != str(ledger_path):
            return None
        if not all(isinstance(n, str) for group in (notices, *sets) for n in group):
            return None
        new, reviews = counts
        introduced, imported, undone, seen = (set(group) for group in sets)
        replayed = Replayed(
            dict(memory), dict(new), dict(reviews), introduced, imported, undone, seen,
            list(notices), int(size), int(crc), int(lines),
        )  # fmt: skip
        for card, (stability, difficulty, ordinal, instant) in replayed.memory.items():
            if not (isinstance(card, str) and ordinal == int(ordinal) and instant == instant):
                return None
            float(stability) + float(difficulty)
        return replayed
    except (OSError, StudycardsError, ValueError, TypeError, EOFError, AttributeError):
        return None


def _save(path: Path, ledger_path: Path, replayed: Replayed) -> None:
    """Write the cache; a vault that cannot be written to simply goes without."""
    from studycards._atomic import atomic_write

    sets = tuple(
        tuple(sorted(group))
        for group in (replayed.introduced, replayed.imported, replayed.undone, replayed.seen)
    )
    data = (
        _VERSION, str(ledger_path), replayed.size, replayed.crc, replayed.lines, replayed.memory,
        (replayed.new, replayed.reviews), sets, tuple(replayed.notices),
    )  # fmt: skip
    try:
        if path.parent.is_dir():
            atomic_write(path, marshal.dumps(data, 4))
    except (OSError, ValueError):
        pass
