"""stats: every number on a hand-made ledger with known answers; the activity cache; rendering."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

import studycards.progress.activity as activity_module
from studycards.notes.note import NoteSummary
from studycards.progress.activity import CACHE_NAME, Activity, activity_of, load_activity
from studycards.progress.stats import (
    compute_stats,
    heat_level,
    heatmap_start,
    level_of,
    stats_json,
    streaks,
)
from studycards.render.stats import duration_text, stats_view
from studycards.scheduling.event_dicts import parse_event_dicts
from studycards.scheduling.events import Event
from studycards.scheduling.ledger import Ledger

TODAY = dt.date(2025, 11, 5)  # a Wednesday
PATHS = {"sc_a": "notes/Attention/a.md", "sc_b": "notes/Coding/b.md", "sc_c": "notes/Gone/c.md"}


def review(card: str, day: str, rating: int, elapsed: int, seconds: float = 10.0, **kw) -> Event:
    return Event(
        kind="review", card=card, note=card, path=PATHS[card], day=day, ts=f"{day}T08:00:00Z",
        rating=rating, elapsed_days=elapsed, duration=seconds, interval=3, due=day,
        stability=3.0, difficulty=5.0, **kw,
    )  # fmt: skip


def undo(target: Event, day: str) -> Event:
    return Event(
        kind="undo", card=target.card, note=target.note, path=target.path, day=day,
        ts=f"{day}T09:00:00Z", undoes=[target.id],
    )  # fmt: skip


def hand_made_ledger() -> list[Event]:
    """Two runs of study days (11, then 7 across the end of October), again-grades, same-day
    reviews, an undone review, an undo logged before its review, a duplicated line."""
    run = [review("sc_a", f"2025-10-{d}", 3, 5, 30.0) for d in range(10, 21)]
    duplicated = review("sc_b", "2025-11-02", 4, 7)
    undone = review("sc_b", "2025-11-05", 1, 10, 99.0)
    undone_later = review("sc_b", "2025-11-04", 2, 3)
    return [
        review("sc_a", "2024-10-01", 3, 0),  # before the 365-day window and the heatmap
        review("sc_a", "2025-01-15", 1, 30),
        *run,
        review("sc_b", "2025-10-30", 3, 12),
        review("sc_c", "2025-10-31", 3, 0),
        review("sc_c", "2025-11-01", 1, 1),
        duplicated,
        duplicated,
        review("sc_c", "2025-11-03", 2, 2),
        undo(undone_later, "2025-11-04"),
        undone_later,
        review("sc_a", "2025-11-04", 3, 15),
        Event(kind="manual", card="sc_a", note="sc_a", path=PATHS["sc_a"], day="2025-11-04",
              ts="2025-11-04T10:00:00Z", due="2025-11-09"),
        review("sc_b", "2025-11-05", 3, 4, 20.0),
        review("sc_c", "2025-11-05", 1, 2, 20.0),
        review("sc_c", "2025-11-05", 3, 0, 20.0),
        undone,
        undo(undone, "2025-11-05"),
    ]  # fmt: skip


def note(name: str, topic: str, last: str | None, next_: str, mastery: float, **kw) -> NoteSummary:
    return NoteSummary(
        f"notes/{topic}/{name}.md", name, topic,
        last_reviewed=None if last is None else dt.date.fromisoformat(last),
        next_review=dt.date.fromisoformat(next_), review_count=0 if last is None else 2,
        mastery_level=mastery, **kw,
    )  # fmt: skip


NOTES = [
    note("n1", "Attention", None, "2025-10-01", 0.0),  # new, due
    note("n2", "Attention", "2025-11-01", "2025-11-21", 0.5, id="sc_a"),  # young (20 days)
    note("n3", "Coding", "2025-10-01", "2025-10-22", 0.3, id="sc_b"),  # mature (21), overdue
    note("n4", "Coding", "2025-11-05", "2025-12-05", 0.9),  # mature, due beyond 30 days
    note("n5", "Coding", "2025-11-04", "2025-11-05", 0.6),  # young, due today
    note("n6", "Attention", "2025-11-04", "2025-12-04", 0.8),  # mature, due on day 29
]


@pytest.fixture
def stats():
    return compute_stats(NOTES, activity_of(hand_made_ledger()), TODAY)


# ---------------------------------------------------------------------------------------------
# the numbers


def test_notes_by_stage(stats):
    assert vars(stats.counts) == {"total": 6, "new": 1, "young": 2, "mature": 3}


def test_reviews_today_this_week_and_in_all_leave_out_undone_and_duplicate_reviews(stats):
    assert (stats.reviews_today, stats.reviews_week, stats.reviews_total) == (3, 5, 22)
    assert stats.week_start == dt.date(2025, 11, 3)


def test_true_retention_counts_reviews_a_day_or_more_apart_and_again_as_forgotten(stats):
    got = [(r.days, r.reviews, r.recalled) for r in stats.retention]
    assert got == [(7, 7, 5), (30, 18, 16), (365, 19, 16)]
    assert stats.retention[0].rate == pytest.approx(5 / 7)


def test_streaks_cross_the_month_boundary(stats):
    assert (stats.streak, stats.longest_streak) == (7, 11)


def test_the_current_streak_ends_yesterday_until_today_has_a_review():
    studied = {TODAY - dt.timedelta(days=n) for n in range(3)}
    assert streaks(studied, TODAY) == (3, 3)
    assert streaks(studied, TODAY + dt.timedelta(days=1)) == (3, 3)
    assert streaks(studied, TODAY + dt.timedelta(days=2)) == (0, 3)
    assert streaks(set(), TODAY) == (0, 0)


def test_time_spent(stats):
    assert (stats.seconds_total, stats.seconds_today) == (470.0, 60.0)


def test_the_forecast_counts_reviewed_notes_with_overdue_ones_today(stats):
    expected = [0] * 30
    expected[0], expected[16], expected[29] = 2, 1, 1
    assert list(stats.forecast) == expected
    assert stats.overdue == 1


def test_the_heatmap_covers_53_week_columns_ending_this_week(stats):
    assert stats.heatmap_start == dt.date(2024, 11, 4) == heatmap_start(TODAY)
    assert stats.heatmap_start.weekday() == 0
    assert len(stats.heatmap) == (TODAY - stats.heatmap_start).days + 1 == 367
    days = {stats.heatmap_start + dt.timedelta(i): n for i, n in enumerate(stats.heatmap) if n}
    assert days[dt.date(2025, 1, 15)] == 1 and days[TODAY] == 3
    assert sum(days.values()) == 21  # all but the review of 2024-10-01


def test_topics_with_mastery_due_xp_and_level(stats):
    rows = {row.topic: row for row in stats.topics}
    assert list(rows) == ["Attention", "Coding", "Gone"]
    attention, coding, gone = rows.values()
    assert (attention.notes, attention.due, attention.xp) == (3, 1, 132)
    assert attention.mastery == pytest.approx(1.3 / 3)
    assert (attention.level.name, attention.level.next_name, attention.level.next_at) == (
        "熟悉",
        "掌握",
        500,
    )
    assert (coding.notes, coding.due, coding.xp, coding.level.name) == (3, 2, 30, "入门")
    assert coding.mastery == pytest.approx(0.6)
    # a note since deleted keeps its XP, under the topic of the path it had
    assert (gone.notes, gone.mastery, gone.due, gone.xp) == (0, None, 0, 29)


def test_levels_and_heat_levels():
    assert level_of(0).name == level_of(99).name == "入门"
    assert (level_of(100).name, level_of(100).next_at) == ("熟悉", 500)
    assert level_of(500).name == "掌握"
    top = level_of(10**6)
    assert (top.name, top.next_name, top.next_at) == ("精通", None, None)
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 8, 9)] == [0, 1, 1, 2, 4, 4]
    assert heat_level(3, 0) == 0


def test_json_holds_every_number(stats):
    data = stats_json(stats)
    assert data["notes"] == {"total": 6, "new": 1, "young": 2, "mature": 3}
    assert data["reviews"] == {"total": 22, "today": 3, "week": 5, "week_start": "2025-11-03"}
    assert data["retention"]["7d"] == {"reviews": 7, "recalled": 5, "rate": 0.7143}
    assert data["streak"] == {"current": 7, "longest": 11}
    assert data["seconds"] == {"total": 470.0, "today": 60.0}
    assert sum(data["forecast"]) == 4 and len(data["forecast"]) == 30 and data["overdue"] == 1
    assert data["heatmap"]["start"] == "2024-11-04"
    assert data["heatmap"]["days"]["2025-11-05"] == 3
    assert data["topics"][2] == {
        "topic": "Gone", "notes": 0, "mastery": None, "due": 0, "xp": 29,
        "level": "入门", "next_level": "熟悉", "next_level_xp": 100,
    }  # fmt: skip
    json.dumps(data)


def test_an_empty_vault_and_ledger():
    stats = compute_stats([], Activity(), TODAY)
    assert stats.reviews_total == 0 and stats.streak == 0 and stats.topics == ()
    assert all(r.rate is None for r in stats.retention)
    assert set(stats.heatmap) == {0} and set(stats.forecast) == {0}


# ---------------------------------------------------------------------------------------------
# the fast reader and the activity cache


def write(path: Path, events: list[Event]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(event.to_json() + "\n" for event in events))


def test_the_fast_reader_keeps_and_skips_the_lines_ledger_read_does(tmp_path):
    good = review("sc_a", "2025-11-01", 3, 2)
    lines = [
        good.to_json(),
        "not json",
        "[1, 2]",
        json.dumps({**json.loads(good.to_json()), "id": "x1", "v": 99}),
        json.dumps({**json.loads(good.to_json()), "id": "x2", "kind": "glance"}),
        json.dumps({**json.loads(good.to_json()), "id": "x3", "rating": 7}),
        json.dumps({**json.loads(good.to_json()), "id": "x4", "day": "2025-13-01"}),
        json.dumps({**json.loads(good.to_json()), "id": "x5", "card": 12}),
        json.dumps({k: v for k, v in json.loads(good.to_json()).items() if k != "path"}),
        "\ufeff" + json.dumps({**json.loads(good.to_json()), "id": "x6"}),
        json.dumps({k: v for k, v in json.loads(good.to_json()).items() if k != "id"}),
        json.dumps({**json.loads(good.to_json()), "id": "x7", "day": "20251102"}),
    ]
    body = "\n".join(lines).encode("utf-8") + b"\n"
    path = tmp_path / "reviews.jsonl"
    path.write_bytes(body)
    read = Ledger(path).read()
    dicts, skipped = parse_event_dicts(body)
    assert [d["id"] for d in dicts] == [e.id for e in read.events]
    assert skipped == len(read.notices) == 8
    assert dicts[-1]["day"] == "2025-11-02"  # the ISO form


def test_a_line_that_is_not_utf8_is_skipped_and_the_rest_kept():
    body = review("sc_a", "2025-11-01", 3, 2).to_json().encode() + b"\n\xff\xfe{}\n"
    dicts, skipped = parse_event_dicts(body)
    assert len(dicts) == 1 and skipped == 1


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    path = tmp_path / ".studycards" / "reviews.jsonl"
    write(path, hand_made_ledger())
    return path


def fresh(path: Path) -> Activity:
    return activity_of(Ledger(path).read().events)


def same(a: Activity, b: Activity) -> bool:
    return (a.days, a.notes) == (b.days, b.notes)


def test_the_cache_is_written_then_used_while_the_ledger_is_unchanged(ledger_path, monkeypatch):
    cache = ledger_path.with_name(CACHE_NAME)
    first = load_activity(ledger_path, cache)
    assert same(first, fresh(ledger_path)) and cache.exists()
    monkeypatch.setattr(activity_module, "parse_event_dicts", _fail)
    assert same(load_activity(ledger_path, cache), first)


def _fail(body: bytes):
    raise AssertionError("the ledger was parsed again")


def test_appended_lines_are_read_alone_and_undos_of_cached_reviews_subtracted(
    ledger_path, monkeypatch
):
    cache = ledger_path.with_name(CACHE_NAME)
    load_activity(ledger_path, cache)
    events = Ledger(ledger_path).read().events
    target = next(e for e in events if (e.card, e.day, e.rating) == ("sc_c", "2025-11-05", 1))
    write(ledger_path, [review("sc_b", "2025-11-06", 3, 1), undo(target, "2025-11-06")])
    bodies: list[bytes] = []
    real = activity_module.parse_event_dicts
    monkeypatch.setattr(
        activity_module, "parse_event_dicts", lambda body: bodies.append(body) or real(body)
    )
    got = load_activity(ledger_path, cache)
    assert len(bodies) == 1 and bodies[0].count(b"\n") == 2
    assert same(got, fresh(ledger_path))
    assert got.days["2025-11-05"][:3] == [2, 1, 1]


def test_an_undo_of_a_review_no_longer_kept_in_detail_sums_everything_again(
    ledger_path, monkeypatch
):
    monkeypatch.setattr(activity_module, "KEEP_RECENT", 2)
    cache = ledger_path.with_name(CACHE_NAME)
    load_activity(ledger_path, cache)
    oldest = Ledger(ledger_path).read().events[0]
    write(ledger_path, [undo(oldest, "2025-11-06")])
    got = load_activity(ledger_path, cache)
    assert same(got, fresh(ledger_path)) and "2024-10-01" not in {
        day for day, totals in got.days.items() if totals[0]
    }


def test_a_ledger_changed_before_its_end_is_summed_again(ledger_path):
    cache = ledger_path.with_name(CACHE_NAME)
    load_activity(ledger_path, cache)
    text = ledger_path.read_text()
    ledger_path.write_text(text.replace('"rating":3', '"rating":4', 1) + "junk\n")
    got = load_activity(ledger_path, cache)
    assert same(got, fresh(ledger_path)) and got.skipped == 1


def test_a_torn_last_line_waits_until_it_is_complete(ledger_path):
    cache = ledger_path.with_name(CACHE_NAME)
    line = review("sc_b", "2025-11-06", 3, 1).to_json()
    with open(ledger_path, "a") as handle:
        handle.write(line[:30])
    before = load_activity(ledger_path, cache)
    assert "2025-11-06" not in before.days
    with open(ledger_path, "a") as handle:
        handle.write(line[30:] + "\n")
    assert load_activity(ledger_path, cache).days["2025-11-06"][0] == 1


def test_a_damaged_cache_is_ignored(ledger_path):
    cache = ledger_path.with_name(CACHE_NAME)
    cache.write_text('{"version": 1, "size": 10, "crc": 5, "stamp": [0, 0]}')
    assert same(load_activity(ledger_path, cache), fresh(ledger_path))
    cache.write_text("not json")
    assert same(load_activity(ledger_path, cache), fresh(ledger_path))


def test_no_ledger_no_activity(tmp_path):
    got = load_activity(tmp_path / "reviews.jsonl", tmp_path / CACHE_NAME)
    assert got.days == {} and not (tmp_path / CACHE_NAME).exists()


# ---------------------------------------------------------------------------------------------
# rendering


def render(stats, **options) -> str:
    console = Console(file=io.StringIO(), width=80, color_system=None, **options)
    console.print(stats_view(stats))
    return console.file.getvalue()


def test_the_screen_without_colour(stats):
    lines = [line.rstrip() for line in render(stats).splitlines()]
    assert lines[:5] == [
        "Notes           6 total: 1 new, 2 young, 3 mature",
        "Reviews         3 today, 5 this week (since Mon 11-03), 22 in all",
        "True retention  71.4% 7d (7), 88.9% 30d (18), 84.2% 365d (19)",
        "Streak          7 days (longest 11)",
        "Time            7m in all, 1m today",
    ]
    assert "Due in the next 30 days  4 notes, 2 within 7 days, 1 overdue (shown today)" in lines
    assert (
        lines[
            lines.index(
                "Due in the next 30 days  4 notes, 2 within 7 days, 1 overdue (shown today)"
            )
            + 1
        ]
        == "2 │█"
    )
    heat = lines[lines.index("Reviews in the last 12 months") + 1 :][:9]
    assert heat[0].startswith("    Nov")
    # 2025-01-15 and 2025-10-15 (one review each) were Wednesdays; today has the most
    assert heat[3] == "Wed " + "·" * 10 + "▒" + "·" * 38 + "▒··█"
    assert heat[8] == "    less ·░▒▓█ more (busiest day: 3)"
    assert "Attention │     3 │    0.43 │   1 │ 132 │ 熟悉 (掌握 at 500)" in lines


def test_the_heatmap_uses_coloured_squares_on_a_colour_terminal(stats):
    console = Console(file=io.StringIO(), width=80, force_terminal=True, color_system="truecolor")
    console.no_color = False
    console.print(stats_view(stats))
    text = console.file.getvalue()
    assert "■" in text and "▒" not in text


def test_durations():
    assert [duration_text(s) for s in (0, 40, 61, 3600, 7500)] == [
        "0s", "40s", "1m", "1h 00m", "2h 05m",
    ]  # fmt: skip
