"""Time: the person's day boundary, DST changes, a clock set back, a vault used from two zones.

A review belongs to the study day of the vault's configured time zone (starting at
``day_starts_at`` o'clock, 4 by default), whatever zone the ``now`` passed in carries; intervals are whole calendar days (a 23- or 25-hour DST day is still
one day); events replay in true UTC order; and a clock set backwards never reorders the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studycards.lock import vault_lock
from studycards.notes.summary import parse_summary
from studycards.notes.vault import Vault, open_vault
from studycards.scheduling.events import Event, parse_stamp
from studycards.scheduling.grading import grade_note
from studycards.scheduling.history import replay
from studycards.scheduling.ledger import Ledger
from studycards.scheduling.queue import load_queue
from studycards.scheduling.reconcile import reconcile
from studycards.scheduling.schedule import MemoryState, Rating, Settings, next_outcomes
from studycards.scheduling.writes import ledger_of, local_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
NOTE = "notes/T/q.md"
TEXT = (
    "---\nid: sc_time00000001\ncreated: '2025-10-01'\nlast_reviewed: null\n"
    "next_review: '2025-10-01'\nreview_count: 0\ndifficulty: medium\nmastery_level: 0.0\n---\n"
    "# A question\n\n## Short answer\n\nIt is.\n"
)


def make(make_vault, zone: str, starts: int | None = 0) -> Vault:
    """A vault in ``zone`` whose day starts at ``starts`` o'clock (None: the default, 4)."""
    config = f"notes_dir: notes\nfuzz: false\ntimezone: {zone}\nscheduler: retention\n"
    config += "" if starts is None else f"day_starts_at: {starts}\n"
    return open_vault(make_vault({NOTE: TEXT}, config=config))


def events(vault: Vault) -> list[Event]:
    return list(ledger_of(vault).read().events)


def front(vault: Vault):
    return parse_summary((vault.root / NOTE).read_text(encoding="utf-8"), NOTE)


def at(zone, *parts: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=zone).replace(fold=fold)


# ---------------------------------------------------------------------------------------------
# the day boundary in the person's zone


def test_the_study_day_starts_at_4_am_by_default(make_vault):
    vault = make(make_vault, "Asia/Shanghai", starts=None)
    assert vault.config.day_starts_at == 4
    assert local_day(vault, at(SHANGHAI, 2025, 11, 2, 3, 59, 59)) == dt.date(2025, 11, 1)
    assert local_day(vault, at(SHANGHAI, 2025, 11, 2, 4, 0)) == dt.date(2025, 11, 2)
    # 20:00 UTC is 04:00 in Shanghai: the new day
    assert local_day(vault, dt.datetime(2025, 11, 1, 19, 59, tzinfo=UTC)) == dt.date(2025, 11, 1)
    assert local_day(vault, dt.datetime(2025, 11, 1, 20, 0, tzinfo=UTC)) == dt.date(2025, 11, 2)


def test_again_at_2355_and_good_at_0005_are_one_sitting(make_vault):
    vault = make(make_vault, "Asia/Shanghai", starts=None)
    grade_note(vault, NOTE, Rating.AGAIN, at(SHANGHAI, 2025, 11, 1, 23, 55))
    good = grade_note(vault, NOTE, Rating.GOOD, at(SHANGHAI, 2025, 11, 2, 0, 5))
    first, second = events(vault)
    assert (first.day, second.day) == ("2025-11-01", "2025-11-01")
    assert (second.elapsed_days, second.interval, second.due) == (0, 1, "2025-11-02")
    assert good.outcome.due == dt.date(2025, 11, 2)
    assert front(vault).last_reviewed == dt.date(2025, 11, 1)


