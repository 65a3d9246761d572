"""Softmax without overflow: max subtraction, log-sum-exp, temperature and float16.

softmax(z)_i = exp(z_i) / sum_j exp(z_j) overflows as soon as a logit passes about 709 in
float64 (exp(710) = inf) and 11.09 in float16 (exp(11.1) > 65504), giving inf / inf = NaN.
Softmax ignores a constant added to every logit, so subtract the largest one first:

    m = max_j z_j
    softmax(z)_i = exp(z_i - m) / sum_j exp(z_j - m)      every exponent <= 0, the largest is 1

The same trick gives the log of the denominator, log-sum-exp, without overflow, and with it the
log-probabilities that cross-entropy needs (never log(softmax(z)), which turns an underflowed 0
into -inf):

    logsumexp(z) = m + log(sum_j exp(z_j - m))
    log_softmax(z) = z - logsumexp(z)

Temperature T divides the logits before the softmax: T < 1 sharpens the distribution towards
the argmax (T -> 0 is greedy decoding), T > 1 flattens it towards uniform; the entropy rises
with T. Here the logits are random normals times 4 plus `shift`, so with the default shift of
1000 the naive formula overflows in float64 while the stable one gives the same weights as for
the unshifted logits.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import close, labels, softmax
from studycards.demos.result import Check, Heatmap, Outcome, Step, Table

SPREAD = 4.0
TEMPERATURES = (0.1, 0.5, 1.0, 2.0, 10.0)
FP16_TOLERANCE = 2e-3


def run(rng: np.random.Generator, seq_len: int, shift: int) -> Outcome:
    base = SPREAD * rng.standard_normal(seq_len)
    logits = base + shift
    naive = naive_softmax(logits)
    stable = softmax(logits)
    lse = logsumexp(logits)
    log_probs = logits - lse
    by_temperature = np.array([softmax(logits / t) for t in TEMPERATURES])
    fp16 = _fp16(base)
    steps = (
        Step("Logits", f"random normals x {SPREAD:g}, plus {shift}", {"logits": logits}),
        Step("Naive", "exp(z) / sum exp(z), no shift", {"naive": naive}, _overflow_note(logits)),
        Step("Stable", "exp(z - max z) / sum exp(z - max z)", {"stable": stable}),
        Step("Log-sum-exp", "m + log sum exp(z - m)", {"logsumexp": np.array(lse)}),
        Step("Log-probabilities", "z - logsumexp(z)", {"log_softmax": log_probs}),
        Step(
            "Temperature", f"softmax(z / T), rows T = {TEMPERATURES}", {"tempered": by_temperature}
        ),
        Step("float16", "the same logits kept in half precision", fp16),
    )
    checks = (
        close("stable softmax equals softmax of the unshifted logits", stable, softmax(base)),
        close("exp(log_softmax) equals the stable softmax", np.exp(log_probs), stable),
        close(
            "logsumexp(z + c) = logsumexp(z) + c", np.array(lse - shift), np.array(logsumexp(base))
        ),
        Check(
            "naive softmax overflows to NaN when a logit passes 709.78 (float64)",
            bool(np.isnan(naive).any()) == bool(logits.max() > np.log(np.finfo(np.float64).max)),
        ),
        *_fp16_checks(fp16, base),
        _temperature_check(by_temperature),
    )
    rows = tuple(f"T={t:g}" for t in TEMPERATURES)
    heat = Heatmap(
        "softmax(z / T) (rows: temperatures)", by_temperature, rows, labels("z", seq_len)
    )
    return Outcome(steps, checks, heat, _table(by_temperature))


def naive_softmax(logits: np.ndarray) -> np.ndarray:
    """exp(z) / sum exp(z) as written in a textbook; overflow gives inf / inf = NaN."""
    with np.errstate(over="ignore", invalid="ignore"):
        weights = np.exp(logits)
        return weights / weights.sum(axis=-1, keepdims=True)


def logsumexp(logits: np.ndarray) -> float:
    top = float(logits.max())
    return top + float(np.log(np.exp(logits - top).sum()))


def _overflow_note(logits: np.ndarray) -> str:
    limit = float(np.log(np.finfo(np.float64).max))
    return f"largest logit {logits.max():.4g}; exp overflows float64 above {limit:.2f}"


def _fp16(base: np.ndarray) -> dict[str, np.ndarray]:
    """Logits of float16 size: naive exp overflows past 11.09, the max-subtracted one does not."""
    half = (base + 12.0).astype(np.float16)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(half)
        naive_weights = naive / naive.sum()
    shifted = np.exp(half - half.max())
    stable = shifted / shifted.sum(dtype=np.float16)
    return {
        "fp16_logits": half,
        "fp16_exp": naive,
        "fp16_naive": naive_weights,
        "fp16_stable": stable,
    }


def _fp16_checks(fp16: dict[str, np.ndarray], base: np.ndarray) -> tuple[Check, ...]:
    overflowed = bool(np.isinf(fp16["fp16_exp"]).any())
    exact = softmax(fp16["fp16_logits"].astype(np.float64))
    error = float(np.max(np.abs(fp16["fp16_stable"].astype(np.float64) - exact)))
    limit = float(np.log(float(np.finfo(np.float16).max)))
    return (
        Check(
            f"float16 exp overflows to inf exactly when a logit passes {limit:.2f}",
            overflowed == bool(fp16["fp16_logits"].astype(np.float64).max() > limit),
        ),
        Check(
            f"max-subtracted softmax in float16 stays finite and within {FP16_TOLERANCE:g} of float64",
            bool(np.isfinite(fp16["fp16_stable"]).all()) and error <= FP16_TOLERANCE,
            error,
        ),
    )


def _temperature_check(by_temperature: np.ndarray) -> Check:
    entropy = _entropy(by_temperature)
    rising = bool(np.all(np.diff(entropy) >= -1e-12))
    return Check("entropy rises with the temperature (sharper below 1, flatter above)", rising)


def _entropy(weights: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(weights > 0, -weights * np.log(weights), 0.0)
    return terms.sum(axis=-1)


def _table(by_temperature: np.ndarray) -> Table:
    entropy = _entropy(by_temperature)
    n = by_temperature.shape[1]
    rows = tuple(
        (f"{t:g}", f"{w.max():.3f}", f"{h:.3f}", f"{np.log(n):.3f}")
        for t, w, h in zip(TEMPERATURES, by_temperature, entropy, strict=True)
    )
    columns = ("T", "largest weight", "entropy (nats)", "uniform entropy")
    return Table("temperature: how peaked softmax(z / T) is", columns, rows)
