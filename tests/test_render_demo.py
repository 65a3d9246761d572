"""Rendering demos with Rich: steps and shapes, heatmaps with and without colour, error boxes."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from studycards.demos import get_demo, list_demos, run_demo
from studycards.render.demo import (
    format_number,
    render_demo,
    render_demo_block,
    render_explanation,
)


def plain(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def coloured(renderable: object) -> str:
    console = Console(
        file=io.StringIO(), width=80, color_system="truecolor", force_terminal=True, no_color=False
    )
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_plain_console_gets_the_shade_ramp_heatmap() -> None:
    text = plain(render_demo(run_demo("masking", {})))
    assert "shade ramp ' .:-=+*#%@' from 0 (blank) to 1 (@)" in text
    assert "q2    0.00    0.00 @  1.00    0.00    0.00" in text
    assert "\x1b[" not in text


def test_colour_console_gets_background_colours() -> None:
    text = coloured(render_demo(run_demo("masking", {})))
    assert "48;2;" in text
    assert "shade ramp" not in text


def test_steps_show_shapes_and_rounded_matrices() -> None:
    text = plain(render_demo(run_demo("masking", {})))
    assert "1. Inputs - queries, keys and values" in text
    assert "padding_scores  shape (5, 5)" in text
    assert "-inf -inf" in text
    assert "1 1 1 0 0" in text
    assert "✓ weights on padded keys are exactly 0  (max abs error 0)" in text
    assert "seq_len=5 d_model=4 pad=2 seed=0" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_large_arrays_are_summarised_not_printed() -> None:
    text = plain(render_demo(run_demo("scaled-dot-product", {"seq_len": 20, "d_model": 16})))
    assert "(320 numbers, not printed; --json has them)" in text


def test_bad_block_renders_a_red_error_box_instead_of_raising() -> None:
    text = plain(render_demo_block("name: multi-head\nd_model: 10\nheads: 4\n"))
    assert "studycards-demo" in text
    assert "demo 'multi-head': d_model (10) must be divisible by heads (4)" in text
    assert "\x1b[31m" in coloured(render_demo_block("name: nope\n"))


def test_good_block_renders_the_demo() -> None:
    text = plain(render_demo_block("name: rope\nseq_len: 3\n"))
    assert "demo: rope" in text
    assert "rotated_q  shape (3, 8)" in text


def test_numbers_are_rounded_to_read() -> None:
    assert [format_number(v) for v in (0.12345, -0.0001, True, 3, float("-inf"), 123456.0)] == [
        "0.123",
        "0.000",
        "1",
        "3",
        "-inf",
        "1.23e+05",
    ]


def at_width(renderable: object, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [60, 40])
@pytest.mark.parametrize("name", [info.name for info in list_demos()])
def test_narrow_terminals_never_cut_a_number(name: str, width: int) -> None:
    text = at_width(render_demo(run_demo(name, {})), width)
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines())


def test_a_wide_matrix_is_shown_in_column_blocks_that_say_so() -> None:
    result = run_demo("multi-head", {"d_model": 16})
    text = at_width(render_demo(result), 60)
    assert "columns 0..3 of 8" in text and "columns 4..7 of 8" in text
    first_row = [format_number(v) for v in result.array("Q_h")[0, 0].tolist()]
    for half in (first_row[:4], first_row[4:]):
        line = next(line for line in text.splitlines() if half[0] in line)
        assert line.split()[1:5] == half
    assert "columns 0..3" not in at_width(render_demo(result), 100)


def test_a_narrow_heatmap_drops_its_numbers_and_says_so() -> None:
    text = at_width(render_demo(run_demo("masking", {})), 40)
    assert "(too narrow for the numbers: shades" in text
    assert "too narrow" not in at_width(render_demo(run_demo("masking", {})), 80)


@pytest.mark.parametrize("width", [60, 80, 130])
def test_explain_wraps_its_prose_to_the_terminal(width: int) -> None:
    text = at_width(render_explanation(get_demo("kv-cache")), width)
    lines = text.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    paragraph = "A decoder generates token t from tokens 0..t. Under a causal mask, the keys"
    if width >= 100:
        assert paragraph in text
    prose = lines[lines.index(next(x for x in lines if x.startswith("A decoder"))) :]
    wrapped = prose[: prose.index("")]
    assert all(len(line.rstrip()) >= width - 15 for line in wrapped[:-1]), wrapped
    assert "             K = [K; k_t],  V = [V; v_t]" in text


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("name", [info.name for info in list_demos()])
def test_every_explanation_fits_the_terminal(name: str, width: int) -> None:
    text = at_width(render_explanation(get_demo(name)), width)
    assert all(len(line.rstrip()) <= width for line in text.splitlines())
    assert "…" not in text


def test_a_long_equation_line_puts_its_comment_underneath() -> None:
    text = at_width(render_explanation(get_demo("batched-masks")), 80)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("    causal[i, j]"))
    assert lines[at].rstrip() == "    causal[i, j]      = j <= i"
    assert lines[at + 1].rstrip() == "        (1, 1, T, T) broadcast"
    wide = at_width(render_explanation(get_demo("batched-masks")), 120)
    assert "    causal[i, j]      = j <= i" + " " * 42 + "(1, 1, T, T) broadcast" in wide
