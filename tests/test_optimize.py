"""optimize: training items from the ledger, fitting to a synthetic person, saving, retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from synthetic_ledger import simulate_events, true_parameters

from studycards.errors import ConfigError
from studycards.notes.config import load_config
from studycards.notes.vault import open_vault
from studycards.scheduling.events import Event
from studycards.scheduling.ledger import Ledger
from studycards.scheduling.optimize import (
    Evaluation,
    Fit,
    fit_parameters,
    optimize_vault,
    save_parameters,
)
from studycards.scheduling.training import History, fsrs_items, histories, training_set
from studycards.scheduling.workloads import Workload, simulate_workloads, suggest_retention


def review(card: str, day: str, rating: int = 3, hour: int = 8, **fields) -> Event:
    return Event(
        kind="review", card=card, note=card, path=f"notes/T/{card}.md", day=day,
        ts=f"{day}T{hour:02d}:00:00Z", rating=rating, **fields,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# training items


def test_one_item_per_review_a_day_or_more_after_the_previous_one():
    events = [
        review("a", "2025-01-10", 2, hour=9),
        review("b", "2025-01-01", 3),
        review("a", "2025-01-01", 3),  # logged out of order: time order counts
        review("a", "2025-01-01", 1, hour=20),  # same day: history only, not a target
        review("b", "2025-01-31", 4),
    ]
    assert histories(events) == [
        History("a", "2025-01-10T09:00:00Z", ((3, 0), (1, 0), (2, 9))),
        History("b", "2025-01-31T08:00:00Z", ((3, 0), (4, 30))),
    ]
    found = training_set(events)
    assert (found.used, found.first, found.same_day, found.migrated) == (2, 2, 1, 0)
    assert found.ignored == 3
    assert found.pass_shares == (0.5, 0.0, 0.5)


def test_again_then_good_on_one_day_gives_no_item():
    events = [review("a", "2025-01-01", 1, hour=8), review("a", "2025-01-01", 3, hour=9)]
    found = training_set(events)
    assert (found.items, found.first, found.same_day) == ((), 1, 1)
    assert found.pass_shares is None


def test_every_item_ends_with_a_review_a_day_or_more_apart():
    import fsrs_rs_python as fsrs

    events = simulate_events(true_parameters(), cards=40, days=120, seed=5)
    repeats = [
        review(e.card, e.day, 3, hour=23) for e in events if e.rating == 1
    ]  # each lapse followed by a Good in the same sitting, as again_repeats gives
    items = histories(events + repeats)
    assert repeats and items
    assert all(item.reviews[-1][1] > 0 for item in items)
    # the engine accepts every one of them: no panic, no refusal
    fsrs.FSRS(fsrs.DEFAULT_PARAMETERS).evaluate(fsrs_items(items))


def test_the_study_day_decides_the_days_between_reviews():
    late = review("a", "2025-03-30", 1, hour=23)
    early = review("a", "2025-03-31", 3, hour=1)
    later = review("a", "2025-04-02", 3, hour=9)
    by_midnight = histories([late, early, later])
    assert by_midnight[0].reviews == ((1, 0), (3, 1))
    four_am = training_set(
        [late, early, later],
        day_of=lambda e: (dt.datetime.fromisoformat(e.ts[:-1]) - dt.timedelta(hours=4)).date(),
    )
    assert four_am.items == (History("a", later.ts, ((1, 0), (3, 0), (3, 3))),)
    assert four_am.same_day == 1


def test_an_engine_panic_is_a_clean_error():
    import fsrs_rs_python as fsrs

    from studycards.scheduling.training import engine_call

    same_day_only = [fsrs.FSRSItem([fsrs.FSRSReview(1, 0), fsrs.FSRSReview(3, 0)])] * 3
    engine = fsrs.FSRS(fsrs.DEFAULT_PARAMETERS)
    with pytest.raises(ValueError, match="fitting: the FSRS engine failed"):
        engine_call("fitting", engine.compute_parameters, same_day_only)
    with pytest.raises(ValueError, match="evaluating: InvalidInput"):
        engine_call("evaluating", engine.evaluate, same_day_only)


def test_undone_reviews_imported_cards_and_other_events_are_left_out():
    undone = review("a", "2025-01-05", 1)
    imported = Event(
        kind="import", card="c", note="c", path="notes/T/c.md", day="2025-01-01",
        ts="2025-01-01T07:00:00Z", stability=5.0, difficulty=5.0, due="2025-01-06",
    )  # fmt: skip
    events = [
        review("a", "2025-01-01"),
        undone,
        Event(kind="undo", card="a", note="a", path="notes/T/a.md", day="2025-01-05",
              ts="2025-01-05T09:00:00Z", undoes=[undone.id]),
        Event(kind="manual", card="a", note="a", path="notes/T/a.md", day="2025-01-06",
              ts="2025-01-06T09:00:00Z", due="2025-01-07"),
        review("a", "2025-01-07", 3),
        imported,
        review("c", "2025-01-06"),
        review("c", "2025-01-20"),
    ]  # fmt: skip
    assert histories(events) == [History("a", "2025-01-07T08:00:00Z", ((3, 0), (3, 6)))]


def test_items_convert_to_the_engine_type():
    (item,) = fsrs_items([History("a", "t", ((3, 0), (1, 4)))])
    assert repr(item.reviews) == (
        "[FSRSReview { rating: 3, delta_t: 0 }, FSRSReview { rating: 1, delta_t: 4 }]"
    )


# ---------------------------------------------------------------------------------------------
# fitting a synthetic person


def test_fitted_parameters_predict_held_out_reviews_better_than_the_defaults(capsys):
    import fsrs_rs_python as fsrs

    truth = true_parameters()
    train = histories(simulate_events(truth, cards=300, days=365, seed=1))
    held_out = fsrs_items(histories(simulate_events(truth, cards=200, days=365, seed=2)))
    fit = fit_parameters(train, training_config=fsrs.TrainingConfig(num_epochs=5))

    default = fsrs.FSRS(fsrs.DEFAULT_PARAMETERS).evaluate(held_out)
    fitted = fsrs.FSRS(list(fit.fitted)).evaluate(held_out)
    with capsys.disabled():
        print(
            f"\nheld-out log loss: default {default.log_loss:.4f}, fitted {fitted.log_loss:.4f}; "
            f"RMSE(bins): default {default.rmse_bins:.4f}, fitted {fitted.rmse_bins:.4f}"
        )
    assert fitted.log_loss < default.log_loss
    assert fitted.rmse_bins < default.rmse_bins
    assert fit.better and fit.reviews == len(train) > 400
    assert fit.on_all["fitted"].log_loss < fit.on_all["default"].log_loss
    assert fit.held_out is not None
    assert fit.held_out["fitted"].log_loss < fit.held_out["default"].log_loss
    assert len(fit.fitted) == 21 and all(round(p, 4) == p for p in fit.fitted)


def _fit(held_out: dict[str, float] | None, current=None, on_all=None) -> Fit:
    scores = None if held_out is None else {k: Evaluation(v, 0.05) for k, v in held_out.items()}
    in_sample = {k: Evaluation(v, 0.05) for k, v in (on_all or {}).items()}
    return Fit(500, 50, (0.1,) * 21, current, in_sample, scores, 400)


def test_better_means_a_lower_held_out_log_loss_than_the_parameters_in_use():
    assert _fit({"default": 0.40, "fitted": 0.39}).better
    assert not _fit({"default": 0.40, "fitted": 0.40}).better
    current = (0.2,) * 21
    assert not _fit({"default": 0.40, "current": 0.38, "fitted": 0.39}, current).better
    assert _fit({"default": 0.30, "current": 0.38, "fitted": 0.37}, current).better


def test_the_in_sample_figure_never_decides():
    in_sample_better = {"default": 0.40, "fitted": 0.20}
    assert not _fit({"default": 0.40, "fitted": 0.41}, on_all=in_sample_better).better
    assert not _fit(None, on_all=in_sample_better).better


def test_the_held_out_split_scores_every_set_on_the_same_later_reviews():
    import fsrs_rs_python as fsrs

    items = histories(simulate_events(true_parameters(), cards=60, days=200, seed=4))
    current = [round(p * 1.01, 4) for p in fsrs.DEFAULT_PARAMETERS]
    fit = fit_parameters(items, current, training_config=fsrs.TrainingConfig(num_epochs=2))
    assert fit.held_out is not None and set(fit.held_out) == {"default", "current", "fitted"}
    assert fit.tested == len(items) - len(items) // 6
    size, data = len(items) // 6, fsrs_items(items)
    parts = [data[k * size : (k + 1) * size if k < 5 else len(data)] for k in range(1, 6)]
    engine = fsrs.FSRS(fsrs.DEFAULT_PARAMETERS)
    by_hand = sum(len(p) * engine.evaluate(p).log_loss for p in parts) / fit.tested
    assert fit.held_out["default"].log_loss == pytest.approx(by_hand, rel=1e-6)


# ---------------------------------------------------------------------------------------------
# the vault: minimum, saving losslessly


CONFIG = """\
# my vault
notes_dir: notes  # where the notes are
# FSRS-6 parameters fitted by 'studycards optimize'; null means the defaults.
parameters: null
desired_retention: 0.9
"""


@pytest.fixture
def synthetic_vault(make_vault) -> Path:
    root = make_vault({}, config=CONFIG)
    events = simulate_events(true_parameters(), cards=300, days=365, seed=3)
    Ledger(root / ".studycards" / "reviews.jsonl").append(events)
    return root


def test_too_few_reviews_says_how_many_more_are_needed(synthetic_vault):
    items = len(histories(Ledger(synthetic_vault / ".studycards" / "reviews.jsonl").read().events))
    outcome = optimize_vault(open_vault(synthetic_vault), min_reviews=items + 25)
    assert (outcome.fit, outcome.saved, outcome.reviews, outcome.needed) == (None, False, items, 25)
    assert (synthetic_vault / "studycards.yaml").read_text() == CONFIG


def test_better_parameters_are_saved_changing_only_their_lines(synthetic_vault):
    outcome = optimize_vault(open_vault(synthetic_vault), min_reviews=100)
    assert outcome.fit is not None and outcome.fit.better and outcome.saved
    text = (synthetic_vault / "studycards.yaml").read_text()
    lines = CONFIG.splitlines(keepends=True)
    expected = lines[:3] + ["parameters:\n"] + [f"- {p!r}\n" for p in outcome.fit.fitted]
    shares = outcome.training.pass_shares
    assert shares is not None and abs(sum(shares) - 1) < 0.01
    mix = ["grade_mix:\n"] + [f"- {s!r}\n" for s in shares]
    assert text == "".join(expected + lines[4:] + mix)
    assert load_config(synthetic_vault).parameters == list(outcome.fit.fitted)
    # the simulated person grades hard / good / easy 0.15 / 0.7 / 0.15
    assert [round(s, 1) for s in shares] == [0.1, 0.7, 0.1]

    again = optimize_vault(open_vault(synthetic_vault), min_reviews=100)
    assert again.fit is not None and again.fit.current == outcome.fit.fitted
    assert "current" in again.fit.on_all


def test_a_dry_run_saves_nothing(synthetic_vault):
    outcome = optimize_vault(open_vault(synthetic_vault), min_reviews=100, save=False)
    assert outcome.fit is not None and outcome.fit.better and not outcome.saved
    assert (synthetic_vault / "studycards.yaml").read_text() == CONFIG


def test_saving_creates_a_missing_config(make_vault):
    root = make_vault({}, config=False)
    save_parameters(open_vault(root), [0.5] * 20 + [1.25])
    expected = "parameters:\n" + "- 0.5\n" * 20 + "- 1.25\n"
    assert (root / "studycards.yaml").read_text() == expected
    assert open_vault(root).config.parameters == [0.5] * 20 + [1.25]


def test_bad_parameters_in_the_config_are_a_config_error(synthetic_vault):
    text = CONFIG.replace("parameters: null", "parameters: [1, 2, 3]")
    (synthetic_vault / "studycards.yaml").write_text(text)
    with pytest.raises(ConfigError, match="parameters: expected 17, 19 or 21 FSRS weights, got 3"):
        optimize_vault(open_vault(synthetic_vault), min_reviews=100)


# ---------------------------------------------------------------------------------------------
# desired retention


def workload(retention: float, minutes: float, memorized: float) -> Workload:
    return Workload(retention, 10.0, minutes, memorized, 100)


def test_the_suggestion_is_the_highest_retention_within_90_percent_of_the_best_efficiency():
    rows = [
        workload(0.70, 10.0, 100.0),  # 10.0 memorized a minute: the best
        workload(0.80, 11.0, 105.0),  # 9.5
        workload(0.85, 12.0, 108.0),  # 9.0: just within 90%
        workload(0.90, 14.0, 110.0),  # 7.9
    ]
    assert suggest_retention(rows) == rows[2]
    assert suggest_retention([workload(0.9, 0.0, 0.0)]) is None


def test_simulated_workloads_grow_with_retention():
    rows = simulate_workloads(None, 300, 10, 200, 365, retentions=(0.7, 0.8, 0.95))
    assert [r.retention for r in rows] == [0.7, 0.8, 0.95]
    assert all(r.studied == 300 and 0 < r.recall <= 1 for r in rows)
    assert rows[0].reviews_per_day < rows[2].reviews_per_day
    assert rows[0].recall < rows[2].recall


def test_days_between_reviews_are_calendar_days_not_24_hours():
    events = [review("a", "2025-03-30", hour=23), review("a", "2025-03-31", hour=0)]
    assert histories(events)[0].reviews == ((3, 0), (3, 1))
