"""Export an Anki package: a card per note and per follow-up Q&A, one deck per topic.

A note's card: front its title (and a coding note's problem), back its short answer (else its
opening), then the rest of the note (long answer, deep dive, other sections) under a "more"
fold. A follow-up's card: front the
question under the note's title, back its answer. Identities come from the note's ``id`` (its
path if it has none) and, for a follow-up, a hash of its question, the same ids the review
session uses, so importing a re-export updates cards instead of duplicating them. Images the
cards show travel in the package as media.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from studycards.notes.note import FollowUp
from studycards.notes.vault import Vault
from studycards.progress.anki_schedule import (
    CardSchedule,
    Scheduling,
    card_schedule,
    guid_source,
    history_schedule,
    read_scheduling,
    schedule_cards,
)
from studycards.progress.card_html import Media, card_html
from studycards.progress.export import (
    CHUNK,
    Export,
    ExportNote,
    Tally,
    batches,
    check_target,
    iter_notes,
    write_file,
)

DECK_ROOT = "studycards"
MODEL_NAME = "studycards note"
_CARD_CSS = """\
.card { font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif;
        font-size: 18px; text-align: left; line-height: 1.5; }
.title { font-weight: bold; margin-bottom: .5em; }
.followup { font-size: 14px; color: #888; margin-bottom: .3em; }
.source { margin-top: 1em; font-size: 12px; color: #888; }
pre { white-space: pre-wrap; }
img { max-width: 100%; }
"""
_BACK = (
    '{{FrontSide}}<hr id="answer">{{Back}}'
    "{{#More}}<details><summary>more</summary>{{More}}</details>{{/More}}"
    '<div class="source">{{Source}}</div>'
)


def stable_id(name: str) -> int:
    """A model or deck id from its name: the same on every export, in Anki's usual id range."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def deck_name(topic: str) -> str:
    """``studycards::Topic``; notes at the top of the notes folder go to ``studycards``."""
    topic = topic.replace("::", ":").strip()
    return f"{DECK_ROOT}::{topic}" if topic else DECK_ROOT


def anki_tag(tag: str) -> str:
    """Anki tags hold no spaces: runs of whitespace become ``_``; ``/`` becomes Anki's ``::``."""
    return "_".join(tag.split()).replace("/", "::")


def anki_tags(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in map(anki_tag, tags) if t))


class Cards:
    """Builds the card fields of an export, collecting the images they show."""

    def __init__(self, vault: Vault):
        self.vault = vault
        self.media = Media()

    def html(self, note: ExportNote, text: str) -> str:
        return card_html(text, self.vault, note.summary.rel, self.media)

    def note_fields(self, note: ExportNote) -> list[str]:
        title = f'<div class="title">{html.escape(note.title)}</div>'
        front = title + self.html(note, note.problem) if note.problem else title
        back = self.html(note, note.answer) if note.answer else _no_answer(note)
        more = self.html(note, note.more) if note.more else ""
        return [front, back, html.escape(note.summary.rel), more]

    def followup_fields(self, note: ExportNote, followup: FollowUp) -> list[str]:
        context = f'<div class="followup">{html.escape(note.title)} · follow-up</div>'
        front = context + f'<div class="title">{self.html(note, followup.question)}</div>'
        return [front, self.html(note, followup.answer), html.escape(note.summary.rel), ""]


def _no_answer(note: ExportNote) -> str:
    return f"<p><em>No answer in {html.escape(note.summary.rel)}: the note has no text.</em></p>"


def note_guid(note: ExportNote, scheduling: Scheduling | None = None) -> str:
    """Fixed the first time the note is known, so a re-export updates it, never duplicates it:
    see :func:`~studycards.progress.anki_schedule.guid_source`."""
    import genanki

    return note.anki_guid or genanki.guid_for(guid_source(note.summary, scheduling))


def followup_guid(
    note: ExportNote, followup: FollowUp, scheduling: Scheduling | None = None
) -> str:
    import genanki

    return genanki.guid_for(followup.card_id(guid_source(note.summary, scheduling)))


def _model() -> Any:
    import genanki

    return genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}, {"name": "More"}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": _BACK}],
        css=_CARD_CSS,
    )


