"""The ``efficient`` scheduler: intervals that keep the most recall for each review.

The ``retention`` scheduler brings every card back when its predicted recall falls to the desired
retention, whatever the card. That spends reviews evenly, but they are not worth the same: a
fragile card (low stability, high difficulty) gains little from a review and soon needs another,
while a sturdy one is cheap to keep near-certain for months. The ``efficient`` scheduler chooses
each interval to maximise the recall a card keeps over about a year minus a price per review,
solved as a Markov decision process over the engine's own memory states, and sets that price so a
new card's average recall is the same as under the ``retention`` scheduler at the desired
retention. Same memory on average, fewer reviews: fragile cards come due somewhat lower, sturdy
ones somewhat higher.

Every memory transition and every recall probability here comes from the FSRS engine
(``next_states``, ``Card.retention_on``), sampled on a grid of stabilities and difficulties; the
grid values between nodes are interpolated. A remembered card is graded hard / good / easy in the
person's own measured shares once ``optimize`` has saved them (``grade_mix``), else at 1:3:1, as a
person mostly answers ``good``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# The grid and the discount (a day's recall counts 1/365 less than the day before's: about a
# year's horizon) are shared with the NumPy-free lookup of a solved policy.
from studycards.scheduling.policy_table import (
    DIFFICULTY_NODES,
    DISCOUNT,
    STABILITY_NODES,
    STABILITY_RANGE,
    choices,
)

if TYPE_CHECKING:
    import numpy as np

VERSION = 1
# Shares of hard / good / easy among remembered cards (and for a new card's first grade).
PASS_SHARES = (0.2, 0.6, 0.2)
_PRICE_RANGE = (1e-2, 1e3)
_BISECTIONS = 30
_PRICE_TOLERANCE = 0.02  # in log price: within 2 %


@dataclass(frozen=True)
class Model:
    """The engine sampled on the grid: recall and next states for every (S, D, interval)."""

    actions: np.ndarray  # (K,) interval choices in days
    log_s: np.ndarray  # (NS,) grid of log stability
    ds: np.ndarray  # (ND,) grid of difficulty
    recall: np.ndarray  # (NS, K) recall after each interval
    gathered: np.ndarray  # (NS, K) discounted recall summed over the days of each interval
    nodes: np.ndarray  # (4, NS, ND, K, 4) grid indices of each grade's next state
    weights: np.ndarray  # (4, NS, ND, K, 4) their interpolation weights
    start_nodes: np.ndarray  # (3, 4) a new card's state after a first hard / good / easy
    start_weights: np.ndarray  # (3, 4)
    shares: tuple[float, ...] = PASS_SHARES  # hard / good / easy among remembered reviews


@dataclass(frozen=True)
class Policy:
    """A solved schedule: the value of every grid state at a price per review."""

    model: Model
    price: float
    value: np.ndarray  # (NS * ND,)

    def interval(
        self, engine: _Engine, stability: float, difficulty: float, floor: float | None = None
    ) -> int:
        """The best interval in days for a card in this memory state; with a ``floor``, the
        best among those whose predicted recall at the end stays at or above it (one day at
        least), so no card is left to sink lower for the sake of the average."""
        import numpy as np

        actions = self.model.actions
        days = np.arange(1, int(actions[-1]) + 1)
        recall_by_day = _recall_by_day(engine, stability, days)
        gathered = np.cumsum(DISCOUNT**days * recall_by_day)[actions - 1]
        recall = recall_by_day[actions - 1]
        nodes, weights = _next_nodes(self.model, engine, [stability], [difficulty])
        later = _expected_value(
            self.value, recall[None, None, :], nodes, weights, self.model.shares
        )[0, 0]
        worth = gathered + DISCOUNT**actions * (later - self.price)
        if floor is not None:
            worth = np.where((recall >= floor) | (actions == actions[0]), worth, -np.inf)
        return int(actions[int(np.argmax(worth))])


def _recall_by_day(engine: _Engine, stability: float, days: np.ndarray) -> np.ndarray:
    """The engine's forgetting curve of one stability, on each of ``days``."""
    import fsrs_rs_python as fsrs
    import numpy as np

    card = fsrs.Card()
    card.parameters = engine.parameters
    card.stability = stability
    card.difficulty = 5.0
    card.last_date = 0.0
    on = card.retention_on
    return np.array([on(float(t)) for t in days])


