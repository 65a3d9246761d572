"""The efficient scheduler: the engine sampled on a grid, the solved policy, its cache, its use."""

from __future__ import annotations

import datetime as dt
import math

import fsrs_rs_python as fsrs
import numpy as np
import pytest
from conftest import TWO_SUM

from studycards.errors import ConfigError
from studycards.notes.config import Config
from studycards.notes.summary import parse_summary
from studycards.notes.vault import open_vault
from studycards.scheduling import policy, policy_cache
from studycards.scheduling.grading import grade_note
from studycards.scheduling.history import note_state
from studycards.scheduling.schedule import (
    MemoryState,
    Rating,
    Settings,
    grade,
    retrievability,
    scheduled_due,
)
from studycards.scheduling.writes import settings_of

DAY = dt.date(2025, 3, 1)
EFFICIENT = Settings(fuzz=False)
RETENTION = Settings(fuzz=False, scheduler="retention")


@pytest.fixture(scope="module")
def engine():
    return policy_cache._engine_for(None)


@pytest.fixture(scope="module")
def model():
    return policy_cache._model_for(None, 365, policy.PASS_SHARES)


def solved(retention: float = 0.9) -> policy.Policy:
    return policy_cache.policy_for(None, retention, 365)[0]


def reviews_and_recall(model, choice) -> tuple[float, float]:
    """A new card's discounted reviews and mean recall under ``choice`` (from the grid)."""
    value, recall_value = policy._evaluate(model, choice, 1.0)
    review_value = recall_value - value  # the price is 1 per review

    def start(values):
        at = (values[model.start_nodes] * model.start_weights).sum(axis=1)
        return float(np.dot(policy.PASS_SHARES, at))

    return start(review_value), policy._mean_recall(model, recall_value)


# ---------------------------------------------------------------------------------------------
# the grid


def test_interval_choices_are_every_day_then_steps_of_four_percent():
    days = policy.interval_choices(365).tolist()
    assert days[:30] == list(range(1, 31))
    assert days[-1] == 365
    steps = [b / a for a, b in zip(days[30:], days[31:], strict=False)]
    assert all(1.0 < step <= 1.06 for step in steps)
    assert policy.interval_choices(7).tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert policy.interval_choices(1).tolist() == [1]


