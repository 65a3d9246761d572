"""Compute PyTorch reference outputs for the attention demos and save them in tests/golden/.

Each case runs a demo (NumPy), takes its inputs and weights from the result, recomputes the
outputs with PyTorch in float64 (torch.nn.functional.scaled_dot_product_attention, with and
without masks; torch.nn.MultiheadAttention loaded with the demo's weights; plain torch code for
the rest) and saves inputs and expected outputs as one .npz per case. The tests compare against
these files to 1e-10 and never import torch.

Needs torch (the ``golden`` extra), best in a separate environment:

    python -m venv .venv-torch
    .venv-torch/bin/pip install -e '.[golden]'
    .venv-torch/bin/python scripts/make_golden.py            # every demo
    .venv-torch/bin/python scripts/make_golden.py rope mla   # only these demos' files
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studycards.demos import DemoResult, run_demo  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
Tensors = dict[str, torch.Tensor]
Reference = Callable[[DemoResult], tuple[list[str], Tensors]]

CASES: list[tuple[str, dict[str, int], int]] = [
    ("seq2seq-bottleneck", {}, 0),
    ("additive", {}, 0),
    ("additive", {"seq_len": 7, "tgt_len": 2, "d_model": 5}, 3),
    ("dot", {}, 0),
    ("general", {}, 0),
    ("scaled-dot-product", {}, 0),
    ("scaled-dot-product", {"seq_len": 9, "d_model": 16}, 5),
    ("masking", {}, 0),
    ("masking", {"seq_len": 7, "pad": 3}, 2),
    ("self-attention", {}, 0),
    ("multi-head", {}, 0),
    ("multi-head", {"seq_len": 6, "d_model": 12, "heads": 4}, 1),
    ("mqa-gqa", {}, 0),
    ("mqa-gqa", {"heads": 4, "groups": 1}, 1),
    ("mqa-gqa", {"heads": 4, "groups": 4}, 2),
    ("kv-cache", {}, 0),
    ("flash-attention", {}, 0),
    ("flash-attention", {"seq_len": 11, "block_size": 4}, 4),
    ("sinusoidal-pe", {}, 0),
    ("rope", {}, 0),
    ("sliding-window", {}, 0),
    ("sliding-window", {"seq_len": 12, "window": 5}, 6),
    ("cross-attention", {}, 0),
    ("attention-backward", {}, 0),
    ("attention-backward", {"seq_len": 6, "d_model": 5}, 3),
    ("batched-masks", {}, 0),
    ("batched-masks", {"batch": 5, "heads": 3, "seq_len": 7, "d_model": 2}, 2),
    ("softmax-stability", {}, 0),
    ("softmax-stability", {"seq_len": 9, "shift": 50000}, 1),
    ("paged-attention", {}, 0),
    ("paged-attention", {"seq_len": 23, "block_size": 3, "prefix": 8, "d_model": 5}, 4),
    ("mla", {}, 0),
    ("mla", {"seq_len": 7, "d_model": 12, "heads": 3, "latent": 5}, 2),
    ("alibi", {}, 0),
    ("alibi", {"seq_len": 11, "train_len": 6, "heads": 8, "d_model": 3}, 5),
    ("alibi", {"seq_len": 5, "train_len": 2, "heads": 6}, 1),
    ("rope-scaling", {}, 0),
    ("rope-scaling", {"seq_len": 9, "d_model": 32, "scale": 8, "train_len": 2048}, 3),
    ("linear-attention", {}, 0),
    ("linear-attention", {"seq_len": 12, "d_model": 6}, 2),
    ("attention-dropout", {}, 0),
    ("attention-dropout", {"seq_len": 7, "d_model": 3, "drop": 50}, 1),
    ("transformer-layer", {}, 0),
    ("transformer-layer", {"seq_len": 6, "d_model": 12, "heads": 3}, 2),
]


def t(result: DemoResult, name: str) -> torch.Tensor:
    """The demo's array ``name`` as a float64 (or bool) tensor."""
    return torch.from_numpy(np.ascontiguousarray(result.array(name)))


def softmax_weights(scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def scaled_scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    return q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])


