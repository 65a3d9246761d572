"""Attention dropout: zero some attention weights in training, rescale the rest by 1/(1 - p).

In training, dropout on the attention weights keeps each weight with probability 1 - p and sets
it to 0 otherwise (an independent draw per weight, per step), then divides the kept ones by
1 - p ("inverted dropout"):

    P       = softmax(Q K^T / sqrt(d))
    M_ij    ~ Bernoulli(1 - p)                 1 = keep
    P_train = P * M / (1 - p)                  output_train = P_train V
    P_eval  = P                                output_eval  = P V (dropout does nothing)

The rescale keeps the expectation: E[M_ij / (1 - p)] = (1 - p) / (1 - p) = 1, so
E[P_train] = P and, because the output is linear in the weights, E[output_train] = output_eval.
That is why evaluation needs no correction. A training row no longer sums to exactly 1 (only in
expectation), and a row can even lose all its weight. Scaling at evaluation time instead (the
original formulation, multiply by 1 - p at test time) gives the same expectation but puts the
correction in the serving path, so frameworks rescale in training.

The demo draws one training mask and shows its effect, then averages 1000 masks: the mean of
P_train approaches P, within a few standard errors (each P_ij sqrt(p / ((1 - p) 1000))).
p is `drop` percent; --json gives the 1000 masks with the check that uses them.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    TOLERANCE,
    attention_scores,
    close,
    exactly_zero,
    heatmap,
    rows_sum_to_one,
    softmax,
)
from studycards.demos.result import Check, Outcome, Step, Table

SAMPLES = 1000
SIGMAS = 5.0


def run(rng: np.random.Generator, seq_len: int, d_model: int, drop: int) -> Outcome:
    p = drop / 100
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    weights = softmax(attention_scores(q, k))
    keep = rng.random((seq_len, seq_len)) >= p
    dropped = weights * keep / (1 - p)
    masks = rng.random((SAMPLES, seq_len, seq_len)) >= p
    mean = (weights * masks / (1 - p)).mean(axis=0)
    steps = (
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Weights", "softmax(Q K^T / sqrt(d)): evaluation uses these", {"weights": weights}),
        Step("Mask", f"keep each weight with probability {1 - p:g}", {"keep": keep}),
        Step("Training weights", f"P * M / {1 - p:g}", {"dropped": dropped}, _sums_note(dropped)),
        Step(
            "Outputs",
            "training and evaluation",
            {"train_output": dropped @ v, "eval_output": weights @ v},
        ),
        Step("Mean of 1000 masks", "approaches the evaluation weights", {"mean_dropped": mean}),
    )
    checks = (
        rows_sum_to_one(weights, "evaluation weights"),
        exactly_zero("dropped weights are exactly 0", dropped[~keep]),
        close(
            f"kept weights are scaled by exactly 1/(1 - p) = {1 / (1 - p):.4g}",
            dropped[keep] * (1 - p),
            weights[keep],
        ),
        _expectation_check(weights, mean, masks, p),
        close(
            "the mean training output equals the mean of the weights times V (linearity)",
            mean @ v,
            (weights * masks / (1 - p) @ v).mean(axis=0),
        ),
    )
    heat = heatmap("one training draw: P * M / (1 - p) (rows: queries)", dropped, "q", "k")
    return Outcome(steps, checks, heat, _table(weights, dropped, mean))


def _sums_note(dropped: np.ndarray) -> str:
    sums = ", ".join(f"{s:.3f}" for s in dropped.sum(axis=1)[:6])
    return f"row sums {sums}{' ...' if len(dropped) > 6 else ''}: 1 only on average"


def _expectation_check(weights: np.ndarray, mean: np.ndarray, masks: np.ndarray, p: float) -> Check:
    error = float(np.max(np.abs(mean - weights)))
    if p == 0:
        description = "with p = 0 every draw keeps the evaluation weights"
        return Check(description, error <= TOLERANCE, error, {"masks": masks})
    standard_error = weights * np.sqrt(p / (1 - p) / len(masks))
    worst = float(np.max(np.abs(mean - weights) / standard_error))
    description = (
        f"E[P * M / (1 - p)] = P: the mean of {len(masks)} masks is within "
        f"{SIGMAS:g} standard errors of P (worst {worst:.2f})"
    )
    return Check(description, worst <= SIGMAS, error, {"masks": masks})


def _table(weights: np.ndarray, dropped: np.ndarray, mean: np.ndarray) -> Table:
    rows = tuple(
        (f"q{i}", f"{w.sum():.4f}", f"{d.sum():.4f}", f"{m.sum():.4f}")
        for i, (w, d, m) in enumerate(zip(weights[:8], dropped[:8], mean[:8], strict=True))
    )
    columns = ("row", "evaluation", "one training draw", f"mean of {SAMPLES} draws")
    return Table("row sums of the weights", columns, rows)
