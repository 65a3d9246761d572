"""The built-in catalog: each demo's name, summary, module and parameters, as plain data.

Demo modules (which import numpy) are imported only when a demo runs or is explained, so
listing the catalog and ``studycards --help`` stay fast.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType

from studycards.demos._params import AtMost, Divisible, Even, Param, Rule
from studycards.demos.result import DemoResult, Outcome


@dataclass(frozen=True)
class DemoInfo:
    """A demo's name and one-line summary, for listings."""

    name: str
    summary: str


@dataclass(frozen=True)
class Demo:
    """A registered demo: where its code lives and which parameters it takes."""

    name: str
    summary: str
    module: str
    params: tuple[Param, ...]
    rules: tuple[Rule, ...] = ()

    @property
    def info(self) -> DemoInfo:
        return DemoInfo(self.name, self.summary)

    def load(self) -> ModuleType:
        """Import the demo's module (this is where numpy gets imported)."""
        return importlib.import_module(f"studycards.demos.{self.module}")

    def explain(self) -> str:
        """What the demo shows and its equations: the module's docstring."""
        return inspect.cleandoc(self.load().__doc__ or self.summary)

    def run(self, params: Mapping[str, int], seed: int) -> DemoResult:
        """Run with already validated parameters."""
        import numpy as np

        outcome: Outcome = self.load().run(np.random.default_rng(seed), **params)
        steps, checks = outcome.steps, outcome.checks
        return DemoResult(
            self.name, dict(params), seed, steps, checks, outcome.heatmap, outcome.table
        )


def _seq_len(default: int, high: int = 64) -> Param:
    return Param("seq_len", default, 1, high, "sequence length (number of keys)")


def _tgt_len(default: int) -> Param:
    return Param("tgt_len", default, 1, 64, "number of decoder steps (queries)")


def _d_model(default: int, high: int = 256) -> Param:
    return Param("d_model", default, 1, high, "model (embedding) width")


HEADS = Param("heads", 2, 1, 64, "number of attention heads (query heads)")
GQA_HEADS = Param("heads", 4, 1, 64, HEADS.help)
GROUPS = Param("groups", 2, 1, 64, "number of key/value heads, each shared by heads/groups")
PAD = Param("pad", 2, 0, 63, "padded positions: at the end, and at the start for the combined mask")
WINDOW = Param(
    "window", 3, 1, 64, "how many recent positions each query may see (>= seq_len: causal)"
)
BLOCK_SIZE = Param("block_size", 2, 1, 64, "rows and columns per tile (>= seq_len: one tile)")
OFFSET = Param("offset", 3, 0, 1000, "relative offset k in PE(p + k)")
DECODER = (_seq_len(5), _tgt_len(3), _d_model(4))
BATCH = Param("batch", 4, 1, 8, "sequences in the batch (even ones right-padded, odd ones left)")
LATENT = Param("latent", 4, 1, 256, "width d_c of the latent vector cached per token")
SCALE = Param("scale", 4, 1, 64, "context extension factor s (new length / trained length)")
DROP = Param("drop", 20, 0, 90, "dropout probability p, in percent")
SHIFT = Param("shift", 1000, 0, 100_000, "a constant added to every logit (softmax ignores it)")
PREFIX = Param("prefix", 4, 0, 63, "prompt tokens both requests share")
PAGE = Param("block_size", 4, 1, 64, "tokens per KV-cache block (page)")

