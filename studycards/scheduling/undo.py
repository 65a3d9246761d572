"""Undo: revert a logged review, restoring exactly the note lines it replaced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from studycards.errors import CannotComplete, StudycardsError
from studycards.lock import vault_lock
from studycards.notes.frontmatter_edit import restore_lines
from studycards.notes.vault import Vault, scan
from studycards.scheduling.events import Event
from studycards.scheduling.writes import (
    _edited,
    _event,
    ledger_of,
    local_day,
    read_note_file,
    write_note,
)


@dataclass(frozen=True)
class UndoResult:
    rel: str
    title: str
    undone: Event


def undo_last(vault: Vault, now: dt.datetime) -> UndoResult:
    """Revert the latest review not yet undone: log an undo, restore the note's lines exactly."""
    with vault_lock(vault.state_dir):
        events = list(ledger_of(vault).read().events)
        target, companions = _last_undoable(events)
        return _undo_locked(vault, target, companions, now)


def undo_event(vault: Vault, event_id: str, now: dt.datetime) -> UndoResult:
    """Revert one given review (the session's own last grade), whatever came after it.

    Refused when the same card was reviewed again since (by another studycards process):
    putting the note's lines back would wipe that later review from it."""
    with vault_lock(vault.state_dir):
        events = list(ledger_of(vault).read().events)
        undone = {t for e in events if e.kind == "undo" for t in (e.undoes or [])}
        for position, event in enumerate(events):
            if event.id == event_id and event.kind == "review" and event.id not in undone:
                _refuse_if_reviewed_since(event, events[position + 1 :], undone)
                companions = _companion_imports(events[:position], event, undone)
                return _undo_locked(vault, event, companions, now)
        raise CannotComplete(f"review {event_id} is not in the ledger or was already undone")


def _refuse_if_reviewed_since(target: Event, later: list[Event], undone: set[str]) -> None:
    if any(e.kind == "review" and e.card == target.card and e.id not in undone for e in later):
        raise CannotComplete(
            f"{target.path} was reviewed again since, elsewhere: undo that review first"
        )


def _undo_locked(
    vault: Vault, target: Event, companions: list[str], now: dt.datetime
) -> UndoResult:
    ledger = ledger_of(vault)
    rel = _current_path(vault, target)
    note = read_note_file(vault, rel)
    undo = _event(
        "undo", target.card, note, now, local_day(vault, now), undoes=[target.id, *companions]
    )
    is_note_card = target.card == target.note
    restored = None
    if is_note_card and target.prev is not None and target.note == (note.summary.id or target.note):
        restored = _edited(note, restore_lines, target.prev)
    ledger.append([undo])
    if restored is not None:
        write_note(note, restored)
    return UndoResult(rel, note.summary.title, target)


def _last_undoable(events: list[Event]) -> tuple[Event, list[str]]:
    undone = {t for e in events if e.kind == "undo" for t in (e.undoes or [])}
    for position in range(len(events) - 1, -1, -1):
        event = events[position]
        if event.kind == "review" and event.id not in undone:
            return event, _companion_imports(events[:position], event, undone)
    raise CannotComplete("nothing to undo: no review in the ledger")


def _companion_imports(before: list[Event], review: Event, undone: set[str]) -> list[str]:
    """The import logged in the same write as a review (its first grade): undone with it.

    Left behind, its state would date from the day of the import, not the note's last review.
    """
    return [
        e.id
        for e in before[-1:]
        if e.kind == "import" and e.card == review.card and e.ts == review.ts
        if e.id not in undone
    ]


def _current_path(vault: Vault, event: Event) -> str:
    """Where the event's note is now: found by id, else the path it had."""
    for summary in scan(vault).notes:
        if summary.id == event.note:
            return summary.rel
    if vault.path_of(event.path).exists():
        return event.path
    raise StudycardsError(f"the note of the last review ({event.path}) no longer exists")
