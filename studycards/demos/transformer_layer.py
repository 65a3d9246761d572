"""A full pre-LN Transformer block: attention and MLP with residuals, its parameters and FLOPs.

Pre-LN (GPT-2 onwards, Llama with RMSNorm) normalises the input of each sublayer and adds the
sublayer's output back to an untouched residual stream:

    h = x + MHA(LN1(x))                         causal multi-head attention, biases included
    y = h + W2 GELU(W1 LN2(h) + b1) + b2        MLP of width 4d (GELU, tanh form)
    LN(x) = gamma (x - mean) / sqrt(var + 1e-5) + beta, per token

Parameters: attention 4 d^2 + 4d (W_q, W_k, W_v, W_o and biases), MLP 8 d^2 + 5d, the two
norms 4d: 12 d^2 + 13 d in all, so about 12 d^2 per layer (a 4096-wide layer: 201 million).

FLOPs per token (2 per multiply-add): 2 x 12 d^2 = 24 d^2 for the matrix products with the
weights, plus 4 n d for attention over a context of n tokens (scores and weighted sum).

Arithmetic intensity (FLOPs per byte moved) decides whether a GPU is limited by compute or by
memory bandwidth. Prefill pushes n prompt tokens through the layer's weights at once: about
n FLOPs per byte of weights, compute-bound. Decode runs one token per sequence: each step still
reads every weight (2 bytes each in fp16) and the whole KV cache for 24 d^2 + 4 n d FLOPs,
about 1 FLOP per byte, memory-bound; batching B sequences divides the weight reads by B. The
table sets both against the ridge point of an A100 (312 TFLOP/s fp16 dense / 2.0 TB/s, the
vendor's figures, so 156 FLOPs per byte).
"""

from __future__ import annotations

import math

import numpy as np

from studycards.demos._maths import (
    causal_mask,
    close,
    exactly_zero,
    heatmap,
    merge_heads,
    softmax,
    split_heads,
    weight,
)
from studycards.demos.result import Check, Outcome, Step, Table

EPS = 1e-5
REFERENCE = {"d": 4096, "n": 2048, "batch": 64, "bytes": 2}
RIDGE = 312e12 / 2.0e12
MATRICES = ("W_q", "W_k", "W_v", "W_o")


def run(rng: np.random.Generator, seq_len: int, d_model: int, heads: int) -> Outcome:
    x = rng.standard_normal((seq_len, d_model))
    w = parameters(rng, d_model)
    y, trace = block(x, w, heads)
    last, shapes = decode_last(x, w, heads)
    silent = {
        **w,
        "W_o": np.zeros_like(w["W_o"]),
        "b_o": np.zeros(d_model),
        "W2": np.zeros_like(w["W2"]),
        "b2": np.zeros(d_model),
    }
    identity, _ = block(x, silent, heads)
    count = sum(value.size for value in w.values())
    normed = trace["LN1"]
    steps = (
        Step("Input", "the residual stream", {"X": x}),
        Step("Parameters", f"{count} numbers: 12 d^2 + 13 d", w),
        Step("LN1", "normalise each token, then gamma and beta", {"LN1": normed}),
        Step(
            "Attention",
            "causal multi-head attention on LN1(x)",
            {"weights": trace["weights"], "attention": trace["attention"]},
        ),
        Step("Residual 1", "h = x + attention", {"h": trace["h"]}),
        Step(
            "MLP", "W2 GELU(W1 LN2(h) + b1) + b2", {"hidden": trace["hidden"], "mlp": trace["mlp"]}
        ),
        Step(
            "Output",
            "y = h + MLP",
            {"Y": y},
            f"decode FLOPs for the last token: {_count(shapes):,}",
        ),
    )
    checks = (
        Check(
            f"the block has 12 d^2 + 13 d = {12 * d_model**2 + 13 * d_model} parameters",
            count == 12 * d_model**2 + 13 * d_model,
        ),
        _layer_norm_check(x),
        exactly_zero("with W_o, b_o, W2, b2 zero the block is the identity: y - x", identity - x),
        close("decoding the last token with a KV cache equals the full pass", last, y[-1]),
        Check(
            f"the decode step's matrix products cost 24 d^2 + 4 n d = {24 * d_model**2 + 4 * seq_len * d_model} FLOPs",
            _count(shapes) == 24 * d_model**2 + 4 * seq_len * d_model,
        ),
    )
    heat = heatmap("head 0 attention weights (rows: queries)", trace["weights"][0], "q", "k")
    return Outcome(steps, checks, heat, _table())


def _layer_norm_check(x: np.ndarray) -> Check:
    """Before gamma and beta each token has mean 0 and variance var / (var + eps)."""
    standard = layer_norm(x, np.ones(x.shape[1]), np.zeros(x.shape[1]))
    variance = x.var(axis=1)
    actual = np.concatenate([standard.mean(axis=1), standard.var(axis=1)])
    expected = np.concatenate([np.zeros(len(x)), variance / (variance + EPS)])
    return close(
        "LN gives each token mean 0 and variance var / (var + eps) before gamma, beta",
        actual,
        expected,
    )


