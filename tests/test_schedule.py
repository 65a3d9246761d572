"""FSRS-6 scheduling: exact numbers against the engine, fuzz, caps, mastery, interview mode."""

from __future__ import annotations

import datetime as dt
import math

import fsrs_rs_python as fsrs
import pytest

from studycards.scheduling.schedule import (
    MemoryState,
    Rating,
    Settings,
    grade,
    interview_due,
    mastery,
    migrate,
    needs_review_before,
    next_outcomes,
    retrievability,
    scheduled_due,
)

# The engine's own intervals: the retention scheduler (the efficient one is in test_policy.py).
EXACT = Settings(scheduler="retention", fuzz=False)
DAY = dt.date(2025, 3, 1)


def engine():
    return fsrs.FSRS(fsrs.DEFAULT_PARAMETERS)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# ---------------------------------------------------------------------------------------------
# exact numbers


def test_first_review_of_a_new_card_pins_the_default_parameters():
    outcomes = next_outcomes("c", None, DAY, EXACT)
    assert {r: o.interval for r, o in outcomes.items()} == {
        Rating.AGAIN: 1,
        Rating.HARD: 1,
        Rating.GOOD: 2,
        Rating.EASY: 8,
    }
    good = outcomes[Rating.GOOD]
    assert good.state.stability == pytest.approx(2.3065, abs=1e-6)
    assert good.state.difficulty == pytest.approx(2.118104, abs=1e-6)
    assert good.state.last_review == DAY
    assert good.due == DAY + days(2)
    assert good.elapsed_days == 0


SEQUENCES = [
    [(0, Rating.GOOD), (2, Rating.GOOD), (7, Rating.GOOD), (21, Rating.GOOD)],
    [(0, Rating.AGAIN), (1, Rating.HARD), (3, Rating.GOOD), (10, Rating.AGAIN), (11, Rating.EASY)],
    [(0, Rating.EASY), (8, Rating.HARD), (9, Rating.HARD), (40, Rating.GOOD)],
    [(0, Rating.GOOD), (0, Rating.AGAIN), (0, Rating.GOOD), (1, Rating.GOOD)],
]


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_a_rating_sequence_equals_the_engine_step_by_step(sequence):
    fsrs_engine = engine()
    state, memory, previous = None, None, None
    for offset, rating in sequence:
        today = DAY + days(offset)
        elapsed = 0 if previous is None else (today - previous).days
        expected = getattr(fsrs_engine.next_states(memory, 0.9, elapsed), rating.name.lower())
        outcome = grade("card", state, rating, today, EXACT)
        assert outcome.state.stability == expected.memory.stability
        assert outcome.state.difficulty == expected.memory.difficulty
        assert outcome.interval == max(1, round(expected.interval))
        assert outcome.due == today + days(outcome.interval)
        assert outcome.elapsed_days == elapsed
        state, memory, previous = outcome.state, expected.memory, today


def test_desired_retention_is_passed_to_the_engine():
    state = MemoryState(20.0, 5.0, DAY)
    today = DAY + days(20)
    for retention in (0.8, 0.9, 0.95):
        settings = Settings(scheduler="retention", desired_retention=retention, fuzz=False)
        expected = engine().next_states(fsrs.MemoryState(20.0, 5.0), retention, 20).good
        assert grade("c", state, Rating.GOOD, today, settings).interval == round(expected.interval)


def test_custom_parameters_are_used():
    custom = list(fsrs.DEFAULT_PARAMETERS)
    custom[2] = 5.0  # initial stability of a first "good"
    settings = Settings(scheduler="retention", fuzz=False, parameters=tuple(custom))
    outcome = grade("c", None, Rating.GOOD, DAY, settings)
    assert outcome.state.stability == pytest.approx(5.0)
    assert outcome.interval == 5


def test_the_four_outcomes_are_ordered():
    state = MemoryState(15.0, 6.0, DAY)
    outcomes = next_outcomes("c", state, DAY + days(15), EXACT)
    intervals = [outcomes[r].interval for r in Rating]
    assert intervals == sorted(intervals)
    assert outcomes[Rating.AGAIN].state.stability < outcomes[Rating.GOOD].state.stability


def test_rating_parse():
    assert Rating.parse("good") is Rating.GOOD
    assert Rating.parse(" Again ") is Rating.AGAIN
    assert Rating.parse("4") is Rating.EASY
    with pytest.raises(ValueError, match="unknown grade 'meh': use again, hard, good or easy"):
        Rating.parse("meh")
    with pytest.raises(ValueError):
        Rating.parse("5")


# ---------------------------------------------------------------------------------------------
# retrievability and mastery