def seq2seq_bottleneck(r: DemoResult) -> tuple[list[str], Tensors]:
    x, a, b = t(r, "X"), t(r, "A"), t(r, "B")
    h, states = torch.zeros(a.shape[0], dtype=torch.float64), []
    for x_t in x:
        h = h @ a + x_t @ b
        states.append(h)
    maps = [b @ torch.linalg.matrix_power(a, len(x) - 1 - i) for i in range(len(x))]
    fixed = (h @ torch.linalg.pinv(torch.cat(maps))).reshape(len(x), -1)
    weights = torch.softmax(10.0 * torch.eye(len(x), dtype=torch.float64), dim=-1)
    expected = {"states": torch.stack(states), "X_from_c": fixed, "weights": weights}
    expected["X_from_attention"] = weights @ (x @ b) @ b.T
    return ["X", "A", "B"], expected


def additive(r: DemoResult) -> tuple[list[str], Tensors]:
    s, h, w_s, w_h, v = (t(r, n) for n in ("s", "h", "W_s", "W_h", "v"))
    scores = torch.tanh((s @ w_s).unsqueeze(1) + (h @ w_h).unsqueeze(0)) @ v
    weights = torch.softmax(scores, dim=-1)
    return ["s", "h", "W_s", "W_h", "v"], {
        "scores": scores,
        "weights": weights,
        "context": weights @ h,
    }


def dot(r: DemoResult) -> tuple[list[str], Tensors]:
    s, h = t(r, "s"), t(r, "h")
    context = F.scaled_dot_product_attention(s, h, h, scale=1.0)
    return ["s", "h"], {"weights": torch.softmax(s @ h.T, dim=-1), "context": context}


def general(r: DemoResult) -> tuple[list[str], Tensors]:
    s, h, w = t(r, "s"), t(r, "h"), t(r, "W")
    context = F.scaled_dot_product_attention(s @ w, h, h, scale=1.0)
    return ["s", "h", "W"], {"scores": s @ w @ h.T, "context": context}


def scaled_dot_product(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v = t(r, "Q"), t(r, "K"), t(r, "V")
    scores = scaled_scores(q, k)
    output = F.scaled_dot_product_attention(q, k, v)
    return ["Q", "K", "V"], {"scores": scores, "weights": softmax_weights(scores), "output": output}


def masking(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v, padding = t(r, "Q"), t(r, "K"), t(r, "V"), t(r, "padding_mask")
    causal = torch.ones(len(q), len(q), dtype=torch.bool).tril()
    pad = r.params["pad"]
    left_padded = torch.arange(len(k)) >= pad
    combined = causal & left_padded[None, :]
    empty = ~combined.any(dim=1, keepdim=True)
    return ["Q", "K", "V", "padding_mask"], {
        "padding_output": F.scaled_dot_product_attention(q, k, v, attn_mask=padding),
        "causal_output": F.scaled_dot_product_attention(q, k, v, is_causal=True),
        "padding_weights": softmax_weights(scaled_scores(q, k), padding),
        "causal_weights": softmax_weights(scaled_scores(q, k), causal),
        # SDPA returns 0 for a query that sees no key; its weights are 0 too.
        "combined_output": F.scaled_dot_product_attention(q, k, v, attn_mask=combined),
        "combined_weights": softmax_weights(scaled_scores(q, k), combined).masked_fill(empty, 0.0),
        "combined_mask": combined,
    }


def self_attention(r: DemoResult) -> tuple[list[str], Tensors]:
    x, w_q, w_k, w_v = (t(r, n) for n in ("X", "W_q", "W_k", "W_v"))
    output = F.scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)
    return ["X", "W_q", "W_k", "W_v"], {"output": output}


def multi_head(r: DemoResult) -> tuple[list[str], Tensors]:
    x, w_q, w_k, w_v, w_o = (t(r, n) for n in ("X", "W_q", "W_k", "W_v", "W_o"))
    d_model, heads = x.shape[1], r.params["heads"]
    mha = torch.nn.MultiheadAttention(d_model, heads, bias=False, batch_first=True)
    mha = mha.to(torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w_q.T, w_k.T, w_v.T]))
        mha.out_proj.weight.copy_(w_o.T)
        output, weights = mha(x[None], x[None], x[None], average_attn_weights=False)
    return ["X", "W_q", "W_k", "W_v", "W_o"], {"output": output[0], "weights": weights[0]}


