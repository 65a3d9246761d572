"""``studycards demo``: list, run and explain through the real CLI app."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import Result

from studycards.demos import list_demos

Cli = Callable[..., Result]


def test_list_shows_every_demo_with_its_summary(cli: Cli) -> None:
    result = cli("demo", "list")
    assert result.exit_code == 0
    for info in list_demos():
        assert info.name in result.stdout
    assert "Bahdanau" in result.stdout


def test_list_json_gives_names_summaries_and_parameters(cli: Cli) -> None:
    result = cli("demo", "list", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)["demos"]
    assert [item["name"] for item in data] == [info.name for info in list_demos()]
    heads = next(item for item in data if item["name"] == "multi-head")["params"]["heads"]
    assert heads == {"default": 2, "min": 1, "max": 64, "help": heads["help"]}


def test_run_renders_steps_heatmap_and_checks(cli: Cli) -> None:
    result = cli("demo", "run", "multi-head", "--seq-len", "3", "--d-model", "6", "--heads", "3")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "demo: multi-head" in out
    assert "Q_h  shape (3, 3, 2)" in out
    assert "concat  shape (3, 6)" in out
    assert "shade ramp" in out
    assert "✓ batched heads equal one head at a time" in out
    assert "seq_len=3 d_model=6 heads=3 seed=0" in out


def test_run_json_is_the_result(cli: Cli) -> None:
    result = cli("demo", "run", "kv-cache", "--seq-len", "4", "--seed", "3", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["name"] == "kv-cache"
    assert data["params"] == {"seq_len": 4, "d_model": 4}
    assert data["seed"] == 3
    assert data["passed"] is True
    cache = next(s for s in data["steps"] if "K_cache" in s["arrays"])["arrays"]["K_cache"]
    assert cache["shape"] == [4, 4]
    assert data["table"]["columns"] == ["n", "d", "method", "FLOPs", "memory"]


def test_run_is_deterministic_under_seed(cli: Cli) -> None:
    first = cli("demo", "run", "rope", "--seed", "5", "--json").stdout
    assert cli("demo", "run", "rope", "--seed", "5", "--json").stdout == first
    assert cli("demo", "run", "rope", "--seed", "6", "--json").stdout != first


def test_explain_prints_the_equations_and_parameters(cli: Cli) -> None:
    result = cli("demo", "explain", "scaled-dot-product")
    assert result.exit_code == 0
    assert "Var(q . k) = d" in result.stdout
    assert "--seq-len" in result.stdout and "--seed" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("run", "multi-head", "--d-model", "10", "--heads", "4"),
            "error: demo 'multi-head': d_model (10) must be divisible by heads (4)\n",
        ),
        (
            ("run", "dot", "--heads", "2"),
            "error: demo 'dot': unknown parameter 'heads' "
            "(parameters: seq_len, tgt_len, d_model)\n",
        ),
        (
            ("run", "scaled-dot-product", "--seq-len", "0"),
            "error: demo 'scaled-dot-product': seq_len must be between 1 and 64, got 0\n",
        ),
        (
            ("run", "rope", "--seed", "-1"),
            "error: demo 'rope': seed must be a non-negative integer, got -1\n",
        ),
        (
            ("run", "scaled-dot"),
            "error: unknown demo 'scaled-dot'; did you mean scaled-dot-product?\n",
        ),
        (("explain", "xyz"), "error: unknown demo 'xyz'; see 'studycards demo list'\n"),
    ],
)
def test_bad_input_exits_2_with_one_line_on_stderr(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli("demo", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_every_demo_command_has_help(cli: Cli) -> None:
    for command in ("list", "run", "explain"):
        result = cli("demo", command, "--help")
        assert result.exit_code == 0
    assert "--block-size" in cli("demo", "run", "--help").stdout


def test_a_failed_check_exits_1_and_shows_which(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("studycards.demos._maths.TOLERANCE", -1.0)
    result = cli("demo", "run", "kv-cache")
    assert result.exit_code == 1
    assert "✗ FAILED cached decoding equals full recomputation" in result.stdout
    assert result.stderr == ""
    as_json = cli("demo", "run", "kv-cache", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["passed"] is False


def test_window_and_tile_may_exceed_the_sequence(cli: Cli) -> None:
    window = cli("demo", "run", "sliding-window", "--seq-len", "4", "--window", "10")
    assert window.exit_code == 0, window.stderr
    assert "✓ with window >= n the mask is plain causal attention" in window.stdout
    tile = cli("demo", "run", "flash-attention", "--seq-len", "4", "--block-size", "16")
    assert tile.exit_code == 0, tile.stderr
    assert "✓ tiled attention equals naive attention" in tile.stdout


def test_explain_follows_the_terminal_width(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "140")
    wide = cli("demo", "explain", "masking").stdout
    assert max(len(line) for line in wide.splitlines()) > 100
    monkeypatch.setenv("COLUMNS", "60")
    narrow = cli("demo", "explain", "masking").stdout
    assert max(len(line.rstrip()) for line in narrow.splitlines()) <= 60


def test_every_demo_parameter_has_a_run_option(cli: Cli) -> None:
    from studycards.demos import get_demo

    help_text = cli("demo", "run", "--help").stdout
    for info in list_demos():
        for param in get_demo(info.name).params:
            assert param.option in help_text, (info.name, param.option)
