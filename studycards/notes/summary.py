"""Reading a note's summary (what listing, scheduling and the index need): bytes to text, then
frontmatter and title, each frontmatter field checked and any problem reported."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from studycards.notes._document import Document, UnclosedFrontmatter, split_document
from studycards.notes._yaml import YAMLError, error_line, error_text, load_yaml
from studycards.notes.frontmatter_edit import key_line_index
from studycards.notes.note import _ERROR, _WARNING, DIFFICULTIES, NoteSummary, Problem
from studycards.notes.sections import first_h1

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T][0-9:.+\-Z ]*)?")
_PLACEHOLDER = re.compile(r"\{\{\s*[^}]*\}\}|<%[^%]*%>")


def decode(raw: bytes, rel: str) -> tuple[str | None, Problem | None]:
    """Decode note bytes as UTF-8, or explain in one problem why they are not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(rel, 1, _ERROR, "UTF-16 text: save the note as UTF-8")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, Problem(rel, line, _ERROR, "NUL byte in the file: not a text note")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        message = f"not valid UTF-8 (byte 0x{byte:02x}): save the note as UTF-8"
        return None, Problem(rel, line, _ERROR, message)
    return (text.replace("\r", "\n") if cr_only(raw) else text), None


def cr_only(raw: bytes) -> bool:
    """Whether a file ends its lines with CR alone (old Mac style): read as lines, written back so."""
    return b"\r" in raw and b"\n" not in raw


def with_endings(text: str, cr: bool) -> str:
    """Text parsed with LF line ends, put back in the file's own CR-only style when ``cr``."""
    return text.replace("\n", "\r") if cr else text


def topic_of(rel: str, notes_dir: str = "notes") -> str:
    """The first folder under the notes folder, or ``""`` for a note at its top."""
    parts = PurePosixPath(rel).parts
    if parts and parts[0] == notes_dir:
        parts = parts[1:]
    return parts[0] if len(parts) > 1 else ""


def title_from_name(rel: str) -> str:
    return PurePosixPath(rel).stem.replace("_", " ")


def broken_summary(rel: str, problem: Problem, notes_dir: str = "notes") -> NoteSummary:
    return NoteSummary(rel, title_from_name(rel), topic_of(rel, notes_dir), problems=(problem,))


def parse_summary(text: str, rel: str, notes_dir: str = "notes") -> NoteSummary:
    """Parse frontmatter and title of decoded note text into a :class:`NoteSummary`."""
    summary, _doc = _summary_and_document(text, rel, notes_dir)
    return summary


def _summary_and_document(
    text: str, rel: str, notes_dir: str
) -> tuple[NoteSummary, Document | None]:
    if not text.strip():
        return broken_summary(rel, Problem(rel, 1, _ERROR, "empty note"), notes_dir), None
    try:
        doc = split_document(text)
    except UnclosedFrontmatter as error:
        return broken_summary(rel, Problem(rel, 1, _ERROR, str(error)), notes_dir), None
    found = first_h1(doc.body)
    title = found[0] if found and found[0] else title_from_name(rel)
    base = NoteSummary(rel, title, topic_of(rel, notes_dir))
    if doc.frontmatter is None:
        warning = Problem(rel, 1, _WARNING, "no frontmatter: treated as a new note")
        return _replace(base, has_frontmatter=False, problems=(warning,)), doc
    data, problems = _load_frontmatter(doc, rel)
    if data is None:
        return _replace(base, problems=tuple(problems)), doc
    values, field_problems = _validate_fields(data, doc, rel)
    return _replace(base, problems=tuple(problems + field_problems), **values), doc


def _replace(summary: NoteSummary, **changes: Any) -> NoteSummary:
    return replace(summary, **changes)


