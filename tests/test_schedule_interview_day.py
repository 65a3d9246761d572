"""Interview-date mode for a card whose normal due day is the interview day itself."""

from __future__ import annotations

import datetime as dt

from studycards.scheduling.schedule import MemoryState, Rating, Settings, grade, retrievability

DAY = dt.date(2025, 3, 1)


def test_a_card_due_on_the_interview_day_comes_back_in_the_run_up_if_it_would_be_weak():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + dt.timedelta(days=10)
    normal = grade("c", state, Rating.GOOD, today, Settings(fuzz=False))
    date = normal.due
    assert retrievability(normal.state, date) < 0.95
    settings = Settings(fuzz=False, interview_date=date, interview_target=0.95)
    capped = grade("c", state, Rating.GOOD, today, settings)
    # its recall falls to 0.95 well before the run-up (the last 3 days): the run-up's first day
    assert capped.due == date - dt.timedelta(days=3)
    assert capped.state == normal.state


def test_a_card_due_on_the_interview_day_and_recalled_well_enough_keeps_its_day():
    state = MemoryState(10.0, 5.0, DAY)
    today = DAY + dt.timedelta(days=10)
    normal = grade("c", state, Rating.GOOD, today, Settings(fuzz=False))
    settings = Settings(fuzz=False, interview_date=normal.due, interview_target=0.8)
    assert grade("c", state, Rating.GOOD, today, settings) == normal
