"""The note model: typed frontmatter, recognised sections, follow-up Q&A and problems.

Two levels of parsing: :func:`~studycards.notes.summary.parse_summary` reads what listing and
scheduling need (frontmatter and title) and is what the vault index caches;
:func:`~studycards.notes.body.parse_note` adds the body's sections for showing, reviewing and
checking. Neither raises for a bad note: problems are collected, each with the file and line it
is about, and a note with an error-level problem is ``broken``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studycards.notes._document import Document

DIFFICULTIES = ("easy", "medium", "hard")
_ERROR, _WARNING = "error", "warning"
# Where a card's answer comes from, in order; "opening" is the note's opening text, used only
# when none of the three before it is there (see studycards.notes.opening).
SHORT_ANSWER_KINDS = ("thirty_seconds", "short_answer", "oral", "opening", "summary")


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


def is_path_tag(tag: str, note: NoteSummary) -> bool:
    """A tag naming the note's own file, as existing vaults add (``Topic/file.md``)."""
    name = Path(note.rel).name
    return tag.endswith(".md") or tag == f"{note.topic}/{name}"


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

    def card_id(self, note_id: str) -> str:
        """The follow-up card's stable id: the note's id and a hash of the question text."""
        digest = hashlib.sha256(self.question.strip().encode("utf-8")).hexdigest()[:10]
        return f"{note_id}#{digest}"


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
