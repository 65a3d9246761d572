"""The numbers of ``studycards stats``, from the notes and the ledger's review activity.

Card numbers (new / young / mature, the due forecast) come from the notes' frontmatter, the
ledger's human-visible projection; mastery is recomputed at today's date from each note's memory
state (the frontmatter keeps the value at the last review); calibration compares the predicted
recall of past reviews with what was recalled; activity numbers (reviews, true retention, streaks, time,
the heatmap, XP) come from the ledger's live reviews, undone ones left out. Pure functions of
their inputs and ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from studycards.notes.note import NoteSummary
from studycards.notes.summary import topic_of
from studycards.progress.activity import RECALL_REVIEWS, RECALLED, REVIEWS, SECONDS, Activity
from studycards.progress.imported import Imported, imported_json

if TYPE_CHECKING:
    from studycards.notes.vault import Vault
    from studycards.scheduling.calibration import Calibration
    from studycards.scheduling.readiness import Readiness

MATURE_DAYS = 21  # a scheduled interval this long or longer makes a note mature, as in Anki
RETENTION_WINDOWS = (7, 30, 365)
FORECAST_DAYS = 30
HEATMAP_WEEKS = 53
# XP a review earns by its grade: remembering counts most, but every review counts.
XP_POINTS = {1: 2, 2: 5, 3: 10, 4: 10}
# A topic's level by the XP its notes have earned (the least XP for each level).
LEVELS = (("入门", 0), ("熟悉", 100), ("掌握", 500), ("精通", 2000))


@dataclass(frozen=True)
class NoteCounts:
    total: int
    new: int
    young: int
    mature: int


@dataclass(frozen=True)
class Retention:
    """Reviews at least a day after the previous one, in the last ``days`` days."""

    days: int
    reviews: int
    recalled: int

    @property
    def rate(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None


@dataclass(frozen=True)
class Level:
    name: str
    next_name: str | None
    next_at: int | None  # XP needed for the next level; None at the top


@dataclass(frozen=True)
class TopicRow:
    topic: str
    notes: int
    mastery: float | None  # mean mastery_level of its notes (new notes count as 0)
    due: int  # due today or overdue, new notes included (as ``due`` counts them)
    xp: int
    level: Level


@dataclass(frozen=True)
class Stats:
    today: dt.date
    counts: NoteCounts
    reviews_total: int
    reviews_today: int
    reviews_week: int  # since Monday
    retention: tuple[Retention, ...]
    streak: int
    longest_streak: int
    seconds_total: float
    seconds_today: float
    forecast: tuple[int, ...]  # reviewed notes due on each of the next 30 days, overdue on day 0
    overdue: int  # reviewed notes due before today (counted on day 0 of the forecast)
    heatmap_start: dt.date  # a Monday
    heatmap: tuple[int, ...]  # reviews on each day from heatmap_start to today
    topics: tuple[TopicRow, ...]
    imported: Imported = Imported()  # history from before studycards (``migrate``)
    calibration: Calibration | None = None
    readiness: Readiness | None = None  # with an interview date in the settings

    @property
    def week_start(self) -> dt.date:
        return self.today - dt.timedelta(days=self.today.weekday())


def compute_stats(
    notes: Sequence[NoteSummary],
    activity: Activity,
    today: dt.date,
    notes_dir: str = "notes",
    imported: Imported = Imported(),
) -> Stats:
    """Every number of the stats screen; ``imported`` continues the totals, streaks and XP a
    vault had before studycards."""
    per_day = {dt.date.fromisoformat(day): totals for day, totals in activity.days.items()}
    studied = {day for day, totals in per_day.items() if totals[REVIEWS] > 0} | imported.days
    current, longest = streaks(studied, today)
    start = heatmap_start(today)
    return Stats(
        today=today,
        counts=note_counts(notes),
        reviews_total=int(sum(t[REVIEWS] for t in per_day.values())) + imported.reviews,
        reviews_today=int(_total(per_day, today, today, REVIEWS)),
        reviews_week=int(_total(per_day, today - dt.timedelta(today.weekday()), today, REVIEWS)),
        retention=tuple(retention(per_day, today, days) for days in RETENTION_WINDOWS),
        streak=current,
        longest_streak=longest,
        seconds_total=sum(t[SECONDS] for t in per_day.values()),
        seconds_today=_total(per_day, today, today, SECONDS),
        forecast=forecast(notes, today),
        overdue=sum(
            1 for n in notes if scheduled_interval(n) is not None and n.due_on(today) < today
        ),
        heatmap_start=start,
        heatmap=tuple(_count_on(per_day, start + dt.timedelta(i)) for i in _days(start, today)),
        topics=topic_rows(notes, activity, today, notes_dir, imported.topic_xp),
        imported=imported,
    )


def _days(first: dt.date, last: dt.date) -> range:
    return range((last - first).days + 1)


def _total(per_day: dict[dt.date, list[float]], first: dt.date, last: dt.date, col: int) -> float:
    return sum(totals[col] for day, totals in per_day.items() if first <= day <= last)


def _count_on(per_day: dict[dt.date, list[float]], day: dt.date) -> int:
    totals = per_day.get(day)
    return int(totals[REVIEWS]) if totals else 0


def note_counts(notes: Sequence[NoteSummary]) -> NoteCounts:
    """New (never reviewed), young (interval < 21 days) and mature notes."""
    new = young = mature = 0
    for note in notes:
        interval = scheduled_interval(note)
        if interval is None:
            new += 1
        elif interval < MATURE_DAYS:
            young += 1
        else:
            mature += 1
    return NoteCounts(len(notes), new, young, mature)


def scheduled_interval(note: NoteSummary) -> int | None:
    """Days from the last review to the next; ``None`` for a note never reviewed."""
    if note.last_reviewed is None and note.review_count <= 0:
        return None
    if note.last_reviewed is None or note.next_review is None:
        return 0
    return max(0, (note.next_review - note.last_reviewed).days)


def retention(per_day: dict[dt.date, list[float]], today: dt.date, days: int) -> Retention:
    """True retention over the last ``days`` days, today included."""
    first = today - dt.timedelta(days=days - 1)
    reviews = _total(per_day, first, today, RECALL_REVIEWS)
    recalled = _total(per_day, first, today, RECALLED)
    return Retention(days, int(reviews), int(recalled))


def streaks(studied: set[dt.date], today: dt.date) -> tuple[int, int]:
    """The current run of study days (up to today, or yesterday if not yet today) and the longest."""
    from studycards.scheduling.clock import current_streak

    current = current_streak(studied, today)
    longest = 0
    for day in studied:
        if day - dt.timedelta(days=1) not in studied:
            length = 1
            while day + dt.timedelta(days=length) in studied:
                length += 1
            longest = max(longest, length)
    return current, longest


def forecast(notes: Sequence[NoteSummary], today: dt.date) -> tuple[int, ...]:
    """Reviewed notes due on each of the next 30 days; overdue ones count on today."""
    counts = [0] * FORECAST_DAYS
    for note in notes:
        if scheduled_interval(note) is None:
            continue
        offset = max(0, (note.due_on(today) - today).days)
        if offset < FORECAST_DAYS:
            counts[offset] += 1
    return tuple(counts)


def heatmap_start(today: dt.date) -> dt.date:
    """The Monday 52 weeks before this week's: 53 week columns end with the current one."""
    return today - dt.timedelta(days=today.weekday(), weeks=HEATMAP_WEEKS - 1)


