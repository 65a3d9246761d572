"""Fit FSRS-6 parameters to a vault's own reviews, and keep them only if they predict better.

The training items come from :mod:`studycards.scheduling.training`. The decision is made on a
time-series split only: the items in time order are cut into ``FOLDS + 1`` parts, and each of
the last ``FOLDS`` parts is predicted by parameters fitted to the parts before it, by the
defaults and by the parameters in use. Fitted parameters are saved only when that held-out log
loss is lower than the one of the parameters in use: a fit always looks good on the reviews it
was fitted to, and with a few hundred reviews it often predicts the next ones worse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.errors import ConfigError, StudycardsError
from studycards.scheduling.training import (
    History,
    TrainingSet,
    engine_call,
    fsrs_items,
    training_set,
)

if TYPE_CHECKING:
    from studycards.notes.vault import Vault

# Anki's guidance: parameters fitted to fewer reviews than this are not to be trusted.
MIN_REVIEWS = 400
FOLDS = 5
_DECIMALS = 4


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Fit:
    """Fitted parameters and how well each parameter set predicts the vault's reviews.

    ``held_out``: the time-series split (see the module), for the defaults, the parameters in use
    (``current``, when the config has some) and parameters fitted before each part; ``tested``
    reviews were predicted. It alone decides. ``on_all``: every review, in-sample, for reference.
    """

    reviews: int
    cards: int
    fitted: tuple[float, ...]
    current: tuple[float, ...] | None
    on_all: dict[str, Evaluation]
    held_out: dict[str, Evaluation] | None
    tested: int = 0

    @property
    def baseline(self) -> str:
        return "current" if self.current else "default"

    @property
    def better(self) -> bool:
        """The fitted parameters predict later reviews better than the ones in use."""
        if self.held_out is None:
            return False
        return self.held_out["fitted"].log_loss < self.held_out[self.baseline].log_loss


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
        fitted = _fitted(data, training_config)
    except ValueError as error:
        raise StudycardsError(f"cannot fit parameters to these reviews: {error}") from None
    sets = {"default": defaults, "fitted": fitted}
    if current:
        sets["current"] = checked_parameters(current)
    on_all = {key: _evaluate(values, data) for key, values in sets.items()}
    held_out, tested = _held_out(data, sets, training_config) if split else (None, 0)
    cards = len({item.card for item in items})
    return Fit(len(items), cards, tuple(fitted), _tuple(current), on_all, held_out, tested)


def _fitted(data: list[Any], training_config: Any) -> list[float]:
    import fsrs_rs_python as fsrs

    engine = fsrs.FSRS(list(fsrs.DEFAULT_PARAMETERS))
    values = engine_call(
        "fitting", engine.compute_parameters, data, training_config=training_config
    )
    return [round(value, _DECIMALS) for value in values]


def _tuple(values: Sequence[float] | None) -> tuple[float, ...] | None:
    return tuple(values) if values else None


def checked_parameters(parameters: Sequence[float]) -> list[float]:
    import fsrs_rs_python as fsrs

    try:
        return list(fsrs.check_and_fill_parameters(list(parameters)))
    except ValueError:
        raise ConfigError("'parameters' is not a valid FSRS parameter list") from None


def _evaluate(parameters: Sequence[float], data: list[Any]) -> Evaluation:
    import fsrs_rs_python as fsrs

    engine = fsrs.FSRS(list(parameters))
    result = engine_call("evaluating", engine.evaluate, data)
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def _held_out(
    data: list[Any], sets: dict[str, list[float]], training_config: Any
) -> tuple[dict[str, Evaluation] | None, int]:
    """Each of the last ``FOLDS`` parts predicted by parameters fitted to the parts before it
    (the defaults where a fit fails), and by the fixed sets; log loss and RMSE are the means
    over the parts, weighted by their sizes."""
    size = len(data) // (FOLDS + 1)
    if size < 1:
        return None, 0
    scores: dict[str, list[tuple[int, Evaluation]]] = {key: [] for key in sets}
    for fold in range(1, FOLDS + 1):
        test = data[fold * size : (fold + 1) * size if fold < FOLDS else len(data)]
        try:
            before = _fitted(data[: fold * size], training_config)
        except ValueError:
            before = sets["default"]
        for key, values in sets.items():
            scores[key].append((len(test), _evaluate(before if key == "fitted" else values, test)))
    tested = len(data) - size
    return {key: _weighted(parts, tested) for key, parts in scores.items()}, tested


def _weighted(parts: list[tuple[int, Evaluation]], total: int) -> Evaluation:
    return Evaluation(
        sum(n * e.log_loss for n, e in parts) / total,
        sum(n * e.rmse_bins for n, e in parts) / total,
    )


# ---------------------------------------------------------------------------------------------
# the vault


@dataclass(frozen=True)
class Outcome:
    """What ``optimize`` did: ``needed`` more reviews, or a fit and whether it was saved."""

    training: TrainingSet
    min_reviews: int
    fit: Fit | None
    saved: bool

    @property
    def reviews(self) -> int:
        return self.training.used

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
    from studycards.scheduling.writes import event_day_of, ledger_of

    training = training_set(ledger_of(vault).read().events, event_day_of(vault))
    if training.used < max(1, min_reviews):
        return Outcome(training, min_reviews, None, False)
    if on_fit is not None:
        on_fit(training.used)
    fit = fit_parameters(training.items, vault.config.parameters, training_config)
    saved = save and fit.better
    if saved:
        save_parameters(vault, fit.fitted, training.pass_shares)
    return Outcome(training, min_reviews, fit, saved)


def save_parameters(
    vault: Vault, parameters: Sequence[float], shares: Sequence[float] | None = None
) -> None:
    """Set ``parameters`` (and the measured ``grade_mix``) in studycards.yaml, changing only
    those keys' lines."""
    from studycards.lock import vault_lock
    from studycards.notes.config_edit import set_config_keys

    values: dict[str, Any] = {"parameters": [float(p) for p in parameters]}
    if shares is not None:
        values["grade_mix"] = [float(s) for s in shares]
    with vault_lock(vault.state_dir):
        set_config_keys(vault.root, values)


# ---------------------------------------------------------------------------------------------
# JSON


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    fit, training = outcome.fit, outcome.training
    data: dict[str, Any] = {
        "reviews": outcome.reviews,
        "ignored": {
            "first": training.first,
            "same_day": training.same_day,
            "migrated": training.migrated,
        },
        "grade_mix": training.pass_shares,
        "min_reviews": outcome.min_reviews,
        "needed": outcome.needed,
        "saved": outcome.saved,
    }
    if fit is not None:
        data.update(
            cards=fit.cards,
            better=fit.better,
            baseline=fit.baseline,
            tested=fit.tested,
            held_out=None
            if fit.held_out is None
            else {k: vars(v) for k, v in fit.held_out.items()},
            parameters=list(fit.fitted),
            current=None if fit.current is None else list(fit.current),
            evaluation={k: vars(v) for k, v in fit.on_all.items()},
        )
    return data
