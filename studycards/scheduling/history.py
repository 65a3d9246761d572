"""Replay the ledger into each card's current state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from studycards.notes.note import NoteSummary
from studycards.scheduling.events import Event, live_events, parse_stamp
from studycards.scheduling.schedule import MemoryState, Settings, migrate


@dataclass
class CardHistory:
    """What the ledger says about one card."""

    card: str
    state: MemoryState | None = None
    due: dt.date | None = None
    reviews: int = 0
    lapses: int = 0
    events: list[Event] = field(default_factory=list)

    @property
    def last(self) -> Event | None:
        return self.events[-1] if self.events else None

    def apply(self, event: Event) -> None:
        self.events.append(event)
        if event.kind in ("review", "import") and event.stability is not None:
            assert event.difficulty is not None
            self.state = MemoryState(event.stability, event.difficulty, event.day_date)
        if event.kind == "review":
            self.reviews += 1
            self.lapses += event.rating == 1
        if event.due is not None:
            self.due = event.due_date


def replay(events: Iterable[Event]) -> dict[str, CardHistory]:
    """Each card's history from the events that still count, in time order per card."""
    ordered = sorted(enumerate(live_events(events)), key=lambda pair: (_instant(pair[1]), pair[0]))
    cards: dict[str, CardHistory] = {}
    for _, event in ordered:
        cards.setdefault(event.card, CardHistory(event.card)).apply(event)
    return cards


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _instant(event: Event) -> dt.datetime:
    """When the event happened, in UTC: events logged in different zones replay in true order."""
    try:
        return parse_stamp(event.ts)
    except (TypeError, ValueError):
        return _EARLIEST


@dataclass(frozen=True)
class DayCounts:
    """Per study day (ISO), the new cards introduced and all reviews done, as the queue's daily
    limits count them: a card's first review is new unless an import gave it a memory first."""

    new: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)

    def on(self, day: dt.date) -> tuple[int, int]:
        """New cards introduced and other reviews done on ``day``."""
        key = day.isoformat()
        new = self.new.get(key, 0)
        return new, self.reviews.get(key, 0) - new


def day_counts(events: Iterable[Event]) -> DayCounts:
    """The :class:`DayCounts` of the events that still count, in file order."""
    first_day: dict[str, str] = {}
    imported: set[str] = set()
    reviews: dict[str, int] = {}
    for event in live_events(events):
        if event.kind == "import":
            imported.add(event.card)
        if event.kind != "review":
            continue
        if event.card not in imported:
            first_day.setdefault(event.card, event.day)
        reviews[event.day] = reviews.get(event.day, 0) + 1
    new: dict[str, int] = {}
    for day in first_day.values():
        new[day] = new.get(day, 0) + 1
    return DayCounts(new, reviews)


def migrated_state(summary: NoteSummary, settings: Settings) -> MemoryState | None:
    """The old scheme's notes (reviewed, with dates, no ledger history) get a starting memory."""
    if summary.review_count <= 0 or summary.last_reviewed is None or summary.next_review is None:
        return None
    return migrate(summary.difficulty, summary.last_reviewed, summary.next_review, settings)


def note_state(
    summary: NoteSummary, cards: dict[str, CardHistory], settings: Settings
) -> MemoryState | None:
    """A note's memory: from its ledger history, else migrated from its frontmatter, else new."""
    history = cards.get(summary.id) if summary.id else None
    if history is not None and history.state is not None:
        return history.state
    return migrated_state(summary, settings)
