"""Fit FSRS-6 parameters to a vault's own reviews; weigh desired retentions by simulation.

Training data, as fsrs-rs-python wants it: one ``FSRSItem`` per review that follows an earlier
review of the same card, holding the card's live reviews up to it in time order, each with the
whole days since the one before (``FSRSReview(rating, delta_t)``, 0 for the first). Cards whose
history began before the ledger (notes migrated from the old scheme, marked by an import event)
are left out: the model needs every review from the first. Parameters are saved only when they
predict this vault's reviews better (lower log loss) than the ones in use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.errors import ConfigError, StudycardsError
from studycards.scheduling.events import Event, live_events

if TYPE_CHECKING:
    from studycards.notes.vault import Vault

# Anki's guidance: parameters fitted to fewer reviews than this are not to be trusted.
MIN_REVIEWS = 400
RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
SIMULATION_DAYS = 365
# The suggested retention is the highest one keeping this share of the best recall per minute.
EFFICIENCY_KEPT = 0.9
_DECIMALS = 4


# ---------------------------------------------------------------------------------------------
# training items


@dataclass(frozen=True)
class History:
    """One training item: a card's reviews up to one of them, as (rating, days since previous)."""

    card: str
    ts: str  # when the last of ``reviews`` happened
    reviews: tuple[tuple[int, int], ...]


def histories(events: Iterable[Event]) -> list[History]:
    """The training items of a ledger's events, in time order of their last review."""
    by_card: dict[str, list[Event]] = defaultdict(list)
    imported: set[str] = set()
    ordered = sorted(enumerate(live_events(events)), key=lambda p: (_instant(p[1].ts), p[0]))
    for _, event in ordered:
        if event.kind == "import":
            imported.add(event.card)
        elif event.kind == "review":
            by_card[event.card].append(event)
    items = [
        item
        for card, reviews in by_card.items()
        if card not in imported
        for item in _card_items(card, reviews)
    ]
    return sorted(items, key=lambda item: _instant(item.ts))


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _instant(ts: str) -> dt.datetime:
    """An event's time in UTC, so that reviews logged in different zones keep their order."""
    try:
        stamp = dt.datetime.fromisoformat(ts[:-1] + "+00:00" if ts.endswith("Z") else ts)
    except (TypeError, ValueError):
        return _EARLIEST
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone(dt.timezone.utc)


def _card_items(card: str, reviews: list[Event]) -> list[History]:
    steps: list[tuple[int, int]] = []
    items = []
    previous: dt.date | None = None
    for event in reviews:
        day = event.day_date
        steps.append((int(event.rating or 0), 0 if previous is None else (day - previous).days))
        previous = day
        if len(steps) >= 2:
            items.append(History(card, event.ts, tuple(steps)))
    return items


def fsrs_items(items: Sequence[History]) -> list[Any]:
    import fsrs_rs_python as fsrs

    return [fsrs.FSRSItem([fsrs.FSRSReview(r, d) for r, d in item.reviews]) for item in items]


# ---------------------------------------------------------------------------------------------
# fitting and evaluation


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Fit:
    """Fitted parameters and how well each parameter set predicts the vault's reviews.

    ``on_all``: every review, for the defaults, the parameters in use (``current``, when the
    config has some) and the fitted ones. ``held_out``: a time-series split (fit on the earlier
    reviews, predict the later ones, five times over) against the defaults on the same reviews.
    """

    reviews: int
    cards: int
    fitted: tuple[float, ...]
    current: tuple[float, ...] | None
    on_all: dict[str, Evaluation]
    held_out: dict[str, Evaluation] | None

    @property
    def better(self) -> bool:
        """The fitted parameters predict better than the ones in use."""
        baseline = self.on_all["current" if self.current else "default"]
        return self.on_all["fitted"].log_loss < baseline.log_loss


