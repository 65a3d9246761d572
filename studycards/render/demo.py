"""Render attention demos: each step's shapes and small matrices, a heatmap, figures and checks.

Colour is used for the heatmap only when the console has it; with ``NO_COLOR`` (or output that is
not a terminal) each cell becomes a character from a shade ramp next to its number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
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
    return Group(heading, Text(""), Text(demo.explain()), Text(""), params)


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
    table = Table.grid(padding=(0, 1))
    for _ in range(max((len(row) for row in rows), default=0)):
        table.add_column(justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(format_number(value) for value in row))
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
        yield self._grid(plain, low, high)
        if plain:
            yield Text(
                f"shade ramp '{SHADES}' from {low:.3g} (blank) to {high:.3g} (@)", style="dim"
            )
        yield Text("")

    def _grid(self, plain: bool, low: float, high: float) -> Table:
        heatmap = self.heatmap
        numbered = len(heatmap.col_labels) <= NUMBERED_COLS
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
        table.add_column(column, justify="right")
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
