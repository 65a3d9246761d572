"""The attention demos: every demo runs and its invariants hold, parameters are validated with
exact one-line messages, results are deterministic, blocks from notes are parsed safely, and the
outputs match PyTorch reference values saved by scripts/make_golden.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studycards.demos import DemoResult, get_demo, list_demos, run_block, run_demo
from studycards.errors import DemoError

NAMES = [info.name for info in list_demos()]
GOLDEN = Path(__file__).parent / "golden"
GOLDEN_FILES = sorted(GOLDEN.glob("*.npz"))
TOLERANCE = 1e-10


def test_catalog_has_every_demo_from_the_issue() -> None:
    assert NAMES == [
        "seq2seq-bottleneck",
        "additive",
        "dot",
        "general",
        "scaled-dot-product",
        "masking",
        "self-attention",
        "multi-head",
        "mqa-gqa",
        "kv-cache",
        "flash-attention",
        "sinusoidal-pe",
        "rope",
        "sliding-window",
        "cross-attention",
        "attention-backward",
        "batched-masks",
        "softmax-stability",
        "paged-attention",
        "mla",
        "alibi",
        "rope-scaling",
        "linear-attention",
        "attention-dropout",
        "transformer-layer",
    ]
    assert all(info.summary and "\n" not in info.summary for info in list_demos())


@pytest.mark.parametrize("name", NAMES)
def test_demo_runs_at_defaults_and_every_check_passes(name: str) -> None:
    result = run_demo(name, {})
    assert result.name == name
    assert result.params == {param.name: param.default for param in get_demo(name).params}
    assert result.steps and result.checks
    failed = [check.description for check in result.checks if not check.passed]
    assert failed == []
    assert result.passed


@pytest.mark.parametrize("name", NAMES)
def test_demo_explains_itself_with_its_docstring(name: str) -> None:
    text = get_demo(name).explain()
    assert len(text.splitlines()) >= 5
    assert "\n\n" in text


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_the_same_numbers(name: str) -> None:
    first, second = run_demo(name, {}, seed=7), run_demo(name, {}, seed=7)
    for step_a, step_b in zip(first.steps, second.steps, strict=True):
        for key, array in step_a.arrays.items():
            np.testing.assert_array_equal(array, step_b.arrays[key])


def test_different_seeds_give_different_inputs() -> None:
    first, second = (
        run_demo("scaled-dot-product", {}, seed=1),
        run_demo("scaled-dot-product", {}, seed=2),
    )
    assert not np.array_equal(first.array("Q"), second.array("Q"))


@pytest.mark.parametrize("name", NAMES)
def test_to_dict_is_json_with_shapes(name: str) -> None:
    data = run_demo(name, {}).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["name"] == name
    first = next(iter(data["steps"][0]["arrays"].values()))
    assert np.array(first["values"]).shape == tuple(first["shape"])


def test_masked_scores_become_inf_strings_in_json() -> None:
    data = run_demo("masking", {}).to_dict()
    padded = next(step for step in data["steps"] if "padding_scores" in step["arrays"])
    assert padded["arrays"]["padding_scores"]["values"][0][-1] == "-inf"


@pytest.mark.parametrize("seq_len", [1, 3, 8])
def test_a_window_longer_than_the_sequence_is_plain_causal_attention(seq_len: int) -> None:
    result = run_demo("sliding-window", {"seq_len": seq_len, "window": 20})
    assert result.passed
    causal = np.tril(np.ones((seq_len, seq_len), dtype=bool))
    np.testing.assert_array_equal(result.array("window_mask"), causal)
    assert result.table is not None and result.table.rows[0][-1] == "0.0%"


@pytest.mark.parametrize("seq_len", [1, 5, 6])
def test_a_tile_larger_than_the_sequence_is_one_tile(seq_len: int) -> None:
    result = run_demo("flash-attention", {"seq_len": seq_len, "block_size": 64})
    assert result.passed
    assert result.array("running_max").shape == (1, seq_len)
    np.testing.assert_allclose(result.array("tiled_output"), result.array("naive_output"))
    assert result.table is not None and result.table.rows[0][3] == 2 * seq_len + seq_len**2


def test_masked_weights_are_exactly_zero() -> None:
    result = run_demo("masking", {"seq_len": 6, "pad": 4})
    assert np.all(result.array("padding_weights")[:, 2:] == 0.0)
    assert np.all(np.triu(result.array("causal_weights"), k=1) == 0.0)


@pytest.mark.parametrize(
    ("name", "params", "seed", "message"),
    [
        ("dott", {}, 0, "unknown demo 'dott'; did you mean dot?"),
        ("zzz", {}, 0, "unknown demo 'zzz'; see 'studycards demo list'"),
        (
            "dot",
            {"heads": 2},
            0,
            "demo 'dot': unknown parameter 'heads' (parameters: seq_len, tgt_len, d_model)",
        ),
        ("dot", {"seq_len": "four"}, 0, "demo 'dot': seq_len must be an integer, got 'four'"),
        ("dot", {"seq_len": 4.5}, 0, "demo 'dot': seq_len must be an integer, got 4.5"),
        ("dot", {"seq_len": True}, 0, "demo 'dot': seq_len must be an integer, got True"),
        ("dot", {"seq_len": 0}, 0, "demo 'dot': seq_len must be between 1 and 64, got 0"),
        ("dot", {"d_model": 257}, 0, "demo 'dot': d_model must be between 1 and 256, got 257"),
        ("dot", {}, -1, "demo 'dot': seed must be a non-negative integer, got -1"),
        (
            "dot",
            {"seq_len": 0, "d_model": "x"},
            0,
            "demo 'dot': seq_len must be between 1 and 64, got 0; "
            "d_model must be an integer, got 'x'",
        ),
        (
            "multi-head",
            {"d_model": 10, "heads": 4},
            0,
            "demo 'multi-head': d_model (10) must be divisible by heads (4)",
        ),
        (
            "mqa-gqa",
            {"heads": 4, "groups": 3},
            0,
            "demo 'mqa-gqa': heads (4) must be divisible by groups (3)",
        ),
        ("rope", {"d_model": 7}, 0, "demo 'rope': d_model must be even, got 7"),
        ("sinusoidal-pe", {"d_model": 5}, 0, "demo 'sinusoidal-pe': d_model must be even, got 5"),
        (
            "masking",
            {"seq_len": 5, "pad": 5},
            0,
            "demo 'masking': pad (5) must be less than seq_len (5)",
        ),
        (
            "seq2seq-bottleneck",
            {"d_model": 33},
            0,
            "demo 'seq2seq-bottleneck': d_model must be between 1 and 32, got 33",
        ),
        (
            "paged-attention",
            {"seq_len": 6, "prefix": 6},
            0,
            "demo 'paged-attention': prefix (6) must be less than seq_len (6)",
        ),
        (
            "alibi",
            {"seq_len": 4, "train_len": 9},
            0,
            "demo 'alibi': train_len (9) must be at most seq_len (4)",
        ),
        (
            "rope-scaling",
            {"d_model": 2},
            0,
            "demo 'rope-scaling': d_model must be between 4 and 256, got 2",
        ),
        ("rope-scaling", {"d_model": 9}, 0, "demo 'rope-scaling': d_model must be even, got 9"),
        (
            "mla",
            {"d_model": 10, "heads": 4},
            0,
            "demo 'mla': d_model (10) must be divisible by heads (4)",
        ),
        (
            "attention-dropout",
            {"drop": 95},
            0,
            "demo 'attention-dropout': drop must be between 0 and 90, got 95",
        ),
        (
            "batched-masks",
            {"batch": 0, "heads": 2.5},
            0,
            "demo 'batched-masks': batch must be between 1 and 8, got 0; "
            "heads must be an integer, got 2.5",
        ),
    ],
)
def test_bad_parameters_give_one_exact_line(
    name: str, params: dict[str, object], seed: int, message: str
) -> None:
    with pytest.raises(DemoError) as caught:
        run_demo(name, params, seed)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_refuses_values_outside_its_range(name: str) -> None:
    for param in get_demo(name).params:
        for value in (param.low - 1, param.high + 1):
            with pytest.raises(DemoError, match=f"{param.name} must be between"):
                run_demo(name, {param.name: value})


@pytest.mark.parametrize("name", NAMES)
def test_smallest_and_largest_sizes_run_without_warnings(name: str) -> None:
    demo = get_demo(name)
    for pick in (min, max):
        params = {p.name: pick(p.low, p.high) for p in demo.params}
        try:
            result = run_demo(name, _fit(name, params))
        except DemoError as error:
            pytest.fail(f"{name} {params}: {error}")
        assert result.passed, [c for c in result.checks if not c.passed]


def _fit(name: str, params: dict[str, int]) -> dict[str, int]:
    """Bend extreme parameter choices so they satisfy the demo's rules between parameters."""
    fitted = dict(params)
    if "d_model" in fitted and name in {"rope", "sinusoidal-pe", "rope-scaling"}:
        fitted["d_model"] = max(2, fitted["d_model"] - fitted["d_model"] % 2)
    if "heads" in fitted:
        fitted["heads"] = 1 if fitted["heads"] == 1 else 4
        fitted["d_model"] = max(fitted["d_model"] - fitted["d_model"] % 4, 4)
    if "groups" in fitted:
        fitted["groups"] = min(fitted["groups"], fitted["heads"])
    if "pad" in fitted:
        fitted["pad"] = min(fitted["pad"], fitted["seq_len"] - 1)
    fitted.pop("offset", None)
    return fitted


