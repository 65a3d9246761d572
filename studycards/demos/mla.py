"""Multi-head latent attention (MLA, DeepSeek-V2/V3): cache one small latent, not K and V.

MHA caches a key and a value per head per token: 2 x heads x d_head numbers. GQA and MQA cut
the number of K/V heads. MLA instead compresses each token into one latent vector c of width
d_c (the `latent` parameter) and caches only that; every head's key and value are linear
up-projections of it:

    c   = X W_dkv                      (n, d_c)            the only thing cached
    K_h = c W_uk[h],  V_h = c W_uv[h]  (n, d_head) per head
    Q_h = X W_q[h]
    O   = concat_h softmax(Q_h K_h^T / sqrt(d_head) + causal) V_h  W_o

Weight absorption: because K_h and V_h are linear in c, the up-projections can be folded into
the query side and the output side, so decoding never materialises K or V at all:

    Q_h K_h^T = Q_h (c W_uk[h])^T = (Q_h W_uk[h]^T) c^T     absorbed query, width d_c
    P_h V_h W_o[h] = (P_h c) (W_uv[h] W_o[h])              absorbed output projection

Each head then attends directly over the cached latents. RoPE does not pass through this
(the rotation depends on the position and would sit between W_q and W_uk), so DeepSeek adds a
small decoupled RoPE key of width 64, shared by all heads and cached beside c; this demo leaves
it out and counts it in the table. The table compares KV-cache sizes for this demo's widths and
for DeepSeek-V2's (128 heads of 128, d_c = 512, RoPE key 64, 60 layers, 2-byte numbers).
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import (
    attend,
    causal_mask,
    close,
    heatmap,
    merge_heads,
    rows_sum_to_one,
    softmax,
    split_heads,
    weight,
)
from studycards.demos.result import Outcome, Step, Table

DEEPSEEK_V2 = {"heads": 128, "d_head": 128, "latent": 512, "rope": 64, "layers": 60, "bytes": 2}
GQA_GROUPS = 8
CONTEXT = 32768
WEIGHTS = ("W_dkv", "W_uk", "W_uv", "W_q", "W_o")


def run(rng: np.random.Generator, seq_len: int, d_model: int, heads: int, latent: int) -> Outcome:
    d_head = d_model // heads
    x = rng.standard_normal((seq_len, d_model))
    shapes = (
        (d_model, latent),
        (latent, d_model),
        (latent, d_model),
        (d_model, d_model),
        (d_model, d_model),
    )
    w = {name: weight(rng, *shape) for name, shape in zip(WEIGHTS, shapes, strict=True)}
    explicit = explicit_mla(x, w, heads)
    absorbed = absorbed_mla(x, w, heads)
    decode = absorbed_mla(x, w, heads, last_only=True)
    note = (
        f"cache {latent} numbers per token instead of {2 * d_model} (MHA: 2 x {heads} x {d_head})"
    )
    steps = (
        Step("Input", "one sequence", {"X": x}),
        Step("Weights", "down-projection to the latent, up-projections, query, output", w),
        Step("Latent cache", "c = X W_dkv: all that is cached", {"c": explicit["c"]}, note),
        Step(
            "Explicit",
            "K_h, V_h rebuilt from c; scores before the causal mask",
            {"K": explicit["K"], "V": explicit["V"], "scores": explicit["scores"]},
        ),
        Step(
            "Absorbed",
            "queries moved into latent space: Q_h W_uk[h]^T",
            {"absorbed_q": absorbed["q"], "absorbed_scores": absorbed["scores"]},
        ),
        Step(
            "Outputs",
            "both paths, and one decode step from the latent cache",
            {
                "output": explicit["output"],
                "absorbed_output": absorbed["output"],
                "decode_output": decode["output"],
            },
        ),
    )
    checks = (
        rows_sum_to_one(absorbed["weights"], "absorbed weights"),
        close("absorbed scores (Q W_uk^T) c^T equal Q K^T", absorbed["scores"], explicit["scores"]),
        close(
            "absorbed output (P c)(W_uv W_o) equals the explicit output",
            absorbed["output"],
            explicit["output"],
        ),
        close(
            "decoding the last token from the latent cache alone equals the full pass",
            decode["output"],
            explicit["output"][-1:],
        ),
    )
    heat = heatmap("head 0 weights (rows: queries)", absorbed["weights"][0], "q", "k")
    return Outcome(steps, checks, heat, _table(heads, d_head, latent))


def explicit_mla(x: np.ndarray, w: dict[str, np.ndarray], heads: int) -> dict[str, np.ndarray]:
    """Rebuild every head's K and V from the latent, then ordinary causal multi-head attention."""
    c = x @ w["W_dkv"]
    q, k, v = (
        split_heads(x @ w["W_q"], heads),
        split_heads(c @ w["W_uk"], heads),
        split_heads(c @ w["W_uv"], heads),
    )
    mask = causal_mask(len(x))
    out, _ = attend(q, k, v, mask)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[2])
    return {"c": c, "K": k, "V": v, "scores": scores, "output": merge_heads(out) @ w["W_o"]}


