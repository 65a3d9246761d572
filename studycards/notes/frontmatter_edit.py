"""Lossless frontmatter edits: change only the lines of the keys being set.

A key present at the top level of the block has its line (and any continuation lines of its old
value) replaced; a missing key is appended at the end of the block. Key order, comments, quoting
of untouched values, the body, line endings and a BOM stay exactly as they were. A note with no
frontmatter gets a new block at the top.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from studycards.notes._document import Document, split_document, split_lines
from studycards.notes._yaml import load_yaml

Value = Any
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")
_QUOTED_VALUE = re.compile(r"""[ \t]*(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")""")
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"}


def key_line_index(frontmatter: str) -> dict[str, int]:
    """Map each top-level key to its 0-based line within the frontmatter text."""
    index: dict[str, int] = {}
    for number, line in enumerate(split_lines(frontmatter)):
        match = _top_level_key(line)
        if match and match not in index:
            index[match] = number
    return index


def _top_level_key(line: str) -> str | None:
    match = re.match(
        r"""(?:'([^']+)'|"([^"]+)"|([^\s#'"\-?:][^:#]*?))[ \t]*:(?:[ \t]|\r?\n|$)""", line
    )
    if not match:
        return None
    return next(group for group in match.groups() if group is not None)


def update_text(text: str, updates: Mapping[str, Value]) -> str:
    """Return ``text`` with the frontmatter keys in ``updates`` set, every other byte kept."""
    doc = split_document(text)
    if doc.frontmatter is None:
        return _with_new_block(doc, updates)
    lines = split_lines(doc.frontmatter)
    style = _date_style(lines)
    for key, value in updates.items():
        lines = _set_key(lines, key, value, style, doc.newline)
    new_fm = "".join(lines)
    result = doc.bom + doc.head + new_fm + doc.tail + doc.body
    _verify(new_fm, updates)
    return result


def update_bytes(raw: bytes, updates: Mapping[str, Value]) -> bytes:
    """Byte-level :func:`update_text` for UTF-8 note files."""
    return update_text(raw.decode("utf-8"), updates).encode("utf-8")


def _with_new_block(doc: Document, updates: Mapping[str, Value]) -> str:
    nl = doc.newline
    lines = [_format_entry(key, value, "'", nl) for key, value in updates.items()]
    return doc.bom + "---" + nl + "".join(lines) + "---" + nl + doc.body


def _set_key(lines: list[str], key: str, value: Value, style: str, nl: str) -> list[str]:
    for number, line in enumerate(lines):
        if _top_level_key(line) == key:
            end = _value_end(lines, number)
            old_first = line
            entry = _format_entry(key, value, _quote_of(old_first, style), nl, old_first)
            return lines[:number] + [entry] + lines[end:]
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + nl]
    return lines + [_format_entry(key, value, style, nl)]


def _value_end(lines: list[str], start: int) -> int:
    """Index after the last line belonging to the value that starts on ``lines[start]``."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() == "" or line[0] in " \t" or line.startswith("- ") or line.rstrip() == "-":
            end += 1
            continue
        break
    while end > start + 1 and _blank_or_comment(lines[end - 1]):
        end -= 1
    return end


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _quote_of(line: str, default: str) -> str:
    value = line.split(":", 1)[1].strip() if ":" in line else ""
    if value.startswith("'"):
        return "'"
    if value.startswith('"'):
        return '"'
    if _DATE_RE.match(value):
        return ""
    return default


def _date_style(lines: list[str]) -> str:
    """The quoting the file already uses for dates: ``'``, ``"`` or bare (``""``)."""
    for line in lines:
        value = line.split(":", 1)[1].strip() if ":" in line else ""
        for quote in ("'", '"', ""):
            if value.startswith(quote) and _DATE_RE.fullmatch(value.strip("'\"")):
                return quote
    return "'"


