"""Weigh desired retentions: a year of study simulated by the engine at each one, with the
vault's size and daily limits, and the retention that keeps most recall per minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.scheduling.optimize import checked_parameters

if TYPE_CHECKING:
    from studycards.notes.vault import Vault

RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
SIMULATION_DAYS = 365
# The suggested retention is the highest one keeping this share of the best recall per minute.
EFFICIENCY_KEPT = 0.9


@dataclass(frozen=True)
class Workload:
    """A year of study simulated at one desired retention."""

    retention: float
    reviews_per_day: float
    minutes_per_day: float
    memorized: float  # expected number of notes recalled at the end of the year
    studied: int  # notes introduced during the year

    @property
    def recall(self) -> float:
        """Expected recall of the notes studied: the memorized share."""
        return self.memorized / self.studied if self.studied else 0.0

    @property
    def per_minute(self) -> float:
        total = self.minutes_per_day * SIMULATION_DAYS
        return self.memorized / total if total else 0.0


def simulate_workloads(
    parameters: Sequence[float] | None,
    notes: int,
    new_per_day: int,
    reviews_per_day: int,
    maximum_interval: int,
    retentions: Sequence[float] = RETENTIONS,
    seed: int = 42,
) -> tuple[Workload, ...]:
    """The engine's simulator, once per retention, with this vault's size and daily limits."""
    import fsrs_rs_python as fsrs

    config = fsrs.default_simulator_config()
    config.deck_size = max(1, notes)
    config.learn_span = SIMULATION_DAYS
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    config.max_ivl = float(max(1, maximum_interval))
    config.max_cost_perday = 86400.0  # the daily limits bound the work, not a time budget
    weights = checked_parameters(parameters) if parameters else list(fsrs.DEFAULT_PARAMETERS)
    return tuple(_workload(fsrs.simulate(weights, r, config, seed), r) for r in retentions)


def _workload(result: Any, retention: float) -> Workload:
    days = max(1, len(result.review_cnt_per_day))
    return Workload(
        retention=retention,
        reviews_per_day=sum(result.review_cnt_per_day) / days,
        minutes_per_day=sum(result.cost_per_day) / days / 60,
        memorized=float(result.memorized_cnt_per_day[-1]) if result.memorized_cnt_per_day else 0,
        studied=int(result.introduced_cnt_per_day[-1]) if result.introduced_cnt_per_day else 0,
    )


def suggest_retention(workloads: Sequence[Workload]) -> Workload | None:
    """The highest retention that keeps 90% of the best recall per minute of study."""
    best = max((w.per_minute for w in workloads), default=0.0)
    if best <= 0:
        return None
    return max(
        (w for w in workloads if w.per_minute >= EFFICIENCY_KEPT * best),
        key=lambda w: w.retention,
    )


def vault_workloads(vault: Vault) -> tuple[Workload, ...]:
    """:func:`simulate_workloads` with the vault's notes, limits and parameters."""
    from studycards.notes.vault import scan

    config = vault.config
    notes = len(scan(vault).notes)
    return simulate_workloads(
        config.parameters,
        notes,
        config.new_per_day,
        config.reviews_per_day,
        config.maximum_interval,
    )


def workloads_json(workloads: Sequence[Workload], current: float) -> dict[str, Any]:
    suggested = suggest_retention(workloads)
    return {
        "current": current,
        "suggested": None if suggested is None else suggested.retention,
        "days": SIMULATION_DAYS,
        "rows": [
            {
                "retention": w.retention,
                "reviews_per_day": round(w.reviews_per_day, 1),
                "minutes_per_day": round(w.minutes_per_day, 1),
                "memorized": round(w.memorized, 1),
                "studied": w.studied,
                "recall": round(w.recall, 4),
            }
            for w in workloads
        ],
    }
