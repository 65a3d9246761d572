"""Orders of the study list beyond due day and risk: which new notes fill the day's new slots
(``new_order``), and the old scripts' weighted order (``order: weighted``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from studycards.notes.note import NoteSummary

# The old scripts' defaults: higher weight = that quality brings a note earlier.
DEFAULT_WEIGHTS = {
    "created_new": 0.3,
    "review_count": 0.3,
    "difficulty_easy": 0.2,
    "tags_count": 0.2,
}
_EASINESS = {"easy": 1.0, "medium": 0.5, "hard": 0.0}


class _Item(Protocol):
    @property
    def note(self) -> NoteSummary: ...

    @property
    def is_new(self) -> bool: ...

    @property
    def due(self) -> dt.date: ...


T = TypeVar("T", bound=_Item)


def new_picks(items: Sequence[T], new_order: str, today: dt.date, slots: int) -> set[int]:
    """The ``id()`` of the new notes that fill the day's ``slots``: the newest (or oldest, or a
    random pick that stays the same all day) first."""
    fresh = sorted((i for i in items if i.is_new), key=lambda i: _new_key(i, new_order, today))
    return {id(i) for i in fresh[: max(0, slots)]}


def _new_key(item: _Item, new_order: str, today: dt.date) -> tuple:
    """A note without ``created`` counts as made on the day it first came due."""
    note = item.note
    created = (note.created or item.due).toordinal()
    if new_order == "newest":
        return (-created, note.rel)
    if new_order == "random":  # the same pick all day, a new one tomorrow
        return (hashlib.sha256(f"{today.isoformat()}/{note.rel}".encode()).digest(),)
    return (created, note.rel)


def weighted(items: Sequence[T], weights: Mapping[str, float]) -> list[T]:
    """The old scripts' order: a weighted sum of four qualities, each scaled to 0..1 over the
    list, highest first. ``created_new``: made more recently; ``review_count``: reviewed fewer
    times; ``difficulty_easy``: an easier question; ``tags_count``: more tags."""
    w = {**DEFAULT_WEIGHTS, **weights}
    notes = [i.note for i in items]
    created = _scaled([n.created.toordinal() if n.created else 0 for n in notes])
    fewer = _scaled([-n.review_count for n in notes])
    tags = _scaled([len(n.tags) for n in notes])
    scores = [
        w["created_new"] * created[k]
        + w["review_count"] * fewer[k]
        + w["difficulty_easy"] * _EASINESS.get(notes[k].difficulty or "", 0.5)
        + w["tags_count"] * tags[k]
        for k in range(len(notes))
    ]
    order = sorted(range(len(items)), key=lambda k: (-scores[k], notes[k].rel))
    return [items[k] for k in order]


def _scaled(values: list[float]) -> list[float]:
    low, high = min(values, default=0), max(values, default=0)
    span = high - low
    return [(v - low) / span if span else 0.0 for v in values]