def _format_entry(key: str, value: Value, quote: str, nl: str, old_line: str = "") -> str:
    comment = _trailing_comment(old_line)
    if isinstance(value, (list, tuple)):
        items = "".join(f"- {format_scalar(item, quote)}{nl}" for item in value)
        head = f"{key}:{comment}{nl}" if value else f"{key}: []{comment}{nl}"
        return head + (items if value else "")
    return f"{key}: {format_scalar(value, quote)}{comment}{nl}"


def _trailing_comment(line: str) -> str:
    """The line's trailing comment with the blanks before it (``"  # moved"``), or ``""``."""
    if ":" not in line:
        return ""
    value = line.split(":", 1)[1].rstrip("\r\n")
    quoted = _QUOTED_VALUE.match(value)
    if quoted:
        rest = value[quoted.end() :]
    else:
        comment = re.search(r"[ \t]+#", value)
        rest = value[comment.start() :] if comment else ""
    return rest if rest.lstrip(" \t").startswith("#") else ""


def format_scalar(value: Value, quote: str = "'") -> str:
    """YAML text for one scalar value, dates quoted as ``quote`` asks."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()[:10]
        return f"{quote}{text}{quote}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    return _format_string(str(value))


def _format_float(value: float) -> str:
    """YAML 1.1 reads ``1e-05`` as a string: give the mantissa a dot (``1.0e-05``)."""
    text = repr(round(value, 6))
    return text.replace("e", ".0e") if "e" in text and "." not in text else text


def _format_string(text: str) -> str:
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    if any(ch in text for ch in "\r\n\t") or not text.isprintable():
        escaped = text.encode("unicode_escape").decode("ascii").replace('"', '\\"')
        return f'"{escaped}"'
    return "'" + text.replace("'", "''") + "'"


def _verify(new_fm: str, updates: Mapping[str, Value]) -> None:
    """Refuse to write a block whose YAML no longer says what was asked."""
    data = load_yaml(new_fm) or {}
    for key, value in updates.items():
        got = data.get(key) if isinstance(data, dict) else None
        if _normal(got) != _normal(value):
            raise ValueError(f"frontmatter edit of {key!r} would not round-trip")


def _normal(value: Value) -> Value:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, tuple):
        return [_normal(item) for item in value]
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


NO_BLOCK = "__no_frontmatter__"


def capture_lines(text: str, keys: list[str]) -> dict[str, str | None]:
    """The exact lines each key occupies now (``None`` when absent), for a later restore.

    When the note has no frontmatter block at all, the result also says so under
    :data:`NO_BLOCK`, so that restoring removes the block a write created.
    """
    doc = split_document(text)
    if doc.frontmatter is None:
        return {NO_BLOCK: None, **dict.fromkeys(keys)}
    lines = split_lines(doc.frontmatter)
    captured: dict[str, str | None] = {}
    for key in keys:
        span = _key_span(lines, key)
        captured[key] = None if span is None else "".join(lines[span[0] : span[1]])
    return captured


def restore_lines(text: str, captured: Mapping[str, str | None]) -> str:
    """Put back lines taken by :func:`capture_lines`: the frontmatter bytes as they were."""
    doc = split_document(text)
    if doc.frontmatter is None:
        return text
    lines = split_lines(doc.frontmatter)
    for key, old in captured.items():
        if key == NO_BLOCK:
            continue
        span = _key_span(lines, key)
        new = [] if old is None else [old]
        if span is None:
            lines = lines + new
        else:
            lines = lines[: span[0]] + new + lines[span[1] :]
    if NO_BLOCK in captured and not "".join(lines).strip():
        return doc.bom + doc.body
    return doc.bom + doc.head + "".join(lines) + doc.tail + doc.body


def _key_span(lines: list[str], key: str) -> tuple[int, int] | None:
    for number, line in enumerate(lines):
        if _top_level_key(line) == key:
            return number, _value_end(lines, number)
    return None
