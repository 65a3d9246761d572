"""Full-screen frames as lists of lines, so a session screen can be laid out to the terminal's
exact height and repainted line by line (see :mod:`studycards.render.painter`).

A :class:`Frame` is exactly ``height`` lines, each already styled for the terminal, plus what
the scrolling pane in it holds (its length, its visible height, where its sections start), which
the session's :class:`studycards.review.pane.Scroll` needs to move within bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.text import Text

from studycards.render.note import markdown_view
from studycards.render.safe import SafeConsole, clean
from studycards.review.pane import split_sections

_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
    "windows": ColorSystem.WINDOWS,
}


@dataclass(frozen=True)
class Line:
    """One screen line: the text to write (with its escape codes) and its width in cells."""

    ansi: str
    cells: int
    plain: str


BLANK = Line("", 0, "")


@dataclass(frozen=True)
class Frame:
    lines: tuple[Line, ...]
    pane_total: int | None = None  # None: no pane on this frame (help), the scroll stays put
    pane_page: int = 1
    sections: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """The frame as plain text, one line each (for tests and dumb terminals)."""
        return "\n".join(line.plain.rstrip() for line in self.lines)


@dataclass(frozen=True)
class Look:
    """How lines are styled: the terminal's colour system (None: no styling) and NO_COLOR."""

    color_system: str | None = None
    no_color: bool = False

    @classmethod
    def of(cls, console: Console) -> Look:
        return cls(console.color_system, console.no_color)


def to_line(segments: list[Segment], look: Look) -> Line:
    system = _SYSTEMS.get(look.color_system or "")
    parts, plain = [], []
    for segment in segments:
        if segment.control:
            continue
        text, style = clean(segment.text), segment.style  # note text: no control codes
        plain.append(text)
        if system is None or style is None or not text:
            parts.append(text)
            continue
        if look.no_color:
            style = style.without_color
        parts.append(style.render(text, color_system=system))
    joined = "".join(plain)
    return Line("".join(parts), cell_len(joined), joined)


def render_lines(renderable: RenderableType, width: int, look: Look) -> list[Line]:
    """``renderable`` laid out at ``width`` cells, line by line."""
    console = SafeConsole(
        width=max(10, width),
        color_system="truecolor" if look.color_system else None,
        force_terminal=True,
        legacy_windows=False,
        no_color=look.no_color,
        highlight=False,
    )
    options = console.options.update(width=max(10, width), height=None)
    return [to_line(line, look) for line in console.render_lines(renderable, options, pad=False)]


def text_line(text: Text, width: int, look: Look) -> Line:
    """One line of ``text``, cut to ``width``."""
    text = text.copy()
    text.truncate(max(1, width), overflow="ellipsis")
    text.no_wrap = True
    lines = render_lines(text, width, look)
    return lines[0] if lines else BLANK


@lru_cache(maxsize=64)
def markdown_lines(text: str, width: int, look: Look) -> tuple[Line, ...]:
    """Markdown laid out at ``width``; cached, as a frame is rebuilt on every key and tick."""
    return tuple(render_lines(markdown_view(text), width, look))


@lru_cache(maxsize=32)
def sectioned_lines(
    parts: tuple[tuple[str, str], ...], width: int, look: Look
) -> tuple[tuple[Line, ...], tuple[int, ...], tuple[str, ...]]:
    """Each ``(title, markdown)`` part cut at its headings and laid out: the lines, the line
    where each section starts, and the sections' titles."""
    lines: list[Line] = []
    starts: list[int] = []
    titles: list[str] = []
    for first_title, text in parts:
        for title, body in split_sections(text, first_title):
            if lines:
                lines.append(BLANK)
            starts.append(len(lines))
            titles.append(title)
            lines.extend(markdown_lines(body, width, look))
    return tuple(lines), tuple(starts), tuple(titles)


def fitted(lines: list[Line], height: int) -> tuple[Line, ...]:
    """Exactly ``height`` lines: cut, or padded with blank ones."""
    return tuple(lines[:height] + [BLANK] * max(0, height - len(lines)))


def rule_line(label: str, width: int, look: Look, style: str = "cyan") -> Line:
    """``── label ───────``: a pane's top edge, saying what it shows and where you are."""
    text = Text("── ", style=style)
    text.append(label, style=f"bold {style}")
    text.append(" " + "─" * max(0, width - cell_len(label) - 5), style=style)
    return text_line(text, width - 1, look)


def position_label(offset: int, page: int, total: int) -> str:
    if total <= page:
        return f"all {total} lines"
    last = min(total, offset + page)
    return f"lines {offset + 1}-{last} of {total} ({last * 100 // total}%)"
