"""Two notes with one id: a note copied to start a new one carries the original's ``id``.

Left alone, a review of the copy would be replayed onto the original (its ``next_review`` and
``review_count`` rewritten from the copy's review). Before anything is written, the copy that the
ledger's history does not belong to gets an id of its own, and the person is told.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from studycards.notes.frontmatter_edit import update_text
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault
from studycards.scheduling.history import CardHistory
from studycards.scheduling.writes import new_note_id, read_note_file, write_note


@dataclass(frozen=True)
class Copy:
    """A note that shares its id with ``keeper``, the note the ledger's history belongs to."""

    rel: str
    note_id: str
    keeper: str


def duplicate_ids(notes: list[NoteSummary]) -> dict[str, list[str]]:
    """Ids carried by more than one note, each with its notes' paths in order."""
    by_id: dict[str, list[str]] = defaultdict(list)
    for summary in notes:
        if summary.id:
            by_id[summary.id].append(summary.rel)
    return {note_id: sorted(rels) for note_id, rels in by_id.items() if len(rels) > 1}


def keeper(rels: list[str], notes: dict[str, NoteSummary], history: CardHistory | None) -> str:
    """The note the history belongs to: at the path it was last logged at, showing the due day
    it leads to; else the one showing that due day; else the one at that path; else the first."""
    last_path = history.last.path if history and history.last else None
    due = history.due if history else None

    def rank(rel: str) -> tuple[bool, bool, str]:
        shows_due = due is not None and notes[rel].next_review == due
        return (not shows_due, rel != last_path, rel)

    return min(rels, key=rank)


def find_copies(notes: list[NoteSummary], cards: dict[str, CardHistory]) -> list[Copy]:
    by_rel = {summary.rel: summary for summary in notes}
    copies = []
    for note_id, rels in duplicate_ids(notes).items():
        kept = keeper(rels, by_rel, cards.get(note_id))
        copies.extend(Copy(rel, note_id, kept) for rel in rels if rel != kept)
    return copies


def split_copies(
    vault: Vault, notes: list[NoteSummary], cards: dict[str, CardHistory]
) -> list[str]:
    """Give each copy a new id (call under the vault lock); one line per copy, saying so."""
    lines = []
    for copy in find_copies(notes, cards):
        note = read_note_file(vault, copy.rel)
        if note.summary.id != copy.note_id:
            continue  # changed since the scan
        fresh = new_note_id()
        write_note(note, update_text(note.text, {"id": fresh}))
        lines.append(
            f"{copy.rel}: had the same id {copy.note_id} as {copy.keeper} (a copy?): gave it "
            f"the new id {fresh}, so its reviews are its own"
        )
    return lines
