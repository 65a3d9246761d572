"""The review queue: groups on fixed dates, orders, daily limits, interview mode, JSON."""

from __future__ import annotations

import datetime as dt

import fsrs_rs_python as fsrs
import pytest
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SAMPLE_TODAY, SEQ2SEQ, TWO_SUM

from studycards.errors import UsageError
from studycards.notes.catalog import NoteFilter
from studycards.notes.note import NoteSummary
from studycards.notes.vault import open_vault
from studycards.scheduling.events import Event
from studycards.scheduling.grading import grade_note
from studycards.scheduling.history import CardHistory, replay
from studycards.scheduling.queue import (
    Limits,
    build_queue,
    effective_due,
    group_of,
    load_queue,
    queue_json,
    still_to_do,
)
from studycards.scheduling.schedule import (
    MemoryState,
    Rating,
    Settings,
    interview_due,
    retrievability,
)
from studycards.scheduling.writes import ledger_of

TODAY = dt.date(2025, 11, 1)
EXACT = Settings(fuzz=False)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def note(name: str, due_in: int | None = 0, reviewed: bool = True, **fields) -> NoteSummary:
    values: dict = {
        "id": f"sc_{name}",
        "next_review": None if due_in is None else TODAY + days(due_in),
    }
    if reviewed:
        values.update(review_count=1)
    values.update(fields)
    return NoteSummary(f"notes/T/{name}.md", name, "T", **values)


def history(card: str, stability: float, last: dt.date) -> CardHistory:
    return CardHistory(card, MemoryState(stability, 5.0, last), reviews=1)


