"""The ledger's event model: one :class:`Event` per line, its schema and the checks a line must
pass, and the UTC time stamps events carry.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

SCHEMA_VERSION = 1
KINDS = ("review", "manual", "undo", "import")


@dataclass(frozen=True)
class Event:
    """One ledger line. Optional fields are ``None`` where a kind has no use for them."""

    kind: str
    card: str
    note: str
    path: str
    day: str
    ts: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    v: int = SCHEMA_VERSION
    rating: int | None = None
    elapsed_days: int | None = None
    duration: float | None = None
    interval: int | None = None
    due: str | None = None
    stability: float | None = None
    difficulty: float | None = None
    prev: dict[str, str | None] | None = None
    undoes: list[str] | None = None
    reason: str | None = None

    @property
    def day_date(self) -> dt.date:
        return dt.date.fromisoformat(self.day)

    @property
    def due_date(self) -> dt.date | None:
        return None if self.due is None else dt.date.fromisoformat(self.due)

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def utc_stamp(now: dt.datetime) -> str:
    """An ISO UTC timestamp for an aware ``now``."""
    return now.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# What a ledger number may be: anything outside is a hand edit or garbage, not a review.
RANGES = {
    "v": (1, 1_000),
    "elapsed_days": (0, 100_000),
    "interval": (0, 100_000),
    "duration": (0, 86_400),
    "stability": (0, 1_000_000),
    "difficulty": (1, 10),
}
YEARS = (1900, 2300)


def _validate(event: Event) -> None:
    if event.kind not in KINDS:
        raise ValueError(f"unknown kind {event.kind!r}")
    dt.date.fromisoformat(event.day)
    if event.due is not None:
        dt.date.fromisoformat(event.due)
    if event.kind == "review" and event.rating not in (1, 2, 3, 4):
        raise ValueError(f"rating must be 1-4, got {event.rating!r}")


_TEXT = ("card", "note", "path", "ts", "id")
_WHOLE = ("v", "rating", "elapsed_days", "interval")
_NUMBER = ("duration", "stability", "difficulty")


def check_field_types(data: dict[str, Any]) -> None:
    """Raise ValueError for a field of the wrong type, which replay or a write would trip on."""
    for name in _TEXT:
        if not isinstance(data.get(name), str):
            raise ValueError(f"{name} must be text, got {_short(data.get(name))}")
    for name in _WHOLE:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{name} must be a whole number, got {_short(value)}")
    for name in _NUMBER:
        value = data.get(name)
        if value is not None and not _finite(value):
            raise ValueError(f"{name} must be a number, got {_short(value)}")
    _check_memory(data)
    _check_links(data)
    parse_stamp(data["ts"])
    _check_ranges(data)


def _check_ranges(data: dict[str, Any]) -> None:
    for name, (low, high) in RANGES.items():
        value = data.get(name)
        if value is not None and not low <= value <= high:
            raise ValueError(f"{name} must be from {low} to {high:,}, got {_short(value)}")
    for name in ("day", "due"):
        text = data.get(name)
        if isinstance(text, str) and not YEARS[0] <= dt.date.fromisoformat(text).year <= YEARS[1]:
            raise ValueError(f"{name} must fall in {YEARS[0]}-{YEARS[1]}, got {_short(text)}")


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_memory(data: dict[str, Any]) -> None:
    stability, difficulty = data.get("stability"), data.get("difficulty")
    if (stability is None) != (difficulty is None):
        raise ValueError("stability and difficulty must be given together")
    if stability is not None and stability <= 0:
        raise ValueError(f"stability must be above 0, got {_short(stability)}")


def _check_links(data: dict[str, Any]) -> None:
    prev, undoes, reason = data.get("prev"), data.get("undoes"), data.get("reason")
    if prev is not None and not (
        isinstance(prev, dict) and all(v is None or isinstance(v, str) for v in prev.values())
    ):
        raise ValueError(f"prev must map keys to lines, got {_short(prev)}")
    if undoes is not None and not (
        isinstance(undoes, list) and all(isinstance(v, str) for v in undoes)
    ):
        raise ValueError(f"undoes must be a list of event ids, got {_short(undoes)}")
    if reason is not None and not isinstance(reason, str):
        raise ValueError(f"reason must be text, got {_short(reason)}")


def parse_stamp(ts: str) -> dt.datetime:
    """An event's ``ts`` as an aware UTC datetime; ValueError unless it has a time zone."""
    stamp = dt.datetime.fromisoformat(ts[:-1] + "+00:00" if ts.endswith("Z") else ts)
    if stamp.tzinfo is None:
        raise ValueError(f"ts must be a UTC time like 2025-10-19T08:00:00Z, got {_short(ts)}")
    return stamp.astimezone(dt.timezone.utc)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def live_events(events: Iterable[Event]) -> list[Event]:
    """Events that still count: undo events and the events they undo are left out."""
    events = list(events)
    undone = {target for e in events if e.kind == "undo" for target in (e.undoes or [])}
    return [e for e in events if e.kind != "undo" and e.id not in undone]


def with_path(event: Event, path: str) -> Event:
    return replace(event, path=path)