def build_decks(
    cards: Cards,
    notes: Iterable[ExportNote],
    followups: bool = True,
    scheduling: Scheduling | None = None,
) -> list[Any]:
    """One deck per topic: each note a card, then each of its follow-ups."""
    import genanki

    model = _model()
    decks: dict[str, Any] = {}
    for note in notes:
        name = deck_name(note.summary.topic)
        if name not in decks:
            decks[name] = genanki.Deck(stable_id(name), name)
        tags = anki_tags(note.tags)
        fields = cards.note_fields(note)
        guid = note_guid(note, scheduling)
        decks[name].add_note(genanki.Note(model, fields, note.title, tags, guid))
        for followup in note.followups if followups else ():
            fields = cards.followup_fields(note, followup)
            guid = followup_guid(note, followup, scheduling)
            decks[name].add_note(genanki.Note(model, fields, followup.question, tags, guid))
    return [decks[name] for name in sorted(decks)]


def export_anki(
    vault: Vault, path: Path, now: dt.datetime, force: bool = False, followups: bool = True
) -> Export:
    """Write an Anki package of every note (and its follow-ups); decks ``studycards::Topic``.
    Reviewed cards go with their schedule, FSRS memory state and a revlog row per review.

    Notes are read and added to the collection a chunk at a time, and the package is zipped
    straight into its file, so memory stays flat however big the vault.
    """
    import tempfile

    check_target(path, force)
    cards = Cards(vault)
    scheduling = read_scheduling(vault, now)
    tally = Tally(followups)
    notes = tally.notes_of(iter_notes(vault))
    with tempfile.TemporaryDirectory(prefix="studycards-anki-") as folder:
        database = Path(folder) / "collection.anki2"
        decks, scheduled = _write_collection(database, cards, notes, scheduling, now, followups)
        files = cards.media.files
        write_file(path, lambda handle: _write_package(handle, database, files), force)
    media = len(cards.media.files)
    return Export(path, tally.notes, decks, tuple(tally.skipped), tally.extra, media, scheduled)


def _write_collection(
    database: Path,
    cards: Cards,
    notes: Iterable[ExportNote],
    scheduling: Scheduling,
    now: dt.datetime,
    followups: bool,
) -> tuple[int, int]:
    """The collection (``collection.anki2``, SQLite): genanki's schema, the notes' decks a
    chunk at a time, then the schedules once every card exists. Returns how many decks and how
    many scheduled cards it holds.

    Built here rather than with ``Package.write_to_file``, which leaves its temporary database
    behind in the system's temp folder and wants every note in memory at once.
    """
    import itertools
    import sqlite3

    import genanki

    timestamp = now.timestamp()
    connection = sqlite3.connect(database)
    try:
        ids = itertools.count(int(timestamp * 1000))
        cursor = connection.cursor()
        genanki.Package([]).write_to_db(cursor, timestamp, ids)  # the schema and the col row
        names: set[str] = set()
        schedules: dict[str, CardSchedule] = {}
        for batch in batches(notes, CHUNK):
            for deck in build_decks(cards, batch, followups, scheduling):
                names.add(deck.name)
                deck.write_to_db(cursor, timestamp, ids)
            schedules.update(_schedules(batch, scheduling, followups))
        scheduled = schedule_cards(cursor, schedules, scheduling, now)
        connection.commit()
    finally:
        connection.close()
    return len(names), scheduled


def _write_package(handle: BinaryIO, database: Path, media: dict[str, Path]) -> None:
    """The package into an open file: a zip of ``collection.anki2``, the media files (named
    ``0``, ``1``, ...) and the ``media`` map from those numbers to file names."""
    import zipfile

    names = sorted(media)
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(database, "collection.anki2")
        for number, name in enumerate(names):
            archive.write(media[name], str(number))
        mapping = {str(number): name for number, name in enumerate(names)}
        archive.writestr("media", json.dumps(mapping, ensure_ascii=False))


def _schedules(
    notes: list[ExportNote], scheduling: Scheduling, followups: bool
) -> dict[str, CardSchedule]:
    """The schedule of every card that has one, by the card's GUID."""
    found = {}
    for note in notes:
        if (schedule := card_schedule(note.summary, scheduling)) is not None:
            found[note_guid(note, scheduling)] = schedule
        for followup in note.followups if followups and note.summary.id else ():
            card = followup.card_id(note.summary.id or "")
            if (schedule := history_schedule(scheduling.cards.get(card))) is not None:
                found[followup_guid(note, followup, scheduling)] = schedule
    return found
