"""Render attention demos: each step's shapes and small matrices, a heatmap, figures and checks.

Colour is used for the heatmap only when the console has it; with ``NO_COLOR`` (or output that is
not a terminal) each cell becomes a character from a shade ramp next to its number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from studycards.errors import DemoError

if TYPE_CHECKING:
    import numpy as np

    from studycards.demos import Demo, DemoInfo
    from studycards.demos.result import Check, DemoResult, Heatmap, Step
    from studycards.demos.result import Table as FigureTable

SHADES = " .:-=+*#%@"
GRADIENT = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
MAX_ROWS, MAX_COLS, MAX_SLICES = 12, 8, 4
NUMBERED_COLS = 12


def render_demo(result: DemoResult) -> RenderableType:
    """A panel with every step, then the heatmap, the figures and the checks."""
    parts: list[RenderableType] = [_step(index, step) for index, step in enumerate(result.steps, 1)]
    if result.heatmap is not None:
        parts.append(HeatmapView(result.heatmap))
    if result.table is not None:
        parts.append(_figures(result.table))
    parts.append(_checks(result.checks))
    settings = " ".join(
        f"{key}={value}" for key, value in {**result.params, "seed": result.seed}.items()
    )
    return Panel(
        Group(*parts),
        title=Text(f"demo: {result.name}", style="bold"),
        title_align="left",
        subtitle=Text(settings, style="dim"),
        subtitle_align="right",
        border_style="blue" if result.passed else "red",
    )


def render_demo_block(source: str) -> RenderableType:
    """A ``studycards-demo`` block's live output, or a red error box; never raises DemoError."""
    from studycards.demos import run_block

    try:
        return render_demo(run_block(source))
    except DemoError as error:
        return error_panel(str(error))


def error_panel(message: str) -> Panel:
    """The one-line problem with a demo block, in a red box."""
    return Panel(Text(message), title="studycards-demo", title_align="left", border_style="red")


def render_demo_list(infos: Iterable[DemoInfo]) -> RenderableType:
    table = Table(show_edge=False, box=None, pad_edge=False)
    table.add_column("demo", style="bold cyan", no_wrap=True)
    table.add_column("what it shows")
    for info in infos:
        table.add_row(info.name, info.summary)
    return table


def render_explanation(demo: Demo) -> RenderableType:
    """The demo's docstring (what it shows and its equations) and its parameters."""
    params = Table(box=None, pad_edge=False, title="parameters", title_justify="left")
    for column in ("option", "default", "range", "meaning"):
        params.add_column(column, no_wrap=column != "meaning")
    for param in demo.params:
        params.add_row(param.option, str(param.default), f"{param.low}..{param.high}", param.help)
    params.add_row("--seed", "0", "0..", "random seed: the same seed gives the same numbers")
    heading = Text(f"studycards demo run {demo.name}", style="bold")
    return Group(heading, Text(""), *reflow(demo.explain()), Text(""), params)


def reflow(text: str) -> list[RenderableType]:
    """A docstring rewrapped to the terminal: prose lines of a paragraph are joined so Rich
    wraps them at any width; indented lines (equations, code) stay one a line unless the
    terminal is narrower than they are (see :class:`EquationLine`)."""
    parts: list[RenderableType] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            parts.append(Text(" ".join(prose)))
            prose.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
            parts.append(Text(""))
        elif line.startswith((" ", "\t")):
            flush()
            parts.append(EquationLine(line))
        else:
            if _starts_item(line):
                flush()
            prose.append(line.strip())
    flush()
    return parts


class EquationLine:
    """An indented docstring line (an equation, maybe with a comment after its last wide gap).
    When it does not fit, the comment moves to the next line under the equation; what still
    does not fit wraps under its own indent."""

    def __init__(self, line: str) -> None:
        self.line = line.rstrip()
        self.indent = len(line) - len(line.lstrip())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if len(self.line) <= options.max_width:
            yield Text(self.line)
            return
        body = self.line.strip()
        gaps = list(re.finditer(r"(?<=\S)\s{3,}(?=\S)", body))
        pieces = [body[: gaps[-1].start()], body[gaps[-1].end() :]] if gaps else [body]
        for number, piece in enumerate(pieces):
            indent = self.indent + (4 if number else 0)
            yield Padding(Text(piece, overflow="fold"), (0, 0, 0, indent))