def test_retrievability_follows_the_fsrs6_forgetting_curve():
    decay = fsrs.DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1 / decay) - 1
    state = MemoryState(10.0, 5.0, DAY)
    assert retrievability(state, DAY) == 1.0
    for t in (1, 10, 30, 100):
        expected = (1 + factor * t / 10.0) ** -decay
        assert retrievability(state, DAY + days(t)) == pytest.approx(expected, abs=1e-6)
    assert retrievability(state, DAY + days(10)) == pytest.approx(0.9, abs=1e-6)
    assert retrievability(state, DAY - days(3)) == 1.0


def test_mastery_is_recall_thirty_days_out_and_zero_for_new():
    assert mastery(None, DAY) == 0.0
    state = MemoryState(10.0, 5.0, DAY)
    assert mastery(state, DAY) == round(retrievability(state, DAY + days(30)), 2) == 0.81


def test_mastery_rises_with_successful_reviews_and_drops_after_again():
    state, today, levels = None, DAY, []
    for rating in (Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD):
        outcome = grade("c", state, rating, today, EXACT)
        levels.append(mastery(outcome.state, today))
        state, today = outcome.state, outcome.due
    assert levels[0] < levels[1] < levels[2]
    assert levels[3] < levels[2]
    assert levels[4] > levels[3]
    assert all(0.0 <= level <= 1.0 for level in levels)


# ---------------------------------------------------------------------------------------------
# fuzz


def anki_fuzz_range(interval: int) -> tuple[int, int]:
    """The fuzz range Anki uses for an interval of ``interval`` days (written out independently)."""
    if interval < 2.5:
        return interval, interval
    delta = 1.0
    for start, end, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05)):
        delta += factor * max(min(interval, end) - start, 0.0)
    return max(2, round(interval - delta)), round(interval + delta)


@pytest.mark.parametrize("stability", [3.0, 10.0, 40.0, 150.0])
def test_fuzz_is_deterministic_and_within_its_range(stability):
    state = MemoryState(stability, 5.0, DAY)
    today = DAY + days(int(stability))
    plain = grade(
        "c",
        state,
        Rating.GOOD,
        today,
        Settings(scheduler="retention", fuzz=False, maximum_interval=9999),
    )
    low, high = anki_fuzz_range(plain.interval)
    fuzzed = Settings(scheduler="retention", fuzz=True, maximum_interval=9999)
    seen = set()
    for n in range(300):
        card = f"sc_{n:04d}"
        first = grade(card, state, Rating.GOOD, today, fuzzed)
        again = grade(card, state, Rating.GOOD, today, fuzzed)
        assert first == again
        assert low <= first.interval <= high
        assert first.due == today + days(first.interval)
        seen.add(first.interval)
    assert seen == set(range(low, high + 1))


def test_fuzz_depends_on_the_card_and_the_day_only():
    state = MemoryState(60.0, 5.0, DAY)
    settings = Settings(scheduler="retention", fuzz=True)
    today = DAY + days(60)
    by_day = {grade("c", state, Rating.GOOD, today + days(0), settings).interval for _ in range(5)}
    assert len(by_day) == 1
    other_days = {
        grade(
            "c", MemoryState(60.0, 5.0, DAY + days(k)), Rating.GOOD, today + days(k), settings
        ).interval
        for k in range(30)
    }
    assert len(other_days) > 1


def test_short_intervals_and_again_are_not_fuzzed():
    new = grade("c", None, Rating.GOOD, DAY, Settings(scheduler="retention", fuzz=True))
    assert new.interval == 2
    state = MemoryState(200.0, 5.0, DAY)
    for n in range(50):
        lapse = grade(
            f"c{n}",
            state,
            Rating.AGAIN,
            DAY + days(200),
            Settings(scheduler="retention", fuzz=True),
        )
        plain = grade(f"c{n}", state, Rating.AGAIN, DAY + days(200), EXACT)
        assert lapse.interval == plain.interval


# ---------------------------------------------------------------------------------------------
# maximum interval


@pytest.mark.parametrize("fuzz", [False, True])
def test_maximum_interval_caps(fuzz):
    state = MemoryState(300.0, 3.0, DAY)
    today = DAY + days(300)
    assert (
        grade("c", state, Rating.EASY, today, Settings(scheduler="retention", fuzz=fuzz)).interval
        > 30
    )
    settings = Settings(scheduler="retention", fuzz=fuzz, maximum_interval=30)
    for n in range(20):
        outcome = grade(f"c{n}", state, Rating.EASY, today, settings)
        assert outcome.interval == 30
        assert outcome.due == today + days(30)


def test_maximum_interval_caps_scheduled_due():
    state = MemoryState(300.0, 3.0, DAY)
    assert scheduled_due(
        "c", state, Settings(scheduler="retention", fuzz=False, maximum_interval=10)
    ) == DAY + days(10)


# ---------------------------------------------------------------------------------------------
# interview-date mode


