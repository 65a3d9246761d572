"""Masks: padding masks hide pad tokens, causal masks hide the future; masked weights are zero.

A mask says, for each (query, key) pair, whether the query may look at the key. Masked scores
are set to -inf before the softmax, and exp(-inf) = 0, so their weights are exactly zero (not
merely small) and each row still sums to 1 over the keys that remain.

    scores  = Q K^T / sqrt(d)
    masked  = where(mask, scores, -inf)
    weights = softmax(masked)

Padding mask: a batch pads short sequences to one length; the last `pad` keys here are padding,
so no query may attend to them: mask[i, j] = j < n - pad.
Causal mask: a decoder must not see tokens it has not produced yet: mask[i, j] = j <= i, the
lower triangle. Every row keeps at least one key, so no row is all -inf (that would give 0/0).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    attention_scores,
    causal_mask,
    exactly_zero,
    heatmap,
    rows_sum_to_one,
)
from studycards.demos.result import Check, Outcome, Step

Lesson = tuple[tuple[Step, ...], tuple[Check, ...]]


def run(rng: np.random.Generator, seq_len: int, d_model: int, pad: int) -> Outcome:
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    inputs = (
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Scores", "Q K^T / sqrt(d), before any mask", {"scores": attention_scores(q, k)}),
    )
    padding_steps, padding_checks = _padding(q, k, v, pad)
    causal_steps, causal_checks = _causal(q, k, v)
    weights = causal_steps[1].arrays["causal_weights"]
    return Outcome(
        inputs + padding_steps + causal_steps,
        padding_checks + causal_checks,
        heatmap("causal weights (rows: queries)", weights, "q", "k"),
    )


def _padding(q: np.ndarray, k: np.ndarray, v: np.ndarray, pad: int) -> Lesson:
    """Hide the last `pad` keys from every query."""
    mask = padding_mask(len(k), pad)
    output, weights = attend(q, k, v, mask)
    masked_scores = np.where(mask, attention_scores(q, k), -np.inf)
    steps = (
        Step("Padding mask", f"the last {pad} keys are padding", {"padding_mask": mask}),
        Step("Padded scores", "masked scores become -inf", {"padding_scores": masked_scores}),
        Step("Padding weights", "softmax: padded columns are 0", {"padding_weights": weights}),
        Step("Padding output", "weights times V", {"padding_output": output}),
    )
    checks = (
        exactly_zero("weights on padded keys are exactly 0", weights[~mask]),
        rows_sum_to_one(weights, "padding-masked weights"),
    )
    return steps, checks


def _causal(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> Lesson:
    """Hide the future: query i sees keys 0..i."""
    mask = causal_mask(len(q))
    output, weights = attend(q, k, v, mask)
    steps = (
        Step("Causal mask", "row i sees columns 0..i", {"causal_mask": mask}),
        Step("Causal weights", "the upper triangle is exactly 0", {"causal_weights": weights}),
        Step("Causal output", "weights times V", {"causal_output": output}),
    )
    checks = (
        exactly_zero("weights above the diagonal (the future) are exactly 0", weights[~mask]),
        rows_sum_to_one(weights, "causal weights"),
    )
    return steps, checks


def padding_mask(n: int, pad: int) -> np.ndarray:
    """(n, n) mask, True where the key is a real token: every query ignores the last `pad` keys."""
    real_keys = np.arange(n) < n - pad
    return np.broadcast_to(real_keys, (n, n)).copy()
