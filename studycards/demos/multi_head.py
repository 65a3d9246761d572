"""Multi-head attention: split into heads, attend in each, concatenate, project.

Each head attends over its own d_head = d_model / heads slice of the projected queries, keys
and values, so different heads can look for different things at the cost of one full-width
attention. Shapes for a sequence of n tokens:

    X                                   (n, d_model)
    Q = X W_q, K = X W_k, V = X W_v     (n, d_model)
    split into heads                    (heads, n, d_head)
    weights = softmax(Q_h K_h^T / sqrt(d_head))      (heads, n, n)
    head outputs = weights V_h          (heads, n, d_head)
    concatenate                         (n, d_model)
    output = concat W_o                 (n, d_model)

The demo checks that the batched computation equals a loop over heads, and the golden test
compares it with torch.nn.MultiheadAttention loaded with the same weights.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    close,
    heatmap,
    merge_heads,
    rows_sum_to_one,
    split_heads,
    weight,
)
from studycards.demos.result import Outcome, Step


def run(rng: np.random.Generator, seq_len: int, d_model: int, heads: int) -> Outcome:
    x = rng.standard_normal((seq_len, d_model))
    params = {name: weight(rng, d_model, d_model) for name in ("W_q", "W_k", "W_v", "W_o")}
    q, k, v = (split_heads(x @ params[name], heads) for name in ("W_q", "W_k", "W_v"))
    head_outputs, weights = attend(q, k, v)
    concat = merge_heads(head_outputs)
    output = concat @ params["W_o"]
    d_head = f"d_head = {d_model} / {heads} = {d_model // heads}"
    steps = (
        Step("Input", "one sequence, one row per token", {"X": x}, d_head),
        Step("Parameters", "full-width projections", params),
        Step(
            "Split", "project; (n, d_model) -> (heads, n, d_head)", {"Q_h": q, "K_h": k, "V_h": v}
        ),
        Step("Weights", "per head: softmax(Q_h K_h^T / sqrt(d_head))", {"weights": weights}),
        Step("Attend", "per head: weights V_h", {"head_outputs": head_outputs}),
        Step("Concatenate", "(heads, n, d_head) -> (n, d_model)", {"concat": concat}),
        Step("Output", "concat W_o mixes the heads", {"output": output}),
    )
    loop = _loop_over_heads(x, tuple(params.values()), heads)
    checks = (
        rows_sum_to_one(weights),
        close("batched heads equal one head at a time", output, loop),
    )
    return Outcome(steps, checks, heatmap("head 0 weights (rows: queries)", weights[0], "x", "x"))


def multi_head_attention(
    x: np.ndarray, projections: tuple[np.ndarray, ...], heads: int
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head self-attention with (W_q, W_k, W_v, W_o); returns output and weights."""
    w_q, w_k, w_v, w_o = projections
    q, k, v = (split_heads(x @ w, heads) for w in (w_q, w_k, w_v))
    head_outputs, weights = attend(q, k, v)
    return merge_heads(head_outputs) @ w_o, weights


def _loop_over_heads(x: np.ndarray, projections: tuple[np.ndarray, ...], heads: int) -> np.ndarray:
    """The same attention, one head at a time on column slices of the projections."""
    w_q, w_k, w_v, w_o = projections
    d_head = x.shape[1] // heads
    outputs = []
    for head in range(heads):
        cols = slice(head * d_head, (head + 1) * d_head)
        out, _ = attend(x @ w_q[:, cols], x @ w_k[:, cols], x @ w_v[:, cols])
        outputs.append(out)
    return np.concatenate(outputs, axis=1) @ w_o