@pytest.mark.parametrize("seed", range(20))
def test_statistical_checks_hold_across_seeds(seed: int) -> None:
    for name in (
        "scaled-dot-product",
        "seq2seq-bottleneck",
        "cross-attention",
        "attention-dropout",
    ):
        assert run_demo(name, {}, seed=seed).passed


def test_listing_and_lookup_do_not_import_numpy() -> None:
    code = (
        "import sys\n"
        "from studycards.demos import list_demos, get_demo\n"
        "list_demos(); get_demo('rope')\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- blocks from notes ---------------------------------------------------------------------------


def test_run_block_maps_keys_to_parameters_and_seed() -> None:
    result = run_block("name: multi-head\nseq_len: 3\nd-model: 12\nheads: 3\nseed: 4\n")
    assert result.name == "multi-head"
    assert result.params == {"seq_len": 3, "d_model": 12, "heads": 3}
    assert result.seed == 4
    assert isinstance(result, DemoResult)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("name: no-such-demo\n", "unknown demo 'no-such-demo'; see 'studycards demo list'"),
        ("name: rope\nd_model: 5\n", "demo 'rope': d_model must be even, got 5"),
        (
            "!!python/object/apply:os.system ['echo hacked']\n",
            "studycards-demo block uses a YAML tag that is not allowed: "
            "!!python/object/apply:os.system (line 1)",
        ),
        (
            "name: !!python/name:os.system\n",
            "studycards-demo block uses a YAML tag that is not allowed: "
            "!!python/name:os.system (line 1)",
        ),
        ("- name\n- dot\n", "studycards-demo block must be a mapping like 'name: dot', got list"),
        ("just text\n", "studycards-demo block must be a mapping like 'name: dot', got str"),
        ("", "studycards-demo block must be a mapping like 'name: dot', got nothing"),
        (
            "seq_len: 4\n",
            "studycards-demo block needs a 'name' key, e.g. 'name: scaled-dot-product'",
        ),
        ("name: 3\n", "studycards-demo block: name must be a string, got 3"),
        (
            "name: dot\nseed: !!binary aGk=\n",
            "demo 'dot': seed must be a non-negative integer, got b'hi'",
        ),
        (
            "name: !custom dot\n",
            "studycards-demo block uses a YAML tag that is not allowed: "
            "could not determine a constructor for the tag '!custom' (line 1)",
        ),
    ],
)
def test_run_block_refuses_bad_blocks_with_one_line(source: str, message: str) -> None:
    with pytest.raises(DemoError) as caught:
        run_block(source)
    assert str(caught.value) == message