class _Engine:
    """The FSRS engine with its parameters at hand (the engine object does not expose them)."""

    def __init__(self, parameters: list[float]) -> None:
        import fsrs_rs_python as fsrs

        self.parameters = parameters
        self.fsrs = fsrs.FSRS(parameters)
        self.next_states_at = self.fsrs.next_states

    def next_states(self, memory: Any, elapsed: int) -> Any:
        """The four states after a review; the retention only affects intervals, unused here."""
        return self.next_states_at(memory, 0.9, elapsed)

    def next_interval(self, stability: float, retention: float) -> float:
        return float(self.fsrs.next_interval(stability, retention, 3))


def interval_choices(maximum_interval: int) -> np.ndarray:
    """Every day up to ``DENSE_UNTIL``, then steps of about 4 %, up to the maximum interval."""
    import numpy as np

    return np.array(choices(maximum_interval), dtype=np.int64)


def build_model(
    engine: _Engine, maximum_interval: int, shares: tuple[float, ...] = PASS_SHARES
) -> Model:
    """Sample the engine on the grid: the tables every solve at these parameters shares."""
    import numpy as np

    actions = interval_choices(maximum_interval)
    grid = _Grid.default()
    log_s, ds = grid.log_s, grid.ds
    days = np.arange(1, int(actions[-1]) + 1)
    by_day = np.array([_recall_by_day(engine, math.exp(s), days) for s in log_s])
    gathered = np.cumsum(DISCOUNT**days * by_day, axis=1)[:, actions - 1]
    stabilities = np.exp(log_s)
    nodes, weights = _next_nodes_on(grid, engine, actions, stabilities, ds)
    first = engine.next_states(None, 0)
    starts = [getattr(first, name).memory for name in ("hard", "good", "easy")]
    start_nodes, start_weights = grid.locate(
        np.array([m.stability for m in starts]), np.array([m.difficulty for m in starts])
    )
    return Model(
        actions, log_s, ds, by_day[:, actions - 1], gathered, nodes, weights,
        start_nodes, start_weights, tuple(shares),
    )  # fmt: skip


@dataclass(frozen=True)
class _Grid:
    log_s: np.ndarray
    ds: np.ndarray

    @classmethod
    def default(cls) -> _Grid:
        """Log stability over ``STABILITY_RANGE`` and difficulty 1-10, evenly spaced."""
        import numpy as np

        log_s = np.linspace(*np.log(STABILITY_RANGE), STABILITY_NODES)
        return cls(log_s, np.linspace(1.0, 10.0, DIFFICULTY_NODES))

    def locate(self, stability: np.ndarray, difficulty: np.ndarray) -> tuple[Any, Any]:
        """Bilinear interpolation: the 4 flat node indices and weights of each point."""
        import numpy as np

        ns, nd = len(self.log_s), len(self.ds)
        x = (np.log(np.maximum(stability, 1e-9)) - self.log_s[0]) / (self.log_s[1] - self.log_s[0])
        y = (difficulty - self.ds[0]) / (self.ds[1] - self.ds[0])
        x = np.clip(x, 0.0, ns - 1.0)
        y = np.clip(y, 0.0, nd - 1.0)
        x0 = np.minimum(x.astype(np.int64), ns - 2)
        y0 = np.minimum(y.astype(np.int64), nd - 2)
        fx, fy = x - x0, y - y0
        base = x0 * nd + y0
        nodes = np.stack([base, base + nd, base + 1, base + nd + 1], axis=-1)
        weights = np.stack([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], axis=-1)
        return nodes, weights


