"""Sliding-window (local) attention: each token sees only the last `window` tokens.

A causal sliding-window mask keeps key j for query i only when it is at most window - 1
positions back:

    mask[i, j] = (j <= i) and (i - j < window)

Each row then has at most `window` non-zero weights, so the score matrix has about n * window
entries instead of n (n + 1) / 2, and the KV cache needs only the last `window` tokens. Stacking
L such layers still lets information travel L * (window - 1) positions (as in Longformer and
Mistral). With window >= n the mask is the ordinary causal mask (real implementations accept
any window, so this demo does too).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    causal_mask,
    close,
    exactly_zero,
    heatmap,
    rows_sum_to_one,
)
from studycards.demos.result import Outcome, Step, Table

LONG = ((4096, 512), (32768, 4096))


def run(rng: np.random.Generator, seq_len: int, d_model: int, window: int) -> Outcome:
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    mask = window_mask(seq_len, window)
    output, weights = attend(q, k, v, mask)
    full_window, _ = attend(q, k, v, window_mask(seq_len, seq_len))
    causal, _ = attend(q, k, v, causal_mask(seq_len))
    steps = (
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Window mask", f"query i sees keys max(0, i-{window - 1})..i", {"window_mask": mask}),
        Step("Weights", "softmax with everything outside the band at -inf", {"weights": weights}),
        Step("Output", "each row mixes at most `window` values", {"output": output}),
    )
    checks = (
        rows_sum_to_one(weights),
        exactly_zero("weights outside the window are exactly 0", weights[~mask]),
        close("with window >= n the mask is plain causal attention", full_window, causal),
    )
    return Outcome(
        steps,
        checks,
        heatmap("sliding-window weights (rows: queries)", weights, "q", "k"),
        _table(seq_len, window),
    )


def window_mask(n: int, window: int) -> np.ndarray:
    """True where key j is within the last `window` positions up to and including query i."""
    offset = np.arange(n)[:, None] - np.arange(n)[None, :]
    return (offset >= 0) & (offset < window)


def window_entries(n: int, window: int) -> int:
    """How many (query, key) pairs the window keeps: sum over i of min(i + 1, window)."""
    full_rows = max(n - window, 0)
    return full_rows * window + min(n, window) * (min(n, window) + 1) // 2


def _table(seq_len: int, window: int) -> Table:
    rows = tuple(
        (
            n,
            w,
            n * (n + 1) // 2,
            window_entries(n, w),
            f"{1 - window_entries(n, w) / (n * (n + 1) / 2):.1%}",
        )
        for n, w in ((seq_len, window), *LONG)
    )
    columns = ("n", "window", "causal scores", "window scores", "saved")
    return Table("score entries per head and layer", columns, rows)
