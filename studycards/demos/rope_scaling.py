"""Stretching RoPE to a longer context: position interpolation, NTK-aware scaling and YaRN.

RoPE rotates pair i of a query or key at position p by the angle p theta_i, with
theta_i = base^(-2i/d) (base 10000): pair 0 turns fastest (a wavelength of 2 pi tokens), the
last pair slowest. A model trained on `train_len` tokens has only seen angles up to
train_len theta_i; at s = `scale` times that length the slow pairs reach angles never seen in
training and quality collapses. Each method changes the frequencies theta_i:

    PI:    theta_i' = theta_i / s
    NTK:   theta_i' = base'^(-2i/d),  base' = base s^(d / (d - 2))
    YaRN:  r_i = train_len theta_i / (2 pi)          turns in the trained length
           g_i = clip((r_i - 1) / (32 - 1), 0, 1)
           theta_i' = (1 - g_i) theta_i / s + g_i theta_i

Position interpolation (PI) slows every pair by s. NTK-aware scaling raises the base instead,
so the fastest pair is almost unchanged and the slowest is slowed by exactly s. YaRN
(NTK-by-parts) decides per pair: pairs that turn more than 32 times in the trained length keep
their frequency, pairs that never complete a turn (r < 1) are interpolated like PI, and a ramp
joins the two; YaRN also multiplies the logits by (0.1 ln s + 1)^2.

PI squeezes the fast pairs too, blurring nearby positions apart (the local detail a model
relies on most); NTK spreads the change over the pairs; YaRN decides per pair from how many
turns it makes in the trained length. All three keep RoPE's relative property: the score of a
query at m and a key at n depends only on m - n. The table lists each pair's wavelength and
turns, and the factor each method multiplies its frequency by.
"""

from __future__ import annotations

import math

import numpy as np

from studycards.demos._maths import close, labels
from studycards.demos.result import Check, Heatmap, Outcome, Step, Table

BASE = 10000.0
ALPHA, BETA = 1.0, 32.0
SHIFT = 1000
MAX_TABLE_ROWS = 16


def run(
    rng: np.random.Generator, seq_len: int, d_model: int, scale: int, train_len: int
) -> Outcome:
    theta = frequencies(d_model)
    scaled = {
        "PI": theta / scale,
        "NTK": ntk_frequencies(d_model, scale),
        "YaRN": yarn_frequencies(theta, scale, train_len),
    }
    ramp = yarn_ramp(theta, train_len)
    q, k = rng.standard_normal(d_model), rng.standard_normal(d_model)
    positions = np.arange(seq_len, dtype=np.float64)
    scores = {name: rotary_scores(q, k, positions, freq) for name, freq in scaled.items()}
    temperature = (0.1 * math.log(scale) + 1) ** 2
    steps = (
        Step("Frequencies", "theta_i = 10000^(-2i/d), one per pair", {"theta": theta}),
        Step("PI", "every frequency divided by s", {"theta_pi": scaled["PI"]}),
        Step("NTK-aware", f"base raised to {BASE:g} s^(d/(d-2))", {"theta_ntk": scaled["NTK"]}),
        Step("YaRN ramp", "0: interpolate like PI, 1: keep the frequency", {"yarn_ramp": ramp}),
        Step(
            "YaRN",
            "(1 - g) theta / s + g theta",
            {"theta_yarn": scaled["YaRN"]},
            f"logits scaled by {temperature:.4f}",
        ),
        Step("A query and a key", "one pair of random vectors", {"q": q, "k": k}),
        Step(
            "Scores",
            "q at row m . k at column n, rotated by each method",
            {f"scores_{name.lower()}": value for name, value in scores.items()},
        ),
    )
    checks = (
        close(
            f"PI: the angle at {scale} x {train_len} equals the trained angle at {train_len}",
            scaled["PI"] * scale * train_len,
            theta * train_len,
        ),
        close("NTK: the fastest pair keeps its frequency", scaled["NTK"][:1], theta[:1]),
        _relative(
            "NTK: the slowest pair is slowed by exactly s", scaled["NTK"][-1:] * scale, theta[-1:]
        ),
        _yarn_check(theta, scaled["YaRN"], ramp, scale),
        *(_relative_position_check(name, q, k, positions, freq) for name, freq in scaled.items()),
    )
    factors = np.array([freq / theta for freq in scaled.values()])
    heat = Heatmap(
        "frequency factor theta'/theta (columns: pairs)",
        factors,
        tuple(scaled),
        labels("i", len(theta)),
    )
    return Outcome(steps, checks, heat, _table(theta, scaled, train_len))


