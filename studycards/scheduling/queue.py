"""The review queue: which notes are due, grouped and ordered, within the daily limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from studycards.errors import UsageError
from studycards.notes.catalog import NoteFilter, check_filter
from studycards.notes.note import DIFFICULTIES, NoteSummary
from studycards.scheduling.events import Event
from studycards.scheduling.history import CardHistory, DayCounts, day_counts, note_state
from studycards.scheduling.order import new_picks, weighted
from studycards.scheduling.schedule import (
    MemoryState,
    Settings,
    interview_due,
    interview_goal,
    needs_review_before,
    retrievability,
)

if TYPE_CHECKING:
    from studycards.notes.vault import Vault

GROUPS = ("overdue", "today", "week", "later")
GROUP_TITLES = {"overdue": "Overdue", "today": "Today", "week": "This week", "later": "Later"}
ORDERS = ("due", "risk", "easy-first", "weighted")


class QueueItem(NamedTuple):  # a tuple: one is made per note on every queue
    """One note in the queue with what ordering and display need."""

    note: NoteSummary
    state: MemoryState | None
    due: dt.date
    group: str
    recall: float | None  # predicted recall today; None for a new note

    @property
    def is_new(self) -> bool:
        return self.state is None


@dataclass(frozen=True)
class Limits:
    new_per_day: int
    reviews_per_day: int


@dataclass(frozen=True)
class Queue:
    """The study list for today (``study``), every filtered note by group, and the totals."""

    study: tuple[QueueItem, ...]
    groups: dict[str, tuple[QueueItem, ...]]
    due_total: int
    new_total: int
    limited: bool
    done_today: int
    until: dt.date | None = None
    still: tuple[QueueItem, ...] = ()  # interview mode: notes below the target on the date


def effective_due(
    note: NoteSummary, state: MemoryState | None, today: dt.date, settings: Settings
) -> dt.date:
    """The day a note is due; in interview-date mode, a note too weak for the date comes back
    when its recall falls to the target, and no later than the day before the date."""
    due = note.due_on(today)
    date = settings.interview_date
    if date is None or due < date or date < today:
        return due
    if needs_review_before(state, date, interview_goal(settings), settings.parameters):
        return max(today, interview_due(state, date, settings))
    return due


def group_of(due: dt.date, today: dt.date) -> str:
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    return "week" if due <= today + dt.timedelta(days=7) else "later"


def build_queue(
    notes: Iterable[NoteSummary],
    cards: dict[str, CardHistory],
    events: Iterable[Event],
    today: dt.date,
    settings: Settings,
    where: NoteFilter = NoteFilter(),
    order: str = "due",
    limits: Limits | None = None,
    new_order: str = "oldest",
    weights: dict[str, float] | None = None,
) -> Queue:
    """Group every kept note by due day and pick today's study list in ``order`` within limits."""
    return queue_of(
        notes,
        lambda note: note_state(note, cards, settings),
        day_counts(events),
        today,
        settings,
        where,
        order,
        limits,
        new_order,
        weights,
    )


def queue_of(
    notes: Iterable[NoteSummary],
    state_of: Callable[[NoteSummary], MemoryState | None],
    days: DayCounts,
    today: dt.date,
    settings: Settings,
    where: NoteFilter = NoteFilter(),
    order: str = "due",
    limits: Limits | None = None,
    new_order: str = "oldest",
    weights: dict[str, float] | None = None,
) -> Queue:
    """:func:`build_queue` from each note's memory state and the ledger's day counts."""
    if order not in ORDERS:
        raise UsageError(f"unknown order {order!r}: use one of {', '.join(ORDERS)}")
    items = [_item(n, state_of(n), today, settings) for n in notes if where.keeps(n, today)]
    by_due = sorted(items, key=_by_due)
    groups = _grouped(by_due)
    if order == "due":  # already in that order
        due_items = [i for i in by_due if i.due <= today]
    else:
        due_items = _ordered([i for i in items if i.due <= today], order, weights or {})
    done_new, done_reviews = days.on(today)
    study = _limited(due_items, limits, done_new, done_reviews)
    if limits is not None:  # the new notes new_order picks, in the places ``order`` gives them
        picked = new_picks(due_items, new_order, today, limits.new_per_day - done_new)
        study = _limited(
            [i for i in due_items if not i.is_new or id(i) in picked],
            limits,
            done_new,
            done_reviews,
        )
    new_total = sum(1 for i in due_items if i.is_new)
    limited = len(study) < len(due_items)
    done = done_new + done_reviews
    until = settings.interview_date
    still = () if until is None else tuple(sorted(still_to_do(items, until, settings), key=_by_due))
    return Queue(tuple(study), groups, len(due_items), new_total, limited, done, until, still)


