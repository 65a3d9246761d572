"""Building blocks the demos share: a stable softmax, attention, masks, weights and checks."""

from __future__ import annotations

import numpy as np

from studycards.demos.result import Check, Heatmap

TOLERANCE = 1e-10


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; subtracting the row max keeps exp from overflowing.

    A score of -inf (a masked position) becomes a weight of exactly 0. A row that is all -inf
    (every key masked) has no weights to share out: it becomes all zeros, not 0/0 = NaN, as in
    PyTorch's scaled_dot_product_attention.
    """
    row_max = scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0.0))
    total = weights.sum(axis=-1, keepdims=True)
    return np.where(total > 0, weights / np.where(total > 0, total, 1.0), 0.0)


def naive_softmax(scores: np.ndarray) -> np.ndarray:
    """The textbook max-subtracted softmax with no guard: a fully masked row gives NaN."""
    with np.errstate(invalid="ignore"):
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return weights / weights.sum(axis=-1, keepdims=True)


def attention_scores(q: np.ndarray, k: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Q K^T times ``scale`` (1/sqrt(d) unless given), over the last two axes."""
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    return (q @ np.swapaxes(k, -1, -2)) * scale


def attend(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Scaled dot-product attention; ``mask`` is True where a query may look. Output, weights."""
    scores = attention_scores(q, k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores)
    return weights @ v, weights


def causal_mask(n: int) -> np.ndarray:
    """True on and below the diagonal: position i sees positions 0..i."""
    return np.tril(np.ones((n, n), dtype=bool))


def weight(rng: np.random.Generator, d_in: int, d_out: int) -> np.ndarray:
    """A random projection, scaled by 1/sqrt(d_in) so outputs keep unit variance."""
    return rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)


def orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    """A random d x d orthogonal matrix (a rotation, possibly with a reflection)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def split_heads(x: np.ndarray, heads: int) -> np.ndarray:
    """(n, heads * d_head) -> (heads, n, d_head)."""
    n, width = x.shape
    return x.reshape(n, heads, width // heads).transpose(1, 0, 2)


def merge_heads(x: np.ndarray) -> np.ndarray:
    """(heads, n, d_head) -> (n, heads * d_head): the heads side by side."""
    heads, n, d_head = x.shape
    return x.transpose(1, 0, 2).reshape(n, heads * d_head)


def max_abs_error(actual: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(actual - expected))) if actual.size else 0.0


def close(
    description: str,
    actual: np.ndarray,
    expected: np.ndarray,
    inputs: dict[str, np.ndarray] | None = None,
    tolerance: float | None = None,
) -> Check:
    """A check that two arrays agree (to 1e-10 unless told), showing the max absolute error;
    ``inputs`` are the arrays it used that no step shows."""
    error = max_abs_error(actual, expected)
    limit = TOLERANCE if tolerance is None else tolerance
    return Check(description, error <= limit, error, inputs or {})


def rows_sum_to_one(weights: np.ndarray, what: str = "attention weights") -> Check:
    sums = weights.sum(axis=-1)
    return close(f"each row of the {what} sums to 1", sums, np.ones_like(sums))


def exactly_zero(description: str, values: np.ndarray) -> Check:
    """A check that ``values`` are all exactly 0.0 (not merely tiny)."""
    largest = float(np.max(np.abs(values))) if values.size else 0.0
    return Check(description, largest == 0.0, largest)


def labels(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(n))


def heatmap(title: str, weights: np.ndarray, rows: str, cols: str) -> Heatmap:
    """A heatmap whose rows are labelled ``rows0, rows1...`` and columns ``cols0...``."""
    n_rows, n_cols = weights.shape
    return Heatmap(title, weights, labels(rows, n_rows), labels(cols, n_cols))