def test_with_the_day_starting_at_midnight_the_same_reviews_are_a_day_apart(make_vault):
    vault = make(make_vault, "Asia/Shanghai", starts=0)
    grade_note(vault, NOTE, Rating.AGAIN, at(SHANGHAI, 2025, 11, 1, 23, 55))
    grade_note(vault, NOTE, Rating.GOOD, at(SHANGHAI, 2025, 11, 2, 0, 5))
    first, second = events(vault)
    assert (first.day, second.day) == ("2025-11-01", "2025-11-02")
    assert (second.elapsed_days, second.interval, second.due) == (1, 2, "2025-11-04")


def test_a_bad_day_start_is_a_config_error(make_vault, use_vault, cli):
    use_vault(make_vault({NOTE: TEXT}, config="notes_dir: notes\nday_starts_at: 24\n"))
    result = cli("due")
    assert result.exit_code == 1
    assert "day_starts_at: expected an hour from 0 to 23, got 24" in result.stderr


def test_2359_and_0001_local_are_different_days(make_vault):
    vault = make(make_vault, "Asia/Shanghai")
    grade_note(vault, NOTE, Rating.GOOD, at(SHANGHAI, 2025, 11, 1, 23, 59))
    grade_note(vault, NOTE, Rating.GOOD, at(SHANGHAI, 2025, 11, 2, 0, 1))
    first, second = events(vault)
    assert (first.day, second.day) == ("2025-11-01", "2025-11-02")
    assert second.elapsed_days == 1
    assert front(vault).last_reviewed == dt.date(2025, 11, 2)


def test_the_same_instants_given_in_utc_land_on_the_same_local_days(make_vault):
    vault = make(make_vault, "Asia/Shanghai")
    grade_note(vault, NOTE, Rating.GOOD, dt.datetime(2025, 11, 1, 15, 59, tzinfo=UTC))
    grade_note(vault, NOTE, Rating.GOOD, dt.datetime(2025, 11, 1, 16, 1, tzinfo=UTC))
    first, second = events(vault)
    assert (first.day, second.day) == ("2025-11-01", "2025-11-02")
    assert (first.ts, second.ts) == ("2025-11-01T15:59:00Z", "2025-11-01T16:01:00Z")
    assert second.elapsed_days == 1


def test_local_day_uses_the_configured_zone(make_vault):
    vault = make(make_vault, "Asia/Shanghai")
    assert local_day(vault, dt.datetime(2025, 11, 1, 16, 0, tzinfo=UTC)) == dt.date(2025, 11, 2)
    assert local_day(vault, at(NEW_YORK, 2025, 11, 1, 20, 0)) == dt.date(2025, 11, 2)


def test_cli_grade_records_the_configured_zones_day(make_vault, use_vault, cli, monkeypatch):
    root = make_vault(
        {NOTE: TEXT},
        config="notes_dir: notes\nfuzz: false\ntimezone: Asia/Shanghai\nday_starts_at: 0\n",
    )
    use_vault(root)
    late = at(SHANGHAI, 2025, 11, 1, 23, 59)
    monkeypatch.setattr("studycards.scheduling.clock.now_in", lambda zone: late.astimezone(UTC))
    result = cli("grade", NOTE, "good")
    assert result.exit_code == 0, result.stderr
    (event,) = events(open_vault(root))
    assert event.day == "2025-11-01"
    assert result.stdout.startswith(f"A question: good -> next review {event.due} (in ")


# ---------------------------------------------------------------------------------------------
# daylight saving time: intervals are calendar days


@pytest.mark.parametrize(
    ("before", "after", "hours"),
    [
        (at(NEW_YORK, 2026, 3, 7, 23, 30), at(NEW_YORK, 2026, 3, 8, 23, 30), 23),
        (at(NEW_YORK, 2026, 10, 31, 23, 30), at(NEW_YORK, 2026, 11, 1, 23, 30), 25),
    ],
)
def test_a_dst_day_is_one_day(make_vault, before, after, hours):
    real = after.astimezone(UTC) - before.astimezone(UTC)
    assert real.total_seconds() == hours * 3600  # really a short or long day
    vault = make(make_vault, "America/New_York")
    first = grade_note(vault, NOTE, Rating.GOOD, before)
    second = grade_note(vault, NOTE, Rating.GOOD, after)
    assert second.event.elapsed_days == 1
    for result, moment in ((first, before), (second, after)):
        day = moment.date()
        assert result.event.day == day.isoformat()
        assert result.outcome.due == day + dt.timedelta(days=result.outcome.interval)