def test_run_block_reports_yaml_syntax_errors_with_their_line() -> None:
    with pytest.raises(DemoError) as caught:
        run_block("name: dot\nseq_len: [unclosed\n")
    message = str(caught.value)
    assert message.startswith("studycards-demo block is not valid YAML: ")
    assert message.endswith("(line 3)")
    assert "\n" not in message


# -- golden values from PyTorch ------------------------------------------------------------------


def test_golden_files_cover_every_demo() -> None:
    covered = {_meta(path)["name"] for path in GOLDEN_FILES}
    assert covered == set(NAMES)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[path.stem for path in GOLDEN_FILES])
def test_demo_matches_pytorch(path: Path) -> None:
    meta = _meta(path)
    result = run_demo(meta["name"], meta["params"], meta["seed"])
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files if key != "meta"}
    assert any(key.startswith("expected__") for key in arrays)
    for key, reference in arrays.items():
        kind, name = key.split("__", 1)
        ours, reference = result.array(name).astype(np.float64), reference.astype(np.float64)
        assert ours.shape == reference.shape, key
        infinite = np.isinf(reference)
        np.testing.assert_array_equal(ours[infinite], reference[infinite], err_msg=key)
        finite = ~infinite
        error = float(np.max(np.abs(ours[finite] - reference[finite]), initial=0.0))
        assert error <= TOLERANCE, f"{path.name} {key}: max abs error {error:.3g}"


