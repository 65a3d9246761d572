"""Training items for the FSRS engine, from the ledger, and what had to be left out.

One ``FSRSItem`` per review that can be predicted: it holds the card's live reviews up to that
one in time order, each with the whole study days since the one before (``FSRSReview(rating,
delta_t)``, 0 for the first). The engine predicts only reviews a day or more after the previous
one (its memory model works in days), so a review on the same study day as the one before (an
Again repeated in the same sitting, a Good after an Again) is never a target itself; it still
counts in the history of the card's later items. Cards whose history began before the ledger
(notes migrated from the old scheme, marked by an import event) are left out: the model needs
every review from the first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from studycards.scheduling.events import Event, live_events

DayOf = Callable[[Event], dt.date]


@dataclass(frozen=True)
class History:
    """One training item: a card's reviews up to one of them, as (rating, days since previous)."""

    card: str
    ts: str  # when the last of ``reviews`` happened
    reviews: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TrainingSet:
    """The items the engine can learn from, and how many live reviews were not targets."""

    items: tuple[History, ...]
    first: int  # first reviews of a card: nothing before them to predict from
    same_day: int  # on the same study day as the card's previous review
    migrated: int  # reviews of cards whose history began before the ledger

    @property
    def used(self) -> int:
        return len(self.items)

    @property
    def ignored(self) -> int:
        return self.first + self.same_day + self.migrated

    @property
    def pass_shares(self) -> tuple[float, float, float] | None:
        """The measured hard / good / easy shares among the items' remembered reviews."""
        counts = [0, 0, 0]
        for item in self.items:
            rating = item.reviews[-1][0]
            if rating >= 2:
                counts[rating - 2] += 1
        total = sum(counts)
        return None if total == 0 else tuple(round(c / total, 3) for c in counts)  # type: ignore[return-value]


def training_set(events: Iterable[Event], day_of: DayOf | None = None) -> TrainingSet:
    """The training items of a ledger's events, in time order of their last review.

    ``day_of`` gives an event's study day (default: the day it was logged with)."""
    day_of = day_of or (lambda event: event.day_date)
    by_card: dict[str, list[Event]] = defaultdict(list)
    imported: set[str] = set()
    ordered = sorted(enumerate(live_events(events)), key=lambda p: (_instant(p[1].ts), p[0]))
    for _, event in ordered:
        if event.kind == "import":
            imported.add(event.card)
        elif event.kind == "review":
            by_card[event.card].append(event)
    items: list[History] = []
    first = same_day = migrated = 0
    for card, reviews in by_card.items():
        if card in imported:
            migrated += len(reviews)
            continue
        found = _card_items(card, reviews, day_of)
        items += found
        first += 1
        same_day += len(reviews) - 1 - len(found)
    items.sort(key=lambda item: _instant(item.ts))
    return TrainingSet(tuple(items), first, same_day, migrated)


def histories(events: Iterable[Event], day_of: DayOf | None = None) -> list[History]:
    """Just the items of :func:`training_set`."""
    return list(training_set(events, day_of).items)


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _instant(ts: str) -> dt.datetime:
    """An event's time in UTC, so that reviews logged in different zones keep their order."""
    try:
        stamp = dt.datetime.fromisoformat(ts[:-1] + "+00:00" if ts.endswith("Z") else ts)
    except (TypeError, ValueError):
        return _EARLIEST
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone(dt.timezone.utc)


def _card_items(card: str, reviews: list[Event], day_of: DayOf) -> list[History]:
    steps: list[tuple[int, int]] = []
    items = []
    previous: dt.date | None = None
    for event in reviews:
        day = day_of(event)
        delta = 0 if previous is None else max(0, (day - previous).days)
        steps.append((int(event.rating or 0), delta))
        previous = day
        if len(steps) >= 2 and delta > 0:
            items.append(History(card, event.ts, tuple(steps)))
    return items


def fsrs_items(items: Sequence[History]) -> list[Any]:
    import fsrs_rs_python as fsrs

    return [fsrs.FSRSItem([fsrs.FSRSReview(r, d) for r, d in item.reviews]) for item in items]


def engine_call(what: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the engine; its refusals (ValueError) and its panics (a Rust panic surfaces as a
    ``PanicException``, which is not an ``Exception``) become one clean ValueError."""
    try:
        return call(*args, **kwargs)
    except ValueError as error:
        raise ValueError(f"{what}: {error}") from None
    except BaseException as error:
        if type(error).__name__ != "PanicException":
            raise
        raise ValueError(f"{what}: the FSRS engine failed ({error})") from None
