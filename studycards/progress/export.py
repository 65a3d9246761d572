"""Export the vault's notes as cards: a CSV table here, an Anki package in :mod:`.anki`.

Each note is a card (front: its question, back: its short answer, else the note's opening),
and each follow-up Q&A a card of its own unless left out. Both formats read every note that
parses (broken ones are reported and skipped), a chunk of notes at a time, and write the file
atomically through a temporary file beside it; an existing file is replaced only when asked
(``force``). The per-note ``Topic/file.md`` tags are left out, as ``studycards tags`` hides them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from studycards._atomic import Content, atomic_create, atomic_write
from studycards.errors import StudycardsError
from studycards.notes._document import markdown_lines
from studycards.notes.note import FollowUp, Note, NoteSummary, Problem, is_path_tag
from studycards.notes.vault import Vault, load_note, scan
from studycards.progress.anki_schedule import anki_guid_of

T = TypeVar("T")

CSV_COLUMNS = (
    "path",
    "title",
    "topic",
    "difficulty",
    "tags",
    "review_count",
    "mastery_level",
    "last_reviewed",
    "next_review",
    "short_answer",
    "card",
    "question",
)
TAG_SEPARATOR = "; "


@dataclass(frozen=True)
class Export:
    """What was written: how many notes, into how many decks, and the notes skipped."""

    path: Path
    notes: int
    decks: int
    skipped: tuple[Problem, ...]
    followups: int = 0  # follow-up cards written besides the notes' own
    media: int = 0  # image files packaged
    scheduled: int = 0  # Anki cards that carry a review schedule


@dataclass(frozen=True)
class ExportNote:
    """What an export needs of one note: its summary and its parts as Markdown."""

    summary: NoteSummary
    problem: str  # a coding note's problem statement, else ""
    answer: str  # the short answer (else the note's opening), else the long one, else ""
    more: str = ""  # the rest of the note: long answer, deep dive, other sections
    followups: tuple[FollowUp, ...] = ()
    anki_guid: str = ""  # the Anki GUID of a note imported from Anki

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def tags(self) -> tuple[str, ...]:
        """The note's tags without the per-note ``Topic/file.md`` ones."""
        return tuple(t for t in self.summary.tags if not is_path_tag(t, self.summary))

    @classmethod
    def of(cls, note: Note) -> ExportNote:
        answer = (note.short_answer or note.long_answer).strip()
        more = _more(note, answer)
        followups = tuple(f for f in note.followups if f.question.strip() and f.answer.strip())
        problem = note.section_text("problem").strip()
        frontmatter = note.document.frontmatter if note.document else None
        return cls(note.summary, problem, answer, more, followups, anki_guid_of(frontmatter))


def _more(note: Note, answer: str) -> str:
    """The rest of the note for the card's "more" fold: the body without its title, the answer
    on the card, the follow-ups (cards of their own) and the generated related-notes block."""
    document = note.document
    if document is None:
        return ""
    first = document.body_first_line
    skip: set[int] = set()
    shown = [note.short_answer_section] if note.short_answer else []
    shown += [note.sections.get(kind) for kind in ("problem", "followups", "related")]
    for section in shown:
        if section is not None:
            skip.update(range(section.line - first, section.end_line - first))
    lines = markdown_lines(document.body)
    title = next((n for n, line in enumerate(lines) if line.strip()), None)
    if title is not None and lines[title].lstrip().startswith("# "):
        skip.add(title)
    kept = [line for n, line in enumerate(lines) if n not in skip]
    text = "\n".join(kept).strip()
    return "" if text == answer else text.removesuffix("---").rstrip()


def read_notes(vault: Vault) -> tuple[list[ExportNote], list[Problem]]:
    """Every note parsed fully, in path order, and the first error of each broken one."""
    notes, skipped = [], []
    for found in iter_notes(vault):
        (notes if isinstance(found, ExportNote) else skipped).append(found)
    return notes, skipped


# Notes parsed at a time when an export streams: enough to keep every core busy, few enough
# that a 50,000-note vault never sits in memory whole.
CHUNK = 2000


