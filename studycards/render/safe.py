"""Note text is untrusted: it reaches the terminal as text, never as markup or control codes.

A note from someone else's vault can hold ``[link=...]`` or ``[/etc]`` (Rich markup), or escape
sequences that retitle the window, clear the screen or emit hyperlinks. :class:`SafeConsole`
never parses markup in strings (studycards styles its own output with ``Text`` objects) and
strips control characters from every piece of text it writes, keeping only the escape codes Rich
itself makes for styles. :func:`clean` does the same for lines printed without Rich.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

# C0 controls except tab and newline, DEL, and the C1 controls (which include the 8-bit CSI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_UNESCAPED_IN_JSON = re.compile("[\x7f-\x9f]")  # JSON escapes C0 itself, not DEL or C1


def json_text(data: object, allow_nan: bool = True) -> str:
    """``data`` as JSON for a terminal: every control character escaped (``\\u009b``)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=allow_nan)
    return _UNESCAPED_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean(text: str) -> str:
    """``text`` with every control character but tab and newline removed."""
    return _CONTROL.sub("", text)


class SafeConsole(Console):
    """A Console that shows markup as written and writes no control codes taken from text."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(*args, **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(_cleaned(buffer))


def _cleaned(buffer: Iterable[Segment]) -> Iterable[Segment]:
    for segment in buffer:
        if segment.control or not _CONTROL.search(segment.text):
            yield segment
        else:
            yield Segment(clean(segment.text), segment.style, segment.control)
