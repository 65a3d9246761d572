"""A quick run of ``benchmarks/simulate.py``: the report's shape, not its targets."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def simulate(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("simulate")


def quick_report(simulate, capsys) -> str:
    assert simulate.main(["--quick"]) == 0
    out = capsys.readouterr().out
    return re.sub(r"wall time [0-9.]+ s", "wall time", out)


def test_quick_run_prints_every_table(simulate, capsys):
    out = quick_report(simulate, capsys)
    assert out.startswith("Simulated study: 40 notes, 60 days, 10 new a day for 4 days; seeds 0;")
    rows = re.findall(
        r"^(old fixed intervals|studycards r=0\.\d\d) +(\d+\.\d\d) +(0\.\d{4}) ", out, re.M
    )
    assert [name for name, _, _ in rows] == [
        "old fixed intervals",
        "studycards r=0.70",
        "studycards r=0.85",
        "studycards r=0.97",
    ]
    assert re.search(r"^mean saving -?\d+\.\d% \(target >= 25%\): (PASS|FAIL)", out, re.M)
    assert re.search(r"^0\.80 +\d+\.\d\d +\d+\.\d\d +-?\d+\.\d% +\d+\.\d% ", out, re.M)
    assert re.search(r"^lowest share predicted >= 0\.9 .*: (PASS|FAIL)$", out, re.M)
    assert out.rstrip().endswith("wall time")


def test_quick_run_is_deterministic(simulate, capsys):
    assert quick_report(simulate, capsys) == quick_report(simulate, capsys)


def test_more_retention_costs_more_reviews_and_buys_more_recall(simulate, capsys):
    out = quick_report(simulate, capsys)
    rows = re.findall(r"^studycards r=0\.\d\d +(\d+\.\d\d) +(0\.\d{4}) ", out, re.M)
    reviews, recall = zip(*[(float(a), float(b)) for a, b in rows], strict=True)
    assert list(reviews) == sorted(reviews) and list(recall) == sorted(recall)


def test_vectorised_forgetting_curve_matches_the_engine(simulate):
    assert importlib.import_module("_sim").check_curve() < 1e-6


def test_a_bad_interview_day_is_refused(simulate, capsys):
    with pytest.raises(SystemExit) as error:
        simulate.main(["--notes", "40", "--interview-day", "2"])
    assert error.value.code == 2
    assert "--interview-day must be after the last new note (day 3)" in capsys.readouterr().err


def test_quick_population_run_reports_every_scheduler(simulate, capsys):
    assert simulate.main(["--population", "--quick"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Population: 2 people, 30 notes each, 40 days;")
    assert "result/FSRS-6.jsonl" in out
    row = r"^(ladder|retention 0\.\d\d|efficient 0\.90(?: floor 0\.\d\d)?) +\d"
    names = re.findall(row, out, re.M)
    assert names == [
        "ladder",
        "retention 0.80",
        "retention 0.85",
        "retention 0.90",
        "retention 0.95",
        "efficient 0.90",
        "efficient 0.90 floor 0.85",
    ]
    assert re.search(r"^efficient 0\.90 above the retention frontier: \d of \d people", out, re.M)
    for label in ("no margin", "calibrated margin"):
        assert re.search(
            rf"^{label}: truly ready median \d+\.\d%, lowest \d+\.\d%; >= 95% for \d of 2 "
            r"people; extra reviews median -?\d+\.\d%$",
            out,
            re.M,
        )


def test_population_outcomes_measure_what_they_say(monkeypatch):
    import numpy as np

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    population = importlib.import_module("_population")
    outcome = population.Outcome(
        reviews=10,
        note_days=730,
        recall_sum=np.array([365 * 0.9, 365 * 0.5]),
        days_known=np.array([365, 365]),
        final_recall=np.zeros(2),
    )
    assert outcome.per_note_year == 5.0
    assert outcome.recall == 0.7
    assert outcome.bottom_decile == 0.5


def test_the_person_truly_differs_from_the_default_model(monkeypatch):
    import fsrs_rs_python as fsrs

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    population = importlib.import_module("_population")
    _, users = population.published_people()
    assert len(users) >= 17
    assert all(list(p) != list(fsrs.DEFAULT_PARAMETERS) for p in users.values())
