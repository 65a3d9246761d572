"""The note model: typed frontmatter, recognised sections, follow-up Q&A and problems.

Two levels of parsing: :func:`parse_summary` reads what listing and scheduling need (frontmatter
and title) and is what the vault index caches; :func:`parse_note` adds the body's sections for
showing, reviewing and checking. Neither raises for a bad note: problems are collected, each with
the file and line it is about, and a note with an error-level problem is ``broken``.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from studycards.notes._document import Document, UnclosedFrontmatter, markdown_lines, split_document
from studycards.notes._yaml import YAMLError, error_line, error_text, load_yaml
from studycards.notes.frontmatter_edit import key_line_index
from studycards.notes.sections import (
    RELATED_MARKER,
    Heading,
    classify,
    compile_patterns,
    first_h1,
    headings,
)

DIFFICULTIES = ("easy", "medium", "hard")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T][0-9:.+\-Z ]*)?")
_PLACEHOLDER = re.compile(r"\{\{\s*[^}]*\}\}|<%[^%]*%>")
_ERROR, _WARNING = "error", "warning"
SHORT_ANSWER_KINDS = ("thirty_seconds", "short_answer", "oral", "summary")


@dataclass(frozen=True)
class Problem:
    """Something wrong with a note, printed as ``path:line: message``."""

    path: str
    line: int | None
    severity: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = "warning: " if self.severity == _WARNING else ""
        return f"{where}: {prefix}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
        }


_DATE_KEYS = ("created", "last_reviewed", "next_review")


@dataclass(frozen=True)
class NoteSummary:
    """What listing, the queue and the index need to know about one note."""

    rel: str
    title: str
    topic: str
    has_frontmatter: bool = True
    id: str | None = None
    created: dt.date | None = None
    last_reviewed: dt.date | None = None
    next_review: dt.date | None = None
    review_count: int = 0
    difficulty: str | None = None
    mastery_level: float = 0.0
    tags: tuple[str, ...] = ()
    related_outlines: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def broken(self) -> bool:
        return any(p.severity == _ERROR for p in self.problems)

    def due_on(self, today: dt.date) -> dt.date:
        """The day the note is due; a note never scheduled is due today."""
        return self.next_review or today

    def to_dict(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies and is the hot spot of a warm scan.
        data = dict(self.__dict__)
        for key in _DATE_KEYS:
            value = data[key]
            data[key] = None if value is None else value.isoformat()
        data["tags"] = list(self.tags)
        data["related_outlines"] = list(self.related_outlines)
        data["problems"] = [p.to_dict() for p in self.problems]
        return data

    def to_row(self) -> tuple:
        """A compact tuple of plain values for the index (dates as ordinals)."""
        return tuple(_pack(name, getattr(self, name)) for name in _SUMMARY_FIELDS)

    @classmethod
    def from_row(cls, row: tuple) -> NoteSummary:
        """Rebuild from :meth:`to_row` without the dataclass ``__init__`` (hot on warm scans)."""
        values = dict(zip(_SUMMARY_FIELDS, row, strict=True))
        for key in _DATE_KEYS:
            ordinal = values[key]
            if ordinal is not None:
                values[key] = dt.date.fromordinal(ordinal)
        problems = values["problems"]
        values["problems"] = tuple(Problem(*p) for p in problems) if problems else ()
        summary = object.__new__(cls)
        summary.__dict__.update(values)
        return summary

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NoteSummary:
        values = dict(data)
        for key in _DATE_KEYS:
            value = values[key]
            values[key] = None if value is None else dt.date.fromisoformat(value)
        values["tags"] = tuple(values["tags"])
        values["related_outlines"] = tuple(values["related_outlines"])
        values["problems"] = (
            tuple(Problem(**p) for p in values["problems"]) if values["problems"] else ()
        )
        return cls(**values)


_SUMMARY_FIELDS = tuple(NoteSummary.__dataclass_fields__)


def _pack(name: str, value: Any) -> Any:
    if name in _DATE_KEYS:
        return None if value is None else value.toordinal()
    if name == "problems":
        return tuple((p.path, p.line, p.severity, p.message) for p in value)
    return value


@dataclass(frozen=True)
class Section:
    """A recognised section: its kind, heading, 1-based file line and Markdown content."""

    kind: str
    heading: str
    line: int
    text: str
    text_line: int  # 1-based file line where ``text`` starts
    end_line: int  # 1-based file line after the section


@dataclass(frozen=True)
class FollowUp:
    """One follow-up question with its answer, from the note's follow-up section."""

    question: str
    answer: str
    line: int


@dataclass(frozen=True)
class RelatedLink:
    """One generated related-note link line."""

    title: str
    target: str
    line: int


