"""Interview readiness: the margin from the person's calibration, the counts, the floor, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from studycards.notes.config import Config
from studycards.scheduling.calibration import (
    MIN_MARGIN,
    MIN_REVIEWS,
    UNKNOWN_MARGIN,
    Calibration,
    calibrate,
    interview_margin,
)
from studycards.scheduling.policy_cache import policy_for
from studycards.scheduling.queue import effective_due
from studycards.scheduling.readiness import readiness
from studycards.scheduling.schedule import MemoryState, Settings, retrievability
from studycards.scheduling.writes import recall_floor

DAY = dt.date(2025, 3, 1)


def test_too_few_reviews_give_the_default_margin():
    assert interview_margin(None) == UNKNOWN_MARGIN
    few = calibrate([(0.9, True)] * (MIN_REVIEWS - 1))
    assert interview_margin(few) == UNKNOWN_MARGIN


def test_the_margin_is_the_over_prediction_plus_its_uncertainty():
    pairs = [(0.9, True)] * 870 + [(0.9, False)] * 130  # predicted 0.90, passed 0.87
    found = calibrate(pairs)
    assert found is not None
    assert found.gap == pytest.approx(0.03)
    error = math.sqrt(0.87 * 0.13 / 1000)
    assert interview_margin(found) == pytest.approx(0.03 + 1.645 * error)
    under = calibrate([(0.8, True)] * 1000)  # the model under-predicts: the least margin
    assert under is not None and interview_margin(under) == MIN_MARGIN


def test_readiness_counts_the_notes_at_the_target_with_and_without_the_margin():
    date = DAY + dt.timedelta(days=10)
    stabilities = (1.0, 20.0, 40.0, 200.0)
    states = [MemoryState(s, 5.0, DAY) for s in stabilities] + [None]
    recalls = [retrievability(s, date) for s in states if s]
    assert [round(r, 3) for r in recalls] == [0.693, 0.94, 0.967, 0.993]
    calibration = Calibration((), 1000, 0.9, 0.87)  # over-predicts by 0.03
    ready = readiness(states, date, 0.9, calibration)
    assert (ready.notes, ready.predicted) == (5, 3)
    assert ready.margin == pytest.approx(0.0475, abs=1e-4)
    # 0.9 + 0.0475: the 0.94 note is no longer counted; with only the gap seen (0.03) it is
    assert (ready.calibrated, ready.low, ready.high) == (2, 2, 3)
    assert ready.to_dict()["calibrated_range"] == [2, 3]


def test_the_margin_brings_back_a_note_the_model_alone_would_leave():
    state = MemoryState(20.0, 5.0, DAY)
    today = DAY + dt.timedelta(days=8)
    date = DAY + dt.timedelta(days=10)
    assert 0.9 < retrievability(state, date) < 0.95

    class Note:
        @staticmethod
        def due_on(_today):
            return DAY + dt.timedelta(days=30)

    plain = Settings(interview_date=date, interview_target=0.9)
    assert effective_due(Note, state, today, plain) == DAY + dt.timedelta(days=30)
    careful = Settings(interview_date=date, interview_target=0.9, interview_margin=0.05)
    assert effective_due(Note, state, today, careful) == today


def test_the_floor_keeps_a_fragile_notes_recall_up():
    policy, engine = policy_for(None, 0.9, 365)
    free = policy.interval(engine, 2.3, 9.0)
    kept = policy.interval(engine, 2.3, 9.0, floor=0.85)
    at = lambda days: retrievability(MemoryState(2.3, 9.0, DAY), DAY + dt.timedelta(days))  # noqa: E731
    assert at(free) < 0.85 <= at(kept) and kept < free
    sturdy = policy.interval(engine, 200.0, 1.0)
    assert policy.interval(engine, 200.0, 1.0, floor=0.85) == sturdy  # far above the floor


def test_the_floor_setting():
    assert Config().recall_floor is None
    assert recall_floor(None, 0.9) == pytest.approx(0.85)
    assert recall_floor(None, 0.8) == pytest.approx(0.75)
    assert recall_floor(0.8, 0.9) == 0.8
    assert recall_floor(0.0, 0.9) is None
    assert Config.from_mapping({"recall_floor": 0}).recall_floor == 0.0


NOTE = "notes/T/q.md"
TEXT = (
    "---\nid: sc_ready0000001\ncreated: '2025-10-01'\nlast_reviewed: '2025-10-20'\n"
    "next_review: '2025-11-20'\nreview_count: 3\ndifficulty: medium\nmastery_level: 0.8\n---\n"
    "# A question\n\n## Short answer\n\nIt is.\n"
)


def test_due_until_shows_predicted_and_calibrated_readiness(make_vault, use_vault, cli, today):
    use_vault(make_vault({NOTE: TEXT}, config="timezone: UTC\n"))
    today(dt.date(2025, 11, 1))
    result = cli("due", "--until", "2025-11-10")
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "predicted ready on 2025-11-10: " in out and " of 1 notes at >= 90% recall" in out
    assert "after a margin of 5.0% for the model's error (too few reviews to judge" in out
    data = json.loads(cli("due", "--until", "2025-11-10", "--json").stdout)["readiness"]
    assert data["notes"] == 1 and data["margin"] == UNKNOWN_MARGIN
    assert data["calibrated_ready"] <= data["predicted_ready"]


def test_stats_shows_readiness_with_an_interview_date(make_vault, use_vault, cli, today):
    use_vault(make_vault({NOTE: TEXT}, config="timezone: UTC\ninterview_date: 2025-11-10\n"))
    today(dt.date(2025, 11, 1))
    out = " ".join(cli("stats").stdout.split())
    assert "Interview predicted ready on 2025-11-10:" in out
    assert json.loads(cli("stats", "--json").stdout)["readiness"]["date"] == "2025-11-10"


def test_the_calibration_is_kept_until_the_ledger_changes(make_vault, monkeypatch):
    from studycards.notes.vault import open_vault
    from studycards.scheduling import calibration
    from studycards.scheduling.grading import grade_note
    from studycards.scheduling.schedule import Rating

    vault = open_vault(make_vault({NOTE: TEXT}, config="timezone: UTC\n"))
    now = dt.datetime(2025, 11, 1, 9, tzinfo=dt.timezone.utc)
    grade_note(vault, NOTE, Rating.GOOD, now)
    calls = []
    real = calibration.predictions
    monkeypatch.setattr(calibration, "predictions", lambda *a: calls.append(1) or real(*a))
    first = calibration.vault_calibration(vault)
    assert calibration.vault_calibration(vault) == first
    assert len(calls) == 1  # the second lookup did not read the ledger again
    grade_note(vault, NOTE, Rating.AGAIN, now + dt.timedelta(days=3))
    calibration.vault_calibration(vault)
    assert len(calls) == 2  # a new review is counted
