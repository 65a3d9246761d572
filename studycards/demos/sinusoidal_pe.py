"""Sinusoidal position encoding, and why PE(p + k) is a linear map of PE(p).

The original Transformer adds to token p a vector of sines and cosines at geometrically spaced
frequencies:

    w_i          = 1 / 10000^(2i / d)             i = 0 .. d/2 - 1
    PE[p, 2i]    = sin(p w_i)
    PE[p, 2i+1]  = cos(p w_i)

Relative-offset property: by the angle-addition formulas, each (sin, cos) pair at p + k is the
pair at p rotated by the angle k w_i:

    sin((p+k) w) =  cos(k w) sin(p w) + sin(k w) cos(p w)
    cos((p+k) w) = -sin(k w) sin(p w) + cos(k w) cos(p w)

so PE(p + k) = M_k PE(p) with M_k block-diagonal of 2x2 rotations that depend on k but not on
p: a model can learn to attend "k tokens back" with one linear map. It also follows that
PE(p) . PE(q) = sum_i cos((p - q) w_i) depends only on p - q (the heatmap).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import close, heatmap
from studycards.demos.result import Outcome, Step


def run(rng: np.random.Generator, seq_len: int, d_model: int, offset: int) -> Outcome:
    positions = np.arange(seq_len)
    encoding = sinusoidal_encoding(positions, d_model)
    rotation = offset_map(offset, d_model)
    shifted = {
        "PE_shifted": sinusoidal_encoding(positions + offset, d_model),
        "M_k_PE": encoding @ rotation.T,
    }
    similarity = encoding @ encoding.T
    steps = (
        Step("Frequencies", "w_i = 10000^(-2i/d), fast to slow", {"w": frequencies(d_model)}),
        Step("Encoding", "row p is PE(p): sin in even columns, cos in odd", {"PE": encoding}),
        Step("Offset map", f"M_k for k = {offset}: 2x2 rotations by k w_i", {"M_k": rotation}),
        Step("Shifted", "PE(p + k) computed directly, and as M_k PE(p)", shifted),
        Step("Similarity", "PE(p) . PE(q): constant along diagonals", {"similarity": similarity}),
    )
    by_offset = _similarity_by_offset(positions, d_model)
    checks = (
        close(f"PE(p + {offset}) equals M_k PE(p) at every position", *shifted.values()),
        close("M_k is a rotation: M_k M_k^T = I", rotation @ rotation.T, np.eye(d_model)),
        close("PE(p) . PE(q) depends only on p - q", similarity, by_offset),
    )
    return Outcome(steps, checks, heatmap("PE(p) . PE(q)", similarity, "p", "p"))


def frequencies(d_model: int) -> np.ndarray:
    return 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)


def sinusoidal_encoding(positions: np.ndarray, d_model: int) -> np.ndarray:
    """(len(positions), d_model): sin in even columns, cos in odd columns."""
    angles = positions[:, None] * frequencies(d_model)[None, :]
    encoding = np.empty((len(positions), d_model))
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles)
    return encoding


def offset_map(offset: int, d_model: int) -> np.ndarray:
    """M_k: block-diagonal rotations taking PE(p) to PE(p + k), whatever p is."""
    rotation = np.zeros((d_model, d_model))
    for i, w in enumerate(frequencies(d_model)):
        c, s = np.cos(offset * w), np.sin(offset * w)
        rotation[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, s], [-s, c]]
    return rotation


def _similarity_by_offset(positions: np.ndarray, d_model: int) -> np.ndarray:
    """sum_i cos((p - q) w_i): the dot product written in terms of the offset alone."""
    offsets = positions[:, None] - positions[None, :]
    return np.cos(offsets[:, :, None] * frequencies(d_model)).sum(axis=-1)