def test_the_grid_holds_the_engines_recall_and_next_states(model, engine):
    nd = len(model.ds)
    for i, j, k in [(10, 3, 0), (30, 5, 40), (45, 9, 95), (60, 0, 12)]:
        stability, difficulty = math.exp(model.log_s[i]), model.ds[j]
        elapsed = int(model.actions[k])
        card = fsrs.Card()
        card.parameters, card.stability, card.difficulty, card.last_date = (
            list(fsrs.DEFAULT_PARAMETERS), stability, difficulty, 0.0,
        )  # fmt: skip
        assert model.recall[i, k] == pytest.approx(card.retention_on(float(elapsed)), abs=1e-9)
        states = engine.next_states(fsrs.MemoryState(stability, difficulty), elapsed)
        for g, item in enumerate((states.again, states.hard, states.good, states.easy)):
            nodes, weights = model.nodes[g, i, j, k], model.weights[g, i, j, k]
            log_s = float(np.dot(weights, model.log_s[nodes // nd]))
            d = float(np.dot(weights, model.ds[nodes % nd]))
            assert weights.sum() == pytest.approx(1.0)
            if model.log_s[0] <= math.log(item.memory.stability) <= model.log_s[-1]:
                assert log_s == pytest.approx(math.log(item.memory.stability), abs=1e-9)
            assert d == pytest.approx(item.memory.difficulty, abs=1e-6)


def test_a_new_cards_first_states_are_the_engines(model, engine):
    first = engine.next_states(None, 0)
    nd = len(model.ds)
    for row, name in enumerate(("hard", "good", "easy")):
        memory = getattr(first, name).memory
        weights, nodes = model.start_weights[row], model.start_nodes[row]
        assert math.exp(np.dot(weights, model.log_s[nodes // nd])) == pytest.approx(
            memory.stability, rel=1e-9
        )


# ---------------------------------------------------------------------------------------------
# the solved policy


@pytest.mark.parametrize("retention", [0.8, 0.9])
def test_the_policy_keeps_the_retention_schedulers_mean_recall_with_fewer_reviews(
    model, engine, retention
):
    plain = policy.retention_choice(model, engine, retention)
    plain_reviews, plain_recall = reviews_and_recall(model, plain)
    price = solved(retention).price
    found = policy.solve(model, price, plain)
    reviews, recall = reviews_and_recall(model, found.choice)
    assert recall >= plain_recall - 1e-9
    assert recall == pytest.approx(plain_recall, abs=0.005)
    assert reviews < 0.9 * plain_reviews


def test_fragile_cards_come_due_lower_and_sturdy_cards_higher(engine):
    efficient = solved(0.9)

    def recall_when_due(stability, difficulty):
        days = efficient.interval(engine, stability, difficulty)
        return retrievability(MemoryState(stability, difficulty, DAY), DAY + dt.timedelta(days))

    assert recall_when_due(2.3, 9.0) < 0.85
    assert recall_when_due(200.0, 1.0) > 0.92


def test_a_higher_retention_never_lengthens_an_interval(engine):
    policies = [solved(r) for r in (0.8, 0.9, 0.95)]
    for stability in (0.5, 2.3, 8.0, 30.0, 120.0):
        for difficulty in (1.0, 5.0, 9.5):
            days = [p.interval(engine, stability, difficulty) for p in policies]
            assert days == sorted(days, reverse=True), (stability, difficulty)


def test_a_higher_retention_costs_a_higher_price_per_review_to_be_worth_it():
    prices = [solved(r).price for r in (0.8, 0.9, 0.95)]
    assert prices == sorted(prices, reverse=True)


def test_the_policy_respects_a_short_maximum_interval():
    short, engine = policy_cache.policy_for(None, 0.9, 10)
    assert short.interval(engine, 500.0, 1.0) == 10


# ---------------------------------------------------------------------------------------------
# the cache


def test_a_solved_policy_is_saved_and_read_back(tmp_path, engine, monkeypatch):
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    first, _ = policy_cache.policy_for(None, 0.88, 365, str(tmp_path))
    (saved,) = tmp_path.glob("policy-*.npz")
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    monkeypatch.setattr(policy_cache, "calibrate", lambda *a: pytest.fail("solved again"))
    again, _ = policy_cache.policy_for(None, 0.88, 365, str(tmp_path))
    assert again.price == first.price
    assert np.array_equal(again.value, first.value)
    assert again.interval(engine, 12.0, 6.0) == first.interval(engine, 12.0, 6.0)
    assert list(tmp_path.iterdir()) == [saved]


def test_a_damaged_cache_file_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    key = policy_cache._key(list(fsrs.DEFAULT_PARAMETERS), 0.9, 365)
    path = tmp_path / f"policy-{key}.npz"
    path.write_bytes(b"not a numpy file")
    found, _ = policy_cache.policy_for(None, 0.9, 365, str(tmp_path))
    assert found.price == pytest.approx(solved(0.9).price)
    with np.load(path) as data:
        assert float(data["price"]) == found.price


def test_other_settings_get_their_own_cache_file(tmp_path, monkeypatch):
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    policy_cache.policy_for(None, 0.9, 365, str(tmp_path))
    policy_cache.policy_for(None, 0.9, 200, str(tmp_path))
    assert len(list(tmp_path.glob("policy-*.npz"))) == 2


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    missing = tmp_path / "gone"
    found, _ = policy_cache.policy_for(None, 0.9, 365, str(missing))
    assert found.price == pytest.approx(solved(0.9).price)
    assert not missing.exists()


# ---------------------------------------------------------------------------------------------
# grading with the efficient scheduler


@pytest.mark.parametrize("rating", list(Rating))
def test_efficient_grading_keeps_the_engines_memory_and_takes_the_policys_interval(engine, rating):
    state = MemoryState(12.0, 6.0, DAY)
    today = DAY + dt.timedelta(days=15)
    ours = grade("c", state, rating, today, EFFICIENT)
    plain = grade("c", state, rating, today, RETENTION)
    assert ours.state == plain.state
    expected = solved(0.9).interval(engine, ours.state.stability, ours.state.difficulty)
    assert ours.interval == expected
    assert ours.due == today + dt.timedelta(days=expected)


def test_efficient_intervals_are_fuzzed_and_capped():
    state = MemoryState(12.0, 6.0, DAY)
    today = DAY + dt.timedelta(days=15)
    exact = grade("c", state, Rating.GOOD, today, EFFICIENT).interval
    fuzzed = {grade(f"c{n}", state, Rating.GOOD, today, Settings()).interval for n in range(40)}
    assert len(fuzzed) > 1
    assert all(abs(days - exact) <= 0.1 * exact + 2 for days in fuzzed)
    capped = Settings(fuzz=False, maximum_interval=7)
    assert grade("c", state, Rating.EASY, today, capped).interval == 7


def test_scheduled_due_gives_the_due_day_grade_gave():
    state = MemoryState(12.0, 6.0, DAY)
    today = DAY + dt.timedelta(days=15)
    outcome = grade("c", state, Rating.GOOD, today, Settings())
    assert scheduled_due("c", outcome.state, Settings()) == outcome.due


def test_the_scheduler_setting_is_checked():
    assert Config().scheduler == "efficient"
    assert Config.from_mapping({"scheduler": "retention"}).scheduler == "retention"
    with pytest.raises(ConfigError) as caught:
        Config.from_mapping({"scheduler": "fastest"})
    assert "scheduler: expected one of efficient, retention, got 'fastest'" in str(caught.value)


def test_grading_in_a_vault_uses_the_efficient_scheduler_and_caches_its_policy(make_vault):
    vault = open_vault(make_vault(config="notes_dir: notes\nfuzz: false\ntimezone: UTC\n"))
    now = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
    before = parse_summary((vault.root / TWO_SUM).read_text(encoding="utf-8"), TWO_SUM)
    settings = settings_of(vault)
    assert settings.scheduler == "efficient"
    result = grade_note(vault, TWO_SUM, Rating.GOOD, now)
    expected = grade(TWO_SUM, note_state(before, {}, settings), Rating.GOOD, now.date(), settings)
    assert result.outcome.due == expected.due
    assert list(vault.state_dir.glob("policy-*.npz"))
    text = (vault.root / TWO_SUM).read_text(encoding="utf-8")
    assert f"next_review: '{expected.due.isoformat()}'" in text


def test_switching_to_the_efficient_scheduler_and_rescheduling_moves_notes_to_its_days(
    make_vault, engine
):
    from studycards.scheduling.reschedule import reschedule

    config = "notes_dir: notes\nfuzz: false\ntimezone: UTC\nscheduler: retention\n"
    root = make_vault(config=config)
    vault = open_vault(root)
    now = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
    outcome = grade_note(vault, TWO_SUM, Rating.EASY, now).outcome
    (root / "studycards.yaml").write_text(config.replace("retention", "efficient"), "utf-8")
    vault = open_vault(root)
    moves = {m.rel: m for m in reschedule(vault, now, dry_run=True)}
    state = outcome.state
    days = solved(0.9).interval(engine, state.stability, state.difficulty)
    assert days != outcome.interval  # the two schedulers disagree on this note
    assert moves[TWO_SUM].old_due == outcome.due
    assert moves[TWO_SUM].new_due == now.date() + dt.timedelta(days=days)


def test_the_shipped_policy_is_the_one_a_fresh_solve_gives(model, engine):
    key = policy_cache._key(list(fsrs.DEFAULT_PARAMETERS), 0.9, 365)
    path = policy_cache.BUNDLED / f"policy-{key}.npz"
    assert path.is_file(), "the default settings' policy is not shipped: run scripts/make_policy.py"
    shipped = policy_cache._load(path, 365, policy.PASS_SHARES)
    fresh = policy.calibrate(model, engine, 0.9)
    assert shipped.price == pytest.approx(fresh.price, rel=1e-6)
    assert np.allclose(shipped.value, fresh.value, rtol=1e-6, atol=1e-6)


def test_a_new_vault_takes_the_shipped_policy_without_solving(tmp_path, monkeypatch):
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    monkeypatch.setattr(policy_cache, "calibrate", lambda *a: pytest.fail("solved again"))
    found, engine = policy_cache.policy_for(None, 0.9, 365, str(tmp_path))
    assert found.interval(engine, 12.0, 6.0) == solved(0.9).interval(engine, 12.0, 6.0)
    assert len(list(tmp_path.glob("policy-*.npz"))) == 1  # kept in the vault's cache too


def test_the_persons_grade_mix_changes_the_policy(tmp_path):
    """A person who mostly answers hard keeps less memory per review: the policy is solved for
    their shares (and cached apart), not the assumed 1:3:1."""
    default, engine = policy_cache.policy_for(None, 0.9, 365, str(tmp_path))
    hard, _ = policy_cache.policy_for(None, 0.9, 365, str(tmp_path), (0.6, 0.35, 0.05))
    assert hard.model.shares == (0.6, 0.35, 0.05)
    assert len(list(tmp_path.glob("policy-*.npz"))) == 2
    states = [(s, d) for s in (1.0, 5.0, 30.0, 200.0) for d in (2.0, 5.0, 9.0)]
    differ = [
        (s, d) for s, d in states if default.interval(engine, s, d) != hard.interval(engine, s, d)
    ]
    assert differ
    settings = Settings(fuzz=False, pass_shares=(0.6, 0.35, 0.05), cache_dir=str(tmp_path))
    state = MemoryState(*differ[0], DAY)
    assert scheduled_due("c", state, settings) != scheduled_due(
        "c", state, Settings(fuzz=False, cache_dir=str(tmp_path))
    )
