"""A plain, fast table for long listings: the same look as the Rich tables elsewhere (a bold
header, ``┃``/``│`` between columns, a ``━`` rule), written line by line.

Rich lays out every cell of a table before printing its first line, which costs about 1.5 ms
a row: 15 s for a 10,000-note ``list``. Here each column's width is known up front (fixed
columns are as wide as their widest cell, wrapping columns share what is left), so each row is
wrapped and written on its own, and the output starts at once. Styles are SGR codes, written only
when the console would colour its output (a terminal, ``NO_COLOR`` unset).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from studycards.render.safe import clean

_SGR = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "green": "32"}


@dataclass(frozen=True)
class Column:
    """One column: its header, its width, and whether its cells wrap (else they are whole)."""

    name: str
    width: int
    right: bool = False


@dataclass(frozen=True)
class Cell:
    """A cell's text and its style (a name in :data:`_SGR`, or none)."""

    text: str
    style: str | None = None


def plain(text: str) -> str:
    """Cell text safe for one terminal line: control characters gone, tabs and newlines as
    spaces."""
    return clean(text).replace("\t", " ").replace("\n", " ")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells: broken at spaces, and a word wider than
    the column folded where it reaches the edge (CJK text has no spaces, so it folds)."""
    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        while cell_len(word) > width:
            head, word = _fold(word, width)
            lines.append(head)
        line = word
    if line or not lines:
        lines.append(line)
    return lines


def _fold(word: str, width: int) -> tuple[str, str]:
    used = 0
    for position, character in enumerate(word):
        size = get_character_cell_size(character)
        if used + size > width:
            return word[: max(position, 1)], word[max(position, 1) :]
        used += size
    return word, ""


def table_lines(
    columns: Sequence[Column], rows: Iterable[Sequence[Cell]], colour: bool
) -> Iterator[str]:
    """The header, the rule, then each row's lines (a row whose cells wrap takes several)."""

    def styled(text: str, style: str | None) -> str:
        if not colour or not style or not text.strip():
            return text
        return f"\x1b[{_SGR[style]}m{text}\x1b[0m"

    def pad(text: str, column: Column) -> str:
        gap = " " * max(0, column.width - cell_len(text))
        return gap + text if column.right else text + gap

    header = [Cell(column.name, "bold") for column in columns]
    yield " ┃ ".join(
        styled(pad(c.text, col), c.style) for c, col in zip(header, columns, strict=True)
    )
    last = len(columns) - 1
    yield "╇".join(
        "━" * (col.width + (0 if i == 0 else 1) + (0 if i == last else 1))
        for i, col in enumerate(columns)
    )
    for row in rows:
        cells = [wrap(cell.text, col.width) for cell, col in zip(row, columns, strict=True)]
        for line in range(max(len(lines) for lines in cells)):
            parts = []
            for cell, col, lines in zip(row, columns, cells, strict=True):
                text = lines[line] if line < len(lines) else ""
                parts.append(styled(pad(text, col), cell.style))
            yield " │ ".join(parts)
