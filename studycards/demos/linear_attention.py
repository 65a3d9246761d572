"""Linear attention: a kernel feature map, O(n) cost, and the same model run as an RNN.

Softmax attention weighs key j for query i by exp(q_i . k_j), which cannot be split into a part
for q and a part for k, so all n x n scores must be formed. Linear attention (Katharopoulos et
al., 2020) replaces it with a kernel phi(q_i) . phi(k_j) whose feature map is positive; here
phi(x) = elu(x) + 1 (x + 1 for x > 0, exp(x) for x <= 0). Then matrix products can be
regrouped:

    out_i = sum_j (phi(q_i) . phi(k_j)) v_j / sum_j phi(q_i) . phi(k_j)
          = phi(q_i) (sum_j phi(k_j)^T v_j) / phi(q_i) (sum_j phi(k_j))

    parallel:  (phi(Q) phi(K)^T) V       n x n scores, O(n^2 d)
    linear:    phi(Q) (phi(K)^T V)       a d x d matrix, O(n d^2)

With a causal mask the sums run over j <= i, and they can be carried forward one token at a
time, an RNN with a d x d state instead of a growing KV cache:

    S_t = S_(t-1) + phi(k_t)^T v_t        z_t = z_(t-1) + phi(k_t)
    out_t = phi(q_t) S_t / (phi(q_t) . z_t)

The checks show the three forms agree; the table gives the multiply-add cost of softmax and
linear attention per layer and head at several lengths, and what decoding has to keep: a KV
cache of 2 n d numbers against a fixed d^2 + d state. (Linear attention is not the same
function as softmax attention; models such as RetNet, Mamba-2 and RWKV build on this form with
decays or gates.)
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import causal_mask, close, heatmap, rows_sum_to_one
from studycards.demos.result import Check, Outcome, Step, Table

LENGTHS = (512, 4096, 32768, 262144)
WIDTH = 128


def run(rng: np.random.Generator, seq_len: int, d_model: int) -> Outcome:
    q, k, v = (rng.standard_normal((seq_len, d_model)) for _ in range(3))
    fq, fk = feature_map(q), feature_map(k)
    parallel, weights = causal_parallel(fq, fk, v)
    recurrent, state, normaliser = causal_recurrent(fq, fk, v)
    full_parallel = (fq @ fk.T) @ v / (fq @ fk.T).sum(axis=1, keepdims=True)
    full_linear = fq @ (fk.T @ v) / (fq @ fk.sum(axis=0))[:, None]
    steps = (
        Step("Inputs", "queries, keys and values", {"Q": q, "K": k, "V": v}),
        Step("Feature map", "phi(x) = elu(x) + 1 > 0", {"phi_Q": fq, "phi_K": fk}),
        Step("Causal weights", "phi(q_i) . phi(k_j), j <= i, normalised", {"weights": weights}),
        Step("Parallel form", "(phi(Q) phi(K)^T * mask) V / row sums", {"parallel": parallel}),
        Step(
            "Recurrent form",
            "one token at a time; the state after the last token",
            {"recurrent": recurrent, "state": state, "normaliser": normaliser},
            f"the state is {d_model} x {d_model} + {d_model} numbers at any length",
        ),
        Step(
            "Non-causal",
            "(phi(Q) phi(K)^T) V against phi(Q) (phi(K)^T V)",
            {"full_parallel": full_parallel, "full_linear": full_linear},
        ),
    )
    checks = (
        Check(
            "phi is positive, so every weight is positive", bool((fq > 0).all() and (fk > 0).all())
        ),
        rows_sum_to_one(weights, "linear-attention weights"),
        close("the recurrent (RNN) form equals the causal parallel form", recurrent, parallel),
        close(
            "phi(Q) (phi(K)^T V) equals (phi(Q) phi(K)^T) V: the O(n) regrouping",
            full_linear,
            full_parallel,
        ),
    )
    heat = heatmap("causal linear-attention weights (rows: queries)", weights, "q", "k")
    return Outcome(steps, checks, heat, _table())


def feature_map(x: np.ndarray) -> np.ndarray:
    """elu(x) + 1: x + 1 above 0, exp(x) at or below 0; always positive."""
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def causal_parallel(fq: np.ndarray, fk: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores = (fq @ fk.T) * causal_mask(len(fq))
    weights = scores / scores.sum(axis=1, keepdims=True)
    return weights @ v, weights


def causal_recurrent(
    fq: np.ndarray, fk: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Carry S = sum phi(k)^T v and z = sum phi(k) forward; returns outputs, final S and z."""
    state = np.zeros((fk.shape[1], v.shape[1]))
    normaliser = np.zeros(fk.shape[1])
    outputs = []
    for q_t, k_t, v_t in zip(fq, fk, v, strict=True):
        state = state + np.outer(k_t, v_t)
        normaliser = normaliser + k_t
        outputs.append(q_t @ state / (q_t @ normaliser))
    return np.array(outputs), state, normaliser


def costs(n: int, d: int) -> dict[str, int]:
    """Multiply-adds for one head and layer: scores and weighted sum, or the d x d regrouping."""
    return {
        "softmax": 2 * n * n * d,
        "linear": 2 * n * d * d,
        "kv_cache": 2 * n * d,
        "state": d * d + d,
    }


def _table() -> Table:
    rows = []
    for n in LENGTHS:
        c = costs(n, WIDTH)
        ratio = f"{c['softmax'] / c['linear']:.0f}x"
        big = (f"{c[key]:.3g}" for key in ("softmax", "linear", "kv_cache"))
        softmax_cost, linear_cost, cache = big
        rows.append((n, softmax_cost, linear_cost, ratio, cache, c["state"]))
    columns = ("n", "softmax MACs", "linear MACs", "ratio", "KV cache", "state")
    title = f"cost per head and layer, d = {WIDTH} (non-causal); numbers kept for decoding"
    return Table(title, columns, tuple(rows))