def _load_frontmatter(doc: Document, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    fm = doc.frontmatter or ""
    placeholder = _PLACEHOLDER.search(fm)
    if placeholder:
        line = doc.fm_first_line + fm.count("\n", 0, placeholder.start())
        message = f"template placeholder {placeholder.group(0)} was never filled in"
        return None, [Problem(rel, line, _ERROR, message)]
    try:
        data = load_yaml(fm)
    except YAMLError as error:
        found = error_line(error)
        line = None if found is None else doc.fm_first_line + found
        return None, [Problem(rel, line, _ERROR, error_text(error, doc.fm_first_line))]
    first = _first_content_line(fm)
    if data is None and first is None:
        return {}, []
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        message = f"frontmatter is {kind}, not a mapping of keys"
        return None, [Problem(rel, doc.fm_first_line, _ERROR, message)]
    layout = _layout_problem(fm, first)
    if layout:
        return None, [Problem(rel, doc.fm_first_line + (first or 0), _ERROR, layout)]
    return data, []


_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#.*)?")


def _first_content_line(fm: str) -> int | None:
    """The 0-based line of the first frontmatter line that is neither blank nor a comment."""
    for number, line in enumerate(fm.splitlines()):
        if not _BLANK_OR_COMMENT.fullmatch(line):
            return number
    return None


def _layout_problem(fm: str, first: int | None) -> str | None:
    """Keys a review could not update line by line: indented ones, or a ``{...}`` mapping."""
    line = "" if first is None else fm.splitlines()[first]
    if line[:1] in (" ", "\t"):
        return "frontmatter keys are indented: write each key at the start of its line"
    if line.startswith("{"):
        return "frontmatter is one {...} mapping: write each key on a line of its own"
    return None


def _validate_fields(
    data: dict[str, Any], doc: Document, rel: str
) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, check in _FIELD_CHECKS.items():
        if key not in data:
            continue
        try:
            values[key], warning = check(data[key])
        except ValueError as error:
            problems.append(Problem(rel, _key_line(doc, key), _ERROR, f"{key}: {error}"))
            continue
        if warning:
            problems.append(Problem(rel, _key_line(doc, key), _WARNING, f"{key}: {warning}"))
    return values, problems


def _key_line(doc: Document, key: str) -> int:
    """The 1-based file line of a top-level frontmatter key (only looked up for problems)."""
    lines = key_line_index(doc.frontmatter or "")
    return doc.fm_first_line + lines.get(key, 0)


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 2, 40, 40


def _shown(value: Any) -> str:
    """A short one-line repr of a bad value for a message (an alias bomb stays short too)."""
    return _REPR.repr(value)


def _date(value: Any) -> tuple[dt.date, None]:
    text = str(value).strip() if isinstance(value, str) else None
    match = _DATE.fullmatch(text) if text else None
    if not match:
        raise ValueError(f"expected a date like '2025-10-19', got {_shown(value)}")
    try:
        return dt.date.fromisoformat(match.group(1)), None
    except ValueError:
        raise ValueError(f"not a real date: {_shown(value)}") from None


def _optional_date(value: Any) -> tuple[dt.date | None, None]:
    return (None, None) if value is None else _date(value)


def _count(value: Any) -> tuple[int, None]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number >= 0, got {_shown(value)}")
    return value, None


def _difficulty(value: Any) -> tuple[str, str | None]:
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in DIFFICULTIES:
        raise ValueError(f"expected easy, medium or hard, got {_shown(value)}")
    return text, None if value == text else f"write {text!r} in lower case ('studycards fix' does)"


def _mastery(value: Any) -> tuple[float, None]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"expected a number from 0 to 1, got {_shown(value)}")
    return float(value), None


def _string_list(value: Any) -> tuple[tuple[str, ...], str | None]:
    if value is None:
        return (), None
    if isinstance(value, str):
        return (value,), "expected a list; a single string was read as a list of one"
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ValueError(f"expected a list of strings, got {_shown(value)}")
    return tuple(str(v) for v in value), None


def _note_id(value: Any) -> tuple[str, None]:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise ValueError(f"expected a non-empty string, got {_shown(value)}")
    return str(value), None


_FIELD_CHECKS = {
    "id": _note_id,
    "created": _date,
    "last_reviewed": _optional_date,
    "next_review": _date,
    "review_count": _count,
    "difficulty": _difficulty,
    "mastery_level": _mastery,
    "tags": _string_list,
    "related_outlines": _string_list,
}
