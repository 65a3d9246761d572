"""Review activity: the ledger's live reviews summed per day and per note, for ``stats``.

Stats need only sums (reviews, recall reviews, recalls and seconds per day; grades per note), so
the ledger is summed once and the sums are kept in a disposable cache,
``.studycards/activity.json``. The ledger only grows, so a later run reads just the lines
appended since. The cache is used only while the ledger still starts with exactly the bytes it
summed (size and CRC-32); otherwise, or when an undo names a review summed too long ago to be
taken back, everything is summed again. Deleting the cache loses nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studycards._atomic import atomic_write
from studycards._statefile import read_bytes
from studycards.errors import StudycardsError
from studycards.scheduling.event_dicts import parse_event_dicts
from studycards.scheduling.events import Event

CACHE_NAME = "activity.json"
_VERSION = 1
# Reviews kept in detail so that an undo of one of them can be taken out of the sums.
KEEP_RECENT = 2000

# Per day: reviews, recall reviews (at least a day after the card's previous review),
# recalled (recall reviews not graded again), seconds spent.
REVIEWS, RECALL_REVIEWS, RECALLED, SECONDS = range(4)
_HEX_ID = re.compile(r"[0-9a-f]{32}")
_LOW_64 = (1 << 64) - 1


class _Stale(Exception):
    """An undo names a review that was summed but is no longer kept in detail."""


@dataclass
class Activity:
    """The sums; ``notes`` maps a note id to its counts of grades 1-4 and its last path."""

    days: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, list[Any]] = field(default_factory=dict)
    recent: dict[str, list[Any]] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)
    undone: set[str] = field(default_factory=set)
    skipped: int = 0

    def add(self, events: Iterable[dict[str, Any]]) -> None:
        """Sum events given in file order, as :func:`~studycards.scheduling.events.live_events` counts them."""
        for event in events:
            kind = event["kind"]
            if kind == "review":
                self._review(event)
            elif kind == "undo":
                for target in event.get("undoes") or ():
                    self._undo(str(target))
        if len(self.recent) > KEEP_RECENT:
            self.recent = dict(list(self.recent.items())[-KEEP_RECENT:])

    def _review(self, event: dict[str, Any]) -> None:
        ident = event.get("id")
        row = [event["day"], str(event["note"]), event["rating"]]
        row += [
            _number(event.get("elapsed_days")),
            _number(event.get("duration")),
            str(event["path"]),
        ]
        if ident is None:
            self._count(row, 1)
            return
        key = _key(str(ident))
        if key in self.seen:
            return
        self.seen.add(key)
        if str(ident) not in self.undone:
            self._count(row, 1)
            self.recent[str(ident)] = row

    def _undo(self, target: str) -> None:
        if target in self.undone:
            return
        self.undone.add(target)
        row = self.recent.pop(target, None)
        if row is not None:
            self._count(row, -1)
        elif _key(target) in self.seen:
            raise _Stale(target)

    def _count(self, row: list[Any], sign: int) -> None:
        day, note, rating, elapsed, seconds, path = row
        totals = self.days.setdefault(day, [0, 0, 0, 0.0])
        totals[REVIEWS] += sign
        totals[SECONDS] += sign * seconds
        if elapsed >= 1:
            totals[RECALL_REVIEWS] += sign
            totals[RECALLED] += sign * (rating > 1)
        grades = self.notes.setdefault(note, [0, 0, 0, 0, path])
        grades[int(rating) - 1] += sign
        if sign > 0:
            grades[4] = path


def _number(value: Any) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _key(ident: str) -> int:
    """A 64-bit key of an event id: the cache keeps every review id in 8 bytes.

    The ids studycards writes are 32 random hex digits, folded here; others are hashed.
    """
    if _HEX_ID.fullmatch(ident):
        value = int(ident, 16)
        return (value >> 64) ^ (value & _LOW_64)
    return int.from_bytes(hashlib.blake2b(ident.encode(), digest_size=8).digest(), "big")


def activity_of(events: Iterable[Event]) -> Activity:
    """The sums of events already read (in file order), without any cache."""
    activity = Activity()
    activity.add(json.loads(event.to_json()) for event in events)
    return activity


# ---------------------------------------------------------------------------------------------
# the cache


def load_activity(ledger_path: Path, cache_path: Path) -> Activity:
    """The sums of the ledger's complete lines, from the cache plus the lines appended since.

    A ledger whose size and modification time are those the cache recorded is taken as
    unchanged, as the note index takes notes; any other is checked byte for byte (CRC-32).
    """
    try:
        stamp = _stamp(ledger_path)
    except FileNotFoundError:
        return Activity()
    data = _read_cache(cache_path)
    if data is not None and data["stamp"] == stamp:
        return _from_json(data)
    raw = read_bytes(ledger_path)
    end = raw.rfind(b"\n") + 1
    activity, start, crc = _resume(data, raw, end)
    try:
        _add_lines(activity, raw[start:end])
    except _Stale:
        activity, start, crc = Activity(), 0, 0
        _add_lines(activity, raw[:end])
    crc = zlib.crc32(memoryview(raw)[start:end], crc)
    _save(cache_path, activity, {"size": end, "crc": crc, "stamp": stamp})
    return activity


def _stamp(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _add_lines(activity: Activity, body: bytes) -> None:
    events, skipped = parse_event_dicts(body)
    activity.skipped += skipped
    activity.add(events)


def _read_cache(cache_path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(read_bytes(cache_path))
    except (OSError, ValueError, StudycardsError):
        return None
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        return None
    return data


def _resume(data: dict[str, Any] | None, raw: bytes, end: int) -> tuple[Activity, int, int]:
    """The cached sums with the ledger size and CRC they cover, if the ledger still starts so."""
    try:
        if data is None:
            raise ValueError("no cache")
        size, crc = data["size"], data["crc"]
        if not 0 < size <= end or zlib.crc32(memoryview(raw)[:size]) != crc:
            raise ValueError("stale")
        return _from_json(data), size, crc
    except (ValueError, KeyError, TypeError):
        return Activity(), 0, 0


def _from_json(data: dict[str, Any]) -> Activity:
    seen = array("Q")
    seen.frombytes(base64.b64decode(data["seen"]))
    return Activity(
        days=data["days"],
        notes=data["notes"],
        recent=data["recent"],
        seen=set(seen),
        undone=set(data["undone"]),
        skipped=data["skipped"],
    )


def _save(cache_path: Path, activity: Activity, extent: dict[str, Any]) -> None:
    """Write the cache; a vault that cannot be written to simply goes without."""
    data = {
        "version": _VERSION,
        **extent,
        "skipped": activity.skipped,
        "days": activity.days,
        "notes": activity.notes,
        "recent": activity.recent,
        "undone": sorted(activity.undone),
        "seen": base64.b64encode(array("Q", activity.seen).tobytes()).decode("ascii"),
    }
    try:
        if cache_path.parent.is_dir():
            atomic_write(cache_path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass
