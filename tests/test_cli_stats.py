"""The stats and optimize commands through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SAMPLE_TODAY, SEQ2SEQ, TWO_SUM
from synthetic_ledger import simulate_events, true_parameters

from studycards.notes.summary import parse_summary
from studycards.scheduling.events import Event, parse_stamp, utc_stamp
from studycards.scheduling.ledger import Ledger

CONFIG = """\
# studycards test vault
notes_dir: notes
# FSRS-6 parameters fitted by 'studycards optimize'; null means the defaults.
parameters: null  # keep this comment
"""


def ledger(root: Path) -> Ledger:
    return Ledger(root / ".studycards" / "reviews.jsonl")


def review(root: Path, rel: str, day: dt.date, rating: int, elapsed: int) -> Event:
    card = parse_summary((root / rel).read_text(encoding="utf-8"), rel).id or "sc_" + rel
    return Event(
        kind="review", card=card, note=card, path=rel, day=day.isoformat(),
        ts=f"{day.isoformat()}T08:00:00Z", rating=rating, elapsed_days=elapsed,
        duration=90.0, interval=5, due=(day + dt.timedelta(days=5)).isoformat(),
        stability=5.0, difficulty=5.0,
    )  # fmt: skip


@pytest.fixture
def root(make_vault, use_vault, today) -> Path:
    root = use_vault(make_vault(config=CONFIG))
    days = [SAMPLE_TODAY - dt.timedelta(days=n) for n in (0, 1, 2, 10)]
    events = [
        review(root, TWO_SUM, day, rating, 3)
        for day, rating in zip(days, (3, 1, 4, 3), strict=True)
    ]
    ledger(root).append(reversed(events))  # in time order, as a person logs them
    return root


def test_stats_shows_the_numbers(root, cli):
    result = cli("stats")
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0].startswith("Notes           5 total:")
    assert lines[1] == "Reviews         1 today, 3 this week (since Mon 10-27), 4 in all"
    assert lines[2] == "True retention  66.7% 7d (3), 75.0% 30d (4), 75.0% 365d (4)"
    assert lines[3] == "Streak          3 days (longest 3)"
    assert lines[4] == "Time            6m in all, 1m today"
    assert "Reviews in the last 12 months" in lines
    assert any(line.startswith("Coding") and "│ 32 │ 入门" in line for line in lines)
    assert result.stderr == ""


def test_stats_json(root, cli):
    result = cli("stats", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["today"] == SAMPLE_TODAY.isoformat()
    assert data["reviews"]["total"] == 4
    assert data["streak"] == {"current": 3, "longest": 3}
    assert data["retention"]["7d"] == {"reviews": 3, "recalled": 2, "rate": 0.6667}
    assert data["notes"]["total"] == 5
    assert {t["topic"] for t in data["topics"]} == {
        "Attention",
        "Coding",
        "Inference",
        "Transformer",
    }


def test_stats_svg(root, cli, tmp_path):
    target = tmp_path / "stats.svg"
    result = cli("stats", "--svg", str(target))
    assert result.exit_code == 0
    assert result.stderr == f"saved {target}\n"
    svg = target.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "studycards&#160;stats" in svg


def test_stats_svg_to_a_missing_folder(root, cli, tmp_path):
    target = tmp_path / "no" / "stats.svg"
    result = cli("stats", "--svg", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {target}: cannot write the --svg image: No such file or directory\n"
    )


def test_stats_svg_is_not_for_json(root, cli, tmp_path):
    result = cli("stats", "--json", "--svg", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert result.stderr == "error: --svg saves the screen: it cannot be used with --json\n"


def test_stats_warns_about_unreadable_ledger_lines(root, cli):
    with open(ledger(root).path, "a", encoding="utf-8") as handle:
        handle.write("garbage\n{}\n")
    result = cli("stats", "--json")
    assert result.exit_code == 0
    assert result.stderr == "warning: 2 ledger lines could not be read and were left out\n"
    assert json.loads(result.stdout)["reviews"]["total"] == 4


def test_stats_with_no_ledger(make_vault, use_vault, today, cli):
    use_vault(make_vault())
    result = cli("stats")
    assert result.exit_code == 0
    assert "0 today, 0 this week" in result.stdout


# ---------------------------------------------------------------------------------------------
# optimize


def test_optimize_with_too_few_reviews_says_how_many_more(root, cli):
    result = cli("optimize")
    assert result.exit_code == 0
    assert " ".join(result.stdout.split()) == (
        "Not enough reviews to fit parameters yet: 3 of the 400 needed, 397 more to go. "
        "Used 3 reviews a day or more after the note's previous one; ignored 1: 1 first "
        "reviews, 0 on the same study day as the previous one, 0 of notes migrated from the "
        "old scheme."
    )
    assert (root / "studycards.yaml").read_text() == CONFIG
    assert result.stderr == ""


def test_optimize_refuses_a_minimum_below_one(root, cli):
    result = cli("optimize", "--min-reviews", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--min-reviews'" in result.stderr


@pytest.fixture
def synthetic(make_vault, use_vault) -> Path:
    root = use_vault(make_vault({}, config=CONFIG))
    ledger(root).append(simulate_events(true_parameters(), cards=300, days=365, seed=3))
    return root


def test_optimize_fits_compares_and_saves_only_the_parameters_lines(synthetic, cli):
    result = cli("optimize", "--min-reviews", "100")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Fitted to ") and "held out" in out and "fitted" in out
    assert result.stderr.startswith("fitting FSRS-6 to ") and result.stderr.endswith(
        " reviews, then 5 times more for the held-out check...\n"
    )
    assert out.index("held out") < out.index("in-sample")  # the deciding figure comes first
    assert "Decided on the held-out reviews only" in out
    assert "Saved the fitted parameters ('parameters') and your hard/good/easy mix" in out
    text = (synthetic / "studycards.yaml").read_text()
    head, tail = text.split("parameters:  # keep this comment\n")
    assert head == CONFIG.split("parameters:")[0]
    values, mix = tail.split("grade_mix:\n")
    assert len(values.splitlines()) == 21 and all(v.startswith("- ") for v in values.splitlines())
    assert len(mix.splitlines()) == 3


def test_optimize_dry_run_and_json(synthetic, cli):
    result = cli("optimize", "--min-reviews", "100", "--dry-run", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["saved"] is False and data["better"] is True and data["needed"] == 0
    assert len(data["parameters"]) == 21
    assert data["evaluation"]["fitted"]["log_loss"] < data["evaluation"]["default"]["log_loss"]
    assert set(data["held_out"]) == {"default", "fitted"} and data["baseline"] == "default"
    assert data["held_out"]["fitted"]["log_loss"] < data["held_out"]["default"]["log_loss"]
    assert data["ignored"]["same_day"] == 0 and data["reviews"] + data["ignored"]["first"] > 0
    assert (synthetic / "studycards.yaml").read_text() == CONFIG


def test_optimize_retention_table(root, cli):
    result = cli("optimize", "--retention")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("A year of study simulated at each desired retention")
    assert sum("in use" in line for line in lines) == 1
    assert "Suggested desired_retention: " in result.stdout


def test_optimize_retention_json(root, cli):
    data = json.loads(cli("optimize", "--retention", "--json").stdout)
    assert data["current"] == 0.9 and data["days"] == 365
    assert [row["retention"] for row in data["rows"]] == [0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    assert data["suggested"] in [row["retention"] for row in data["rows"]]
    assert all(row["studied"] == 5 for row in data["rows"])


@pytest.mark.parametrize("command", ["stats", "optimize"])
def test_help(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout


def _good_after_each_lapse(events: list[Event]) -> list[Event]:
    """The session's again_repeats: each Again is followed by a Good in the same sitting."""
    out: list[Event] = []
    for event in events:
        out.append(event)
        if event.rating == 1:
            stamp = parse_stamp(event.ts) + dt.timedelta(minutes=2)
            out.append(replace(event, id=uuid.uuid4().hex, rating=3, ts=utc_stamp(stamp)))
    return out


def test_optimize_on_a_ledger_with_again_then_good_on_one_day(make_vault, use_vault, cli):
    root = use_vault(make_vault({}, config=CONFIG))
    events = _good_after_each_lapse(simulate_events(true_parameters(), cards=300, days=365, seed=3))
    ledger(root).append(events)
    result = cli("optimize", "--min-reviews", "100", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    lapses = sum(e.rating == 1 for e in events)
    assert data["ignored"]["same_day"] == lapses > 0
    assert data["ignored"]["first"] == 300
    assert data["reviews"] + data["ignored"]["first"] + lapses == len(events)
    assert "held_out" in data and "Traceback" not in result.stderr


def test_optimize_after_real_sessions_of_again_then_good_needs_more_reviews(root, cli, monkeypatch):
    monkeypatch.setattr(
        "studycards.scheduling.clock.now_in",
        lambda *_: dt.datetime(2025, 11, 1, 21, 0, tzinfo=dt.timezone.utc),
    )
    for rating in ("again", "good"):
        assert cli("grade", SEQ2SEQ, rating).exit_code == 0  # a new note
    result = cli("optimize", "--min-reviews", "1")
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "Fitted to 3 reviews of 1 notes." in out  # the older reviews still count
    assert (
        "Used 3 reviews a day or more after the note's previous one; ignored 3: 2 first "
        "reviews, 1 on the same study day as the previous one, 0 of notes migrated" in out
    )
    assert "Kept the parameters in use: too few reviews for a held-out check." in out
    assert "Traceback" not in result.stdout + result.stderr