def _meta(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as data:
        return json.loads(str(data["meta"]))


# -- every input a check used is in the JSON -----------------------------------------------------


def _json(name: str, params: dict[str, int] | None = None, seed: int = 0) -> dict:
    return json.loads(json.dumps(run_demo(name, params or {}, seed).to_dict(), allow_nan=False))


def _arrays(data: dict) -> dict[str, np.ndarray]:
    return {
        name: np.array(array["values"])
        for step in data["steps"]
        for name, array in step["arrays"].items()
    }


def _inputs(data: dict, start: str) -> dict[str, np.ndarray]:
    check = next(c for c in data["checks"] if c["description"].startswith(start))
    return {name: np.array(array["values"]) for name, array in check["inputs"].items()}


def _attend(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (weights / weights.sum(axis=-1, keepdims=True)) @ v


def test_scaled_dot_product_json_has_the_variance_samples() -> None:
    data = _json("scaled-dot-product", seed=3)
    samples = _inputs(data, "Var(q . k) grows like d")
    assert samples.keys() == {"q_samples", "k_samples"}
    assert _inputs(data, "at d = 128").keys() == samples.keys()
    q, k = samples["q_samples"], samples["k_samples"]
    for row in data["table"]["rows"]:
        d = row[0]
        dots = (q[:, :d] * k[:, :d]).sum(axis=1)
        assert round(float(dots.var()), 2) == row[1]
        assert round(float((dots / np.sqrt(d)).var()), 3) == row[2]


def test_seq2seq_json_has_every_sweep_input() -> None:
    data = _json("seq2seq-bottleneck", seed=2)
    sweep = _inputs(data, "attention beats the fixed context")
    assert [len(x) for x in sweep.values()] == [row[0] for row in data["table"]["rows"]]
    a, b = _arrays(data)["A"], _arrays(data)["B"]
    x = sweep["X_8"]
    state = np.zeros(len(a))
    for x_t in x:
        state = state @ a + x_t @ b
    maps = np.vstack([b @ np.linalg.matrix_power(a, len(x) - 1 - i) for i in range(len(x))])
    fixed = (state @ np.linalg.pinv(maps)).reshape(x.shape)
    error = np.linalg.norm(fixed - x) / np.linalg.norm(x)
    row = next(row for row in data["table"]["rows"] if row[0] == 8)
    assert f"{error:.3f}" == row[3]


def test_mqa_gqa_json_has_the_fresh_weights_of_its_comparisons() -> None:
    data = _json("mqa-gqa", {"heads": 4, "groups": 2, "d_model": 8}, seed=1)
    x = _arrays(data)["X"]
    for start, kv_width in (("GQA with groups = heads", 8), ("GQA with groups = 1", 2)):
        w = _inputs(data, start)
        assert w.keys() == {"W_q", "W_k", "W_v", "W_o"}
        assert w["W_k"].shape == (8, kv_width)
        q = (x @ w["W_q"]).reshape(len(x), 4, 2).transpose(1, 0, 2)
        k = (x @ w["W_k"]).reshape(len(x), kv_width // 2, 2).transpose(1, 0, 2)
        v = (x @ w["W_v"]).reshape(len(x), kv_width // 2, 2).transpose(1, 0, 2)
        repeat = 4 // (kv_width // 2)
        heads = _attend(q, np.repeat(k, repeat, axis=0), np.repeat(v, repeat, axis=0))
        output = heads.transpose(1, 0, 2).reshape(len(x), 8) @ w["W_o"]
        per_head = [_attend(q[h], k[h // repeat], v[h // repeat]) for h in range(4)]
        expected = np.concatenate(per_head, axis=1) @ w["W_o"]
        assert np.max(np.abs(output - expected)) <= TOLERANCE


def test_cross_attention_json_has_the_permutation() -> None:
    data = _json("cross-attention", seed=4)
    order = _inputs(data, "reordering the encoder positions")["permutation"]
    arrays = _arrays(data)
    assert sorted(order.tolist()) == list(range(len(arrays["X"])))
    x = arrays["X"][order]
    shuffled = _attend(arrays["Y"] @ arrays["W_q"], x @ arrays["W_k"], x @ arrays["W_v"])
    assert np.max(np.abs(shuffled - arrays["output"])) <= TOLERANCE


def test_a_fully_masked_row_gives_zeros_not_nan() -> None:
    result = run_demo("masking", {"seq_len": 6, "pad": 3})
    assert result.passed
    weights, output = result.array("combined_weights"), result.array("combined_output")
    assert not np.isnan(weights).any() and not np.isnan(output).any()
    assert np.all(weights[:3] == 0.0) and np.all(output[:3] == 0.0)
    np.testing.assert_allclose(weights[3:].sum(axis=1), 1.0, atol=TOLERANCE)
    assert np.isnan(result.array("naive_weights")[:3]).all()
    assert not np.isnan(result.array("naive_weights")[3:]).any()


def test_attend_gives_zero_for_a_query_that_sees_no_key() -> None:
    from studycards.demos._maths import attend

    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((3, 4)) for _ in range(3))
    mask = np.array([[False] * 3, [True, False, False], [True, True, True]])
    output, weights = attend(q, k, v, mask)
    assert np.all(output[0] == 0.0) and np.all(weights[0] == 0.0)
    np.testing.assert_allclose(output[1], v[0], atol=TOLERANCE)
    np.testing.assert_allclose(output[2], _attend(q[2:], k, v)[0], atol=TOLERANCE)


# -- the second wave: checks that can fail, figures that follow from the inputs ------------------


def test_a_wrong_softmax_backward_fails_the_finite_difference_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from studycards.demos import attention_backward

    right = attention_backward.backward

    def forgets_the_rowsum(q, k, v, d_out):  # type: ignore[no-untyped-def]
        grads = right(q, k, v, d_out)
        _, weights, _ = attention_backward.forward(q, k, v)
        wrong = weights * grads["dP"]
        scale = 1 / np.sqrt(q.shape[1])
        return {**grads, "dS": wrong, "dQ": wrong @ k * scale, "dK": wrong.T @ q * scale}

    monkeypatch.setattr(attention_backward, "backward", forgets_the_rowsum)
    result = run_demo("attention-backward", {})
    failed = {check.description.split()[0] for check in result.checks if not check.passed}
    assert {"dQ", "dK"} <= failed
    assert not result.passed


def test_batched_masks_counts_the_fully_masked_rows_of_left_padded_sequences() -> None:
    result = run_demo("batched-masks", {"batch": 4, "seq_len": 6, "heads": 1})
    lengths = result.array("lengths")
    assert lengths.tolist() == [6, 5, 4, 3]
    empty = ~result.array("mask").any(axis=-1)
    assert empty.sum(axis=1).tolist() == [0, 1, 0, 3]
    assert np.all(result.array("output")[1, :, 0] == 0.0)


def test_softmax_stability_overflows_only_when_the_logits_are_large() -> None:
    assert np.isnan(run_demo("softmax-stability", {"shift": 1000}).array("naive")).all()
    small = run_demo("softmax-stability", {"shift": 0})
    assert not np.isnan(small.array("naive")).any()
    np.testing.assert_allclose(small.array("naive"), small.array("stable"), atol=TOLERANCE)


def test_paged_attention_shares_the_prompt_blocks_and_scatters_the_rest() -> None:
    result = run_demo("paged-attention", {"seq_len": 20, "prefix": 8, "block_size": 4})
    table_a, table_b = result.array("table_A"), result.array("table_B")
    assert len(table_a) == 5 and table_a[:2].tolist() == table_b[:2].tolist()
    assert not set(table_a[2:].tolist()) & set(table_b[2:].tolist())
    pool = result.array("pool_K")
    np.testing.assert_array_equal(pool[table_a[0]], result.array("K_prefix")[:4])


def test_mla_cache_table_follows_from_the_deepseek_sizes() -> None:
    rows = {row[0]: row for row in run_demo("mla", {}).table.rows}  # type: ignore[union-attr]
    assert rows["MHA"][2] == 2 * 128 * 128 and rows["MLA"][2] == 512 + 64
    assert rows["MLA"][1] == 4 and rows["MHA"][1] == 2 * 16


def test_rope_scaling_ntk_slows_the_slowest_pair_by_the_scale() -> None:
    result = run_demo("rope-scaling", {"d_model": 8, "scale": 16})
    factor = result.array("theta_ntk") / result.array("theta")
    assert factor[0] == 1.0 and abs(factor[-1] - 1 / 16) < 1e-12
    assert np.all(np.diff(factor) < 0)


def test_transformer_layer_counts_its_own_parameters() -> None:
    result = run_demo("transformer-layer", {"d_model": 12, "heads": 3})
    names = result.steps[1].arrays
    assert sum(array.size for array in names.values()) == 12 * 144 + 13 * 12
    assert result.passed
