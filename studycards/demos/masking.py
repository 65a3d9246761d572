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
lower triangle.

Both at once, with left padding (the first `pad` tokens are padding, as when a batch of prompts
is aligned on its last token for generation): mask[i, j] = (j <= i) and (j >= pad). A query at
a pad position i < pad then sees no key at all, its row of scores is all -inf, and the textbook
softmax computes exp(-inf - (-inf)) / 0 = NaN, which spreads to every later layer. Such a row
has nothing to attend to, so its weights and output are defined as 0 (what PyTorch's
scaled_dot_product_attention returns); the real rows are unaffected. With -1e9 instead of -inf
the row would silently become uniform attention over pad tokens, and in fp16 -1e9 is -inf anyway.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    attention_scores,
    causal_mask,
    exactly_zero,
    heatmap,
    naive_softmax,
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
    combined_steps, combined_checks = _combined(q, k, v, pad)
    weights = combined_steps[1].arrays["combined_weights"]
    return Outcome(
        inputs + padding_steps + causal_steps + combined_steps,
        padding_checks + causal_checks + combined_checks,
        heatmap("causal + left-padding weights (rows: queries)", weights, "q", "k"),
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


def _combined(q: np.ndarray, k: np.ndarray, v: np.ndarray, pad: int) -> Lesson:
    """Causal and left padding together: the first `pad` query rows see no key at all."""
    mask = causal_mask(len(q)) & ~padding_mask(len(k), len(k) - pad)
    output, weights = attend(q, k, v, mask)
    scores = np.where(mask, attention_scores(q, k), -np.inf)
    empty = ~mask.any(axis=1)
    naive = naive_softmax(scores)
    note = f"rows {_rows(empty)} see no key" if empty.any() else "every row sees a key (pad = 0)"
    steps = (
        Step(
            "Combined mask", "causal and the first pad keys hidden", {"combined_mask": mask}, note
        ),
        Step("Combined weights", "fully masked rows are 0", {"combined_weights": weights}),
        Step("Combined output", "weights times V", {"combined_output": output}),
        Step("Naive softmax", "no guard: 0/0 on a fully masked row", {"naive_weights": naive}),
    )
    checks = (
        Check(
            "no weight or output is NaN", not (np.isnan(weights).any() or np.isnan(output).any())
        ),
        exactly_zero(
            "fully masked rows have weights and output exactly 0",
            np.concatenate([weights[empty].ravel(), output[empty].ravel()]),
        ),
        rows_sum_to_one(weights[~empty], "combined weights (rows that see a key)"),
        Check(
            f"the unguarded softmax gives NaN on exactly the {int(empty.sum())} fully masked rows",
            bool(np.array_equal(np.isnan(naive).all(axis=1), empty)),
        ),
    )
    return steps, checks


def _rows(empty: np.ndarray) -> str:
    rows = np.flatnonzero(empty)
    return f"0..{rows[-1]}" if len(rows) > 1 else "0"


def padding_mask(n: int, pad: int) -> np.ndarray:
    """(n, n) mask, True where the key is a real token: every query ignores the last `pad` keys."""
    real_keys = np.arange(n) < n - pad
    return np.broadcast_to(real_keys, (n, n)).copy()
