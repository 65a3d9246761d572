"""Additive (Bahdanau) attention: a small feed-forward network scores each encoder state.

At decoder step i the previous decoder state s scores every encoder state h_j with a one-layer
network, the scores become weights with a softmax, and the context is the weighted sum of the
encoder states:

    e_ij  = v^T tanh(W_s s_i + W_h h_j)      a score per (decoder step, encoder position)
    a_ij  = softmax_j(e_ij)                  each row sums to 1
    c_i   = sum_j a_ij h_j                   the context fed to the decoder at step i

W_h h_j does not depend on the decoder step, so it is computed once for all steps. The tanh
sits between the two projections, so the score is not a dot product: s and h may have different
widths. The demo computes every score at once by broadcasting and checks it against the
formula evaluated one (i, j) pair at a time.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import close, heatmap, rows_sum_to_one, softmax, weight
from studycards.demos.result import Outcome, Step

NOTE = "broadcast: (decoder steps, 1, width) + (1, encoder positions, width)"
LOOP_CHECK = "broadcast scores equal the formula evaluated pair by pair"


def run(rng: np.random.Generator, seq_len: int, tgt_len: int, d_model: int) -> Outcome:
    s = rng.standard_normal((tgt_len, d_model))
    h = rng.standard_normal((seq_len, d_model))
    w_s, w_h = weight(rng, d_model, d_model), weight(rng, d_model, d_model)
    v = rng.standard_normal(d_model) / np.sqrt(d_model)
    projected = {"W_s s": s @ w_s, "W_h h": h @ w_h}
    features = np.tanh(projected["W_s s"][:, None, :] + projected["W_h h"][None, :, :])
    scores = features @ v
    weights = softmax(scores)
    steps = (
        Step("Inputs", "decoder states s (one per step), encoder states h", {"s": s, "h": h}),
        Step("Parameters", "the score network's weights", {"W_s": w_s, "W_h": w_h, "v": v}),
        Step("Projections", "both sides into the attention space", projected),
        Step(
            "Hidden layer", "tanh(W_s s_i + W_h h_j) for every pair", {"features": features}, NOTE
        ),
        Step("Scores", "e_ij = v . features_ij", {"scores": scores}),
        Step("Weights", "softmax over encoder positions", {"weights": weights}),
        Step("Context", "c_i = sum_j a_ij h_j", {"context": weights @ h}),
    )
    loop = _loop_scores(s, h, w_s, w_h, v)
    checks = (rows_sum_to_one(weights), close(LOOP_CHECK, scores, loop))
    return Outcome(steps, checks, heatmap("alignment (rows: decoder steps)", weights, "s", "h"))


def _loop_scores(
    s: np.ndarray, h: np.ndarray, w_s: np.ndarray, w_h: np.ndarray, v: np.ndarray
) -> np.ndarray:
    """e_ij = v^T tanh(W_s s_i + W_h h_j), one pair at a time, exactly as written."""
    scores = np.empty((len(s), len(h)))
    for i, s_i in enumerate(s):
        for j, h_j in enumerate(h):
            scores[i, j] = v @ np.tanh(s_i @ w_s + h_j @ w_h)
    return scores