def absorbed_mla(
    x: np.ndarray, w: dict[str, np.ndarray], heads: int, last_only: bool = False
) -> dict[str, np.ndarray]:
    """Attend over the latents directly: W_uk folded into the queries, W_uv into W_o."""
    c = x @ w["W_dkv"]
    queries = x[-1:] if last_only else x
    d_head = w["W_q"].shape[1] // heads
    q = split_heads(queries @ w["W_q"], heads)
    w_uk = w["W_uk"].reshape(len(c[0]), heads, d_head).transpose(1, 0, 2)
    w_uv = w["W_uv"].reshape(len(c[0]), heads, d_head).transpose(1, 0, 2)
    w_o = w["W_o"].reshape(heads, d_head, -1)
    absorbed_q = q @ w_uk.transpose(0, 2, 1)
    scores = absorbed_q @ c.T / np.sqrt(d_head)
    positions = np.arange(len(x))[-len(queries) :]
    visible = np.arange(len(x))[None, :] <= positions[:, None]
    weights = softmax(np.where(visible, scores, -np.inf))
    latent_out = weights @ c
    output = sum(latent_out[h] @ (w_uv[h] @ w_o[h]) for h in range(heads))
    return {"q": absorbed_q, "scores": scores, "weights": weights, "output": np.asarray(output)}


def cache_numbers(variant: str, heads: int, d_head: int, latent: int, rope: int = 0) -> int:
    """Numbers cached per token per layer."""
    kv_heads = {"MHA": heads, f"GQA ({GQA_GROUPS} groups)": min(GQA_GROUPS, heads), "MQA": 1}
    if variant == "MLA":
        return latent + rope
    return 2 * kv_heads[variant] * d_head


def _table(heads: int, d_head: int, latent: int) -> Table:
    ref = DEEPSEEK_V2
    rows = []
    for variant in ("MHA", f"GQA ({GQA_GROUPS} groups)", "MQA", "MLA"):
        here = cache_numbers(variant, heads, d_head, latent)
        big = cache_numbers(variant, ref["heads"], ref["d_head"], ref["latent"], ref["rope"])
        per_token = big * ref["layers"] * ref["bytes"]
        rows.append(
            (variant, here, big, f"{per_token / 1024:.1f}", f"{per_token * CONTEXT / 2**30:.2f}")
        )
    columns = (
        "variant",
        "numbers/token (here)",
        "numbers/token/layer (V2)",
        "KiB/token (V2)",
        f"GiB at {CONTEXT} tokens",
    )
    return Table(
        "KV cache: this demo, and DeepSeek-V2's sizes (60 layers, fp16)", columns, tuple(rows)
    )