def _starts_item(line: str) -> bool:
    """A bullet or numbered item starts a new wrapped run, so lists keep one item a line."""
    head = line.split(" ", 1)[0]
    return head in {"-", "*"} or (head.endswith((".", ")")) and head[:-1].isdigit())


def _step(index: int, step: Step) -> RenderableType:
    heading = Text.assemble((f"{index}. {step.title}", "bold"), " - ", (step.explanation, "italic"))
    parts: list[RenderableType] = [heading]
    for name, array in step.arrays.items():
        parts.append(Padding(_array(name, array), (0, 0, 0, 3)))
    if step.note:
        parts.append(Padding(Text(step.note, style="dim"), (0, 0, 0, 3)))
    return Group(*parts, Text(""))


def _array(name: str, array: np.ndarray) -> RenderableType:
    label = Text.assemble((name, "bold cyan"), "  shape ", (str(tuple(array.shape)), "magenta"))
    if array.ndim == 3 and len(array) <= MAX_SLICES and _small(array[0]):
        return Group(label, SlicesView(array))
    if _small(array):
        return Group(label, _matrix(array))
    return Group(label, Text(f"({array.size} numbers, not printed; --json has them)", style="dim"))


class SlicesView:
    """A 3-D array's leading slices ([0], [1]...) side by side when they fit, else stacked."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        slices = list(self.array)
        if self._width() <= options.max_width:
            grid = Table.grid(padding=(0, 3))
            for _ in slices:
                grid.add_column()
            grid.add_row(*(Text(f"[{index}]", style="dim") for index in range(len(slices))))
            grid.add_row(*(_matrix(part) for part in slices))
            yield grid
            return
        for index, part in enumerate(slices):
            yield Text(f"[{index}]", style="dim")
            yield _matrix(part)

    def _width(self) -> int:
        """Columns needed side by side: every number's width plus the gaps."""
        widest = max(
            (len(format_number(value)) for value in self.array.ravel().tolist()), default=1
        )
        slices, _, cols = self.array.shape
        return slices * cols * (widest + 1) + 3 * (slices - 1)


def _small(array: np.ndarray) -> bool:
    """Whether the array fits on screen: a short vector or a matrix of at most 12 x 8."""
    if array.ndim <= 1:
        return array.size <= MAX_COLS * 2
    return array.ndim == 2 and array.shape[0] <= MAX_ROWS and array.shape[1] <= MAX_COLS


def _matrix(array: np.ndarray) -> RenderableType:
    """Numbers rounded to read, right-aligned in columns; a vector wraps every 8 numbers."""
    values = array.tolist()
    if array.ndim == 0:
        rows = [[values]]
    elif array.ndim == 1:
        rows = [values[start : start + MAX_COLS] for start in range(0, len(values), MAX_COLS)]
    else:
        rows = values
    return MatrixView([[format_number(value) for value in row] for row in rows])


class MatrixView:
    """Right-aligned columns of numbers. When they do not fit the width, the columns are shown
    in blocks that do, each headed by the columns it holds: a number is never cut short."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        count = max((len(row) for row in rows), default=0)
        self.widths = [
            max((len(row[col]) for row in rows if col < len(row)), default=1)
            for col in range(count)
        ]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        needed = sum(self.widths) + max(len(self.widths) - 1, 0)
        return Measurement(min(needed, max(self.widths, default=1)), needed)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        blocks = self._blocks(options.max_width)
        for first, last in blocks:
            if len(blocks) > 1:
                shown = f"columns {first}..{last - 1} of {len(self.widths)}"
                yield Text(shown if last - first > 1 else f"column {first}", style="dim")
            yield self._grid(first, last)

    def _blocks(self, width: int) -> list[tuple[int, int]]:
        """Runs of columns [first, last) that each fit ``width``, as even as they can be."""
        greedy = self._greedy(width)
        size = -(-len(self.widths) // len(greedy))
        even = [(i, min(i + size, len(self.widths))) for i in range(0, len(self.widths), size)]
        fits = all(self._width(first, last) <= width for first, last in even)
        return even if fits and len(even) == len(greedy) else greedy

    def _width(self, first: int, last: int) -> int:
        return sum(self.widths[first:last]) + max(last - first - 1, 0)

    def _greedy(self, width: int) -> list[tuple[int, int]]:
        blocks, first, used = [], 0, 0
        for col, column_width in enumerate(self.widths):
            needed = column_width + (1 if col > first else 0)
            if col > first and used + needed > width:
                blocks.append((first, col))
                first, needed = col, column_width
                used = 0
            used += needed
        blocks.append((first, len(self.widths)))
        return blocks

    def _grid(self, first: int, last: int) -> Table:
        table = Table.grid(padding=(0, 1))
        for _ in range(first, last):
            table.add_column(justify="right", no_wrap=True, overflow="fold")
        for row in self.rows:
            table.add_row(*row[first:last])
        return table


def format_number(value: bool | int | float) -> str:
    """3 decimals, -inf for masked scores, 1 and 0 for masks, exponents for large numbers."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value) or abs(value) >= 1e4:
        return f"{value:.3g}"
    return f"{round(value, 3) + 0.0:.3f}"


