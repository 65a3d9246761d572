"""ALiBi (Attention with Linear Biases): position as a penalty growing with distance.

ALiBi adds no position embedding to the tokens. Instead each head h adds to its causal scores a
bias proportional to how far back the key is:

    scores_h[i, j] = q_i . k_j / sqrt(d)  -  m_h (i - j)       for j <= i (else masked)

The slopes m_h are a fixed geometric sequence, not learned. For H heads (H a power of two)
m_h = 2^(-8h / H), h = 1..H: with 8 heads 1/2, 1/4, ..., 1/256. Steep heads look only at the
last few tokens; shallow heads see far back. For other H the slopes of the nearest smaller power
of two n are used, then every other slope of 2n for the remaining heads.

Why it extrapolates: the bias depends only on i - j, and the formula is the same at any length,
so a model trained on `train_len` tokens meets no unseen position at inference; a longer input
only adds keys that are further away, and the linear penalty keeps their weight small. (A
learned absolute position table has no row for position train_len at all, and sinusoidal or
rotary encodings meet angles they were never trained on.) Under a causal mask, the first
train_len rows of a long input are exactly what the model computed in training. The table gives
each head's slope, its bias at distance train_len, and the share of the last query's weight that
falls on keys more than train_len positions back in this run.
"""

from __future__ import annotations

import math

import numpy as np

from studycards.demos._maths import (
    attention_scores,
    causal_mask,
    close,
    heatmap,
    rows_sum_to_one,
    softmax,
)
from studycards.demos.result import Check, Outcome, Step, Table


def run(
    rng: np.random.Generator, seq_len: int, train_len: int, heads: int, d_model: int
) -> Outcome:
    q, k, v = (rng.standard_normal((heads, seq_len, d_model)) for _ in range(3))
    m = slopes(heads)
    bias = alibi_bias(m, seq_len)
    output, weights = attend_alibi(q, k, v, m)
    short_output, _ = attend_alibi(q[:, :train_len], k[:, :train_len], v[:, :train_len], m)
    steps = (
        Step("Slopes", "one fixed slope per head", {"slopes": m}),
        Step("Inputs", "per head queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Bias", "-m_h (i - j) below the diagonal, -inf above", {"bias": bias}),
        Step("Weights", "softmax(Q K^T / sqrt(d) + bias)", {"weights": weights}),
        Step("Output", "weights times V", {"output": output}),
        Step(
            "Trained length",
            f"the same heads on the first {train_len} tokens only",
            {"short_output": short_output},
        ),
    )
    checks = (
        rows_sum_to_one(weights),
        _geometric_check(m),
        _toeplitz_check(bias),
        close(
            f"the first {train_len} rows at length {seq_len} equal the run at the trained length",
            output[:, :train_len],
            short_output,
        ),
    )
    heat = heatmap(f"head 0 weights, slope {m[0]:.3g} (rows: queries)", weights[0], "q", "k")
    return Outcome(steps, checks, heat, _table(m, weights, train_len))


def slopes(heads: int) -> np.ndarray:
    """The ALiBi slopes: 2^(-8h/n) for the nearest power of two n <= heads, then interleaved."""
    n = 2 ** int(math.floor(math.log2(heads)))
    base = [2.0 ** (-8.0 * h / n) for h in range(1, n + 1)]
    extra = [2.0 ** (-8.0 * h / (2 * n)) for h in range(1, 2 * n + 1)][0::2][: heads - n]
    return np.array(base + extra)


def alibi_bias(m: np.ndarray, n: int) -> np.ndarray:
    """(heads, n, n): -m_h (i - j) on and below the diagonal, -inf above it."""
    distance = np.arange(n)[:, None] - np.arange(n)[None, :]
    bias = -m[:, None, None] * distance[None]
    return np.where(causal_mask(n)[None], bias, -np.inf)


def attend_alibi(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    weights = softmax(attention_scores(q, k) + alibi_bias(m, q.shape[1]))
    return weights @ v, weights


def _geometric_check(m: np.ndarray) -> Check:
    n = 2 ** int(math.floor(math.log2(len(m))))
    ratios = m[1:n] / m[: n - 1]
    expected = 2.0 ** (-8.0 / n)
    error = float(np.max(np.abs(ratios - expected))) if len(ratios) else 0.0
    description = f"the first {n} slopes are 2^(-8/{n}) and each next one 2^(-8/{n}) times the last"
    passed = error <= 1e-12 and abs(m[0] - expected) <= 1e-12
    return Check(description, passed, max(error, abs(float(m[0]) - expected)))


def _toeplitz_check(bias: np.ndarray) -> Check:
    """Every diagonal of the bias is constant: it depends on i - j only."""
    n = bias.shape[1]
    spread = 0.0
    for offset in range(n):
        diagonal = np.diagonal(bias, offset=-offset, axis1=1, axis2=2)
        spread = max(spread, float(np.max(diagonal.max(axis=1) - diagonal.min(axis=1))))
    return Check("the bias depends only on the distance i - j", spread == 0.0, spread)


def _table(m: np.ndarray, weights: np.ndarray, train_len: int) -> Table:
    last = weights[:, -1, :]
    n = last.shape[1]
    far = np.arange(n) < n - 1 - train_len
    rows = tuple(
        (h, f"{slope:.4g}", f"{-slope * train_len:.3g}", f"{float(row[far].sum()):.3g}")
        for h, (slope, row) in enumerate(zip(m, last, strict=True))
    )
    columns = (
        "head",
        "slope m",
        f"bias at distance {train_len}",
        f"last query's weight > {train_len} back",
    )
    return Table("the heads' reach", columns, rows)
