"""The review session's link to a real vault: cards from the queue, grades to the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from studycards.notes.note import FollowUp, Note
from studycards.notes.vault import Vault, load_note, scan
from studycards.review.session import Card, Graded
from studycards.scheduling.grading import grade_card, grade_note
from studycards.scheduling.history import CardHistory, note_state, replay
from studycards.scheduling.queue import QueueItem
from studycards.scheduling.reschedule import bury
from studycards.scheduling.schedule import MemoryState, Rating, next_outcomes
from studycards.scheduling.undo import undo_event
from studycards.scheduling.writes import ledger_of, local_day, read_note_file, settings_of


def followup_card_id(note_id: str, question: str) -> str:
    """A follow-up card's stable id: the note's id and a hash of the question text."""
    digest = hashlib.sha256(question.strip().encode("utf-8")).hexdigest()[:10]
    return f"{note_id}#{digest}"


def note_card(note: Note) -> Card:
    """The card of a whole note: the question on the front, the short answer on the back."""
    detail = "\n\n".join(
        part for part in (note.long_answer, note.section_text("deep_dive", "code")) if part.strip()
    )
    summary = note.summary
    return Card(
        card_id=summary.id or summary.rel,
        note_rel=summary.rel,
        title=note.title,
        question=note.question,
        answer=note.short_answer,
        detail=detail,
        topic=summary.topic,
        difficulty=summary.difficulty,
    )


def followup_card(note: Note, followup: FollowUp) -> Card:
    summary = note.summary
    note_id = summary.id or summary.rel
    return Card(
        card_id=followup_card_id(note_id, followup.question),
        note_rel=summary.rel,
        title=f"{note.title} · follow-up",
        question=followup.question,
        answer=followup.answer,
        detail="",
        topic=summary.topic,
        difficulty=summary.difficulty,
        followup=True,
    )


def build_cards(
    vault: Vault,
    items: tuple[QueueItem, ...],
    cards: dict[str, CardHistory],
    today: dt.date,
    followups: bool,
) -> list[Card]:
    """The session's cards: each due note, then (optionally) its due follow-up questions.

    Without follow-ups a note's text is read only when its card comes up, so a long queue
    starts at once.
    """
    if not followups:
        return [_unloaded(item) for item in items]
    result: list[Card] = []
    for item in items:
        note = load_note(vault, item.note.rel)
        if note.summary.broken:
            continue
        if followups and note.followups and not note.summary.id:
            note = _with_id(vault, note)
        result.append(note_card(note))
        if followups:
            result.extend(_due_followups(note, cards, today))
    return result


def _unloaded(item: QueueItem) -> Card:
    note = item.note
    return Card(
        card_id=note.id or note.rel,
        note_rel=note.rel,
        title=note.title,
        question=note.title,
        answer="",
        detail="",
        topic=note.topic,
        difficulty=note.difficulty,
        loaded=False,
    )


def _with_id(vault: Vault, note: Note) -> Note:
    """Give a note its id before its follow-ups become cards, so their ids are stable."""
    from studycards.lock import vault_lock
    from studycards.scheduling.grading import ensure_note_id

    with vault_lock(vault.state_dir):
        ensure_note_id(vault, note.summary.rel)
    return load_note(vault, note.summary.rel)


def _due_followups(note: Note, cards: dict[str, CardHistory], today: dt.date) -> list[Card]:
    due = []
    for followup in note.followups:
        card = followup_card(note, followup)
        history = cards.get(card.card_id)
        if history is None or history.due is None or history.due <= today:
            due.append(card)
    return due


@dataclass
class VaultBackend:
    """Implements :class:`studycards.review.session.Backend` over a vault on disk.

    Card histories are replayed once and again only after this session writes, so revealing
    an answer (which shows each grade's interval) costs no file reads.
    """

    vault: Vault
    now: Callable[[], dt.datetime]
    _cards: dict[str, CardHistory] | None = None

    def histories(self) -> dict[str, CardHistory]:
        if self._cards is None:
            self._cards = replay(ledger_of(self.vault).read().events)
        return self._cards

    def _changed(self) -> None:
        self._cards = None

    def _state(self, card: Card) -> MemoryState | None:
        cards = self.histories()
        if card.followup:
            history = cards.get(card.card_id)
            return history.state if history else None
        summary = read_note_file(self.vault, card.note_rel).summary
        return note_state(summary, cards, settings_of(self.vault))

    def preview(self, card: Card) -> dict[Rating, int]:
        today = local_day(self.vault, self.now())
        outcomes = next_outcomes(card.card_id, self._state(card), today, settings_of(self.vault))
        return {rating: outcome.interval for rating, outcome in outcomes.items()}

    def grade(self, card: Card, rating: Rating, seconds: float) -> Graded:
        now = self.now()
        self._changed()
        if card.followup:
            event = grade_card(self.vault, card.note_rel, card.card_id, rating, now, seconds)
            assert event.interval is not None and event.due_date is not None
            return Graded(card, rating, event.interval, event.due_date, event.id)
        result = grade_note(self.vault, card.note_rel, rating, now, seconds)
        outcome = result.outcome
        return Graded(card, rating, outcome.interval, outcome.due, result.event.id)

    def undo(self, graded: Graded) -> None:
        self._changed()
        undo_event(self.vault, graded.event_id, self.now())

    def bury(self, card: Card) -> None:
        self._changed()
        bury(self.vault, card.note_rel, card.card_id if card.followup else None, self.now())

    def reload(self, card: Card) -> Card:
        note = load_note(self.vault, card.note_rel)
        if card.followup:
            for followup in note.followups:
                fresh = followup_card(note, followup)
                if fresh.card_id == card.card_id:
                    return fresh
            return replace(card, loaded=True)
        if note.summary.broken:
            return replace(
                card, loaded=True, answer="(the note can no longer be read: see 'studycards check')"
            )
        return note_card(note)

    def due_tomorrow(self) -> int:
        tomorrow = local_day(self.vault, self.now()) + dt.timedelta(days=1)
        return sum(1 for s in scan(self.vault).notes if s.due_on(tomorrow) <= tomorrow)

    def streak(self) -> int:
        events = [e for h in self.histories().values() for e in h.events]
        return review_streak(events, local_day(self.vault, self.now()))


def review_streak(events, today: dt.date) -> int:
    """Consecutive days with a review, ending today (or yesterday if nothing yet today)."""
    from studycards.scheduling.events import live_events

    days = {e.day_date for e in live_events(events) if e.kind == "review"}
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count
