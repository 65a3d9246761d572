"""Luong's general (bilinear) score: e = s^T W h, a learned matrix between the two states.

The matrix W lets the decoder compare its state with encoder states in a learned way, and lets
the two have different widths (W is d_s x d_h). With W = I it is exactly the dot score.

    e_ij = s_i^T W h_j               in matrix form: E = S W H^T
    a_ij = softmax_j(e_ij)
    c_i  = sum_j a_ij h_j

Note S W H^T = (S W) H^T: the general score is a dot score between the projected decoder
states S W and the encoder states, which is how a query projection works in a Transformer.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import close, heatmap, rows_sum_to_one, softmax, weight
from studycards.demos.result import Outcome, Step


def run(rng: np.random.Generator, seq_len: int, tgt_len: int, d_model: int) -> Outcome:
    s = rng.standard_normal((tgt_len, d_model))
    h = rng.standard_normal((seq_len, d_model))
    w = weight(rng, d_model, d_model)
    scores = s @ w @ h.T
    weights = softmax(scores)
    context = weights @ h
    steps = (
        Step("Inputs", "decoder states s and encoder states h", {"s": s, "h": h}),
        Step("Parameter", "the learned bilinear matrix", {"W": w}),
        Step("Scores", "E = S W H^T", {"scores": scores}),
        Step("Weights", "softmax over encoder positions", {"weights": weights}),
        Step("Context", "C = A H", {"context": context}),
    )
    identity = np.eye(d_model)
    checks = (
        rows_sum_to_one(weights),
        close("with W = I the general score equals the dot score", s @ identity @ h.T, s @ h.T),
        close("S W H^T equals the dot score of S W with H", scores, (s @ w) @ h.T),
    )
    return Outcome(steps, checks, heatmap("alignment (rows: decoder steps)", weights, "s", "h"))
