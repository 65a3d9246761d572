"""KV cache: decoding one token at a time with cached keys and values equals full recomputation.

A decoder generates token t from tokens 0..t. Under a causal mask, the keys and values of past
tokens never change once computed, so they can be kept (the KV cache) and each new step only
projects the newest token and attends with one query row:

    step t:  q_t, k_t, v_t = x_t W_q, x_t W_k, x_t W_v
             K = [K; k_t],  V = [V; v_t]                (append to the cache)
             out_t = softmax(q_t K^T / sqrt(d)) V

Without a cache every step recomputes the projections and the causal attention of the whole
prefix. FLOPs (a multiply-add counts 2) for n tokens of width d:

    recompute:  6 d^2 sum_t t  +  4 d sum_t t^2     ~ 3 d^2 n^2 + (4/3) d n^3
    cached:     6 d^2 n        +  4 d sum_t t       ~ 6 d^2 n   + 2 d n^2

The price is memory: the cache holds 2 n d numbers per layer (keys and values).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attend, causal_mask, close, heatmap, rows_sum_to_one, weight
from studycards.demos.result import Outcome, Step, Table

LARGE = (2048, 4096)
BYTES = 8
WEIGHTS = ("W_q", "W_k", "W_v")


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    x = rng.standard_normal((seq_len, d_model))
    projections = tuple(weight(rng, d_model, d_model) for _ in range(3))
    full_output, full_weights = full_causal_attention(x, projections)
    cached_output, cache_k, cache_v = decode_with_cache(x, projections)
    cache_note = f"{cache_k.size + cache_v.size} numbers, {BYTES} bytes each"
    steps = (
        Step("Input", "the tokens, decoded left to right", {"X": x}),
        Step("Parameters", "one head's projections", dict(zip(WEIGHTS, projections, strict=True))),
        Step("Full weights", "all positions at once, causal mask", {"full_weights": full_weights}),
        Step("Full output", "what recomputing everything gives", {"full_output": full_output}),
        Step(
            "Cache", "keys and values of every token so far", _cache(cache_k, cache_v), cache_note
        ),
        Step("Cached output", "one query row per step", {"cached_output": cached_output}),
    )
    checks = (
        rows_sum_to_one(full_weights, "causal weights"),
        close("cached decoding equals full recomputation", cached_output, full_output),
    )
    title = "causal weights (rows: decoding steps)"
    return Outcome(steps, checks, heatmap(title, full_weights, "t", "t"), _table(seq_len, d_model))


def _cache(cache_k: np.ndarray, cache_v: np.ndarray) -> dict[str, np.ndarray]:
    return {"K_cache": cache_k, "V_cache": cache_v}


def full_causal_attention(
    x: np.ndarray, projections: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray]:
    w_q, w_k, w_v = projections
    return attend(x @ w_q, x @ w_k, x @ w_v, causal_mask(len(x)))


def decode_with_cache(
    x: np.ndarray, projections: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode token by token; each step projects only the new token. Output, K cache, V cache."""
    w_q, w_k, w_v = projections
    d = w_k.shape[1]
    cache_k, cache_v = np.empty((0, d)), np.empty((0, d))
    outputs = []
    for x_t in x:
        cache_k = np.vstack([cache_k, x_t @ w_k])
        cache_v = np.vstack([cache_v, x_t @ w_v])
        out_t, _ = attend((x_t @ w_q)[None, :], cache_k, cache_v)
        outputs.append(out_t[0])
    return np.array(outputs), cache_k, cache_v


def flops(n: int, d: int) -> dict[str, int]:
    """Total FLOPs to decode n tokens of width d, with and without a cache."""
    steps = range(1, n + 1)
    return {
        "recompute": sum(6 * d * d * t + 4 * d * t * t for t in steps),
        "cached": sum(6 * d * d + 4 * d * t for t in steps),
    }


def _table(seq_len: int, d_model: int) -> Table:
    rows = []
    for n, d in ((seq_len, d_model), LARGE):
        counts = flops(n, d)
        rows.append((n, d, "recompute", counts["recompute"], f"{n * n} scores at the last step"))
        rows.append((n, d, "KV cache", counts["cached"], f"{2 * n * d} cached numbers per layer"))
    return Table(
        "decoding cost (FLOPs, one layer, one head)",
        ("n", "d", "method", "FLOPs", "memory"),
        tuple(rows),
    )
