"""Scaled dot-product attention: softmax(Q K^T / sqrt(d)) V.

Each query scores every key with a dot product; the scores are divided by sqrt(d); a softmax
turns each row of scores into weights that sum to 1; the output row is the weighted average of
the value rows.

    scores  = Q K^T / sqrt(d)        (n_q, n_k)
    weights = softmax(scores)        each row sums to 1
    output  = weights V              (n_q, d_v)

Why sqrt(d)? If the entries of q and k are independent with mean 0 and variance 1, then
q . k = sum_i q_i k_i adds d terms of variance 1, so Var(q . k) = d. Unscaled, the scores spread
out as d grows, softmax puts nearly all the weight on one key (it saturates) and its gradients
vanish. Dividing by sqrt(d) brings the variance back to 1 at every width. The table measures
both on random vectors: the variance of q . k with and without the scaling, and the mean largest
weight of a softmax over 16 keys. Width d uses the first d entries of 1024 random q and k
vectors of width 128 (--json gives them with the checks as q_samples and k_samples).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attention_scores, heatmap, rows_sum_to_one, softmax
from studycards.demos.result import Check, Outcome, Step, Table

WIDTHS = (4, 16, 64, 128)
SAMPLES = 1024
KEYS_PER_SOFTMAX = 16
VARIANCE_TOLERANCE = 0.25


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    scores = attention_scores(q, k)
    weights = softmax(scores)
    output = weights @ v
    samples = rng.standard_normal((2, SAMPLES, max(WIDTHS)))
    rows = _measure_widths(samples)
    steps = (
        Step("Inputs", "one row per position: queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step(
            "Scores",
            "every query dotted with every key, divided by sqrt(d)",
            {"scores": scores},
            note=f"d = {d_model}, sqrt(d) = {np.sqrt(d_model):.4g}",
        ),
        Step("Weights", "softmax along each row", {"weights": weights}),
        Step("Output", "each row is a weighted average of the rows of V", {"output": output}),
    )
    inputs = {"q_samples": samples[0], "k_samples": samples[1]}
    checks = (rows_sum_to_one(weights), *_variance_checks(rows, inputs))
    return Outcome(steps, checks, heatmap(_TITLE, weights, "q", "k"), _table(rows))


_TITLE = "attention weights (rows: queries, columns: keys)"


def _measure_widths(samples: np.ndarray) -> list[tuple[int, float, float, float, float]]:
    """Per width d: Var(q . k) with and without 1/sqrt(d), and how peaked softmax gets.

    ``samples`` holds SAMPLES random q and k vectors of the largest width; width d uses their
    first d entries."""
    q, k = samples
    products = q * k
    rows = []
    for d in WIDTHS:
        dots = products[:, :d].sum(axis=1)
        scaled = dots / np.sqrt(d)
        rows.append((d, float(dots.var()), float(scaled.var()), _peak(dots), _peak(scaled)))
    return rows


def _peak(scores: np.ndarray) -> float:
    """The mean largest softmax weight when the scores are shared out 16 to a row."""
    rows = scores.reshape(-1, KEYS_PER_SOFTMAX)
    return float(softmax(rows).max(axis=-1).mean())


def _variance_checks(
    rows: list[tuple[int, float, float, float, float]], inputs: dict[str, np.ndarray]
) -> tuple[Check, ...]:
    error = max(abs(scaled - 1) for _, _, scaled, _, _ in rows)
    _, _, _, raw_peak, scaled_peak = rows[-1]
    return (
        Check(
            "Var(q . k) grows like d, so Var(q . k / sqrt(d)) stays within 25% of 1",
            error <= VARIANCE_TOLERANCE,
            error,
            inputs,
        ),
        Check(
            f"at d = {WIDTHS[-1]} unscaled softmax saturates: mean top weight "
            f"{raw_peak:.3f} vs {scaled_peak:.3f} scaled",
            raw_peak > scaled_peak,
            None,
            inputs,
        ),
    )


def _table(rows: list[tuple[int, float, float, float, float]]) -> Table:
    columns = ("d", "Var(q.k)", "Var(q.k/sqrt d)", "top weight raw", "top weight scaled")
    cells = tuple((d, round(a, 2), round(b, 3), round(c, 3), round(e, 3)) for d, a, b, c, e in rows)
    return Table(f"variance and saturation over {SAMPLES} random pairs", columns, cells)
