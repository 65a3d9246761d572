"""The append-only review ledger, ``.studycards/reviews.jsonl``: one JSON event a line.

Every review, manual reschedule, undo and import is an event. The ledger is what the scheduler
learns from, what stats are computed from and what undo reverses; notes' frontmatter is only its
human-visible projection. Lines are only ever appended, so the file merges cleanly in git.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studycards._statefile import FILE_MODE, open_nofollow, read_bytes
from studycards.errors import LedgerError, WriteError
from studycards.scheduling.events import (
    SCHEMA_VERSION,
    Event,
    _validate,
    check_field_types,
    parse_stamp,
    utc_stamp,
)

LEDGER_NAME = "reviews.jsonl"
TORN_NAME = "reviews.torn.txt"


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
            raw = read_bytes(self.path)
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
            with os.fdopen(open_nofollow(self.path, os.O_RDONLY), "rb") as handle:
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
            size = os.lstat(self.path).st_size
        except FileNotFoundError:
            return b""
        if size == 0:
            return b""
        with os.fdopen(open_nofollow(self.path, os.O_RDWR), "rb+") as handle:
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
    fd = open_nofollow(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
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
    with os.fdopen(open_nofollow(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "ab") as keep:
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


def _parse_lines(
    body: bytes, path: Path, first_line: int = 1, seen: set[str] | None = None
) -> tuple[list[Event], list[str]]:
    """The events of complete lines; ``first_line`` numbers the first, ``seen`` holds the ids
    of the lines before it (a repeat of one is a duplicate)."""
    events: list[Event] = []
    notices: list[str] = []
    seen = set() if seen is None else set(seen)
    for number, line in enumerate(body.split(b"\n"), start=first_line):
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