def _next_nodes_on(
    grid: _Grid, engine: _Engine, actions: np.ndarray, stabilities: Any, difficulties: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Grid nodes of the state after each grade, for every (S, D, interval)."""
    import fsrs_rs_python as fsrs
    import numpy as np

    rows = []
    elapsed = actions.tolist()
    for stability in stabilities:
        for difficulty in difficulties:
            memory = fsrs.MemoryState(float(stability), float(difficulty))
            for days in elapsed:
                states = engine.next_states(memory, days)
                for item in (states.again, states.hard, states.good, states.easy):
                    after = item.memory
                    rows.append((after.stability, after.difficulty))
    shape = (len(stabilities), len(difficulties), len(actions), 4)
    table = np.array(rows).reshape(*shape, 2)
    next_s = np.moveaxis(table[..., 0], -1, 0)  # (4, NS, ND, K)
    next_d = np.moveaxis(table[..., 1], -1, 0)
    return grid.locate(next_s, next_d)


def _next_nodes(
    model: Model, engine: _Engine, stabilities: list[float], difficulties: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    return _next_nodes_on(
        _Grid(model.log_s, model.ds), engine, model.actions, stabilities, difficulties
    )


def _expected_value(
    value: np.ndarray, recall: np.ndarray, nodes: Any, weights: Any, shares: tuple[float, ...]
) -> Any:
    """Expected value after a review: forgotten with 1 - recall, else hard / good / easy."""
    after = (value[nodes] * weights).sum(axis=-1)  # (4, ..., K)
    hard, good, easy = shares
    remembered = hard * after[1] + good * after[2] + easy * after[3]
    return recall * remembered + (1.0 - recall) * after[0]


def _transitions(model: Model, choice: np.ndarray) -> np.ndarray:
    """The discounted transition matrix of the grid states under ``choice`` (action per state)."""
    import numpy as np

    ns, nd = len(model.log_s), len(model.ds)
    n = ns * nd
    i, j = np.divmod(np.arange(n), nd)
    recall = model.recall[i, choice]
    discount = DISCOUNT ** model.actions[choice]
    probability = np.stack([1.0 - recall, *(share * recall for share in model.shares)])  # (4, n)
    nodes = model.nodes[:, i, j, choice]  # (4, n, 4)
    weights = model.weights[:, i, j, choice] * (probability * discount)[..., None]
    rows = np.broadcast_to(np.arange(n)[None, :, None], nodes.shape)
    flat = np.bincount((rows * n + nodes).ravel(), weights.ravel(), minlength=n * n)
    return flat.reshape(n, n)


def _evaluate(model: Model, choice: np.ndarray, price: float) -> tuple[Any, Any]:
    """Values of every grid state under ``choice``: with the price of reviews, and recall alone."""
    import numpy as np

    i = np.arange(len(choice)) // len(model.ds)
    recall = model.gathered[i, choice]
    rewards = np.stack([recall - price * DISCOUNT ** model.actions[choice], recall], axis=1)
    matrix = np.eye(len(choice)) - _transitions(model, choice)
    values = np.linalg.solve(matrix, rewards)
    return values[:, 0], values[:, 1]


def _improve(model: Model, value: np.ndarray, price: float) -> np.ndarray:
    ns, nd = len(model.log_s), len(model.ds)
    recall = model.recall[:, None, :]
    later = _expected_value(value, recall, model.nodes, model.weights, model.shares)
    worth = model.gathered[:, None, :] + DISCOUNT**model.actions * (later - price)
    return worth.reshape(ns * nd, -1).argmax(axis=1)


@dataclass(frozen=True)
class Solved:
    choice: np.ndarray  # the best action index of every grid state
    value: np.ndarray  # each state's value at the price
    mean_recall: float  # a new card's discounted mean recall under ``choice``


def solve(model: Model, price: float, choice: np.ndarray | None = None) -> Solved:
    """Policy iteration at ``price`` per review, from ``choice`` when given."""
    import numpy as np

    if choice is None:
        choice = np.zeros(len(model.log_s) * len(model.ds), dtype=np.int64)
    for _ in range(100):
        value, recall_value = _evaluate(model, choice, price)
        better = _improve(model, value, price)
        if np.array_equal(better, choice):
            break
        choice = better
    return Solved(choice, value, _mean_recall(model, recall_value))


def _mean_recall(model: Model, recall_value: np.ndarray) -> float:
    """A new card's discounted mean recall (its first grade hard / good / easy in the shares)."""
    import numpy as np

    starts = (recall_value[model.start_nodes] * model.start_weights).sum(axis=1)
    return float(np.dot(model.shares, starts) * (1.0 - DISCOUNT) / DISCOUNT)


def retention_choice(model: Model, engine: _Engine, retention: float) -> np.ndarray:
    """The ``retention`` scheduler on the grid: the action nearest each state's interval."""
    import numpy as np

    intervals = np.array([engine.next_interval(math.exp(s), retention) for s in model.log_s])
    nearest = np.abs(np.log(model.actions)[None, :] - np.log(np.maximum(intervals, 1))[:, None])
    return np.repeat(nearest.argmin(axis=1), len(model.ds))


def calibrate(model: Model, engine: _Engine, retention: float) -> Policy:
    """The price per review at which a new card keeps the ``retention`` scheduler's mean recall.

    Mean recall falls as the price rises. From a first guess the price is doubled or halved
    until the target lies between two prices, then found on a log scale by regula falsi
    (Illinois variant); every solve starts from the last policy.
    """
    start = retention_choice(model, engine, retention)
    _, recall_value = _evaluate(model, start, 0.0)
    target = _mean_recall(model, recall_value)
    low, high = _bracket(model, target, start, _first_guess(retention))
    return _refine(model, target, low, high)


def _first_guess(retention: float) -> float:
    """About the price the default parameters need (4.9 at 0.9, 24 at 0.7, 0.6 at 0.97)."""
    return 120.0 * (1.0 - retention) ** 1.5


_Point = tuple[float, "Solved"]  # (log price, its solution)


def _bracket(model: Model, target: float, start: Any, guess: float) -> tuple[_Point, _Point]:
    """Two log prices whose mean recalls lie on either side of ``target`` (or the range's end)."""
    lowest, highest = (math.log(p) for p in _PRICE_RANGE)
    here = min(max(math.log(guess), lowest), highest)
    found = solve(model, math.exp(here), start)
    step = math.log(2.0) if found.mean_recall >= target else -math.log(2.0)
    while True:
        there = min(max(here + step, lowest), highest)
        other = solve(model, math.exp(there), found.choice)
        if (other.mean_recall >= target) != (found.mean_recall >= target) or there == here:
            pair = sorted([(here, found), (there, other)], key=lambda point: point[0])
            return pair[0], pair[1]
        here, found = there, other


def _refine(model: Model, target: float, low: _Point, high: _Point) -> Policy:
    """Regula falsi between the bracket's ends; the result keeps at least the target recall."""
    (a, at_a), (b, at_b) = low, high
    gap_a, gap_b = at_a.mean_recall - target, at_b.mean_recall - target
    if gap_a < 0 or gap_b >= 0:  # the target lies beyond the price range: its nearest end
        best = (a, at_a) if gap_a < 0 else (b, at_b)
        return Policy(model, math.exp(best[0]), best[1].value)
    side = 0
    for _ in range(_BISECTIONS):
        if b - a < _PRICE_TOLERANCE:
            break
        middle = (a * gap_b - b * gap_a) / (gap_b - gap_a)
        found = solve(model, math.exp(middle), at_a.choice)
        gap = found.mean_recall - target
        if gap >= 0:
            a, at_a, gap_a = middle, found, gap
            gap_b = gap_b / 2 if side == 0 else gap_b
            side = 0
        else:
            b, at_b, gap_b = middle, found, gap
            gap_a = gap_a / 2 if side == 1 else gap_a
            side = 1
    return Policy(model, math.exp(a), at_a.value)
