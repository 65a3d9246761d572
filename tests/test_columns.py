"""The line-by-line table of long listings (``list``): wrapping, alignment and colour."""

from __future__ import annotations

from rich.cells import cell_len

from studycards.render.columns import Cell, Column, plain, table_lines, wrap


def test_words_wrap_at_spaces_and_long_words_fold_at_the_edge():
    assert wrap("When to use attention mask", 12) == ["When to use", "attention", "mask"]
    assert wrap("cross-attention", 6) == ["cross-", "attent", "ion"]
    assert wrap("short", 12) == ["short"]
    assert wrap("", 5) == [""]


def test_cjk_text_folds_by_cell_width_never_splitting_a_wide_character():
    lines = wrap("二分查找的原理与实现", 13)
    assert lines == ["二分查找的原", "理与实现"]
    assert all(cell_len(line) <= 13 for line in lines)
    assert wrap("注意力", 1) == ["注", "意", "力"]  # narrower than one character: one each


def test_rows_line_up_and_figures_are_right_aligned():
    columns = [Column("Title", 8), Column("Reviews", 7, right=True)]
    rows = [[Cell("beam search"), Cell("12")], [Cell("两数之和"), Cell("3")]]
    lines = list(table_lines(columns, rows, colour=False))
    assert lines == [
        "Title    ┃ Reviews",
        "━━━━━━━━━╇━━━━━━━━",
        "beam     │      12",
        "search   │        ",
        "两数之和 │       3",
    ]


def test_colour_only_when_asked_and_never_on_blank_padding():
    columns = [Column("Due", 10)]
    rows = [[Cell("2025-01-27", "red")], [Cell("", "red")]]
    assert list(table_lines(columns, rows, colour=False))[2] == "2025-01-27"
    coloured = list(table_lines(columns, rows, colour=True))
    assert coloured[0] == "\x1b[1mDue       \x1b[0m"
    assert coloured[2] == "\x1b[31m2025-01-27\x1b[0m"
    assert coloured[3] == " " * 10


def test_cell_text_loses_control_characters_tabs_and_newlines():
    assert plain("a\tb\nc\x1b[31md\x07") == "a b c[31md"


def test_a_reader_that_stops_early_is_no_error(tmp_path):
    """``studycards list | head -1``: the pipe closes before the table is written; the command
    ends quietly (exit 1: its output is not complete) instead of printing "error: Broken
    pipe"."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    with subprocess.Popen(
        [sys.executable, "-m", "studycards", "--vault", str(repo), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    ) as process:
        process.stdout.close()  # the reader is gone before the first line
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) == 1
    assert stderr == ""