def iter_notes(vault: Vault) -> Iterator[ExportNote | Problem]:
    """Every note parsed fully (or its first error), in path order, :data:`CHUNK` at a time."""
    for rels in batches((s.rel for s in scan(vault).summaries), CHUNK):
        yield from _parse_all(vault, rels)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_one(vault: Vault, rel: str) -> ExportNote | Problem:
    note = load_note(vault, rel)
    if note.summary.broken:
        return next(p for p in note.summary.problems if p.severity == "error")
    return ExportNote.of(note)


def _parse_all(vault: Vault, rels: list[str]) -> list[ExportNote | Problem]:
    """Parse every note, across the cores when there are many; results in ``rels`` order."""
    from studycards._parallel import parallel_map

    return parallel_map(_read_one, rels, vault)


class Tally:
    """What a streaming export counts as the notes go by: notes, follow-ups, the broken."""

    def __init__(self, followups: bool):
        self.followups = followups
        self.notes = 0
        self.extra = 0
        self.skipped: list[Problem] = []

    def notes_of(self, found: Iterable[ExportNote | Problem]) -> Iterator[ExportNote]:
        for item in found:
            if isinstance(item, ExportNote):
                self.notes += 1
                self.extra += len(item.followups) if self.followups else 0
                yield item
            else:
                self.skipped.append(item)


def check_target(path: Path, force: bool) -> None:
    """Fail early, before reading the vault, when the file cannot or may not be written."""
    if not path.parent.is_dir():
        raise StudycardsError(f"no folder {path.parent} to write {path.name} into")
    if path.is_dir():
        raise StudycardsError(f"{path} is a folder: give a file name")
    if path.exists() and not force:
        raise StudycardsError(f"{path} already exists: pass --force to replace it")


def write_file(path: Path, data: Content, force: bool) -> None:
    """Write atomically; without ``force`` an existing file is an error, never replaced."""
    check_target(path, force)
    if force:
        atomic_write(path, data)
    elif not atomic_create(path, data):
        raise StudycardsError(f"{path} already exists: pass --force to replace it")


# ---------------------------------------------------------------------------------------------
# CSV


def csv_row(note: ExportNote) -> dict[str, Any]:
    summary = note.summary
    return {
        "path": summary.rel,
        "title": summary.title,
        "topic": summary.topic,
        "difficulty": summary.difficulty or "",
        "tags": TAG_SEPARATOR.join(note.tags),
        "review_count": summary.review_count,
        "mastery_level": summary.mastery_level,
        "last_reviewed": _iso(summary.last_reviewed),
        "next_review": _iso(summary.next_review),
        "short_answer": note.answer,
        "card": "note",
        "question": note.problem or summary.title,
    }


def followup_row(note: ExportNote, followup: FollowUp) -> dict[str, Any]:
    """A follow-up's row: the note's path, title, topic and tags; its own question and answer
    (its schedule is its own, in the ledger, so the note's is left blank)."""
    summary = note.summary
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(path=summary.rel, title=summary.title, topic=summary.topic)
    row.update(difficulty=summary.difficulty or "", tags=TAG_SEPARATOR.join(note.tags))
    row.update(short_answer=followup.answer, card="followup", question=followup.question)
    return row


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def csv_bytes(notes: Iterable[ExportNote], followups: bool = True) -> bytes:
    """UTF-8 with a BOM (Excel then reads Chinese text right), CRLF rows, every field as is."""
    buffer = io.BytesIO()
    write_csv(buffer, notes, followups)
    return buffer.getvalue()


def write_csv(handle: BinaryIO, notes: Iterable[ExportNote], followups: bool = True) -> None:
    """The CSV table into an open binary file, a note at a time (see :func:`csv_bytes`)."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for note in notes:
            writer.writerow(csv_row(note))
            if followups:
                writer.writerows(followup_row(note, f) for f in note.followups)
        text.flush()
    finally:
        text.detach()  # the caller owns the file


def export_csv(vault: Vault, path: Path, force: bool = False, followups: bool = True) -> Export:
    """Write a CSV table: a row per note, then one per follow-up (columns: :data:`CSV_COLUMNS`).
    Notes are read and written a chunk at a time, so memory stays flat however big the vault."""
    check_target(path, force)
    tally = Tally(followups)
    write_file(
        path, lambda handle: write_csv(handle, tally.notes_of(iter_notes(vault)), followups), force
    )
    return Export(path, tally.notes, 0, tuple(tally.skipped), tally.extra)
