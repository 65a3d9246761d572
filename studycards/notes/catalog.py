"""Selecting and ordering notes for listing: filters by tag, topic, difficulty and due day."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from studycards.errors import UsageError
from studycards.notes.note import DIFFICULTIES, NoteSummary

_DIFFICULTY_RANK = {name: rank for rank, name in enumerate(DIFFICULTIES)}


@dataclass(frozen=True)
class NoteFilter:
    """What to keep: every given criterion must hold."""

    tag: str | None = None
    topic: str | None = None
    difficulty: str | None = None
    due_by: dt.date | None = None

    def keeps(self, note: NoteSummary, today: dt.date) -> bool:
        if self.tag and self.tag.casefold() not in {t.casefold() for t in note.tags}:
            return False
        if self.topic and self.topic.casefold() != note.topic.casefold():
            return False
        if self.difficulty and note.difficulty != self.difficulty:
            return False
        return not (self.due_by and note.due_on(today) > self.due_by)


SORT_KEYS: dict[str, Callable[[NoteSummary], Any]] = {
    "next": lambda n: (n.next_review or dt.date.min, n.rel),
    "title": lambda n: (n.title.casefold(), n.rel),
    "topic": lambda n: (n.topic.casefold(), n.title.casefold()),
    "difficulty": lambda n: (_DIFFICULTY_RANK.get(n.difficulty or "", 9), n.rel),
    "mastery": lambda n: (n.mastery_level, n.rel),
    "reviews": lambda n: (n.review_count, n.rel),
    "created": lambda n: (n.created or dt.date.min, n.rel),
    "path": lambda n: n.rel,
}


def select(
    notes: Iterable[NoteSummary], where: NoteFilter, today: dt.date, sort: str = "next"
) -> list[NoteSummary]:
    """The notes ``where`` keeps, ordered by ``sort`` (a key of :data:`SORT_KEYS`)."""
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort {sort!r}: use one of {', '.join(SORT_KEYS)}")
    if where.difficulty and where.difficulty not in DIFFICULTIES:
        raise UsageError(f"unknown difficulty {where.difficulty!r}: use easy, medium or hard")
    kept = [note for note in notes if where.keeps(note, today)]
    return sorted(kept, key=SORT_KEYS[sort])


def check_filter(where: NoteFilter, notes: Iterable[NoteSummary]) -> None:
    """Refuse a ``--topic`` or ``--tag`` no note has, naming the close ones (a filter that can
    match nothing is a typo, not an empty answer)."""
    notes = list(notes)
    if where.topic:
        _check_known("--topic", "topic", where.topic, {n.topic for n in notes if n.topic})
    if where.tag:
        _check_known("--tag", "tag", where.tag, {t for n in notes for t in n.tags})


def _check_known(option: str, noun: str, given: str, known: set[str]) -> None:
    if given.casefold() in {k.casefold() for k in known}:
        return
    wanted = given.casefold()
    starts = sorted(k for k in known if wanted in k.casefold())
    folded = {k.casefold(): k for k in known}
    similar = [folded[k] for k in difflib.get_close_matches(wanted, list(folded), n=5, cutoff=0.5)]
    close = (starts or similar)[:5]
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif known:
        names = sorted(known, key=str.casefold)
        hint = f"{noun}s: " + ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
    else:
        hint = f"no note has a {noun}"
    raise UsageError(f"{option}: no {noun} {given!r}; {hint}")


def listing_row(note: NoteSummary, today: dt.date) -> dict[str, Any]:
    """A JSON-ready description of one note (``list --json``, ``show --json``)."""
    data = note.to_dict()
    data.pop("problems")
    data["path"] = data.pop("rel")
    due = note.due_on(today)
    data["due"] = due.isoformat()
    data["days_overdue"] = max(0, (today - due).days)
    return data
