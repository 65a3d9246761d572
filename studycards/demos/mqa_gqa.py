"""Multi-query (MQA) and grouped-query attention (GQA): fewer key/value heads, smaller KV cache.

Multi-head attention gives every query head its own key and value head. During decoding the
keys and values of all past tokens are cached, and that cache, not the arithmetic, limits batch
size and context length. GQA keeps all query heads but only `groups` key/value heads; query
head i uses key/value head i // (heads / groups). MQA is the extreme of one shared head.

    Q = X W_q -> (heads, n, d_head)        K, V = X W_k, X W_v -> (groups, n, d_head)
    repeat each K/V head heads/groups times -> (heads, n, d_head), then attend as usual

    KV cache bytes = 2 (K and V) x layers x tokens x kv_heads x d_head x bytes per number

GQA with groups = heads is exactly MHA; with groups = 1 it is exactly MQA. The table gives the
cache for this demo's sizes (one layer, float64) and for a 7B-class model (32 layers, 32 query
heads of width 128, 4096 tokens, 2-byte floats). The two equality checks draw fresh weights
of their own; --json gives them with each check.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    close,
    heatmap,
    merge_heads,
    rows_sum_to_one,
    softmax,
    split_heads,
    weight,
)
from studycards.demos.multi_head import multi_head_attention
from studycards.demos.result import Check, Outcome, Step, Table

REFERENCE = {"layers": 32, "heads": 32, "d_head": 128, "tokens": 4096, "bytes": 2}
MIB = 2**20
WEIGHT_NAMES = ("W_q", "W_k", "W_v", "W_o")


def run(rng: np.random.Generator, seq_len: int, d_model: int, heads: int, groups: int) -> Outcome:
    d_head = d_model // heads
    x = rng.standard_normal((seq_len, d_model))
    w_q, w_o = weight(rng, d_model, d_model), weight(rng, d_model, d_model)
    w_k, w_v = (weight(rng, d_model, groups * d_head) for _ in range(2))
    output, weights, trace = grouped_query_attention(x, (w_q, w_k, w_v, w_o), heads, groups)
    sharing = f"d_head = {d_head}; {heads // groups} query heads share each K/V head"
    steps = (
        Step("Input", "one sequence, one row per token", {"X": x}, sharing),
        Step(
            "Parameters",
            "W_k, W_v narrower than W_q",
            {"W_q": w_q, "W_k": w_k, "W_v": w_v, "W_o": w_o},
        ),
        Step("Split", "queries into heads, keys and values into groups", trace),
        Step("Weights", "one softmax per query head", {"weights": weights}),
        Step("Output", "concatenate the query heads and project", {"output": output}),
    )
    checks = (rows_sum_to_one(weights), _check_mha(rng, x, heads), _check_mqa(rng, x, heads))
    heat = heatmap("query head 0 weights", weights[0], "x", "x")
    return Outcome(steps, checks, heat, _table(seq_len, heads, groups, d_head))


def grouped_query_attention(
    x: np.ndarray, projections: tuple[np.ndarray, ...], heads: int, groups: int
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """GQA: query head i shares key/value head i // (heads // groups). Output, weights, arrays."""
    w_q, w_k, w_v, w_o = projections
    q = split_heads(x @ w_q, heads)
    k, v = split_heads(x @ w_k, groups), split_heads(x @ w_v, groups)
    shared_k, shared_v = (np.repeat(t, heads // groups, axis=0) for t in (k, v))
    head_outputs, weights = attend(q, shared_k, shared_v)
    trace = {"Q_h": q, "K_groups": k, "V_groups": v, "K_shared": shared_k, "V_shared": shared_v}
    return merge_heads(head_outputs) @ w_o, weights, trace


def multi_query_attention(
    x: np.ndarray, projections: tuple[np.ndarray, ...], heads: int
) -> np.ndarray:
    """MQA written on its own: one key and one value head, broadcast across all query heads."""
    w_q, w_k, w_v, w_o = projections
    q = split_heads(x @ w_q, heads)
    k, v = x @ w_k, x @ w_v
    weights = softmax(q @ k.T / np.sqrt(k.shape[1]))
    return merge_heads(weights @ v) @ w_o


def _check_mha(rng: np.random.Generator, x: np.ndarray, heads: int) -> Check:
    d_model = x.shape[1]
    projections = tuple(weight(rng, d_model, d_model) for _ in range(4))
    gqa, _, _ = grouped_query_attention(x, projections, heads, groups=heads)
    mha, _ = multi_head_attention(x, projections, heads)
    inputs = dict(zip(WEIGHT_NAMES, projections, strict=True))
    return close("GQA with groups = heads equals multi-head attention", gqa, mha, inputs)


def _check_mqa(rng: np.random.Generator, x: np.ndarray, heads: int) -> Check:
    d_model = x.shape[1]
    d_head = d_model // heads
    w_q, w_k, w_v, w_o = (
        weight(rng, d_model, width) for width in (d_model, d_head, d_head, d_model)
    )
    projections = (w_q, w_k, w_v, w_o)
    gqa, _, _ = grouped_query_attention(x, projections, heads, groups=1)
    mqa = multi_query_attention(x, projections, heads)
    inputs = dict(zip(WEIGHT_NAMES, projections, strict=True))
    return close("GQA with groups = 1 equals multi-query attention", gqa, mqa, inputs)


def kv_cache_bytes(
    layers: int, tokens: int, kv_heads: int, d_head: int, bytes_per_number: int
) -> int:
    return 2 * layers * tokens * kv_heads * d_head * bytes_per_number


def _table(seq_len: int, heads: int, groups: int, d_head: int) -> Table:
    ref = REFERENCE
    variants = (("MHA", heads, ref["heads"]), ("GQA", groups, 8), ("MQA", 1, 1))
    rows = tuple(
        (
            name,
            kv_heads,
            kv_cache_bytes(1, seq_len, kv_heads, d_head, 8),
            ref_heads,
            round(
                kv_cache_bytes(ref["layers"], ref["tokens"], ref_heads, ref["d_head"], ref["bytes"])
                / MIB
            ),
        )
        for name, kv_heads, ref_heads in variants
    )
    columns = (
        "variant",
        "K/V heads",
        "cache bytes (this demo)",
        "K/V heads (7B)",
        "cache MiB (7B)",
    )
    title = "KV cache per sequence: this demo (1 layer, float64) and a 7B model (fp16)"
    return Table(title, columns, rows)
