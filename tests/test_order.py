"""Which new notes fill the day's slots (``new_order``) and the old scripts' weighted order."""

from __future__ import annotations

import datetime as dt

from studycards.notes.note import NoteSummary
from studycards.scheduling.queue import Limits, build_queue
from studycards.scheduling.schedule import Settings

TODAY = dt.date(2026, 12, 1)


def new_note(name: str, created: str, **fields) -> NoteSummary:
    day = dt.date.fromisoformat(created)
    return NoteSummary(f"notes/T/{name}.md", name, "T", created=day, next_review=day, **fields)


NOTES = [
    new_note("a", "2026-10-01"),
    new_note("b", "2026-11-30"),
    new_note("c", "2026-11-15"),
    new_note("d", "2026-11-29"),
]


def study(new_order: str, today: dt.date = TODAY, n: int = 2) -> list[str]:
    queue = build_queue(
        NOTES, {}, [], today, Settings(fuzz=False), limits=Limits(n, 100), new_order=new_order
    )
    return [i.note.title for i in queue.study]


def test_newest_new_notes_fill_the_slots_first():
    assert study("newest") == ["d", "b"]  # the two newest, in due order
    assert sorted(study("newest", n=4)) == ["a", "b", "c", "d"]


def test_oldest_new_notes_fill_the_slots_first():
    assert study("oldest") == ["a", "c"]


def test_random_is_the_same_all_day_and_differs_across_days():
    picks = {tuple(study("random", TODAY + dt.timedelta(days=k))) for k in range(10)}
    assert study("random") == study("random")
    assert len(picks) > 1
    assert all(len(p) == 2 and set(p) <= {"a", "b", "c", "d"} for p in picks)


def test_weighted_order_follows_the_weights():
    notes = [
        new_note("fresh", "2026-11-30", difficulty="hard"),
        new_note("easy", "2026-10-01", difficulty="easy", review_count=0),
        new_note("tagged", "2026-10-01", difficulty="hard", tags=("a", "b", "c")),
    ]

    def order(weights: dict[str, float]) -> list[str]:
        queue = build_queue(
            notes, {}, [], TODAY, Settings(fuzz=False), order="weighted", weights=weights
        )
        return [i.note.title for i in queue.study]

    zero = {"created_new": 0.0, "review_count": 0.0, "difficulty_easy": 0.0, "tags_count": 0.0}
    assert order({**zero, "created_new": 1.0})[0] == "fresh"
    assert order({**zero, "difficulty_easy": 1.0})[0] == "easy"
    assert order({**zero, "tags_count": 1.0})[0] == "tagged"
