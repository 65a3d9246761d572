"""Luong's dot score: the decoder state dotted with each encoder state.

The simplest score. The decoder state s_i (at the current step, in Luong's formulation) and
every encoder state h_j must have the same width; there are no parameters.

    e_ij = s_i . h_j                 in matrix form: E = S H^T
    a_ij = softmax_j(e_ij)           each row sums to 1
    c_i  = sum_j a_ij h_j            in matrix form: C = A H

Compared with scaled dot-product attention there is no 1/sqrt(d), and keys and values are both
the raw encoder states. The demo checks that the matrix form equals the sum written out position
by position.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import close, heatmap, rows_sum_to_one, softmax
from studycards.demos.result import Outcome, Step


def run(rng: np.random.Generator, seq_len: int, tgt_len: int, d_model: int) -> Outcome:
    s = rng.standard_normal((tgt_len, d_model))
    h = rng.standard_normal((seq_len, d_model))
    scores = s @ h.T
    weights = softmax(scores)
    context = weights @ h
    steps = (
        Step(
            "Inputs", "decoder states s and encoder states h, of the same width", {"s": s, "h": h}
        ),
        Step("Scores", "E = S H^T: one dot product per (step, position)", {"scores": scores}),
        Step("Weights", "softmax over encoder positions", {"weights": weights}),
        Step("Context", "C = A H: a weighted average of encoder states", {"context": context}),
    )
    checks = (
        rows_sum_to_one(weights),
        close("C = A H equals sum_j a_ij h_j written out", context, _loop_context(weights, h)),
    )
    return Outcome(steps, checks, heatmap("alignment (rows: decoder steps)", weights, "s", "h"))


def _loop_context(weights: np.ndarray, h: np.ndarray) -> np.ndarray:
    context = np.zeros((len(weights), h.shape[1]))
    for i, row in enumerate(weights):
        for a_ij, h_j in zip(row, h, strict=True):
            context[i] += a_ij * h_j
    return context
