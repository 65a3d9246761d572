"""Which notes a review sitting covers: today's study list, or what a person asked for
(the next few days' notes with ``--ahead``, the notes a search or an outline names), and what
to say when there is nothing to study.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from studycards.scheduling.queue import GROUPS, Queue, QueueItem


@dataclass(frozen=True)
class NextDue:
    """The first day after today on which notes come due, and how many."""

    day: dt.date
    count: int


def all_items(queue: Queue) -> dict[str, QueueItem]:
    """Every note the filters kept, by vault path."""
    return {item.note.rel: item for group in GROUPS for item in queue.groups[group]}


def ahead_items(queue: Queue, today: dt.date, days: int) -> tuple[QueueItem, ...]:
    """Today's study list, then the notes falling due in the next ``days`` days (by due day)."""
    horizon = today + dt.timedelta(days=days)
    later = sorted(
        (i for i in all_items(queue).values() if today < i.due <= horizon),
        key=lambda i: (i.due, i.note.rel),
    )
    return (*queue.study, *later)


def named_items(queue: Queue, rels: Sequence[str]) -> tuple[QueueItem, ...]:
    """The notes ``rels`` names, in that order, that the filters keep (each once)."""
    items = all_items(queue)
    seen: set[str] = set()
    chosen = []
    for rel in rels:
        if rel in items and rel not in seen:
            seen.add(rel)
            chosen.append(items[rel])
    return tuple(chosen)


def next_due(queue: Queue, today: dt.date) -> NextDue | None:
    later = [i.due for i in all_items(queue).values() if i.due > today]
    if not later:
        return None
    day = min(later)
    return NextDue(day, later.count(day))


def nothing_due_lines(queue: Queue, today: dt.date) -> list[str]:
    """What ``review`` says when today's list is empty, and what it offers instead."""
    if queue.due_total:
        lines = [
            f"nothing left within today's limits ({queue.due_total} due, "
            f"{queue.done_today} reviewed today; new_per_day / reviews_per_day in studycards.yaml)"
        ]
    else:
        upcoming = next_due(queue, today)
        if upcoming is None:
            lines = ["nothing due, and no note is scheduled."]
        else:
            notes = "note" if upcoming.count == 1 else "notes"
            lines = [f"nothing due. Next: {upcoming.count} {notes} on {upcoming.day.isoformat()}"]
    lines.append(
        "study anyway: 'studycards review --ahead DAYS' (the next days' notes, logged as early"
        " reviews), 'review --search QUERY' or 'review --outline NAME'"
    )
    return lines