def fit_parameters(
    items: Sequence[History],
    current: Sequence[float] | None = None,
    training_config: Any = None,
    split: bool = True,
) -> Fit:
    """Fit FSRS-6 to ``items`` and evaluate it; ``training_config`` is the engine's own."""
    import fsrs_rs_python as fsrs

    data = fsrs_items(items)
    defaults = list(fsrs.DEFAULT_PARAMETERS)
    try:
        fitted = fsrs.FSRS(defaults).compute_parameters(data, training_config=training_config)
    except ValueError as error:
        raise StudycardsError(f"cannot fit parameters to these reviews: {error}") from None
    fitted = [round(value, _DECIMALS) for value in fitted]
    on_all = {"default": _evaluate(defaults, data), "fitted": _evaluate(fitted, data)}
    if current:
        on_all["current"] = _evaluate(_checked(current), data)
    held_out = _held_out(data, training_config) if split else None
    cards = len({item.card for item in items})
    return Fit(len(items), cards, tuple(fitted), _tuple(current), on_all, held_out)


def _tuple(values: Sequence[float] | None) -> tuple[float, ...] | None:
    return tuple(values) if values else None


def _checked(parameters: Sequence[float]) -> list[float]:
    import fsrs_rs_python as fsrs

    try:
        return list(fsrs.check_and_fill_parameters(list(parameters)))
    except ValueError:
        raise ConfigError("'parameters' is not a valid FSRS parameter list") from None


def _evaluate(parameters: Sequence[float], data: list[Any]) -> Evaluation:
    import fsrs_rs_python as fsrs

    result = fsrs.FSRS(list(parameters)).evaluate(data)
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def _held_out(data: list[Any], training_config: Any) -> dict[str, Evaluation] | None:
    """The engine's time-series split: six time-ordered segments, the last five each predicted
    by parameters fitted on the ones before; the defaults are scored on the same five."""
    import fsrs_rs_python as fsrs

    try:
        fitted = fsrs.evaluate_with_time_series_splits(data, training_config=training_config)
    except ValueError:
        return None
    tested = data[len(data) // 6 :]
    default = _evaluate(fsrs.DEFAULT_PARAMETERS, tested)
    return {"default": default, "fitted": Evaluation(fitted.log_loss, fitted.rmse_bins)}


# ---------------------------------------------------------------------------------------------
# the vault


@dataclass(frozen=True)
class Outcome:
    """What ``optimize`` did: ``needed`` more reviews, or a fit and whether it was saved."""

    reviews: int
    min_reviews: int
    fit: Fit | None
    saved: bool

    @property
    def needed(self) -> int:
        return max(0, self.min_reviews - self.reviews)


def optimize_vault(
    vault: Vault,
    min_reviews: int = MIN_REVIEWS,
    save: bool = True,
    training_config: Any = None,
    on_fit: Callable[[int], None] | None = None,
) -> Outcome:
    """Fit parameters to the vault's ledger; write them to the config when they are better.

    ``on_fit`` is told the number of reviews just before the (slow) fitting starts.
    """
    from studycards.scheduling.writes import ledger_of

    items = histories(ledger_of(vault).read().events)
    if len(items) < max(1, min_reviews):
        return Outcome(len(items), min_reviews, None, False)
    if on_fit is not None:
        on_fit(len(items))
    fit = fit_parameters(items, vault.config.parameters, training_config)
    saved = save and fit.better
    if saved:
        save_parameters(vault, fit.fitted)
    return Outcome(len(items), min_reviews, fit, saved)


def save_parameters(vault: Vault, parameters: Sequence[float]) -> None:
    """Set ``parameters`` in studycards.yaml, changing only that key's lines."""
    from studycards.lock import vault_lock
    from studycards.notes.config_edit import set_config_keys

    with vault_lock(vault.state_dir):
        set_config_keys(vault.root, {"parameters": [float(p) for p in parameters]})


# ---------------------------------------------------------------------------------------------
# desired retention


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
    weights = _checked(parameters) if parameters else list(fsrs.DEFAULT_PARAMETERS)
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


# ---------------------------------------------------------------------------------------------
# JSON


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    fit = outcome.fit
    data: dict[str, Any] = {
        "reviews": outcome.reviews,
        "min_reviews": outcome.min_reviews,
        "needed": outcome.needed,
        "saved": outcome.saved,
    }
    if fit is not None:
        data.update(
            cards=fit.cards,
            better=fit.better,
            parameters=list(fit.fitted),
            current=None if fit.current is None else list(fit.current),
            evaluation={k: vars(v) for k, v in fit.on_all.items()},
            held_out=None
            if fit.held_out is None
            else {k: vars(v) for k, v in fit.held_out.items()},
        )
    return data


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
