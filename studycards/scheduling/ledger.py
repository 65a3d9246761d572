"""The append-only review ledger, ``.studycards/reviews.jsonl``: one JSON event a line.

Every review, manual reschedule, undo and import is an event. The ledger is what the scheduler
learns from, what stats are computed from and what undo reverses; notes' frontmatter is only its
human-visible projection. Lines are only ever appended, so the file merges cleanly in git.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from studycards.errors import LedgerError, WriteError

SCHEMA_VERSION = 1
LEDGER_NAME = "reviews.jsonl"
TORN_NAME = "reviews.torn.txt"
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


@dataclass(frozen=True)
class LedgerRead:
    """The events of a ledger plus a description of every line that was skipped."""

    events: tuple[Event, ...]
    notices: tuple[str, ...] = ()
    torn_tail: bytes = b""


class Ledger:
    """Read and append the events of one vault's ledger file."""

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> LedgerRead:
        """All valid events in file order; bad lines are skipped and described, never fatal."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LedgerRead(())
        except OSError as error:
            raise LedgerError(f"cannot read the ledger: {error.strerror}", self.path) from None
        body, torn = _split_torn(raw)
        notices = (
            [
                f"{self.path}: last line is incomplete (torn by a crash?): ignored; "
                f"the next write moves it to {TORN_NAME}"
            ]
            if torn
            else []
        )
        events, line_notices = _parse_lines(body, self.path)
        return LedgerRead(tuple(events), tuple(notices + line_notices), torn)

    def append(self, events: Iterable[Event]) -> None:
        """Append events durably (one write, fsync). A torn last line is set aside first.

        Times never go backwards in the file: an event stamped before the last line (the clock
        was set back) takes the last line's time, so replay keeps the order it was logged in.
        """
        events = list(events)
        if not events:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.repair_torn_tail()
            events = _not_before(events, self.last_stamp())
            data = "".join(event.to_json() + "\n" for event in events).encode("utf-8")
            _append_or_nothing(self.path, data)
        except OSError as error:
            message = f"cannot write: {error.strerror or error}; nothing was recorded"
            raise WriteError(message, self.path) from None

    def last_stamp(self) -> dt.datetime | None:
        """The time of the last readable event, from the file's tail only."""
        try:
            with open(self.path, "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, size - (1 << 16)))
                lines = handle.read().split(b"\n")
        except FileNotFoundError:
            return None
        for line in reversed(lines):
            try:
                return parse_stamp(json.loads(line)["ts"])
            except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                continue
        return None

    def repair_torn_tail(self) -> bytes:
        """Move an incomplete last line into ``reviews.torn.txt``; returns what was moved.

        A whole last line that only lacks its newline gets the newline instead.
        """
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return b""
        if size == 0:
            return b""
        with open(self.path, "rb+") as handle:
            tail = _tail_after_last_newline(handle, size)
            if not tail:
                return b""
            if _is_whole_line(tail):
                handle.seek(size)
                handle.write(b"\n")
                tail = b""
            else:
                _keep_durably(self.path.with_name(TORN_NAME), tail + b"\n")
                handle.truncate(size - len(tail))
            handle.flush()
            os.fsync(handle.fileno())
        return tail


def _not_before(events: list[Event], floor: dt.datetime | None) -> list[Event]:
    stamped = []
    for event in events:
        try:
            stamp = parse_stamp(event.ts)
        except (TypeError, ValueError):
            stamped.append(event)
            continue
        if floor is not None and stamp < floor:
            event = replace(event, ts=utc_stamp(floor))
        floor = stamp if floor is None or stamp > floor else floor
        stamped.append(event)
    return stamped


def _append_or_nothing(path: Path, data: bytes) -> None:
    """Append and fsync; on failure cut the file back, so no partial line is left behind."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        try:
            _write_all(fd, data)
            os.fsync(fd)
        except OSError:
            _cut_back(fd, size)
            raise
    finally:
        os.close(fd)


def _cut_back(fd: int, size: int) -> None:
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        pass  # the partial line is torn: the next read ignores it and a write sets it aside


def _keep_durably(path: Path, data: bytes) -> None:
    with open(path, "ab") as keep:
        keep.write(data)
        keep.flush()
        os.fsync(keep.fileno())


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _tail_after_last_newline(handle: Any, size: int) -> bytes:
    chunk = min(size, 1 << 16)
    while True:
        handle.seek(size - chunk)
        block = handle.read(chunk)
        at = block.rfind(b"\n")
        if at >= 0 or chunk == size:
            return block[at + 1 :] if at >= 0 else block
        chunk = min(size, chunk * 4)


def _split_torn(raw: bytes) -> tuple[bytes, bytes]:
    if not raw or raw.endswith(b"\n"):
        return raw, b""
    at = raw.rfind(b"\n")
    if _is_whole_line(raw[at + 1 :]):
        return raw, b""
    return raw[: at + 1], raw[at + 1 :]


def _is_whole_line(line: bytes) -> bool:
    """A last line without its newline that is still a whole JSON object (a hand edit, a merge).

    A crash can only cut an appended line short, and no prefix of a JSON object is one.
    """
    try:
        return isinstance(json.loads(line), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False


def _parse_lines(body: bytes, path: Path) -> tuple[list[Event], list[str]]:
    events: list[Event] = []
    notices: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        event, notice = _parse_line(line, number, path)
        if notice:
            notices.append(notice)
        if event is None:
            continue
        if event.id in seen:
            notices.append(f"{path}:{number}: duplicate of event {event.id}: ignored")
            continue
        seen.add(event.id)
        events.append(event)
    return events, notices


def _parse_line(line: bytes, number: int, path: Path) -> tuple[Event | None, str | None]:
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, f"{path}:{number}: not a JSON event: ignored"
    if not isinstance(data, dict):
        return None, f"{path}:{number}: not a JSON object: ignored"
    version = data.get("v")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        message = f"schema version {version} is newer than this studycards ({SCHEMA_VERSION})"
        return None, f"{path}:{number}: {message}: ignored; upgrade studycards"
    if "id" not in data:  # a hand-written line: the same id on every read, so undo can name it
        data = {**data, "id": "line-" + hashlib.sha256(line.strip()).hexdigest()[:24]}
    try:
        event = Event.from_dict(data)
        _validate(event)
        check_field_types(data)
    except (TypeError, ValueError) as error:
        return None, f"{path}:{number}: bad event ({error}): ignored"
    return event, None


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


# ---------------------------------------------------------------------------------------------
# fast path for readers of every line (stats): plain dicts instead of Event objects

_REQUIRED = frozenset(("kind", "card", "note", "path", "day", "ts"))


def parse_event_dicts(body: bytes) -> tuple[list[dict[str, Any]], int]:
    """The valid events of ``body`` (complete ledger lines) as plain dicts, in file order.

    A line :meth:`Ledger.read` would skip is skipped here too, and counted; but no
    :class:`Event` is built and duplicate ids are kept: the caller removes them. ``day`` is
    given in its ISO form. Returns the dicts and the skipped count.
    """
    try:
        lines: list[str] | list[bytes] = body.decode("utf-8").split("\n")
    except UnicodeDecodeError:  # some line is not UTF-8: parse line by line, as read() does
        lines = body.split(b"\n")
    events: list[dict[str, Any]] = []
    days: dict[Any, str] = {}
    skipped = 0
    loads = json.loads
    for line in lines:
        if not line.strip():
            continue
        try:
            data = loads(_without_bom(line))
        except (UnicodeDecodeError, json.JSONDecodeError):
            skipped += 1
            continue
        if _valid_dict(data, line, days):
            events.append(data)
        else:
            skipped += 1
    return events, skipped


def _without_bom(line: str | bytes) -> str | bytes:
    """``json.loads`` drops one UTF-8 BOM from bytes; do the same for text."""
    return line[1:] if isinstance(line, str) and line.startswith("\ufeff") else line


def _valid_dict(data: Any, line: str | bytes, days: dict[Any, str]) -> bool:
    """What ``_parse_line`` accepts, checked on the dict; fills in ``id`` and an ISO ``day``."""
    if not isinstance(data, dict) or not _REQUIRED <= data.keys():
        return False
    version = data.get("v")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        return False
    if data["kind"] not in KINDS:
        return False
    if data["kind"] == "review" and data.get("rating") not in (1, 2, 3, 4):
        return False
    day = _iso_day(data["day"], days)
    if day is None or (data.get("due") is not None and _iso_day(data["due"], days) is None):
        return False
    if "id" not in data:
        raw = line.strip() if isinstance(line, bytes) else line.strip().encode("utf-8")
        data["id"] = "line-" + hashlib.sha256(raw).hexdigest()[:24]
    try:
        check_field_types(data)
    except (TypeError, ValueError):
        return False
    data["day"] = day
    return True


def _iso_day(text: Any, days: dict[Any, str]) -> str | None:
    known = days.get(text) if isinstance(text, str) else None
    if known is not None:
        return known
    try:
        day = dt.date.fromisoformat(text).isoformat()
    except (TypeError, ValueError):
        return None
    days[text] = day
    return day