def review(card: str, day: dt.date, kind: str = "review") -> Event:
    return Event(
        kind=kind, card=card, note=card, path=f"notes/T/{card}.md", day=day.isoformat(),
        ts=f"{day.isoformat()}T08:00:00Z", rating=3 if kind == "review" else None,
        due=(day + days(3)).isoformat(), stability=3.0, difficulty=5.0,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# groups


@pytest.mark.parametrize(
    ("due", "group"),
    [
        (dt.date(2025, 10, 1), "overdue"),
        (dt.date(2025, 10, 31), "overdue"),
        (dt.date(2025, 11, 1), "today"),
        (dt.date(2025, 11, 2), "week"),
        (dt.date(2025, 11, 8), "week"),
        (dt.date(2025, 11, 9), "later"),
        (dt.date(2026, 11, 1), "later"),
    ],
)
def test_group_of_on_fixed_dates(due, group):
    assert group_of(due, TODAY) == group


def test_the_sample_vault_by_group(vault):
    queue, notices = load_queue(open_vault(vault), SAMPLE_TODAY, order="due")
    assert notices == ()
    groups = {g: [i.note.rel for i in items] for g, items in queue.groups.items()}
    assert groups == {
        "overdue": [SEQ2SEQ, BEAM_SEARCH],
        "today": [TWO_SUM],
        "week": [MULTI_HEAD],
        "later": [KV_CACHE],
    }
    assert [i.note.rel for i in queue.study] == [SEQ2SEQ, BEAM_SEARCH, TWO_SUM]
    assert (queue.due_total, queue.new_total, queue.limited, queue.done_today) == (3, 1, False, 0)
    new = queue.groups["overdue"][0]
    assert new.is_new and new.recall is None and new.state is None


def test_a_note_never_scheduled_is_due_today():
    queue = build_queue([note("fresh", None, reviewed=False)], {}, [], TODAY, EXACT)
    assert [i.group for i in queue.study] == ["today"]
    assert queue.study[0].due == TODAY


def test_filters_keep_only_matching_notes(vault):
    queue, _ = load_queue(open_vault(vault), SAMPLE_TODAY, NoteFilter(topic="Inference"))
    kept = [i.note.rel for items in queue.groups.values() for i in items]
    assert kept == [BEAM_SEARCH, KV_CACHE]


# ---------------------------------------------------------------------------------------------
# orders


def risky_queue(order: str):
    notes = [
        note("a_weak", -1, difficulty="hard", review_count=1),
        note("b_new", -3, reviewed=False, difficulty="easy"),
        note("c_strong", 0, difficulty="easy", review_count=2),
        note("d_mid", -2, difficulty="medium", review_count=7),
        note("e_easy_veteran", 0, difficulty="easy", review_count=9),
    ]
    cards = {
        "sc_a_weak": history("sc_a_weak", 2.0, TODAY - days(10)),
        "sc_c_strong": history("sc_c_strong", 50.0, TODAY - days(10)),
        "sc_d_mid": history("sc_d_mid", 10.0, TODAY - days(10)),
        "sc_e_easy_veteran": history("sc_e_easy_veteran", 20.0, TODAY - days(10)),
    }
    queue = build_queue(notes, cards, [], TODAY, EXACT, order=order)
    return [i.note.title for i in queue.study]


def test_order_due_is_oldest_first():
    assert risky_queue("due") == ["b_new", "d_mid", "a_weak", "c_strong", "e_easy_veteran"]


def test_order_risk_is_lowest_predicted_recall_first_and_new_notes_last():
    assert risky_queue("risk") == ["a_weak", "d_mid", "e_easy_veteran", "c_strong", "b_new"]


def test_order_easy_first_is_easy_then_familiar():
    assert risky_queue("easy-first") == ["e_easy_veteran", "c_strong", "b_new", "d_mid", "a_weak"]


def test_an_unknown_order_is_a_usage_error():
    with pytest.raises(
        UsageError, match="^unknown order 'random': use one of due, risk, easy-first, weighted$"
    ):
        build_queue([], {}, [], TODAY, EXACT, order="random")


def test_the_recall_shown_is_the_engines_retrievability_today():
    state = MemoryState(10.0, 5.0, TODAY - days(10))
    queue = build_queue([note("x", 0)], {"sc_x": CardHistory("sc_x", state)}, [], TODAY, EXACT)
    assert queue.study[0].recall == retrievability(state, TODAY) == pytest.approx(0.9, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# daily limits


def limited_queue(limits: Limits | None, events=()):
    notes = [note(f"new{n}", -n, reviewed=False) for n in range(5)]
    notes += [note(f"old{n}", -n) for n in range(5)]
    cards = {f"sc_old{n}": history(f"sc_old{n}", 5.0, TODAY - days(9)) for n in range(5)}
    return build_queue(notes, cards, list(events), TODAY, EXACT, limits=limits)


def test_daily_limits_cut_the_study_list():
    queue = limited_queue(Limits(new_per_day=2, reviews_per_day=3))
    titles = [i.note.title for i in queue.study]
    assert titles == ["new4", "old4", "new3", "old3", "old2"]
    assert (queue.due_total, queue.new_total, queue.limited) == (10, 5, True)
    assert sum(len(items) for items in queue.groups.values()) == 10  # groups are not cut


def test_no_limits_keep_everything():
    queue = limited_queue(None)
    assert len(queue.study) == 10 and not queue.limited


def test_what_was_done_today_counts_against_the_limits():
    done = [
        review("sc_brand_new", TODAY),  # a new card seen for the first time today
        review("sc_known", TODAY - days(3)),
        review("sc_known", TODAY),  # a review today
        review("sc_migrated", TODAY, kind="import"),
        review("sc_migrated", TODAY),  # first grade of an imported card: a review, not new
        review("sc_yesterday", TODAY - days(1)),
    ]
    queue = limited_queue(Limits(new_per_day=2, reviews_per_day=3), done)
    assert queue.done_today == 3
    assert [i.note.title for i in queue.study] == ["new4", "old4"]


def test_undone_reviews_do_not_count_as_done():
    first = review("sc_known", TODAY)
    undo = Event("undo", "sc_known", "sc_known", "p", TODAY.isoformat(), "t", undoes=[first.id])
    queue = limited_queue(Limits(new_per_day=0, reviews_per_day=1), [first, undo])
    assert queue.done_today == 0 and [i.note.title for i in queue.study] == ["old4"]


# ---------------------------------------------------------------------------------------------
# the ledger may name notes that are gone


def test_events_for_a_note_that_no_longer_exists_are_ignored(make_vault):
    root = make_vault()
    vault = open_vault(root)
    grade_note(vault, TWO_SUM, Rating.GOOD, dt.datetime(2025, 11, 1, 9, tzinfo=dt.timezone.utc))
    ledger_of(vault).append([review("sc_gone", TODAY)])
    (root / TWO_SUM).unlink()
    queue, notices = load_queue(vault, TODAY)
    assert notices == ()
    rels = [i.note.rel for items in queue.groups.values() for i in items]
    assert TWO_SUM not in rels and len(rels) == 4
    assert {"sc_gone"} <= set(replay(ledger_of(vault).read().events))


# ---------------------------------------------------------------------------------------------
# interview-date mode


def interview(date: dt.date) -> Settings:
    return Settings(fuzz=False, interview_date=date, interview_target=0.95)


def test_effective_due_pulls_a_weak_card_into_the_run_up_to_the_interview():
    state = MemoryState(10.0, 5.0, TODAY)
    date = TODAY + days(8)
    assert retrievability(state, date) < 0.95
    falls = TODAY + days(round(fsrs.FSRS(fsrs.DEFAULT_PARAMETERS).next_interval(10.0, 0.95, 3)))
    assert falls == TODAY + days(4)  # before the run-up, which starts 3 days before the date
    assert effective_due(note("x", 10), state, TODAY, interview(date)) == date - days(3)
    assert effective_due(note("x", 10), state, TODAY, EXACT) == TODAY + days(10)


def test_effective_due_keeps_a_card_that_will_be_recalled_well_enough():
    state = MemoryState(100.0, 5.0, TODAY)
    date = TODAY + days(8)
    assert retrievability(state, date) >= 0.95
    assert effective_due(note("x", 40), state, TODAY, interview(date)) == TODAY + days(40)


def test_effective_due_keeps_cards_due_before_the_interview():
    state = MemoryState(1.0, 5.0, TODAY)
    assert effective_due(note("x", 3), state, TODAY, interview(TODAY + days(8))) == TODAY + days(3)


def test_a_new_card_scheduled_after_the_interview_comes_before_it():
    date = TODAY + days(5)
    assert effective_due(note("x", 9, reviewed=False), None, TODAY, interview(date)) == date - days(
        1
    )


def test_a_past_interview_date_changes_nothing():
    state = MemoryState(1.0, 5.0, TODAY - days(20))
    past = TODAY - days(2)
    assert effective_due(note("x", 30), state, TODAY, interview(past)) == TODAY + days(30)


def test_still_to_do_lists_the_cards_below_the_target_on_the_date():
    notes = [note("weak", 20), note("strong", 20), note("new", None, reviewed=False)]
    cards = {
        "sc_weak": history("sc_weak", 5.0, TODAY),
        "sc_strong": history("sc_strong", 300.0, TODAY),
    }
    date = TODAY + days(10)
    queue = build_queue(notes, cards, [], TODAY, interview(date))
    items = [i for items in queue.groups.values() for i in items]
    assert sorted(i.note.title for i in still_to_do(items, date, interview(date))) == [
        "new",
        "weak",
    ]
    assert queue.until == date
    due = {i.note.title: i.due for i in items}
    assert due == {
        "weak": interview_due(cards["sc_weak"].state, date, interview(date)),
        "strong": TODAY + days(20),
        "new": TODAY,
    }
    assert due["weak"] == date - days(3)
    assert [i.note.title for i in queue.still] == ["new", "weak"]


# ---------------------------------------------------------------------------------------------
# JSON


def test_queue_json_structure(vault):
    queue, _ = load_queue(open_vault(vault), SAMPLE_TODAY, order="due")
    data = queue_json(queue, SAMPLE_TODAY)
    assert list(data) == [
        "today", "due_total", "new_total", "study_count", "limited", "done_today", "until",
        "still_to_do", "study", "groups",
    ]  # fmt: skip
    assert data["today"] == "2025-11-01" and data["until"] is None
    assert (data["due_total"], data["new_total"], data["study_count"]) == (3, 1, 3)
    assert list(data["groups"]) == ["overdue", "today", "week", "later"]
    first = data["study"][0]
    assert first == {
        "path": SEQ2SEQ,
        "title": "Seq2Seq模型中注意力的引入动机",
        "topic": "Transformer",
        "difficulty": "medium",
        "due": "2025-10-19",
        "days_overdue": 13,
        "new": True,
        "recall_today": None,
        "review_count": 0,
        "mastery_level": 0.0,
    }
    beam = data["study"][1]
    assert beam["path"] == BEAM_SEARCH and beam["days_overdue"] == 1 and not beam["new"]
    assert 0 < beam["recall_today"] < 1 and round(beam["recall_today"], 3) == beam["recall_today"]
