"""Self-attention: queries, keys and values are three projections of the same sequence.

Every position asks a question (its query), advertises what it holds (its key) and offers
content (its value), all computed from the same input rows X with three learned matrices:

    Q = X W_q,  K = X W_k,  V = X W_v          each (n, d)
    output = softmax(Q K^T / sqrt(d)) V        (n, d)

Nothing here knows the order of the rows: permuting the input rows permutes the output rows the
same way (permutation equivariance). That is why Transformers add position information (see the
sinusoidal-pe and rope demos). The demo checks it by reversing the sequence.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attend, close, heatmap, rows_sum_to_one, weight
from studycards.demos.result import Outcome, Step


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    x = rng.standard_normal((seq_len, d_model))
    w_q, w_k, w_v = (weight(rng, d_model, d_model) for _ in range(3))
    output, weights = self_attention(x, w_q, w_k, w_v)
    reversed_output, _ = self_attention(x[::-1], w_q, w_k, w_v)
    steps = (
        Step("Input", "one sequence, one row per token", {"X": x}),
        Step("Parameters", "three learned projections", {"W_q": w_q, "W_k": w_k, "W_v": w_v}),
        Step("Projections", "the same rows, projected three ways", _project(x, w_q, w_k, w_v)),
        Step("Weights", "softmax(Q K^T / sqrt(d)): row i attends to j", {"weights": weights}),
        Step("Output", "weights times V: each token, a mix of all", {"output": output}),
    )
    order = "reversing the input reverses the output (no notion of order)"
    checks = (rows_sum_to_one(weights), close(order, reversed_output, output[::-1]))
    title = "self-attention weights (rows: queries)"
    return Outcome(steps, checks, heatmap(title, weights, "x", "x"))


def self_attention(
    x: np.ndarray, w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Single-head self-attention of the rows of x; returns output and weights."""
    return attend(x @ w_q, x @ w_k, x @ w_v)


def _project(
    x: np.ndarray, w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray
) -> dict[str, np.ndarray]:
    return {"Q": x @ w_q, "K": x @ w_k, "V": x @ w_v}