def frequencies(d_model: int, base: float = BASE) -> np.ndarray:
    return base ** (-np.arange(0, d_model, 2) / d_model)


def ntk_frequencies(d_model: int, scale: int) -> np.ndarray:
    return frequencies(d_model, BASE * scale ** (d_model / (d_model - 2)))


def yarn_ramp(theta: np.ndarray, train_len: int) -> np.ndarray:
    """How far each pair keeps its own frequency: r = turns in the trained length."""
    turns = train_len * theta / (2 * math.pi)
    return np.clip((turns - ALPHA) / (BETA - ALPHA), 0.0, 1.0)


def yarn_frequencies(theta: np.ndarray, scale: int, train_len: int) -> np.ndarray:
    ramp = yarn_ramp(theta, train_len)
    return (1 - ramp) * theta / scale + ramp * theta


def rotate(x: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Rotate consecutive pairs (x0, x1), (x2, x3)... of x by the given angles, one per pair."""
    pairs = x.reshape(-1, 2)
    cos, sin = np.cos(angles), np.sin(angles)
    turned = np.stack(
        [pairs[:, 0] * cos - pairs[:, 1] * sin, pairs[:, 0] * sin + pairs[:, 1] * cos], axis=-1
    )
    return turned.reshape(x.shape)


def rotary_scores(
    q: np.ndarray, k: np.ndarray, positions: np.ndarray, theta: np.ndarray
) -> np.ndarray:
    """scores[m, n] = rotate(q, m theta) . rotate(k, n theta)."""
    rotated_q = np.array([rotate(q, p * theta) for p in positions])
    rotated_k = np.array([rotate(k, p * theta) for p in positions])
    return rotated_q @ rotated_k.T


def _relative(description: str, actual: np.ndarray, expected: np.ndarray) -> Check:
    error = float(np.max(np.abs(actual - expected) / np.abs(expected)))
    return Check(f"{description} (relative error)", error <= 1e-12, error)


def _yarn_check(theta: np.ndarray, yarn: np.ndarray, ramp: np.ndarray, scale: int) -> Check:
    kept, squeezed = ramp == 1.0, ramp == 0.0
    error = max(
        float(np.max(np.abs(yarn[kept] - theta[kept]), initial=0.0)),
        float(np.max(np.abs(yarn[squeezed] - theta[squeezed] / scale), initial=0.0)),
    )
    between = bool(np.all((yarn <= theta * (1 + 1e-12)) & (yarn >= theta / scale * (1 - 1e-12))))
    description = (
        f"YaRN: {int(kept.sum())} fast pairs kept, {int(squeezed.sum())} slow pairs as PI, "
        "the rest in between"
    )
    return Check(description, error <= 1e-15 and between, error)


def _relative_position_check(
    name: str, q: np.ndarray, k: np.ndarray, positions: np.ndarray, theta: np.ndarray
) -> Check:
    near = rotary_scores(q, k, positions, theta)
    far = rotary_scores(q, k, positions + SHIFT, theta)
    error = float(np.max(np.abs(near - far)))
    description = f"{name}: scores depend only on m - n (positions moved by {SHIFT})"
    return Check(description, error <= 1e-9, error)


def _table(theta: np.ndarray, scaled: dict[str, np.ndarray], train_len: int) -> Table:
    count = len(theta)
    shown = sorted(
        set(np.linspace(0, count - 1, min(count, MAX_TABLE_ROWS)).round().astype(int).tolist())
    )
    rows = tuple(
        (
            i,
            f"{2 * math.pi / theta[i]:.4g}",
            f"{train_len * theta[i] / (2 * math.pi):.4g}",
            *(f"{scaled[name][i] / theta[i]:.4f}" for name in scaled),
        )
        for i in shown
    )
    columns = (
        "pair",
        "wavelength",
        f"turns in {train_len}",
        *(f"{name} factor" for name in scaled),
    )
    title = "frequency of each pair, as a factor of RoPE's" + (
        "" if len(shown) == count else f" ({len(shown)} of {count} pairs)"
    )
    return Table(title, columns, rows)