def mqa_gqa(r: DemoResult) -> tuple[list[str], Tensors]:
    x, w_q, w_k, w_v, w_o = (t(r, n) for n in ("X", "W_q", "W_k", "W_v", "W_o"))
    heads, groups = r.params["heads"], r.params["groups"]
    q = (x @ w_q).reshape(len(x), heads, -1).transpose(0, 1)[None]
    k = (x @ w_k).reshape(len(x), groups, -1).transpose(0, 1)[None]
    v = (x @ w_v).reshape(len(x), groups, -1).transpose(0, 1)[None]
    heads_out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)[0]
    shared_k = k[0].repeat_interleave(heads // groups, dim=0)
    weights = softmax_weights(scaled_scores(q[0], shared_k))
    output = heads_out.transpose(0, 1).reshape(len(x), -1) @ w_o
    return ["X", "W_q", "W_k", "W_v", "W_o"], {"output": output, "weights": weights}


def kv_cache(r: DemoResult) -> tuple[list[str], Tensors]:
    x, w_q, w_k, w_v = (t(r, n) for n in ("X", "W_q", "W_k", "W_v"))
    full = F.scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v, is_causal=True)
    return ["X", "W_q", "W_k", "W_v"], {"full_output": full, "cached_output": full}


def flash_attention(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v = t(r, "Q"), t(r, "K"), t(r, "V")
    output = F.scaled_dot_product_attention(q, k, v)
    return ["Q", "K", "V"], {"naive_output": output, "tiled_output": output}


def _encoding(positions: torch.Tensor, d_model: int) -> torch.Tensor:
    steps = torch.arange(0, d_model, 2, dtype=torch.float64)
    angles = positions[:, None] * torch.pow(10000.0, -steps / d_model)[None, :]
    return torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(len(positions), d_model)


def sinusoidal_pe(r: DemoResult) -> tuple[list[str], Tensors]:
    n, d, k = r.params["seq_len"], r.params["d_model"], r.params["offset"]
    positions = torch.arange(n, dtype=torch.float64)
    shifted = _encoding(positions + k, d)
    return [], {"PE": _encoding(positions, d), "PE_shifted": shifted, "M_k_PE": shifted}


def _rotary(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    d = x.shape[-1]
    theta = torch.pow(10000.0, -torch.arange(0, d, 2, dtype=torch.float64) / d)
    turns = torch.polar(torch.ones_like(theta), positions[:, None] * theta[None, :])
    pairs = torch.view_as_complex(x.reshape(d // 2, 2).contiguous())
    return torch.view_as_real(pairs[None, :] * turns).reshape(len(positions), d)


def rope(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k = t(r, "q"), t(r, "k")
    positions = torch.arange(r.params["seq_len"], dtype=torch.float64)
    rotated_q, rotated_k = _rotary(q, positions), _rotary(k, positions)
    return ["q", "k"], {
        "rotated_q": rotated_q,
        "rotated_k": rotated_k,
        "scores": rotated_q @ rotated_k.T,
    }


def sliding_window(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v, mask = t(r, "Q"), t(r, "K"), t(r, "V"), t(r, "window_mask")
    output = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    weights = softmax_weights(scaled_scores(q, k), mask)
    return ["Q", "K", "V", "window_mask"], {"output": output, "weights": weights}


def cross_attention(r: DemoResult) -> tuple[list[str], Tensors]:
    y, x, w_q, w_k, w_v = (t(r, n) for n in ("Y", "X", "W_q", "W_k", "W_v"))
    d_model = x.shape[1]
    mha = torch.nn.MultiheadAttention(d_model, 1, bias=False, batch_first=True)
    mha = mha.to(torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w_q.T, w_k.T, w_v.T]))
        mha.out_proj.weight.copy_(torch.eye(d_model, dtype=torch.float64))
        output, weights = mha(y[None], x[None], x[None])
    return ["Y", "X", "W_q", "W_k", "W_v"], {"output": output[0], "weights": weights[0]}


def attention_backward(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v, d_out = (t(r, n).clone().requires_grad_(n != "dO") for n in ("Q", "K", "V", "dO"))
    scores = scaled_scores(q, k)
    scores.retain_grad()
    weights = torch.softmax(scores, dim=-1)
    weights.retain_grad()
    output = weights @ v
    (output * d_out).sum().backward()
    expected = {"S": scores, "P": weights, "O": output}
    expected |= {"dQ": q.grad, "dK": k.grad, "dV": v.grad, "dS": scores.grad, "dP": weights.grad}
    return ["Q", "K", "V", "dO"], {key: value.detach() for key, value in expected.items()}


def batched_masks(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v, lengths = t(r, "Q"), t(r, "K"), t(r, "V"), t(r, "lengths")
    batch, _, seq, _ = q.shape
    positions = torch.arange(seq)
    valid = torch.stack(
        [positions < n if b % 2 == 0 else positions >= seq - n for b, n in enumerate(lengths)]
    )
    causal = torch.ones(seq, seq, dtype=torch.bool).tril()
    mask = causal[None, None] & valid[:, None, None, :]
    output = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    weights = softmax_weights(scaled_scores(q, k), mask)
    weights = weights.masked_fill(~mask.any(dim=-1, keepdim=True), 0.0)
    return ["Q", "K", "V", "lengths"], {"output": output, "weights": weights, "key_valid": valid}


def softmax_stability(r: DemoResult) -> tuple[list[str], Tensors]:
    logits = t(r, "logits")
    temperatures = torch.tensor([0.1, 0.5, 1.0, 2.0, 10.0])
    return ["logits"], {
        "stable": torch.softmax(logits, dim=-1),
        "log_softmax": torch.log_softmax(logits, dim=-1),
        "logsumexp": torch.logsumexp(logits, dim=-1),
        "tempered": torch.softmax(logits[None, :] / temperatures[:, None], dim=-1),
    }


def paged_attention(r: DemoResult) -> tuple[list[str], Tensors]:
    names = ["K_prefix", "V_prefix", "K_A", "V_A", "K_B", "V_B", "q_A", "q_B"]
    names += ["table_A", "table_B"]
    a = {name: t(r, name) for name in names}
    size = r.params["block_size"]
    blocks = int(torch.cat([a["table_A"], a["table_B"]]).unique().numel())
    pool_k = torch.zeros(blocks, size, a["K_A"].shape[1])
    pool_v = torch.zeros_like(pool_k)
    expected: Tensors = {}
    for req in ("A", "B"):
        keys = torch.cat([a["K_prefix"], a[f"K_{req}"]])
        values = torch.cat([a["V_prefix"], a[f"V_{req}"]])
        slots = torch.arange(len(keys))
        pool_k[a[f"table_{req}"][slots // size], slots % size] = keys
        pool_v[a[f"table_{req}"][slots // size], slots % size] = values
        out = F.scaled_dot_product_attention(a[f"q_{req}"], keys, values)
        expected[f"contiguous_{req}"] = out
        expected[f"paged_{req}"] = out
    return names, expected | {"pool_K": pool_k, "pool_V": pool_v}


def _heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    return x.reshape(x.shape[0], heads, -1).transpose(0, 1)


def mla(r: DemoResult) -> tuple[list[str], Tensors]:
    names = ["X", "W_dkv", "W_uk", "W_uv", "W_q", "W_o"]
    x, w_dkv, w_uk, w_uv, w_q, w_o = (t(r, n) for n in names)
    heads = r.params["heads"]
    c = x @ w_dkv
    q, k, v = _heads(x @ w_q, heads), _heads(c @ w_uk, heads), _heads(c @ w_uv, heads)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    output = out.transpose(0, 1).reshape(len(x), -1) @ w_o
    scores = scaled_scores(q, k)
    return names, {
        "c": c,
        "K": k,
        "V": v,
        "scores": scores,
        "absorbed_scores": scores,
        "output": output,
        "absorbed_output": output,
        "decode_output": output[-1:],
    }


def _alibi_slopes(heads: int) -> torch.Tensor:
    """The paper's recipe: 2^(-8/n) powers for the largest power of two n <= heads, then the
    odd-numbered slopes of 2n for the heads left over."""
    n = 1 << (heads.bit_length() - 1)
    powers = torch.arange(1, n + 1, dtype=torch.float64)
    base = torch.pow(2.0, -8.0 * powers / n)
    extra = torch.pow(2.0, -8.0 * torch.arange(1, 2 * n + 1, 2, dtype=torch.float64) / (2 * n))
    return torch.cat([base, extra[: heads - n]])


def alibi(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v = t(r, "Q"), t(r, "K"), t(r, "V")
    heads, n, _ = q.shape
    m = _alibi_slopes(heads)
    distance = torch.arange(n)[:, None] - torch.arange(n)[None, :]
    bias = (-m[:, None, None] * distance).masked_fill(distance < 0, float("-inf"))
    output = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    train = r.params["train_len"]
    short = F.scaled_dot_product_attention(
        q[:, :train], k[:, :train], v[:, :train], attn_mask=bias[:, :train, :train]
    )
    weights = torch.softmax(scaled_scores(q, k) + bias, dim=-1)
    return ["Q", "K", "V"], {
        "slopes": m,
        "bias": bias,
        "weights": weights,
        "output": output,
        "short_output": short,
    }


def _rotary_scores(q: torch.Tensor, k: torch.Tensor, n: int, theta: torch.Tensor) -> torch.Tensor:
    positions = torch.arange(n, dtype=torch.float64)
    turns = torch.polar(torch.ones_like(theta), positions[:, None] * theta[None, :])
    rq = torch.view_as_real(torch.view_as_complex(q.reshape(-1, 2)) * turns).reshape(n, -1)
    rk = torch.view_as_real(torch.view_as_complex(k.reshape(-1, 2)) * turns).reshape(n, -1)
    return rq @ rk.T


def rope_scaling(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k = t(r, "q"), t(r, "k")
    n, d = r.params["seq_len"], r.params["d_model"]
    s, length = r.params["scale"], r.params["train_len"]
    exponents = torch.arange(0, d, 2, dtype=torch.float64) / d
    theta = 10000.0**-exponents
    ntk = (10000.0 * s ** (d / (d - 2))) ** -exponents
    turns = length * theta / (2 * math.pi)
    ramp = ((turns - 1.0) / 31.0).clamp(0.0, 1.0)
    yarn = (1 - ramp) * theta / s + ramp * theta
    expected = {"theta": theta, "theta_pi": theta / s, "theta_ntk": ntk, "yarn_ramp": ramp}
    expected["theta_yarn"] = yarn
    for name, freq in (("pi", theta / s), ("ntk", ntk), ("yarn", yarn)):
        expected[f"scores_{name}"] = _rotary_scores(q, k, n, freq)
    return ["q", "k"], expected


def linear_attention(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v = t(r, "Q"), t(r, "K"), t(r, "V")
    fq, fk = F.elu(q) + 1, F.elu(k) + 1
    states = torch.cumsum(torch.einsum("nd,ne->nde", fk, v), dim=0)
    sums = torch.cumsum(fk, dim=0)
    causal = torch.einsum("nd,nde->ne", fq, states) / (fq * sums).sum(dim=1, keepdim=True)
    scores = (fq @ fk.T).tril()
    full = (fq @ fk.T) @ v / (fq @ fk.T).sum(dim=1, keepdim=True)
    return ["Q", "K", "V"], {
        "phi_Q": fq,
        "phi_K": fk,
        "weights": scores / scores.sum(dim=1, keepdim=True),
        "parallel": causal,
        "recurrent": causal,
        "state": states[-1],
        "normaliser": sums[-1],
        "full_parallel": full,
        "full_linear": full,
    }


def attention_dropout(r: DemoResult) -> tuple[list[str], Tensors]:
    q, k, v, keep = t(r, "Q"), t(r, "K"), t(r, "V"), t(r, "keep")
    p = r.params["drop"] / 100
    weights = torch.softmax(scaled_scores(q, k), dim=-1)
    dropped = weights * keep / (1 - p)
    return ["Q", "K", "V", "keep"], {
        "weights": weights,
        "dropped": dropped,
        "train_output": dropped @ v,
        "eval_output": F.scaled_dot_product_attention(q, k, v),
    }


def transformer_layer(r: DemoResult) -> tuple[list[str], Tensors]:
    names = ["X", "W_q", "W_k", "W_v", "W_o", "b_q", "b_k", "b_v", "b_o", "W1", "b1", "W2", "b2"]
    names += ["ln1_gamma", "ln1_beta", "ln2_gamma", "ln2_beta"]
    a = {name: t(r, name) for name in names}
    d = a["X"].shape[1]
    layer = torch.nn.TransformerEncoderLayer(
        d,
        r.params["heads"],
        dim_feedforward=4 * d,
        dropout=0.0,
        activation=lambda x: F.gelu(x, approximate="tanh"),
        batch_first=True,
        norm_first=True,
        dtype=torch.float64,
    ).eval()
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([a["W_q"].T, a["W_k"].T, a["W_v"].T]))
        layer.self_attn.in_proj_bias.copy_(torch.cat([a["b_q"], a["b_k"], a["b_v"]]))
        layer.self_attn.out_proj.weight.copy_(a["W_o"].T)
        layer.self_attn.out_proj.bias.copy_(a["b_o"])
        layer.linear1.weight.copy_(a["W1"].T)
        layer.linear1.bias.copy_(a["b1"])
        layer.linear2.weight.copy_(a["W2"].T)
        layer.linear2.bias.copy_(a["b2"])
        for norm, module in (("ln1", layer.norm1), ("ln2", layer.norm2)):
            module.weight.copy_(a[f"{norm}_gamma"])
            module.bias.copy_(a[f"{norm}_beta"])
        n = len(a["X"])
        causal = torch.nn.Transformer.generate_square_subsequent_mask(n, dtype=torch.float64)
        y = layer(a["X"][None], src_mask=causal, is_causal=True)[0]
        normed = layer.norm1(a["X"])
        _, weights = layer.self_attn(
            normed[None],
            normed[None],
            normed[None],
            attn_mask=causal,
            average_attn_weights=False,
        )
    return names, {"Y": y, "LN1": normed, "weights": weights[0]}


REFERENCES: dict[str, Reference] = {
    "seq2seq-bottleneck": seq2seq_bottleneck,
    "additive": additive,
    "dot": dot,
    "general": general,
    "scaled-dot-product": scaled_dot_product,
    "masking": masking,
    "self-attention": self_attention,
    "multi-head": multi_head,
    "mqa-gqa": mqa_gqa,
    "kv-cache": kv_cache,
    "flash-attention": flash_attention,
    "sinusoidal-pe": sinusoidal_pe,
    "rope": rope,
    "sliding-window": sliding_window,
    "cross-attention": cross_attention,
    "attention-backward": attention_backward,
    "batched-masks": batched_masks,
    "softmax-stability": softmax_stability,
    "paged-attention": paged_attention,
    "mla": mla,
    "alibi": alibi,
    "rope-scaling": rope_scaling,
    "linear-attention": linear_attention,
    "attention-dropout": attention_dropout,
    "transformer-layer": transformer_layer,
}


def make_case(name: str, params: dict[str, int], seed: int, index: int) -> Path:
    result = run_demo(name, params, seed)
    inputs, expected = REFERENCES[name](result)
    meta = {"name": name, "params": params, "seed": seed, "torch": torch.__version__}
    arrays = {f"input__{key}": result.array(key) for key in inputs}
    arrays |= {f"expected__{key}": value.detach().numpy() for key, value in expected.items()}
    path = GOLDEN / f"{name}-{index}.npz"
    np.savez(path, meta=np.array(json.dumps(meta)), **arrays)  # type: ignore[arg-type]
    return path


def main() -> None:
    """Regenerate every golden file, or with demo names as arguments only theirs."""
    torch.set_default_dtype(torch.float64)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[1:])
    unknown = only - set(REFERENCES)
    if unknown:
        sys.exit(f"no reference for: {', '.join(sorted(unknown))}")
    for old in GOLDEN.glob("*.npz"):
        if not only or old.stem.rsplit("-", 1)[0] in only:
            old.unlink()
    counts: dict[str, int] = {}
    for name, params, seed in CASES:
        counts[name] = counts.get(name, 0) + 1
        if not only or name in only:
            path = make_case(name, params, seed, counts[name])
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
