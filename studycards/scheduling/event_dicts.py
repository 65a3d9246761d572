"""The fast path for readers of every ledger line (stats): the valid events as plain dicts,
with no :class:`~studycards.scheduling.events.Event` objects built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from studycards.scheduling.events import KINDS, SCHEMA_VERSION, YEARS, check_field_types

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
        parsed = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        return None
    day = days[text] = parsed.isoformat()
    return day