def interview(date: dt.date, target: float = 0.95) -> Settings:
    return Settings(scheduler="retention", fuzz=False, interview_date=date, interview_target=target)


def test_a_card_weak_at_a_distant_interview_comes_back_three_days_before_it():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + days(10)
    normal = grade("c", state, Rating.GOOD, today, EXACT)
    date = today + days(normal.interval - 5)
    assert retrievability(normal.state, date) < 0.95
    # its recall falls to the target (0.95) after 13 days, before the run-up: no extra review
    assert round(engine().next_interval(normal.state.stability, 0.95, 3)) == 13
    capped = grade("c", state, Rating.GOOD, today, interview(date))
    assert capped.due == date - days(3)
    assert capped.state == normal.state


def test_in_the_run_up_a_weak_card_comes_back_when_its_recall_falls_to_the_target():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + days(10)
    date = today + days(15)  # the run-up is days 12-14; recall falls to 0.95 on day 13
    capped = grade("c", state, Rating.GOOD, today, interview(date))
    assert capped.interval == 13
    assert retrievability(capped.state, capped.due) == pytest.approx(0.95, abs=0.005)


def test_a_weak_card_never_comes_back_later_than_the_day_before_the_interview():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + days(10)
    normal = grade("c", state, Rating.GOOD, today, EXACT)
    weak_days = 0
    for ahead in range(1, normal.interval + 1):
        date = today + days(ahead)
        capped = grade("c", state, Rating.GOOD, today, interview(date, target=0.99))
        if retrievability(normal.state, date) >= 0.99:
            assert capped == normal
            continue
        weak_days += 1
        assert today + days(1) <= capped.due <= date - days(1)
        assert capped.state == normal.state
    assert 0 < weak_days < normal.interval  # both cases were tried


def test_interview_due_of_a_new_card_is_the_day_before():
    assert interview_due(None, DAY + days(5), interview(DAY + days(5))) == DAY + days(4)


def test_the_interview_rule_applies_to_the_efficient_scheduler_too():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + days(10)
    efficient = Settings(fuzz=False)
    normal = grade("c", state, Rating.GOOD, today, efficient)
    date = today + days(normal.interval - 5)
    assert retrievability(normal.state, date) < 0.95
    dated = Settings(fuzz=False, interview_date=date, interview_target=0.95)
    assert grade("c", state, Rating.GOOD, today, dated).due == date - days(3)


def test_a_card_recalled_well_enough_on_the_day_keeps_its_interval():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + days(10)
    normal = grade("c", state, Rating.GOOD, today, EXACT)
    date = today + days(2)
    assert today + days(normal.interval) > date
    assert retrievability(normal.state, date) >= 0.95
    assert grade("c", state, Rating.GOOD, today, interview(date)) == normal


def test_interview_mode_leaves_cards_due_before_the_date_and_past_dates_alone():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + days(10)
    normal = grade("c", state, Rating.GOOD, today, EXACT)
    later = today + days(normal.interval + 5)
    assert grade("c", state, Rating.GOOD, today, interview(later)) == normal
    past = today - days(1)
    assert grade("c", state, Rating.GOOD, today, interview(past)) == normal


def test_needs_review_before():
    state = MemoryState(10.0, 5.0, DAY)
    assert needs_review_before(None, DAY, 0.9, None)
    assert not needs_review_before(state, DAY + days(9), 0.9, None)
    assert needs_review_before(state, DAY + days(11), 0.9, None)


# ---------------------------------------------------------------------------------------------
# scheduled_due (reschedule) and migration


@pytest.mark.parametrize("rating", list(Rating))
def test_scheduled_due_with_unchanged_settings_is_the_due_grade_gave(rating):
    settings = Settings(scheduler="retention", fuzz=True)
    state = MemoryState(40.0, 5.0, DAY)
    for n in range(30):
        outcome = grade(f"card-{n}", state, rating, DAY + days(60), settings)
        assert scheduled_due(f"card-{n}", outcome.state, settings, rating) == outcome.due


def test_migrate_goes_through_memory_state_from_sm2():
    last, next_ = dt.date(2025, 10, 1), dt.date(2025, 10, 15)
    expected = engine().memory_state_from_sm2(2.5, 14.0, 0.9)
    state = migrate("medium", last, next_, EXACT)
    assert (state.stability, state.difficulty) == (expected.stability, expected.difficulty)
    assert state.last_review == last
    easy = engine().memory_state_from_sm2(2.8, 14.0, 0.9)
    assert migrate("easy", last, next_, EXACT).difficulty == easy.difficulty
    assert migrate(None, last, last, EXACT).stability == pytest.approx(
        engine().memory_state_from_sm2(2.5, 1.0, 0.9).stability
    )