class HeatmapView:
    """A weights matrix as coloured cells, or as a shade ramp when the console has no colour."""

    def __init__(self, heatmap: Heatmap) -> None:
        self.heatmap = heatmap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = console.no_color or console.color_system is None
        weights = self.heatmap.weights
        low, high = min(0.0, float(weights.min())), float(weights.max())
        yield Text(self.heatmap.title, style="bold")
        numbered = len(self.heatmap.col_labels) <= NUMBERED_COLS
        if numbered and self._numbered_width(plain) > options.max_width:
            numbered = False
            yield Text("(too narrow for the numbers: shades only; --json has them)", style="dim")
        yield self._grid(plain, low, high, numbered)
        if plain:
            yield Text(
                f"shade ramp '{SHADES}' from {low:.3g} (blank) to {high:.3g} (@)", style="dim"
            )
        yield Text("")

    def _numbered_width(self, plain: bool) -> int:
        """Columns the grid needs with a number in every cell."""
        labels = max((len(label) for label in self.heatmap.row_labels), default=0)
        cell = max(7 if plain else 5, *(len(label) for label in self.heatmap.col_labels))
        return labels + len(self.heatmap.col_labels) * (cell + 1)

    def _grid(self, plain: bool, low: float, high: float, numbered: bool) -> Table:
        heatmap = self.heatmap
        grid = Table.grid(padding=(0, 1 if numbered else 0))
        grid.add_column(justify="right", style="dim")
        for _ in heatmap.col_labels:
            grid.add_column(justify="right")
        header = [""] + [label if numbered else "" for label in heatmap.col_labels]
        grid.add_row(*(Text(cell, style="dim") for cell in header))
        for label, row in zip(heatmap.row_labels, heatmap.weights, strict=True):
            cells = [_cell(float(value), low, high, plain, numbered) for value in row]
            grid.add_row(Text(label, style="dim"), *cells)
        return grid


def _cell(value: float, low: float, high: float, plain: bool, numbered: bool) -> Text:
    level = 0.0 if high <= low else (value - low) / (high - low)
    if plain:
        shade = SHADES[min(int(level * len(SHADES)), len(SHADES) - 1)]
        return Text(f"{shade} {value:5.2f}" if numbered else shade)
    red, green, blue = _colour(level)
    ink = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"
    style = Style(color=ink, bgcolor=f"rgb({red},{green},{blue})")
    return Text(f"{value:5.2f}" if numbered else " ", style=style)


def _colour(level: float) -> tuple[int, int, int]:
    """Interpolate the gradient at ``level`` in [0, 1]."""
    position = min(max(level, 0.0), 1.0) * (len(GRADIENT) - 1)
    index = min(int(position), len(GRADIENT) - 2)
    fraction = position - index
    start, end = GRADIENT[index], GRADIENT[index + 1]
    red, green, blue = (round(a + (b - a) * fraction) for a, b in zip(start, end, strict=True))
    return red, green, blue


def _figures(figures: FigureTable) -> RenderableType:
    table = Table(title=figures.title, title_justify="left", title_style="bold", box=None)
    for column in figures.columns:
        table.add_column(column, justify="right", overflow="fold")
    for row in figures.rows:
        table.add_row(*(_figure(cell) for cell in row))
    return Group(table, Text(""))


def _figure(cell: object) -> str:
    if isinstance(cell, int):
        return f"{cell:,}"
    return str(cell)


def _checks(checks: Sequence[Check]) -> RenderableType:
    lines = [Text("checks", style="bold")]
    for check in checks:
        mark = ("✓ ", "green") if check.passed else ("✗ FAILED ", "bold red")
        error = (
            "" if check.max_abs_error is None else f"  (max abs error {check.max_abs_error:.2g})"
        )
        lines.append(Text.assemble(mark, check.description, (error, "dim")))
    return Group(*lines)
