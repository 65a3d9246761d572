"""FlashAttention's core idea: tiled attention with an online softmax, no n x n score matrix.

Naive attention materialises all n x n scores. The tiled version walks over the keys one tile
at a time and keeps, for each query row, only a running max m, a running sum l of exp(score - m)
and a running weighted sum of values. When a new tile raises the max, the old sum and
accumulator are rescaled by exp(m_old - m_new), so the result is exact, not an approximation:

    for each key/value tile (K_j, V_j):
        S     = Q_i K_j^T / sqrt(d)
        m_new = max(m, rowmax(S))
        P     = exp(S - m_new)
        l     = exp(m - m_new) l + rowsum(P)
        acc   = exp(m - m_new) acc + P V_j
        m     = m_new
    output_i = acc / l

Extra memory: O(n) numbers (m and l per row) plus one tile of scores, instead of the O(n^2)
score matrix. (The real kernel also keeps tiles in fast on-chip memory; that part is hardware.)
A tile at least as large as the sequence is a single tile: plain attention with one rescale.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attend, close, heatmap
from studycards.demos.result import Check, Outcome, Step, Table

LONG = ((1024, 64), (8192, 128), (65536, 128))
TRACE_NOTE = "rows: key tiles seen so far; columns: the queries in the tile"


def run(rng: np.random.Generator, seq_len: int, d_model: int, block_size: int) -> Outcome:
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    naive_output, naive_weights = attend(q, k, v)
    tiled_output, trace = tiled_attention(q, k, v, block_size)
    naive = {"naive_weights": naive_weights, "naive_output": naive_output}
    steps = (
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Naive", "all n x n weights at once", naive),
        Step("Online softmax", "first query tile: running max m and sum l", trace, TRACE_NOTE),
        Step("Tiled output", "acc / l for every query tile", {"tiled_output": tiled_output}),
    )
    checks = (
        close("tiled attention equals naive attention", tiled_output, naive_output),
        *_running_checks(q[:block_size], k, trace),
    )
    title = "naive weights (rows: queries)"
    heat = heatmap(title, naive_weights, "q", "k")
    return Outcome(steps, checks, heat, _table(seq_len, block_size))


def _running_checks(q: np.ndarray, k: np.ndarray, trace: dict[str, np.ndarray]) -> list[Check]:
    """After the last key tile, m is the true row max and l the true softmax denominator."""
    scores = q @ k.T / np.sqrt(q.shape[1])
    row_max = scores.max(axis=1)
    denominator = np.exp(scores - row_max[:, None]).sum(axis=1)
    return [
        close(
            "final running max equals the row max of the scores", trace["running_max"][-1], row_max
        ),
        close(
            "final running sum equals the softmax denominator",
            trace["running_sum"][-1],
            denominator,
        ),
    ]


def tiled_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, block: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Attention one query tile at a time; also returns the first tile's running max and sum."""
    output = np.empty((len(q), v.shape[1]))
    traces = []
    for start in range(0, len(q), block):
        rows = slice(start, start + block)
        output[rows], trace = _query_tile(q[rows], k, v, block)
        traces.append(trace)
    return output, traces[0]


def _query_tile(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, block: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One query tile against every key tile, keeping only m, l and the accumulator."""
    row_max = np.full(len(q), -np.inf)
    row_sum = np.zeros(len(q))
    acc = np.zeros((len(q), v.shape[1]))
    maxima, sums = [], []
    for start in range(0, len(k), block):
        scores = q @ k[start : start + block].T / np.sqrt(q.shape[1])
        new_max = np.maximum(row_max, scores.max(axis=1))
        p = np.exp(scores - new_max[:, None])
        rescale = np.exp(row_max - new_max)
        row_sum = rescale * row_sum + p.sum(axis=1)
        acc = rescale[:, None] * acc + p @ v[start : start + block]
        row_max = new_max
        maxima.append(row_max)
        sums.append(row_sum)
    return acc / row_sum[:, None], {"running_max": np.array(maxima), "running_sum": np.array(sums)}


def _table(seq_len: int, block_size: int) -> Table:
    rows = []
    for n, block in ((seq_len, block_size), *LONG):
        tile = min(block, n)
        rows.append((n, block, n * n, 2 * n + tile * tile, round(n * n / (2 * n + tile * tile), 1)))
    columns = ("n", "tile", "naive extra (n^2)", "tiled extra (2n + tile^2)", "ratio")
    return Table("extra memory in numbers, beyond Q, K, V and the output", columns, tuple(rows))
