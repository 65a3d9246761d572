"""The review session's link to a real vault: cards from the queue, grades to the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from studycards.notes.catalog import NoteFilter
from studycards.notes.note import FollowUp, Note
from studycards.notes.vault import Vault, load_note, scan
from studycards.review.session import Card, Graded
from studycards.scheduling.grading import grade_card, grade_note
from studycards.scheduling.history import CardHistory, note_state, replay
from studycards.scheduling.queue import Limits, QueueItem, build_queue
from studycards.scheduling.reschedule import bury
from studycards.scheduling.schedule import MemoryState, Rating, next_outcomes
from studycards.scheduling.undo import undo_event
from studycards.scheduling.writes import (
    ledger_of,
    local_day,
    new_note_id,
    read_note_file,
    settings_of,
)

EARLY_REASON = "early: studied ahead of its due day"


def followup_card_id(note_id: str, question: str) -> str:
    """A follow-up card's stable id: the note's id and a hash of the question text."""
    return FollowUp(question, "", 0).card_id(note_id)


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
        if note.followups and not note.summary.id:
            note = _with_id(vault, note)
        result.append(replace(note_card(note), is_new=item.is_new, due=item.due))
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
        is_new=item.is_new,
        due=item.due,
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
    where: NoteFilter = NoteFilter()
    only: frozenset[str] | None = None  # the notes a search or an outline named
    earlier_days: frozenset[dt.date] = frozenset()  # study days the old scripts recorded
    _cards: dict[str, CardHistory] | None = None
    # A note reviewed for the first time gets its id when graded; the id it will get is chosen
    # when its intervals are previewed, so the fuzz on each key's label is the one recorded.
    _new_ids: dict[str, str] = field(default_factory=dict)
    _outlook: tuple | None = None  # the notes and ledger events today's and tomorrow's lists use

    def histories(self) -> dict[str, CardHistory]:
        if self._cards is None:
            self._cards = replay(ledger_of(self.vault).read().events)
        return self._cards

    def _changed(self) -> None:
        self._cards = None
        self._outlook = None

    def _keyed_state(self, card: Card) -> tuple[str, MemoryState | None]:
        """The card's scheduling key (the id its review is logged under) and its memory."""
        cards = self.histories()
        if card.followup:
            history = cards.get(card.card_id)
            return card.card_id, history.state if history else None
        summary = read_note_file(self.vault, card.note_rel).summary
        key = summary.id or self._new_ids.setdefault(card.note_rel, new_note_id())
        return key, note_state(summary, cards, settings_of(self.vault))

    def preview(self, card: Card) -> dict[Rating, int]:
        today = local_day(self.vault, self.now())
        key, state = self._keyed_state(card)
        outcomes = next_outcomes(key, state, today, settings_of(self.vault))
        return {rating: outcome.interval for rating, outcome in outcomes.items()}

    def grade(self, card: Card, rating: Rating, seconds: float) -> Graded:
        now = self.now()
        self._changed()
        early = card.due is not None and card.due > local_day(self.vault, now)
        reason = EARLY_REASON if early else None
        if card.followup:
            event = grade_card(self.vault, card.note_rel, card.card_id, rating, now, seconds)
            assert event.interval is not None and event.due_date is not None
            return Graded(card, rating, event.interval, event.due_date, event.id)
        new_id = self._new_ids.get(card.note_rel)
        result = grade_note(self.vault, card.note_rel, rating, now, seconds, reason, new_id)
        outcome = result.outcome
        return Graded(card, rating, outcome.interval, outcome.due, result.event.id)

    def undo(self, graded: Graded) -> None:
        self._changed()
        undo_event(self.vault, graded.event_id, self.now())

    def bury(self, card: Card) -> None:
        self._changed()
        bury(self.vault, card.note_rel, card.card_id if card.followup else None, self.now())

    def reload(self, card: Card) -> Card:
        self._outlook = None  # an edit may have moved its due day
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

    def _study_list(self, day: dt.date) -> tuple[QueueItem, ...]:
        """The study list for ``day`` within the daily limits and this sitting's filters."""
        if self._outlook is None:
            notes = scan(self.vault).notes
            if self.only is not None:
                notes = tuple(n for n in notes if n.rel in self.only)
            self._outlook = (notes, ledger_of(self.vault).read().events)
        notes, events = self._outlook
        config = self.vault.config
        limits = Limits(config.new_per_day, config.reviews_per_day)
        settings = settings_of(self.vault)
        queue = build_queue(
            notes, self.histories(), events, day, settings, self.where, "due", limits
        )
        return queue.study

    def left_today(self) -> int:
        return len(self._study_list(local_day(self.vault, self.now())))

    def due_tomorrow(self) -> int:
        return len(self._study_list(local_day(self.vault, self.now()) + dt.timedelta(days=1)))

    def streak(self) -> int:
        """Study days in a row: days with a review in the ledger, and the days an older tool
        recorded (``earlier_days``, from ``migrate``), as ``stats`` counts them."""
        from studycards.scheduling.clock import current_streak
        from studycards.scheduling.events import live_events

        events = (e for h in self.histories().values() for e in h.events)
        days = {e.day_date for e in live_events(events) if e.kind == "review"}
        return current_streak(days | self.earlier_days, local_day(self.vault, self.now()))
