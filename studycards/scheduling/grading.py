"""Grading: review a note or a follow-up card now, logging the event first and then writing
the note's frontmatter projection, so a crash between the two is finished by reconcile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from studycards.errors import WriteError
from studycards.lock import vault_lock
from studycards.notes.frontmatter_edit import capture_lines
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault
from studycards.scheduling.events import Event
from studycards.scheduling.history import CardHistory, migrated_state, replay
from studycards.scheduling.ledger import Ledger
from studycards.scheduling.schedule import Outcome, Rating, grade, mastery
from studycards.scheduling.writes import (
    NoteFile,
    _event,
    _updated,
    ledger_of,
    local_day,
    new_note_id,
    read_note_file,
    settings_of,
    write_note,
)

PROJECTION_KEYS = ["last_reviewed", "next_review", "review_count", "mastery_level"]


@dataclass(frozen=True)
class GradeResult:
    rel: str
    title: str
    outcome: Outcome
    mastery: float
    event: Event


def grade_note(
    vault: Vault,
    rel: str,
    rating: Rating,
    now: dt.datetime,
    duration: float | None = None,
    reason: str | None = None,
    new_id: str | None = None,
) -> GradeResult:
    """Review one note now: append the event, then write the frontmatter projection.

    ``reason`` is kept on the review event (``sync`` marks the checklist line it came from).
    ``new_id`` is the id a note without one gets (the one its intervals were previewed with);
    by default a fresh one."""
    with vault_lock(vault.state_dir):
        ledger = ledger_of(vault)
        cards = replay(ledger.read().events)
        note = read_note_file(vault, rel)
        return _grade_locked(vault, ledger, cards, note, rating, now, duration, reason, new_id)


def _grade_locked(
    vault: Vault,
    ledger: Ledger,
    cards: dict[str, CardHistory],
    note: NoteFile,
    rating: Rating,
    now: dt.datetime,
    duration: float | None,
    reason: str | None = None,
    new_id: str | None = None,
) -> GradeResult:
    settings = settings_of(vault)
    today = local_day(vault, now)
    card = note.summary.id or new_id or new_note_id(note.summary)
    history = cards.get(card)
    events: list[Event] = []
    state = history.state if history else None
    if state is None and (migrated := migrated_state(note.summary, settings)) is not None:
        state = migrated
        events.append(_import_event(card, note, now, today, migrated))
    outcome = grade(card, state, rating, today, settings)
    level = mastery(outcome.state, today, settings.parameters)
    updates = _projection(note.summary, today, outcome, level)
    if not note.summary.id:
        updates["id"] = card
    prev = capture_lines(note.text, list(updates))
    review = _review_event(card, note, now, today, outcome, duration, prev)
    events.append(replace(review, reason=reason))
    text = _updated(note, updates)  # before the ledger: a note that cannot take it stops here
    ledger.append(events)
    try:
        write_note(note, text)
    except WriteError:
        _withdraw(ledger, events, note, now, today)
        raise
    return GradeResult(note.rel, note.summary.title, outcome, level, events[-1])


def _withdraw(
    ledger: Ledger, events: list[Event], note: NoteFile, now: dt.datetime, today: dt.date
) -> None:
    """The note could not be written: undo the logged review, so that "not saved" is true and
    a retry counts once. If even that fails, the review stays and reconcile finishes it."""
    undo = _event("undo", events[-1].card, note, now, today, undoes=[e.id for e in events])
    try:
        ledger.append([replace(undo, reason="the note could not be written")])
    except WriteError:
        pass


def _import_event(card: str, note: NoteFile, now: dt.datetime, today: dt.date, state) -> Event:
    due = note.summary.next_review
    return _event(
        "import",
        card,
        note,
        now,
        today,
        due=due.isoformat() if due else None,
        stability=state.stability,
        difficulty=state.difficulty,
        reason=f"migrated from review_count {note.summary.review_count}",
    )


def _review_event(card, note, now, today, outcome: Outcome, duration, prev) -> Event:
    return _event(
        "review",
        card,
        note,
        now,
        today,
        rating=int(outcome.rating),
        elapsed_days=outcome.elapsed_days,
        duration=None if duration is None else round(duration, 1),
        interval=outcome.interval,
        due=outcome.due.isoformat(),
        stability=round(outcome.state.stability, 6),
        difficulty=round(outcome.state.difficulty, 6),
        prev=prev,
    )


def _projection(summary: NoteSummary, today: dt.date, outcome: Outcome, level: float) -> dict:
    return {
        "last_reviewed": today,
        "next_review": outcome.due,
        "review_count": summary.review_count + 1,
        "mastery_level": level,
    }


# ---------------------------------------------------------------------------------------------
# follow-up cards


def ensure_note_id(vault: Vault, rel: str) -> str:
    """The note's id, written into its frontmatter first if it has none. Call under the lock."""
    note = read_note_file(vault, rel)
    if note.summary.id:
        return note.summary.id
    card = new_note_id(note.summary)
    write_note(note, _updated(note, {"id": card}))
    return card


def grade_card(
    vault: Vault,
    rel: str,
    card: str,
    rating: Rating,
    now: dt.datetime,
    duration: float | None = None,
) -> Event:
    """Review a follow-up card of a note: its state lives only in the ledger."""
    with vault_lock(vault.state_dir):
        ledger = ledger_of(vault)
        history = replay(ledger.read().events).get(card)
        note = read_note_file(vault, rel)
        note_id = note.summary.id or ensure_note_id(vault, rel)
        today = local_day(vault, now)
        outcome = grade(card, history.state if history else None, rating, today, settings_of(vault))
        event = replace(
            _review_event(card, note, now, today, outcome, duration, None), note=note_id
        )
        ledger.append([event])
        return event