def parameters(rng: np.random.Generator, d: int) -> dict[str, np.ndarray]:
    w = {name: weight(rng, d, d) for name in MATRICES}
    w |= {f"b_{name[-1]}": 0.1 * rng.standard_normal(d) for name in MATRICES}
    w |= {"W1": weight(rng, d, 4 * d), "b1": 0.1 * rng.standard_normal(4 * d)}
    w |= {"W2": weight(rng, 4 * d, d), "b2": 0.1 * rng.standard_normal(d)}
    for norm in ("ln1", "ln2"):
        w |= {
            f"{norm}_gamma": 1 + 0.1 * rng.standard_normal(d),
            f"{norm}_beta": 0.1 * rng.standard_normal(d),
        }
    return w


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + EPS) + beta


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def block(
    x: np.ndarray, w: dict[str, np.ndarray], heads: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The whole pre-LN block over every position; returns y and the intermediate arrays."""
    normed = layer_norm(x, w["ln1_gamma"], w["ln1_beta"])
    q, k, v = (split_heads(normed @ w[f"W_{n}"] + w[f"b_{n}"], heads) for n in "qkv")
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[2])
    weights = softmax(np.where(causal_mask(len(x)), scores, -np.inf))
    attention = merge_heads(weights @ v) @ w["W_o"] + w["b_o"]
    h = x + attention
    hidden = gelu(layer_norm(h, w["ln2_gamma"], w["ln2_beta"]) @ w["W1"] + w["b1"])
    mlp = hidden @ w["W2"] + w["b2"]
    trace = {
        "LN1": normed,
        "weights": weights,
        "attention": attention,
        "h": h,
        "hidden": hidden,
        "mlp": mlp,
    }
    return h + mlp, trace


def decode_last(
    x: np.ndarray, w: dict[str, np.ndarray], heads: int
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The last token's output from cached keys and values of the earlier ones, recording the
    (m, k, n) shape of every matrix product of the step itself."""
    shapes: list[tuple[int, int, int]] = []

    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        shapes.append((int(np.prod(a.shape[:-1])), a.shape[-1], b.shape[-1]))
        return a @ b

    normed_all = layer_norm(x, w["ln1_gamma"], w["ln1_beta"])
    cache_k = split_heads(normed_all[:-1] @ w["W_k"] + w["b_k"], heads)
    cache_v = split_heads(normed_all[:-1] @ w["W_v"] + w["b_v"], heads)
    token = normed_all[-1:]
    q, k_new, v_new = (split_heads(matmul(token, w[f"W_{n}"]) + w[f"b_{n}"], heads) for n in "qkv")
    keys, values = (
        np.concatenate([cache_k, k_new], axis=1),
        np.concatenate([cache_v, v_new], axis=1),
    )
    d_head = q.shape[2]
    scores = np.stack([matmul(q[h], keys[h].T) for h in range(heads)]) / np.sqrt(d_head)
    mixed = np.stack([matmul(softmax(scores[h]), values[h]) for h in range(heads)])
    h_last = x[-1:] + matmul(merge_heads(mixed), w["W_o"]) + w["b_o"]
    hidden = gelu(matmul(layer_norm(h_last, w["ln2_gamma"], w["ln2_beta"]), w["W1"]) + w["b1"])
    return (h_last + matmul(hidden, w["W2"]) + w["b2"])[0], shapes


def _count(shapes: list[tuple[int, int, int]]) -> int:
    return sum(2 * m * k * n for m, k, n in shapes)


def _table() -> Table:
    d, n, batch, size = REFERENCE["d"], REFERENCE["n"], REFERENCE["batch"], REFERENCE["bytes"]
    weights = 12 * d * d * size
    cases = (
        (f"prefill {n} tokens", n * 24 * d * d + 2 * n * n * d, weights + 2 * n * d * size),
        (f"decode 1 token, context {n}", 24 * d * d + 4 * n * d, weights + 2 * n * d * size),
        (
            f"decode batch {batch}, context {n}",
            batch * (24 * d * d + 4 * n * d),
            weights + batch * 2 * n * d * size,
        ),
    )
    rows = tuple(
        (
            name,
            f"{flops:.3g}",
            f"{moved:.3g}",
            f"{flops / moved:.1f}",
            "compute" if flops / moved > RIDGE else "memory",
        )
        for name, flops, moved in cases
    )
    columns = (
        "one layer, d = 4096, fp16",
        "FLOPs",
        "bytes (weights + KV)",
        "FLOPs/byte",
        f"bound (ridge {RIDGE:.0f})",
    )
    return Table("prefill against decode: arithmetic intensity", columns, rows)
