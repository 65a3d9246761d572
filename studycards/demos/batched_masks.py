"""A padded batch: (B, H, T, d) attention with padding and causal masks combined.

Sequences in a batch have different lengths, so the short ones are padded to the longest, T.
Here sequence b has max(1, T - b) real tokens; even sequences are padded on the right (the
usual layout for training), odd ones on the left (the usual layout for batched generation, so
every sequence's newest token sits in the last column).

    key_valid[b, j]   = token j of sequence b is real                   (B, T)
    padding[b, i, j]  = key_valid[b, j]                                 (B, 1, 1, T) broadcast
    causal[i, j]      = j <= i                                          (1, 1, T, T) broadcast
    mask              = causal & padding                                (B, 1, T, T) -> every head
    scores            = where(mask, Q K^T / sqrt(d), -inf)              (B, H, T, T)

With left padding, a query at a pad position sees only pad keys: its row is fully masked. The
textbook softmax gives exp(-inf + inf) / 0 = NaN there, and one NaN spreads through the next
layer's matrix products to the whole batch. The guarded softmax gives that row zero weights and
a zero output (as PyTorch's scaled_dot_product_attention does); its output is never used.

Why not a large finite number instead of -inf? With -1e9 a fully masked row does not become
NaN, it silently attends to padding: -1e9 shifts every score of the row alike, and softmax
ignores a shift, so in float64 the row gets exactly its unmasked weights. With float16's
minimum (-65504) the scores are lost in rounding and the row becomes uniform over padding. And
in float16, whose largest magnitude is 65504, -1e9 is stored as -inf anyway, so code that relied
on "-1e9 is finite" gets NaN back the moment it runs in half precision. The table shows each
case on one row of four scores.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    causal_mask,
    close,
    exactly_zero,
    heatmap,
    max_abs_error,
    naive_softmax,
    softmax,
)
from studycards.demos.result import Check, Outcome, Step, Table


def run(rng: np.random.Generator, batch: int, heads: int, seq_len: int, d_model: int) -> Outcome:
    q, k, v = (rng.standard_normal((batch, heads, seq_len, d_model)) for _ in range(3))
    lengths = np.array([max(1, seq_len - b) for b in range(batch)])
    valid = key_valid(lengths, seq_len)
    mask = causal_mask(seq_len)[None, None] & valid[:, None, None, :]
    output, weights = attend(q, k, v, mask)
    empty = ~mask.any(axis=-1)
    example = 1 if batch > 1 else 0
    steps = (
        Step("Lengths", "real tokens per sequence", {"lengths": lengths}, _layout(batch)),
        Step("Key mask", "1 where token j of sequence b is real", {"key_valid": valid}),
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}, "(B, H, T, d)"),
        Step(
            "Combined mask",
            "causal and padding, one slice per sequence",
            {"mask": mask[:, 0]},
            _empty_note(empty[:, 0]),
        ),
        Step("Weights", "softmax of the masked scores", {"weights": weights}),
        Step("Output", "weights times V", {"output": output}),
    )
    checks = (
        Check(
            "no weight or output is NaN", not (np.isnan(weights).any() or np.isnan(output).any())
        ),
        exactly_zero(
            "every masked weight is exactly 0", weights[~np.broadcast_to(mask, weights.shape)]
        ),
        exactly_zero(
            "fully masked rows have output exactly 0",
            output[np.broadcast_to(empty, output.shape[:-1])],
        ),
        _alone_check(q, k, v, lengths, output),
        *_fp16_checks(),
    )
    title = f"sequence {example}, head 0 weights (rows: queries)"
    return Outcome(steps, checks, heatmap(title, weights[example, 0], "q", "k"), _table())


def key_valid(lengths: np.ndarray, seq_len: int) -> np.ndarray:
    """(B, T): even sequences hold their tokens first (right padding), odd ones last (left)."""
    positions = np.arange(seq_len)[None, :]
    right = positions < lengths[:, None]
    left = positions >= seq_len - lengths[:, None]
    return np.where((np.arange(len(lengths)) % 2 == 0)[:, None], right, left)


def _layout(batch: int) -> str:
    sides = ", ".join(f"{b}: {'right' if b % 2 == 0 else 'left'}" for b in range(min(batch, 4)))
    return f"padding side per sequence: {sides}{', ...' if batch > 4 else ''}"


def _empty_note(empty: np.ndarray) -> str:
    count = int(empty.sum())
    return f"{count} fully masked query rows in the batch (per head)"


def _alone_check(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, lengths: np.ndarray, output: np.ndarray
) -> Check:
    """The real rows of each padded sequence equal causal attention on that sequence alone."""
    valid = key_valid(lengths, q.shape[2])
    errors = []
    for b, real in enumerate(valid):
        alone, _ = attend(q[b][:, real], k[b][:, real], v[b][:, real], causal_mask(int(real.sum())))
        errors.append(max_abs_error(output[b][:, real], alone))
    error = max(errors)
    description = "each sequence's real rows equal causal attention on it alone, unpadded"
    return Check(description, error <= 1e-10, error)


FILL_VALUES = (
    ("-inf", np.float64, -np.inf),
    ("-1e9", np.float64, -1e9),
    ("-1e9", np.float16, -1e9),
    ("finfo(float16).min", np.float16, float(np.finfo(np.float16).min)),
)
_ROW = np.array([0.5, -1.25, 2.0, 0.75])


def fully_masked_row(fill: float, dtype: type) -> tuple[float, np.ndarray]:
    """A row whose 4 keys are all masked by adding ``fill``: the stored fill, its weights."""
    with np.errstate(over="ignore"):
        stored = np.array(fill).astype(dtype)
        scores = (_ROW.astype(dtype) + stored).astype(np.float64)
    return float(stored), naive_softmax(scores)


def _fp16_checks() -> tuple[Check, ...]:
    stored, nan_row = fully_masked_row(-1e9, np.float16)
    _, unmasked = fully_masked_row(-1e9, np.float64)
    _, uniform = fully_masked_row(float(np.finfo(np.float16).min), np.float16)
    guarded = softmax(np.full(len(_ROW), -np.inf))
    return (
        Check("in float16, -1e9 is stored as -inf (largest magnitude 65504)", stored == -np.inf),
        Check(
            "so a fully masked float16 row with -1e9 gives NaN without a guard",
            bool(np.isnan(nan_row).all()),
        ),
        close(
            "with a finite -1e9 the row attends to padding as if it were not masked at all",
            unmasked,
            softmax(_ROW),
        ),
        close(
            "with float16's minimum the scores are swamped: uniform attention over padding",
            uniform,
            np.full(len(_ROW), 1 / len(_ROW)),
        ),
        exactly_zero("the guarded softmax gives a fully masked row zero weights", guarded),
    )


def _table() -> Table:
    rows = []
    for label, dtype, fill in FILL_VALUES:
        stored, weights = fully_masked_row(fill, dtype)
        shown = "nan" if np.isnan(weights).all() else " ".join(f"{w:.2f}" for w in weights)
        rows.append((label, np.dtype(dtype).name, f"{stored:.6g}", shown))
    guarded = softmax(np.full(len(_ROW), -np.inf))
    rows.append(("-inf + guard", "any", "-inf", " ".join(f"{w:.2f}" for w in guarded)))
    columns = ("mask value", "dtype", "stored as", "fully masked row's weights")
    return Table("a row of 4 keys, all masked, by mask value and dtype", columns, tuple(rows))