def test_minutes_apart_across_the_spring_gap_are_the_same_day(make_vault):
    vault = make(make_vault, "America/New_York")
    grade_note(vault, NOTE, Rating.GOOD, at(NEW_YORK, 2026, 3, 8, 1, 59))
    second = grade_note(vault, NOTE, Rating.GOOD, at(NEW_YORK, 2026, 3, 8, 3, 1))
    assert second.event.elapsed_days == 0 and second.event.day == "2026-03-08"


def test_the_repeated_autumn_hour_keeps_order_and_day(make_vault):
    vault = make(make_vault, "America/New_York")
    grade_note(vault, NOTE, Rating.GOOD, at(NEW_YORK, 2026, 11, 1, 1, 30, fold=0))
    grade_note(vault, NOTE, Rating.HARD, at(NEW_YORK, 2026, 11, 1, 1, 10, fold=1))
    first, second = events(vault)
    assert (first.ts, second.ts) == ("2026-11-01T05:30:00Z", "2026-11-01T06:10:00Z")
    assert first.day == second.day == "2026-11-01"
    history = replay(events(vault))["sc_time00000001"]
    assert history.last.rating == Rating.HARD


def test_a_note_due_after_a_dst_change_is_due_on_its_calendar_day(make_vault):
    vault = make(make_vault, "America/New_York")
    result = grade_note(vault, NOTE, Rating.GOOD, at(NEW_YORK, 2026, 3, 7, 22, 0))
    due = result.outcome.due
    assert due > dt.date(2026, 3, 8)  # the due day lies after the change
    day_before = due - dt.timedelta(days=1)
    assert [i.note.rel for i in load_queue(vault, day_before)[0].study] == []
    assert [i.note.rel for i in load_queue(vault, due)[0].study] == [NOTE]


# ---------------------------------------------------------------------------------------------
# a clock set backwards


def test_a_review_dated_before_the_last_clamps_elapsed_and_keeps_ledger_order(make_vault):
    vault = make(make_vault, "UTC")
    later = dt.datetime(2025, 11, 5, 10, 0, tzinfo=UTC)
    earlier = dt.datetime(2025, 11, 3, 10, 0, tzinfo=UTC)  # the clock went back two days
    grade_note(vault, NOTE, Rating.GOOD, later)
    second = grade_note(vault, NOTE, Rating.EASY, earlier)
    assert second.outcome.elapsed_days == 0
    first_event, second_event = events(vault)
    assert (first_event.rating, second_event.rating) == (Rating.GOOD, Rating.EASY)
    assert parse_stamp(second_event.ts) >= parse_stamp(first_event.ts)
    history = replay(events(vault))["sc_time00000001"]
    assert history.last.id == second_event.id
    assert history.due == second.outcome.due == front(vault).next_review
    with vault_lock(vault.state_dir):
        done = reconcile(vault, earlier)
    assert (done.finished, done.manual) == ((), ())  # nothing looks hand-edited


def test_next_outcomes_before_the_last_review_clamp_to_zero():
    state = MemoryState(10.0, 5.0, dt.date(2025, 11, 5))
    outcomes = next_outcomes("c", state, dt.date(2025, 11, 1), Settings(fuzz=False))
    same_day = next_outcomes("c", state, dt.date(2025, 11, 5), Settings(fuzz=False))
    assert {o.elapsed_days for o in outcomes.values()} == {0}
    assert {r: o.interval for r, o in outcomes.items()} == {
        r: o.interval for r, o in same_day.items()
    }


