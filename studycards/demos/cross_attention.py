"""Cross-attention: decoder queries attend over the encoder's keys and values.

In an encoder-decoder Transformer the queries come from the decoder (what the next output needs)
and the keys and values from the encoder (what the input holds):

    Q = Y W_q    (tgt_len, d)      Y: decoder states
    K = X W_k    (src_len, d)      X: encoder outputs
    V = X W_v    (src_len, d)
    weights = softmax(Q K^T / sqrt(d))      (tgt_len, src_len): the alignment
    output  = weights V                     (tgt_len, d)

No causal mask is needed: the whole input is known. Here each decoder state is planted as a
noisy copy of one encoder output (neighbouring words swapped, as in translating "black cat" to
"chat noir") and W_q, W_k share a rotation, so the heatmap shows a readable alignment.
Reordering the encoder positions permutes the weight columns but leaves the output unchanged.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attend, close, heatmap, orthogonal, rows_sum_to_one, weight
from studycards.demos.result import Outcome, Step

SHARPNESS = 2.0
NOISE = 0.3
ORDER_CHECK = "reordering the encoder positions leaves the output unchanged"


def run(rng: np.random.Generator, seq_len: int, tgt_len: int, d_model: int) -> Outcome:
    x = rng.standard_normal((seq_len, d_model))
    alignment = planted_alignment(tgt_len, seq_len)
    y = x[alignment] + NOISE * rng.standard_normal((tgt_len, d_model))
    rotation = orthogonal(rng, d_model)
    params = {"W_q": SHARPNESS * rotation, "W_k": rotation, "W_v": weight(rng, d_model, d_model)}
    projected = {"Q": y @ params["W_q"], "K": x @ params["W_k"], "V": x @ params["W_v"]}
    output, weights = attend(*projected.values())
    steps = (
        Step("Inputs", "decoder states Y and encoder outputs X", {"Y": y, "X": x}),
        Step("Parameters", "projections (W_q and W_k share a rotation)", params),
        Step("Projections", "queries from the decoder; keys, values from the encoder", projected),
        Step(
            "Weights",
            "row i: where decoder step i looks",
            {"weights": weights},
            _found(weights, alignment),
        ),
        Step("Output", "weights times V", {"output": output}),
    )
    order = rng.permutation(seq_len)
    shuffled, _ = cross_attention(y, x[order], tuple(params.values()))
    order_check = close(ORDER_CHECK, shuffled, output, {"permutation": order})
    checks = (rows_sum_to_one(weights), order_check)
    title = "alignment (rows: decoder steps, cols: source)"
    return Outcome(steps, checks, heatmap(title, weights, "y", "x"))


def cross_attention(
    y: np.ndarray, x: np.ndarray, projections: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray]:
    w_q, w_k, w_v = projections
    return attend(y @ w_q, x @ w_k, x @ w_v)


def planted_alignment(tgt_len: int, src_len: int) -> np.ndarray:
    """Target step i copies source i with neighbours swapped (0<->1, 2<->3...), wrapping around."""
    swapped = np.arange(tgt_len) ^ 1
    swapped = np.where(swapped < src_len, swapped, np.arange(tgt_len))
    return swapped % src_len


def _found(weights: np.ndarray, alignment: np.ndarray) -> str:
    hits = int((weights.argmax(axis=1) == alignment).sum())
    return (
        f"the largest weight finds the planted source position for {hits} of {len(alignment)} steps"
    )
