"""Rotary position embedding (RoPE): rotate q and k by their positions; q . k sees only m - n.

RoPE splits a d-dimensional vector into d/2 pairs and rotates pair i by the angle p t_i, where
p is the token's position and t_i = 10000^(-2i/d):

    (x_2i, x_2i+1) at position p  ->  (x_2i cos(p t_i) - x_2i+1 sin(p t_i),
                                       x_2i sin(p t_i) + x_2i+1 cos(p t_i))

Rotations compose by adding angles and a rotation transposed is the opposite rotation, so

    R(m) q . R(n) k = q . R(m)^T R(n) k = q . R(n - m) k

The attention score depends on the content of q and k and on their relative position m - n,
never on m or n alone. Nothing is added to the token vectors (unlike sinusoidal encodings) and
vector lengths are unchanged. The heatmap puts the same q at every query position and the same k
at every key position: each diagonal is constant.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import close, heatmap
from studycards.demos.result import Outcome, Step

RELATIVE = "R(m) q . R(n) k equals q . R(n - m) k: only m - n matters"


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    q, k = rng.standard_normal(d_model), rng.standard_normal(d_model)
    positions = range(seq_len)
    rotated = {
        "rotated_q": np.array([rotate(q, p) for p in positions]),
        "rotated_k": np.array([rotate(k, p) for p in positions]),
    }
    scores = rotated["rotated_q"] @ rotated["rotated_k"].T
    steps = (
        Step("Vectors", "one query and one key (their content)", {"q": q, "k": k}),
        Step("Angles", "t_i = 10000^(-2i/d), one per pair", {"theta": rope_frequencies(d_model)}),
        Step("Rotated", "row p: the vector rotated as if at position p", rotated),
        Step("Scores", "R(m) q . R(n) k for every pair of positions", {"scores": scores}),
    )
    lengths = np.linalg.norm(rotated["rotated_q"], axis=1)
    checks = (
        close(RELATIVE, scores, _scores_by_offset(q, k, positions)),
        close(
            "rotation keeps lengths: |R(p) q| = |q|", lengths, np.full(seq_len, np.linalg.norm(q))
        ),
    )
    title = "scores (rows: query position m, cols: key position n)"
    return Outcome(steps, checks, heatmap(title, scores, "m", "n"))


def rope_frequencies(d_model: int) -> np.ndarray:
    return 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)


def rotate(x: np.ndarray, position: float) -> np.ndarray:
    """Rotate each pair (x_2i, x_2i+1) by position * t_i."""
    angles = position * rope_frequencies(len(x))
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[0::2], x[1::2]
    rotated = np.empty_like(x)
    rotated[0::2] = even * cos - odd * sin
    rotated[1::2] = even * sin + odd * cos
    return rotated


def _scores_by_offset(q: np.ndarray, k: np.ndarray, positions: range) -> np.ndarray:
    """The same scores computed from the offset alone: q . R(n - m) k."""
    return np.array([[q @ rotate(k, n - m) for n in positions] for m in positions])
