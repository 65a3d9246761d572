"""Mastery today (decaying with time) and the calibration of past predictions."""

from __future__ import annotations

import datetime as dt
import json

from synthetic_ledger import simulate_events, true_parameters

from studycards.notes.summary import parse_summary
from studycards.notes.vault import open_vault, scan
from studycards.scheduling.calibration import EDGES, calibrate, predictions
from studycards.scheduling.grading import grade_note
from studycards.scheduling.ledger import Ledger
from studycards.scheduling.live import live_mastery
from studycards.scheduling.schedule import Rating

NOTE = "notes/T/q.md"
NEW = "notes/T/new.md"
TEXT = (
    "---\ncreated: '2025-10-01'\nlast_reviewed: null\nnext_review: '2025-10-01'\n"
    "review_count: 0\ndifficulty: medium\nmastery_level: 0.0\n---\n# A question\n\n"
    "## Short answer\n\nIt is.\n"
)
UTC = dt.timezone.utc


def test_mastery_decays_with_time_while_the_frontmatter_keeps_the_last_review(make_vault):
    vault = open_vault(make_vault({NOTE: TEXT, NEW: TEXT}, config="timezone: UTC\n"))
    result = grade_note(vault, NOTE, Rating.GOOD, dt.datetime(2025, 10, 1, 9, tzinfo=UTC))
    day = dt.date(2025, 10, 1)
    levels = [
        {
            n.rel: n.mastery_level
            for n in live_mastery(vault, scan(vault).notes, day + dt.timedelta(d))
        }
        for d in (0, 10, 60)
    ]
    assert levels[0][NOTE] == result.mastery > levels[1][NOTE] > levels[2][NOTE] > 0
    assert [level[NEW] for level in levels] == [0.0, 0.0, 0.0]
    text = (vault.root / NOTE).read_text(encoding="utf-8")
    assert parse_summary(text, NOTE).mastery_level == result.mastery


def test_list_topics_and_stats_show_mastery_today(make_vault, use_vault, cli, today):
    root = use_vault(make_vault({NOTE: TEXT}, config="timezone: UTC\n"))
    result = grade_note(
        open_vault(root), NOTE, Rating.GOOD, dt.datetime(2025, 10, 1, 9, tzinfo=UTC)
    )
    today(dt.date(2025, 12, 1))
    [row] = json.loads(cli("list", "--json").stdout)["notes"]
    assert row["mastery_recorded"] == result.mastery > row["mastery_level"] > 0
    [topic] = json.loads(cli("topics", "--json").stdout)["topics"]
    assert topic["mean_mastery"] == row["mastery_level"]
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["topics"][0]["mean_mastery"] == row["mastery_level"]


def test_calibration_bins_count_every_review_a_day_or_more_apart():
    events = simulate_events(true_parameters(), cards=150, days=365, seed=7)
    pairs = predictions(events, parameters=tuple(true_parameters()))
    found = calibrate(pairs)
    assert found is not None and found.reviews == len(pairs) > 1000
    assert sum(b.reviews for b in found.bins) == len(pairs)
    assert all(EDGES[0] <= b.low <= b.predicted < b.high or b.predicted == 1.0 for b in found.bins)
    assert found.passed == sum(ok for _, ok in pairs) / len(pairs)
    # the simulated person forgets exactly as the model predicts: a small gap
    assert abs(found.gap) < 0.02


def test_calibration_sees_a_person_the_model_over_predicts():
    import fsrs_rs_python as fsrs

    events = simulate_events(true_parameters(), cards=150, days=365, seed=7)
    # the ledger's states are the true ones; judged by wrong parameters with a slower forgetting
    slower = list(fsrs.DEFAULT_PARAMETERS)
    slower[20] = 0.1
    found = calibrate(predictions(events, parameters=tuple(slower)))
    honest = calibrate(predictions(events, parameters=tuple(true_parameters())))
    assert found is not None and honest is not None
    assert found.gap != honest.gap


def test_stats_shows_the_calibration(make_vault, use_vault, cli, today):
    root = use_vault(make_vault({}, config="timezone: UTC\n"))
    Ledger(root / ".studycards" / "reviews.jsonl").append(
        simulate_events(true_parameters(), cards=40, days=200, seed=2)
    )
    today(dt.date(2024, 7, 20))
    out = " ".join(cli("stats").stdout.split())
    assert "Calibration: predicted recall vs what you recalled (" in out
    assert "The model " in out and "your recall by " in out
    data = json.loads(cli("stats", "--json").stdout)["calibration"]
    assert data["reviews"] == sum(b["reviews"] for b in data["bins"]) > 0
