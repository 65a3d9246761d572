"""Export the vault's notes: an Anki package (one card per note) or a CSV table.

Both read every note that parses (broken ones are reported and skipped), build the file in
memory and write it atomically; an existing file is replaced only when asked (``force``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from studycards._atomic import atomic_create, atomic_write
from studycards.errors import StudycardsError
from studycards.notes.note import Note, NoteSummary, Problem
from studycards.notes.vault import Vault, load_note, scan
from studycards.progress.anki_schedule import (
    Scheduling,
    card_schedule,
    guid_source,
    read_scheduling,
    schedule_cards,
)

DECK_ROOT = "studycards"
MODEL_NAME = "studycards note"
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
)
TAG_SEPARATOR = "; "
_CARD_CSS = """\
.card { font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif;
        font-size: 18px; text-align: left; line-height: 1.5; }
.title { font-weight: bold; margin-bottom: .5em; }
.source { margin-top: 1em; font-size: 12px; color: #888; }
pre { white-space: pre-wrap; }
"""


@dataclass(frozen=True)
class Export:
    """What was written: how many notes, into how many decks, and the notes skipped."""

    path: Path
    notes: int
    decks: int
    skipped: tuple[Problem, ...]
    scheduled: int = 0  # Anki cards that carry a review schedule


@dataclass(frozen=True)
class ExportNote:
    """What an export needs of one note: its summary and two sections as Markdown."""

    summary: NoteSummary
    problem: str  # a coding note's problem statement, else ""
    answer: str  # the short answer, else the long one, else ""
    anki_guid: str = ""  # the Anki GUID of a note imported from Anki

    @property
    def title(self) -> str:
        return self.summary.title

    @classmethod
    def of(cls, note: Note) -> ExportNote:
        answer = (note.short_answer or note.long_answer).strip()
        from studycards.progress.anki_schedule import anki_guid_of

        frontmatter = note.document.frontmatter if note.document else None
        problem = note.section_text("problem").strip()
        return cls(note.summary, problem, answer, anki_guid_of(frontmatter))


def read_notes(vault: Vault) -> tuple[list[ExportNote], list[Problem]]:
    """Every note parsed fully, in path order, and the first error of each broken one."""
    rels = [s.rel for s in scan(vault).summaries]
    notes, skipped = [], []
    for found in _parse_all(vault, rels):
        (notes if isinstance(found, ExportNote) else skipped).append(found)
    return notes, skipped


def _read_one(vault: Vault, rel: str) -> ExportNote | Problem:
    note = load_note(vault, rel)
    if note.summary.broken:
        return next(p for p in note.summary.problems if p.severity == "error")
    return ExportNote.of(note)


def _parse_all(vault: Vault, rels: list[str]) -> list[ExportNote | Problem]:
    """Parse every note, across the cores when there are many; results in ``rels`` order."""
    from studycards._parallel import parallel_map

    return parallel_map(_read_one, rels, vault)


def check_target(path: Path, force: bool) -> None:
    """Fail early, before reading the vault, when the file cannot or may not be written."""
    if not path.parent.is_dir():
        raise StudycardsError(f"no folder {path.parent} to write {path.name} into")
    if path.is_dir():
        raise StudycardsError(f"{path} is a folder: give a file name")
    if path.exists() and not force:
        raise StudycardsError(f"{path} already exists: pass --force to replace it")


def write_file(path: Path, data: bytes, force: bool) -> None:
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
        "tags": TAG_SEPARATOR.join(summary.tags),
        "review_count": summary.review_count,
        "mastery_level": summary.mastery_level,
        "last_reviewed": _iso(summary.last_reviewed),
        "next_review": _iso(summary.next_review),
        "short_answer": note.answer,
    }


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def csv_bytes(notes: Iterable[ExportNote]) -> bytes:
    """UTF-8 with a BOM (Excel then reads Chinese text right), CRLF rows, every field as is."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_row(note) for note in notes)
    return buffer.getvalue().encode("utf-8-sig")


def export_csv(vault: Vault, path: Path, force: bool = False) -> Export:
    """Write a CSV table of every note, one row each (columns: :data:`CSV_COLUMNS`)."""
    check_target(path, force)
    notes, skipped = read_notes(vault)
    write_file(path, csv_bytes(notes), force)
    return Export(path, len(notes), 0, tuple(skipped))


# ---------------------------------------------------------------------------------------------
# Anki


def stable_id(name: str) -> int:
    """A model or deck id from its name: the same on every export, in Anki's usual id range."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def deck_name(topic: str) -> str:
    """``studycards::Topic``; notes at the top of the notes folder go to ``studycards``."""
    topic = topic.replace("::", ":").strip()
    return f"{DECK_ROOT}::{topic}" if topic else DECK_ROOT


def anki_tag(tag: str) -> str:
    """Anki tags hold no spaces: runs of whitespace become ``_``; ``/`` becomes Anki's ``::``
    so path-like tags (``Topic/file.md``) nest under their topic tag."""
    return "_".join(tag.split()).replace("/", "::")


def anki_tags(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in map(anki_tag, tags) if t))


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML in a note is escaped, not passed through; unsafe link schemes are refused.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def markdown_html(text: str) -> str:
    return _markdown().render(text)


def card_front(note: ExportNote) -> str:
    """The title, or for a coding note the title above its problem statement."""
    title = f'<div class="title">{html.escape(note.title)}</div>'
    return title + markdown_html(note.problem) if note.problem else title


def card_back(note: ExportNote) -> str:
    if not note.answer:
        return f"<p><em>No short answer in {html.escape(note.summary.rel)}.</em></p>"
    return markdown_html(note.answer)


def note_guid(note: ExportNote, scheduling: Scheduling | None = None) -> str:
    """Fixed the first time the note is known, so a re-export updates it, never duplicates it:
    see :func:`~studycards.progress.anki_schedule.guid_source`."""
    import genanki

    return note.anki_guid or genanki.guid_for(guid_source(note.summary, scheduling))


def _model() -> Any:
    import genanki

    return genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<div class="source">{{Source}}</div>',
            }
        ],
        css=_CARD_CSS,
    )


def anki_note(note: ExportNote, model: Any, scheduling: Scheduling | None = None) -> Any:
    import genanki

    fields = [card_front(note), card_back(note), html.escape(note.summary.rel)]
    return genanki.Note(
        model=model,
        fields=fields,
        sort_field=note.title,
        tags=anki_tags(note.summary.tags),
        guid=note_guid(note, scheduling),
    )


def build_decks(notes: Iterable[ExportNote], scheduling: Scheduling | None = None) -> list[Any]:
    """One deck per topic, each note one card."""
    import genanki

    model = _model()
    decks: dict[str, Any] = {}
    for note in notes:
        name = deck_name(note.summary.topic)
        if name not in decks:
            decks[name] = genanki.Deck(stable_id(name), name)
        decks[name].add_note(anki_note(note, model, scheduling))
    return [decks[name] for name in sorted(decks)]


def apkg_bytes(
    decks: list[Any], timestamp: float, finish: Callable[[Any], None] | None = None
) -> bytes:
    """The package as bytes: a zip holding ``collection.anki2`` (SQLite) and an empty media map.

    Built here rather than with ``Package.write_to_file``, which leaves its temporary
    database behind in the system's temp folder.
    """
    import itertools
    import sqlite3
    import tempfile
    import zipfile

    import genanki

    with tempfile.TemporaryDirectory(prefix="studycards-anki-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            ids = itertools.count(int(timestamp * 1000))
            cursor = connection.cursor()
            genanki.Package(decks).write_to_db(cursor, timestamp, ids)
            if finish is not None:
                finish(cursor)
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")
    return buffer.getvalue()


def export_anki(vault: Vault, path: Path, now: dt.datetime, force: bool = False) -> Export:
    """Write an Anki package of every note; decks ``studycards::Topic``. Reviewed notes go as
    review cards with their FSRS memory state and a revlog row per review in the ledger."""
    check_target(path, force)
    notes, skipped = read_notes(vault)
    scheduling = read_scheduling(vault, now)
    decks = build_decks(notes, scheduling)
    schedules = {
        note_guid(note, scheduling): found
        for note in notes
        if (found := card_schedule(note.summary, scheduling)) is not None
    }
    scheduled = []

    def finish(cursor: Any) -> None:
        scheduled.append(schedule_cards(cursor, schedules, scheduling, now))

    write_file(path, apkg_bytes(decks, now.timestamp(), finish), force)
    return Export(path, len(notes), len(decks), tuple(skipped), scheduled[0])