@dataclass(frozen=True)
class Note:
    """A fully parsed note: the summary plus body sections."""

    summary: NoteSummary
    path: Path
    document: Document | None
    sections: dict[str, Section] = field(default_factory=dict)
    followups: tuple[FollowUp, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def body(self) -> str:
        return self.document.body if self.document else ""

    def section_text(self, *kinds: str) -> str:
        """The text of the first of ``kinds`` the note has, or ``""``."""
        for kind in kinds:
            if kind in self.sections:
                return self.sections[kind].text
        return ""

    @property
    def question(self) -> str:
        """The card's front: the problem statement for coding notes, else the title."""
        return self.section_text("problem") or self.title

    @property
    def short_answer_section(self) -> Section | None:
        """The 30-second answer (or the whole short-answer section, or a coding note's oral one)."""
        for kind in SHORT_ANSWER_KINDS:
            if kind in self.sections and self.sections[kind].text.strip():
                return self.sections[kind]
        return None

    @property
    def short_answer(self) -> str:
        section = self.short_answer_section
        return section.text if section else ""

    @property
    def long_answer(self) -> str:
        """The 2-3 minute answer, when the note has one."""
        return self.section_text("two_minutes", "approach")


# ---------------------------------------------------------------------------------------------
# reading


def decode(raw: bytes, rel: str) -> tuple[str | None, Problem | None]:
    """Decode note bytes as UTF-8, or explain in one problem why they are not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(rel, 1, _ERROR, "UTF-16 text: save the note as UTF-8")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, Problem(rel, line, _ERROR, "NUL byte in the file: not a text note")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        message = f"not valid UTF-8 (byte 0x{byte:02x}): save the note as UTF-8"
        return None, Problem(rel, line, _ERROR, message)


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


# ---------------------------------------------------------------------------------------------
# full parse


def parse_note(
    text: str, rel: str, path: Path, notes_dir: str = "notes", extra_patterns: tuple = ()
) -> Note:
    """Parse a decoded note fully: summary, sections, follow-ups and related links."""
    summary, doc = _summary_and_document(text, rel, notes_dir)
    if doc is None or summary.broken:
        return Note(summary, path, doc)
    sections = _sections(doc, extra_patterns)
    followups = _followups(doc, sections.get("followups"))
    related = _related_links(doc, sections.get("related"))
    problems = _content_problems(summary, sections, followups)
    return Note(summary, path, doc, sections, followups, related, problems)


def _sections(doc: Document, extra_patterns: tuple) -> dict[str, Section]:
    patterns = compile_patterns(extra_patterns)
    lines = markdown_lines(doc.body, keepends=True)
    found: dict[str, Section] = {}
    for heading in headings(doc.body):
        kind = classify(heading.text, heading.level, patterns)
        if kind and kind not in found:
            raw = "".join(lines[heading.line + 1 : heading.end])
            text = raw.lstrip("\r\n")
            line = doc.body_first_line + heading.line
            text_line = line + 1 + raw[: len(raw) - len(text)].count("\n")
            end_line = doc.body_first_line + heading.end
            found[kind] = Section(kind, heading.text, line, _trim_rule(text), text_line, end_line)
    return found


def _trim_rule(text: str) -> str:
    """Drop a trailing ``---`` rule that only separates the section from the next."""
    stripped = text.rstrip()
    if stripped.endswith("\n---") or stripped == "---":
        return stripped[:-3].rstrip()
    return stripped


_Q_HEADING = re.compile(r"^(?:Q\s*\d*|问题?\s*\d*|\d+)\s*[:：.、)]\s*", re.I)
_A_PREFIX = re.compile(r"^\s*(?:\*\*)?\s*(?:A|答|回答)\s*[:：]\s*(?:\*\*)?\s*", re.I)
_BOLD_Q = re.compile(r"^\s*\*\*\s*(?:Q\s*\d*|问)\s*[:：]\s*(.+?)\s*\*\*\s*$", re.I)


def _followups(doc: Document, section: Section | None) -> tuple[FollowUp, ...]:
    if section is None:
        return ()
    inner = headings(section.text)
    if inner:
        return tuple(_heading_pairs(section, inner))
    return tuple(_bold_pairs(section))


def _heading_pairs(section: Section, inner: Sequence[Heading]) -> list[FollowUp]:
    lines = markdown_lines(section.text)
    pairs = []
    for heading in inner:
        question = _Q_HEADING.sub("", heading.text).strip()
        answer = "\n".join(lines[heading.line + 1 : heading.end]).strip()
        line = section.text_line + heading.line
        pairs.append(FollowUp(question, _A_PREFIX.sub("", answer, count=1), line))
    return pairs


def _bold_pairs(section: Section) -> list[FollowUp]:
    pairs: list[FollowUp] = []
    question, answer, line = None, [], 0
    for number, text in enumerate(markdown_lines(section.text)):
        match = _BOLD_Q.match(text)
        if match:
            if question:
                pairs.append(FollowUp(question, "\n".join(answer).strip(), line))
            question, answer, line = match.group(1), [], section.text_line + number
        elif question is not None:
            answer.append(_A_PREFIX.sub("", text, count=1) if not answer else text)
    if question:
        pairs.append(FollowUp(question, "\n".join(answer).strip(), line))
    return pairs


_LINK = re.compile(r"^\s*[-*]\s*\[([^\]]*)\]\(([^)]+)\)")


def _related_links(doc: Document, section: Section | None) -> tuple[RelatedLink, ...]:
    if section is None or RELATED_MARKER not in section.text:
        return ()
    links = []
    after = section.text.split(RELATED_MARKER, 1)[1]
    marker_line = section.text_line + section.text[: section.text.index(RELATED_MARKER)].count("\n")
    for number, text in enumerate(markdown_lines(after)):
        match = _LINK.match(text)
        if match:
            links.append(RelatedLink(match.group(1), match.group(2).strip(), marker_line + number))
    return tuple(links)


def _content_problems(
    summary: NoteSummary, sections: dict[str, Section], followups: tuple[FollowUp, ...]
) -> tuple[Problem, ...]:
    problems = []
    if not any(sections.get(k) and sections[k].text.strip() for k in SHORT_ANSWER_KINDS[:3]):
        message = "no short answer section found (e.g. '## 面试标准答案' or '## Short answer')"
        problems.append(Problem(summary.rel, None, _WARNING, message))
    if "followups" in sections and not followups:
        message = "follow-up section holds no recognisable Q&A pairs"
        problems.append(Problem(summary.rel, sections["followups"].line, _WARNING, message))
    return tuple(problems)
