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
from studycards.demos.result import Outcome, Step


def run(rng: np.random.Generator, seq_len: int, d_model: int, pad: int) -> Outcome:
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    padding = padding_mask(seq_len, pad)
    causal = causal_mask(seq_len)
    padding_output, padding_weights = attend(q, k, v, padding)
    causal_output, causal_weights = attend(q, k, v, causal)
    steps = (
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Scores", "Q K^T / sqrt(d), before any mask", {"scores": attention_scores(q, k)}),
        Step("Padding mask", f"the last {pad} keys are padding", {"padding_mask": padding}),
        Step(
            "Padded scores",
            "masked scores become -inf",
            {"padding_scores": np.where(padding, attention_scores(q, k), -np.inf)},
        ),
        Step(
            "Padding weights",
            "softmax: padded columns are exactly 0",
            {"padding_weights": padding_weights},
        ),
        Step("Causal mask", "row i sees columns 0..i", {"causal_mask": causal}),
        Step(
            "Causal weights", "the upper triangle is exactly 0", {"causal_weights": causal_weights}
        ),
        Step(
            "Outputs",
            "weights times V",
            {"padding_output": padding_output, "causal_output": causal_output},
        ),
    )
    checks = (
        exactly_zero("weights on padded keys are exactly 0", padding_weights[~padding]),
        exactly_zero(
            "weights above the diagonal (the future) are exactly 0", causal_weights[~causal]
        ),
        rows_sum_to_one(padding_weights, "padding-masked weights"),
        rows_sum_to_one(causal_weights, "causal weights"),
    )
    return Outcome(
        steps, checks, heatmap("causal weights (rows: queries)", causal_weights, "q", "k")
    )


def padding_mask(n: int, pad: int) -> np.ndarray:
    """(n, n) mask, True where the key is a real token: every query ignores the last `pad` keys."""
    real_keys = np.arange(n) < n - pad
    return np.broadcast_to(real_keys, (n, n)).copy()