def _grouped(by_due: list[QueueItem]) -> dict[str, tuple[QueueItem, ...]]:
    """The items (in due order) by group."""
    groups: dict[str, list[QueueItem]] = {g: [] for g in GROUPS}
    for item in by_due:
        groups[item.group].append(item)
    return {g: tuple(found) for g, found in groups.items()}


def _item(
    note: NoteSummary, state: MemoryState | None, today: dt.date, settings: Settings
) -> QueueItem:
    due = effective_due(note, state, today, settings)
    recall = None if state is None else retrievability(state, today, settings.parameters)
    return QueueItem(note, state, due, group_of(due, today), recall)


def _by_due(item: QueueItem) -> tuple:
    return (item.due, item.note.rel)


_DIFFICULTY_RANK = {name: rank for rank, name in enumerate(DIFFICULTIES)}


def _easy_first(item: QueueItem) -> tuple:
    """The old habit: easy, familiar notes first."""
    rank = _DIFFICULTY_RANK.get(item.note.difficulty or "", 1)
    return (rank, -item.note.review_count, item.note.rel)


def _at_risk_first(item: QueueItem) -> tuple:
    return (item.recall if item.recall is not None else 2.0, item.note.rel)


def _ordered(items: list[QueueItem], order: str, weights: dict[str, float]) -> list[QueueItem]:
    if order == "weighted":
        return weighted(items, weights)
    keys = {"risk": _at_risk_first, "easy-first": _easy_first, "due": _by_due}
    return sorted(items, key=keys[order])


def _done_today(events: Iterable[Event], today: dt.date) -> tuple[int, int]:
    """New cards introduced and reviews done today, from the ledger."""
    return day_counts(events).on(today)


def _limited(
    items: list[QueueItem], limits: Limits | None, done_new: int, done_reviews: int
) -> list[QueueItem]:
    if limits is None:
        return items
    new_left = max(0, limits.new_per_day - done_new)
    reviews_left = max(0, limits.reviews_per_day - done_reviews)
    kept = []
    for item in items:
        if item.is_new and new_left > 0:
            new_left -= 1
            kept.append(item)
        elif not item.is_new and reviews_left > 0:
            reviews_left -= 1
            kept.append(item)
    return kept


def still_to_do(items: Iterable[QueueItem], date: dt.date, settings: Settings) -> list[QueueItem]:
    """Interview mode: notes whose recall on ``date`` is predicted below the target."""
    target, params = interview_goal(settings), settings.parameters
    return [i for i in items if needs_review_before(i.state, date, target, params)]


def load_queue(
    vault: Vault,
    today: dt.date,
    where: NoteFilter = NoteFilter(),
    order: str | None = None,
    until: dt.date | None = None,
    use_limits: bool = True,
) -> tuple[Queue, tuple[str, ...]]:
    """Scan the vault and read the ledger into today's queue; also the ledger's notices."""
    from studycards.scheduling.snapshot import no_collection, vault_state
    from studycards.scheduling.writes import settings_of

    settings = settings_of(vault, interview=until)
    config = vault.config
    limits = Limits(config.new_per_day, config.reviews_per_day) if use_limits else None
    known = vault_state(vault)
    notes = known.scan.notes
    check_filter(where, notes)
    with no_collection():
        queue = queue_of(
            notes,
            lambda note: known.states.get(note.rel),
            known.days,
            today,
            settings,
            where,
            order or config.order,
            limits,
            config.new_order,
            config.order_weights,
        )
    return queue, known.notices


def item_json(item: QueueItem, today: dt.date) -> dict:
    note = item.note
    return {
        "path": note.rel,
        "title": note.title,
        "topic": note.topic,
        "difficulty": note.difficulty,
        "due": item.due.isoformat(),
        "days_overdue": max(0, (today - item.due).days),
        "new": item.is_new,
        "recall_today": None if item.recall is None else round(item.recall, 3),
        "review_count": note.review_count,
        "mastery_level": note.mastery_level,
    }


def queue_json(queue: Queue, today: dt.date, vault: Vault | None = None) -> dict:
    """All of ``due``'s numbers and lists, for scripts."""
    return {
        "today": today.isoformat(),
        "due_total": queue.due_total,
        "new_total": queue.new_total,
        "study_count": len(queue.study),
        "limited": queue.limited,
        "done_today": queue.done_today,
        "until": None if queue.until is None else queue.until.isoformat(),
        "still_to_do": None if queue.until is None else [item_json(i, today) for i in queue.still],
        "study": [item_json(i, today) for i in queue.study],
        "groups": {g: [item_json(i, today) for i in items] for g, items in queue.groups.items()},
    }
