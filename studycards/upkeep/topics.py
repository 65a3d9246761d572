"""Per-topic and per-tag numbers: how many notes, how many due, how many new, mean mastery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from studycards.notes.note import NoteSummary, is_path_tag


@dataclass(frozen=True)
class GroupStats:
    """The numbers of one topic or tag."""

    name: str
    notes: int
    due: int
    new: int
    mean_mastery: float

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "notes": self.notes,
            "due": self.due,
            "new": self.new,
            "mean_mastery": self.mean_mastery,
        }


def topic_stats(notes: Iterable[NoteSummary], today: dt.date) -> list[GroupStats]:
    """One row per topic folder (``""`` for notes at the top of the notes folder)."""
    return _grouped(((note.topic, note) for note in notes), today)


def tag_stats(
    notes: Iterable[NoteSummary], today: dt.date, path_tags: bool = False
) -> list[GroupStats]:
    """One row per tag, compared without case; ``Topic/file.md`` tags only when asked."""
    pairs: list[tuple[str, NoteSummary]] = []
    for note in notes:
        kept: dict[str, str] = {}
        for tag in note.tags:
            if path_tags or not is_path_tag(tag, note):
                kept.setdefault(tag.casefold(), tag)
        pairs.extend((tag, note) for tag in kept.values())
    return _grouped(pairs, today)


def _grouped(pairs: Iterable[tuple[str, NoteSummary]], today: dt.date) -> list[GroupStats]:
    groups: dict[str, tuple[str, list[NoteSummary]]] = {}
    for name, note in pairs:
        groups.setdefault(name.casefold(), (name, []))[1].append(note)
    rows = [_stats(name, members, today) for name, members in groups.values()]
    return sorted(rows, key=lambda row: (row.name.casefold(), row.name))


def _stats(name: str, notes: list[NoteSummary], today: dt.date) -> GroupStats:
    due = sum(1 for note in notes if note.due_on(today) <= today)
    new = sum(1 for note in notes if note.review_count == 0)
    mean = round(sum(note.mastery_level for note in notes) / len(notes), 2)
    return GroupStats(name, len(notes), due, new, mean)