def heat_level(count: int, peak: int) -> int:
    """Shade 0-4 of a heatmap cell: 0 for none, then quarters of the busiest day."""
    if count <= 0 or peak <= 0:
        return 0
    return min(4, max(1, -(-4 * count // peak)))


def level_of(xp: int) -> Level:
    """The named level ``xp`` reaches and what the next one needs."""
    index = max(i for i, (_, least) in enumerate(LEVELS) if xp >= least)
    if index + 1 < len(LEVELS):
        name, least = LEVELS[index + 1]
        return Level(LEVELS[index][0], name, least)
    return Level(LEVELS[index][0], None, None)


def xp_of(grades: Sequence[Any]) -> int:
    """XP from a note's counts of grades 1-4."""
    return int(sum(grades[rating - 1] * points for rating, points in XP_POINTS.items()))


def topic_rows(
    notes: Sequence[NoteSummary],
    activity: Activity,
    today: dt.date,
    notes_dir: str,
    imported_xp: dict[str, int] | None = None,
) -> tuple[TopicRow, ...]:
    """One row per topic with notes or XP. A review's XP goes to its note's topic now, or to
    the topic of the path it had, for a note since deleted; XP from before studycards is
    added to its topic."""
    by_topic: dict[str, list[NoteSummary]] = defaultdict(list)
    for note in notes:
        by_topic[note.topic].append(note)
    topic_of_id = {note.id: note.topic for note in notes if note.id}
    xp: dict[str, int] = defaultdict(int, imported_xp or {})
    for note_id, grades in activity.notes.items():
        topic = topic_of_id.get(note_id)
        xp[topic if topic is not None else topic_of(grades[4], notes_dir)] += xp_of(grades)
    return tuple(
        _topic_row(topic, by_topic.get(topic, []), xp.get(topic, 0), today)
        for topic in sorted(set(by_topic) | {t for t, points in xp.items() if points})
    )


def _topic_row(topic: str, notes: list[NoteSummary], xp: int, today: dt.date) -> TopicRow:
    mastery = sum(n.mastery_level for n in notes) / len(notes) if notes else None
    due = sum(1 for n in notes if n.due_on(today) <= today)
    return TopicRow(topic, len(notes), mastery, due, xp, level_of(xp))


# ---------------------------------------------------------------------------------------------
# loading and JSON


def load_stats(vault: Vault, today: dt.date) -> tuple[Stats, int]:
    """Scan the vault and sum its ledger (through the activity cache); also the skipped lines."""
    from studycards.progress.activity import CACHE_NAME, load_activity
    from studycards.progress.imported import load_imported
    from studycards.scheduling.calibration import vault_calibration
    from studycards.scheduling.ledger import LEDGER_NAME
    from studycards.scheduling.live import live_mastery
    from studycards.scheduling.snapshot import vault_state

    activity = load_activity(vault.state_dir / LEDGER_NAME, vault.state_dir / CACHE_NAME)
    imported = load_imported(vault.state_dir)
    known = vault_state(vault)
    notes = live_mastery(vault, known.scan.notes, today, known.states)
    stats = compute_stats(notes, activity, today, vault.config.notes_dir, imported)
    ready = None
    if vault.config.interview_date is not None and vault.config.interview_date >= today:
        from studycards.scheduling.readiness import vault_readiness

        ready = vault_readiness(vault, vault.config.interview_date)
    stats = replace(stats, calibration=vault_calibration(vault), readiness=ready)
    return stats, activity.skipped


def stats_json(stats: Stats) -> dict[str, Any]:
    """All the numbers, for scripts."""
    counts = stats.counts
    return {
        "today": stats.today.isoformat(),
        "notes": {
            "total": counts.total,
            "new": counts.new,
            "young": counts.young,
            "mature": counts.mature,
        },
        "reviews": {
            "total": stats.reviews_total,
            "today": stats.reviews_today,
            "week": stats.reviews_week,
            "week_start": stats.week_start.isoformat(),
        },
        "retention": {
            f"{r.days}d": {"reviews": r.reviews, "recalled": r.recalled, "rate": _rounded(r.rate)}
            for r in stats.retention
        },
        "streak": {"current": stats.streak, "longest": stats.longest_streak},
        "seconds": {"total": round(stats.seconds_total, 1), "today": round(stats.seconds_today, 1)},
        "forecast": list(stats.forecast),
        "overdue": stats.overdue,
        "heatmap": _heatmap_json(stats),
        "topics": [_topic_json(row) for row in stats.topics],
        "imported": imported_json(stats.imported),
        "calibration": None if stats.calibration is None else stats.calibration.to_dict(),
        "readiness": None if stats.readiness is None else stats.readiness.to_dict(),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _heatmap_json(stats: Stats) -> dict[str, Any]:
    days = {
        (stats.heatmap_start + dt.timedelta(days=i)).isoformat(): count
        for i, count in enumerate(stats.heatmap)
        if count
    }
    return {"start": stats.heatmap_start.isoformat(), "days": days}


def _topic_json(row: TopicRow) -> dict[str, Any]:
    return {
        "topic": row.topic,
        "notes": row.notes,
        "mastery": _rounded(row.mastery),
        "due": row.due,
        "xp": row.xp,
        "level": row.level.name,
        "next_level": row.level.next_name,
        "next_level_xp": row.level.next_at,
    }
