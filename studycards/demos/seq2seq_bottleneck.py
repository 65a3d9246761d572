"""The seq2seq bottleneck: one fixed context vector cannot hold a long input; attention can.

A classic encoder RNN reads x_1..x_T and hands the decoder only its final state, a single vector
c of width d. However long the input, the decoder must rebuild T * d numbers from d numbers.
Attention instead gives the decoder, at every step, its own weighted mix of all encoder states.

Toy encoder (linear, so the best possible decoder can be computed exactly):

    u_t = x_t B                   the encoder's annotation of token t (B orthogonal)
    h_t = h_(t-1) A + u_t         running state, A = 0.9 x a rotation; c = h_T

Fixed context: c = sum_t x_t B A^(T-t) is linear in the input, so the best linear decoder is the
least-squares (pseudo-inverse) solution; it recovers only d of the T * d numbers, and for random
inputs its relative error approaches sqrt(1 - 1/T).
Attention: decoder step t scores every annotation (here by position, sharpness 10), takes the
weighted sum c_t = sum_s a_ts u_s and reads x_t back as c_t B^T.

The table shows relative reconstruction error ||X_hat - X|| / ||X|| as the length grows, each
length on a fresh random input (--json gives them with the checks, X_1 ... X_64).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import heatmap, orthogonal, rows_sum_to_one, softmax
from studycards.demos.result import Check, Outcome, Step, Table

LENGTHS = (1, 2, 4, 8, 16, 32, 64)
DECAY = 0.9
SHARPNESS = 10.0


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    a, b = DECAY * orthogonal(rng, d_model), orthogonal(rng, d_model)
    x = rng.standard_normal((seq_len, d_model))
    states = encode(x, a, b)
    fixed = reconstruct_from_context(states[-1], a, b, seq_len)
    weights = softmax(SHARPNESS * np.eye(seq_len))
    attended = (weights @ (x @ b)) @ b.T
    steps = (
        Step("Input", f"{seq_len} tokens of width {d_model}", {"X": x}),
        Step("Encoder weights", "A carries the state on, B reads a token", {"A": a, "B": b}),
        Step("Encoder", "running states h_t; the last is the context c", {"states": states}),
        Step("Fixed context", "best linear decoding of X from c alone", {"X_from_c": fixed}),
        Step("Attention weights", "decoder step t looks at annotation t", {"weights": weights}),
        Step("Attention", "x_t read back from its context c_t", {"X_from_attention": attended}),
    )
    sweep_inputs = {f"X_{length}": rng.standard_normal((length, d_model)) for length in LENGTHS}
    sweep = [_errors(x_n, a, b) for x_n in sweep_inputs.values()]
    heat = heatmap("attention weights (rows: decoder steps)", weights, "t", "x")
    return Outcome(steps, _checks(weights, sweep, sweep_inputs), heat, _table(sweep, d_model))


def encode(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Run h_t = h_(t-1) A + x_t B over the tokens; returns every state, one per row."""
    h = np.zeros(a.shape[0])
    states = []
    for x_t in x:
        h = h @ a + x_t @ b
        states.append(h)
    return np.array(states)


def reconstruct_from_context(
    c: np.ndarray, a: np.ndarray, b: np.ndarray, length: int
) -> np.ndarray:
    """The minimum-norm X with sum_t x_t B A^(T-t) = c: the best any linear decoder can do."""
    maps = [b]
    for _ in range(length - 1):
        maps.insert(0, maps[0] @ a)
    stacked = np.vstack(maps)
    return (c @ np.linalg.pinv(stacked)).reshape(length, -1)


def _errors(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[int, float, float]:
    """Relative errors of both decoders on one random input X (its length is len(X))."""
    length = len(x)
    fixed = reconstruct_from_context(encode(x, a, b)[-1], a, b, length)
    attended = (softmax(SHARPNESS * np.eye(length)) @ (x @ b)) @ b.T
    return length, _relative_error(fixed, x), _relative_error(attended, x)


def _relative_error(estimate: np.ndarray, truth: np.ndarray) -> float:
    return float(np.linalg.norm(estimate - truth) / np.linalg.norm(truth))


def _checks(
    weights: np.ndarray, sweep: list[tuple[int, float, float]], inputs: dict[str, np.ndarray]
) -> tuple[Check, ...]:
    first_error = sweep[0][1]
    beaten = all(attention < fixed for length, fixed, attention in sweep if length > 1)
    first = {"X_1": inputs["X_1"]}
    return (
        rows_sum_to_one(weights),
        Check(
            "at length 1 the fixed context loses nothing", first_error <= 1e-10, first_error, first
        ),
        Check("attention beats the fixed context at every length above 1", beaten, None, inputs),
    )


def _table(sweep: list[tuple[int, float, float]], d_model: int) -> Table:
    rows = tuple(
        (length, length * d_model, d_model, f"{fixed:.3f}", f"{attention:.1e}")
        for length, fixed, attention in sweep
    )
    columns = (
        "length",
        "input numbers",
        "context numbers",
        "fixed-context error",
        "attention error",
    )
    return Table("relative reconstruction error as the input grows", columns, rows)