CATALOG: tuple[Demo, ...] = (
    Demo(
        "seq2seq-bottleneck",
        "One fixed context vector loses a long input; a per-step attention context keeps it.",
        "seq2seq_bottleneck",
        (_seq_len(4), _d_model(8, high=32)),
    ),
    Demo(
        "additive",
        "Bahdanau attention: e = v^T tanh(W_s s + W_h h), softmax, context.",
        "additive",
        DECODER,
    ),
    Demo("dot", "Luong dot score: e = s . h, softmax, context.", "dot", DECODER),
    Demo("general", "Luong general (bilinear) score: e = s^T W h.", "general", DECODER),
    Demo(
        "scaled-dot-product",
        "softmax(Q K^T / sqrt(d)) V, and why dividing by sqrt(d) keeps softmax from saturating.",
        "scaled_dot_product",
        (_seq_len(4), _d_model(8)),
    ),
    Demo(
        "masking",
        "Padding and causal masks: masked weights come out exactly zero.",
        "masking",
        (_seq_len(5), _d_model(4), PAD),
        (AtMost("pad", "seq_len", strict=True),),
    ),
    Demo(
        "self-attention",
        "Q, K and V as three projections of one sequence.",
        "self_attention",
        (_seq_len(4), _d_model(8)),
    ),
    Demo(
        "multi-head",
        "Split into heads, attend, concatenate, project; shapes traced at every step.",
        "multi_head",
        (_seq_len(4), _d_model(8), HEADS),
        (Divisible("d_model", "heads"),),
    ),
    Demo(
        "mqa-gqa",
        "Multi-query and grouped-query attention, and the KV-cache bytes each needs.",
        "mqa_gqa",
        (_seq_len(4), _d_model(8), GQA_HEADS, GROUPS),
        (Divisible("d_model", "heads"), Divisible("heads", "groups")),
    ),
    Demo(
        "kv-cache",
        "Incremental decoding with a KV cache equals full recomputation, for far fewer FLOPs.",
        "kv_cache",
        (_seq_len(5), _d_model(4)),
    ),
    Demo(
        "flash-attention",
        "Tiled attention with an online softmax equals the naive result in O(n) extra memory.",
        "flash_attention",
        (_seq_len(6), _d_model(4), BLOCK_SIZE),
    ),
    Demo(
        "sinusoidal-pe",
        "The sinusoidal position encoding; PE(p + k) is a fixed linear map of PE(p).",
        "sinusoidal_pe",
        (_seq_len(8), _d_model(8), OFFSET),
        (Even("d_model"),),
    ),
    Demo(
        "rope",
        "Rotary position embedding: the score q . k depends only on the relative position.",
        "rope",
        (_seq_len(6), _d_model(8)),
        (Even("d_model"),),
    ),
    Demo(
        "sliding-window",
        "A local (sliding-window) causal mask and the score entries it saves.",
        "sliding_window",
        (_seq_len(8), _d_model(4), WINDOW),
    ),
    Demo(
        "cross-attention",
        "Decoder queries over encoder keys and values, with the alignment heatmap.",
        "cross_attention",
        (_seq_len(6), _tgt_len(4), _d_model(8)),
    ),
    Demo(
        "attention-backward",
        "Gradients of softmax and attention by hand: dS = P * (dP - rowsum(dP * P)).",
        "attention_backward",
        (_seq_len(4, high=32), _d_model(3, high=32)),
    ),
    Demo(
        "batched-masks",
        "A (B, H, T, d) batch with left and right padding; fully masked rows without NaN.",
        "batched_masks",
        (BATCH, HEADS, _seq_len(5, high=32), Param("d_model", 4, 1, 64, "width d of each head")),
    ),
    Demo(
        "softmax-stability",
        "Large logits: max subtraction, log-sum-exp, temperature, and float16 overflow.",
        "softmax_stability",
        (Param("seq_len", 6, 1, 64, "number of logits"), SHIFT),
    ),
    Demo(
        "paged-attention",
        "vLLM's block table: paged KV cache, fragmentation, prefix sharing; equals contiguous.",
        "paged_attention",
        (_seq_len(10), _d_model(4, high=64), PAGE, PREFIX),
        (AtMost("prefix", "seq_len", strict=True),),
    ),
    Demo(
        "mla",
        "DeepSeek's multi-head latent attention: a latent KV cache and weight absorption.",
        "mla",
        (_seq_len(5), _d_model(16), Param("heads", 4, 1, 64, HEADS.help), LATENT),
        (Divisible("d_model", "heads"),),
    ),
    Demo(
        "alibi",
        "ALiBi: linear distance biases, the head slopes, and running past the trained length.",
        "alibi",
        (
            Param("seq_len", 8, 1, 64, "sequence length at inference"),
            Param("train_len", 4, 1, 64, "the length the model was trained on"),
            Param("heads", 4, 1, 64, HEADS.help),
            _d_model(4, high=64),
        ),
        (AtMost("train_len", "seq_len"),),
    ),
    Demo(
        "rope-scaling",
        "Longer contexts for RoPE: position interpolation, NTK-aware and YaRN frequencies.",
        "rope_scaling",
        (
            Param("seq_len", 6, 1, 32, "positions whose scores are shown"),
            Param("d_model", 16, 4, 256, "width of the query and key (even)"),
            SCALE,
            Param("train_len", 4096, 16, 1_048_576, "the context length RoPE was trained on"),
        ),
        (Even("d_model"),),
    ),
    Demo(
        "linear-attention",
        "A kernel feature map, O(n) cost, and the recurrent (RNN) form equal to the parallel one.",
        "linear_attention",
        (_seq_len(5), _d_model(4, high=64)),
    ),
    Demo(
        "attention-dropout",
        "Dropout on attention weights: training vs evaluation, 1/(1-p), expectation preserved.",
        "attention_dropout",
        (_seq_len(4, high=16), _d_model(4, high=64), DROP),
    ),
    Demo(
        "transformer-layer",
        "A pre-LN block: 12 d^2 parameters, FLOPs per token, prefill vs decode intensity.",
        "transformer_layer",
        (_seq_len(5), _d_model(8, high=64), HEADS),
        (Divisible("d_model", "heads"),),
    ),
)
