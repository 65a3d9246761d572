"""Note text is untrusted: it reaches the terminal as text, never as markup or control codes.

A note from someone else's vault can hold ``[link=...]`` or ``[/etc]`` (Rich markup), or escape
sequences that retitle the window, clear the screen or emit hyperlinks. :class:`SafeConsole`
never parses markup in strings (studycards styles its own output with ``Text`` objects) and
strips control characters from every piece of text it writes, keeping only the escape codes Rich
itself makes for styles. :func:`clean` does the same for lines printed without Rich.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from studycards.render.text import CONTROL, clean, json_text

__all__ = ["SafeConsole", "clean", "json_text"]


class SafeConsole(Console):
    """A Console that shows markup as written and writes no control codes taken from text."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(*args, **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(_cleaned(buffer))


def _cleaned(buffer: Iterable[Segment]) -> Iterable[Segment]:
    for segment in buffer:
        if segment.control or not CONTROL.search(segment.text):
            yield segment
        else:
            yield Segment(clean(segment.text), segment.style, segment.control)
