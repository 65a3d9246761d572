"""The backward pass of softmax and of scaled dot-product attention, by hand.

Forward, for queries Q, keys K, values V (n x d) and an upstream gradient dO = dL/dO:

    S = Q K^T / sqrt(d)        P = softmax(S) (row-wise)        O = P V

Backward, applying the chain rule one step at a time:

    dV = P^T dO                          O = P V, so each V row collects its weights' share
    dP = dO V^T
    dS = P * (dP - rowsum(dP * P))       the softmax Jacobian, row by row (* is elementwise)
    dQ = dS K / sqrt(d)
    dK = dS^T Q / sqrt(d)

The softmax line comes from its Jacobian dP_j/dS_k = P_j (delta_jk - P_k): J = diag(p) - p p^T.
Multiplying J^T by dP row-wise gives p * (dP - (dP . p)), so the n x n Jacobian is never built.
Each row of dS sums to 0: adding a constant to a row of scores changes nothing, so the gradient
has no component along (1, ..., 1). FlashAttention's backward pass uses the same formula, with
rowsum(dP * P) = rowsum(dO * O) computed from the output instead of storing P.

The checks compare the hand-written gradients with central finite differences of the loss
L = sum(O * dO) (step 1e-6: they agree to about 1e-9, the differencing error, not to rounding) and with the
explicit Jacobian; the golden files compare them with PyTorch's autograd to 1e-10.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attention_scores, close, heatmap, softmax
from studycards.demos.result import Check, Outcome, Step, Table

STEP = 1e-6
FD_TOLERANCE = 1e-6


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    q, k, v, d_out = (rng.standard_normal((seq_len, d_model)) for _ in range(4))
    scores, weights, output = forward(q, k, v)
    grads = backward(q, k, v, d_out)
    steps = (
        Step(
            "Inputs", "Q, K, V and the upstream gradient dO", {"Q": q, "K": k, "V": v, "dO": d_out}
        ),
        Step(
            "Forward", "S = Q K^T / sqrt(d), P = softmax(S), O = P V", {"S": scores, "P": weights}
        ),
        Step("Output", "what the loss sees", {"O": output}),
        Step("dV", "P^T dO", {"dV": grads["dV"]}),
        Step("dP", "dO V^T", {"dP": grads["dP"]}),
        Step("dS", "P * (dP - rowsum(dP * P)): each row sums to 0", {"dS": grads["dS"]}),
        Step(
            "dQ and dK",
            "dS K / sqrt(d) and dS^T Q / sqrt(d)",
            {"dQ": grads["dQ"], "dK": grads["dK"]},
        ),
    )
    numeric = {name: numeric_gradient(q, k, v, d_out, name) for name in ("Q", "K", "V")}
    checks = (
        *(_fd_check(name, grads[f"d{name}"], numeric[name]) for name in ("Q", "K", "V")),
        close(
            "dS equals the explicit Jacobian J^T dP, row by row",
            grads["dS"],
            _jacobian(weights, grads["dP"]),
        ),
        close("each row of dS sums to 0", grads["dS"].sum(axis=1), np.zeros(seq_len)),
    )
    table = _table(grads, numeric)
    return Outcome(
        steps, checks, heatmap("dS (rows: queries, columns: keys)", grads["dS"], "q", "k"), table
    )


def forward(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
    scores = attention_scores(q, k)
    weights = softmax(scores)
    return scores, weights, weights @ v


def backward(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, d_out: np.ndarray
) -> dict[str, np.ndarray]:
    """Every gradient of L = sum(O * dO), by the formulas above."""
    _, weights, _ = forward(q, k, v)
    scale = 1.0 / np.sqrt(q.shape[1])
    d_weights = d_out @ v.T
    d_scores = weights * (d_weights - (d_weights * weights).sum(axis=1, keepdims=True))
    return {
        "dV": weights.T @ d_out,
        "dP": d_weights,
        "dS": d_scores,
        "dQ": d_scores @ k * scale,
        "dK": d_scores.T @ q * scale,
    }


def numeric_gradient(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, d_out: np.ndarray, which: str
) -> np.ndarray:
    """Central differences (L(x + h) - L(x - h)) / 2h of L = sum(O * dO), one entry at a time."""
    inputs = {"Q": q, "K": k, "V": v}
    target = inputs[which]
    gradient = np.zeros_like(target)
    for index in np.ndindex(target.shape):
        losses = []
        for sign in (1.0, -1.0):
            moved = target.copy()
            moved[index] += sign * STEP
            changed = {**inputs, which: moved}
            losses.append(
                float((forward(changed["Q"], changed["K"], changed["V"])[2] * d_out).sum())
            )
        gradient[index] = (losses[0] - losses[1]) / (2 * STEP)
    return gradient


def _jacobian(weights: np.ndarray, d_weights: np.ndarray) -> np.ndarray:
    """dS through the full softmax Jacobian diag(p) - p p^T of each row."""
    rows = [(np.diag(p) - np.outer(p, p)).T @ g for p, g in zip(weights, d_weights, strict=True)]
    return np.array(rows)


def _fd_check(name: str, analytic: np.ndarray, numeric: np.ndarray) -> Check:
    error = float(np.max(np.abs(analytic - numeric)))
    description = f"d{name} by hand equals central finite differences (to {FD_TOLERANCE:g})"
    return Check(description, error <= FD_TOLERANCE, error)


def _table(grads: dict[str, np.ndarray], numeric: dict[str, np.ndarray]) -> Table:
    rows = tuple(
        (
            f"d{name}",
            f"{float(np.abs(grads[f'd{name}']).max()):.3g}",
            f"{float(np.abs(grads[f'd{name}'] - numeric[name]).max()):.1e}",
        )
        for name in ("Q", "K", "V")
    )
    columns = ("gradient", "largest entry", "max |by hand - finite difference|")
    return Table(f"gradients against finite differences (step {STEP:g})", columns, rows)