def test_appending_an_event_stamped_in_the_past_keeps_file_order(tmp_path: Path):
    ledger = Ledger(tmp_path / "reviews.jsonl")
    new = Event("review", "c", "c", "n.md", "2025-11-05", "2025-11-05T10:00:00Z", rating=3)
    old = Event("review", "c", "c", "n.md", "2025-11-03", "2025-11-03T10:00:00Z", rating=4)
    ledger.append([new])
    ledger.append([old])
    read = ledger.read().events
    assert [e.rating for e in read] == [3, 4]
    assert read[1].ts == "2025-11-05T10:00:00Z" and read[1].day == "2025-11-03"
    assert replay(read)["c"].last.rating == 4


# ---------------------------------------------------------------------------------------------
# one vault, two zones


def test_events_from_two_zones_replay_in_utc_order(make_vault):
    vault = make(make_vault, "Asia/Shanghai")
    # From New York at 20:00 (00:00 UTC, 08:00 in Shanghai), then at home at 09:00 Shanghai.
    grade_note(vault, NOTE, Rating.AGAIN, at(NEW_YORK, 2025, 11, 1, 20, 0))
    grade_note(vault, NOTE, Rating.GOOD, at(SHANGHAI, 2025, 11, 2, 9, 0))
    first, second = events(vault)
    assert (first.day, second.day) == ("2025-11-02", "2025-11-02")  # Shanghai calendar days
    assert (first.ts, second.ts) == ("2025-11-02T00:00:00Z", "2025-11-02T01:00:00Z")
    assert replay(events(vault))["sc_time00000001"].last.rating == Rating.GOOD


def test_timestamps_with_offsets_sort_by_their_utc_instant(tmp_path: Path):
    """A merged or hand-written line stamped with an offset still replays at its true instant."""
    path = tmp_path / "reviews.jsonl"
    base = {"kind": "review", "card": "c", "note": "c", "path": "n.md", "day": "2025-11-02"}
    base |= {"stability": 3.0, "difficulty": 5.0, "due": "2025-11-05"}
    lines = [
        dict(base, id="b", rating=3, ts="2025-11-02T00:45:00Z"),
        dict(base, id="a", rating=1, ts="2025-11-02T08:30:00+08:00"),  # 00:30 UTC: earlier
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    read = Ledger(path).read()
    assert read.notices == ()
    assert [e.id for e in replay(read.events)["c"].events] == ["a", "b"]


def test_a_timestamp_without_a_zone_is_refused(tmp_path: Path):
    path = tmp_path / "reviews.jsonl"
    line = {"kind": "manual", "card": "c", "note": "c", "path": "n.md", "day": "2025-11-02"}
    path.write_text(json.dumps(line | {"ts": "2025-11-02T08:30:00"}) + "\n", encoding="utf-8")
    read = Ledger(path).read()
    assert read.events == ()
    assert read.notices == (
        f"{path}:1: bad event (ts must be a UTC time like 2025-10-19T08:00:00Z, "
        "got '2025-11-02T08:30:00'): ignored",
    )


def test_due_days_are_calendar_days_of_the_configured_zone(make_vault):
    vault = make(make_vault, "Asia/Shanghai")
    result = grade_note(vault, NOTE, Rating.GOOD, at(NEW_YORK, 2025, 11, 1, 20, 0))
    due = result.outcome.due
    assert due == dt.date(2025, 11, 2) + dt.timedelta(days=result.outcome.interval)
    assert front(vault).next_review == due
    today_in_shanghai = local_day(
        vault, at(NEW_YORK, 2025, 11, 1, 20, 0) + (due - dt.date(2025, 11, 2))
    )
    assert today_in_shanghai == due
    assert [i.note.rel for i in load_queue(vault, today_in_shanghai)[0].study] == [NOTE]
