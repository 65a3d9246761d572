"""Put frames on the terminal without ever blanking it: only the lines that changed are
rewritten, in place, inside one write (and a synchronized-update bracket where the terminal
knows it), on the alternate screen. A terminal that cannot move the cursor (``TERM=dumb``)
gets the whole frame printed again, but only when something other than the clock changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from studycards.render.frame import Frame, Line

ENTER = "\x1b[?1049h\x1b[?25l\x1b[?2004h"  # alternate screen, hide cursor, bracketed paste
LEAVE = "\x1b[?2004l\x1b[?25h\x1b[?1049l"
SYNC_BEGIN, SYNC_END = "\x1b[?2026h", "\x1b[?2026l"


class Painter:
    """Draws :class:`Frame` objects on a terminal file descriptor."""

    def __init__(self, write: Callable[[str], None], width: int, dumb: bool = False) -> None:
        self._write = write
        self.width = width
        self.dumb = dumb
        self._shown: list[Line] | None = None
        self._shown_key: str | None = None

    @classmethod
    def on_fd(cls, fd: int, width: int, dumb: bool = False) -> Painter:
        def write(text: str) -> None:
            data = text.encode("utf-8", "replace")
            while data:
                data = data[os.write(fd, data) :]

        return cls(write, width, dumb)

    def enter(self) -> None:
        if not self.dumb:
            self._write(ENTER)
        self._shown = None

    def leave(self) -> None:
        if not self.dumb:
            self._write(LEAVE)

    def invalidate(self, width: int | None = None) -> None:
        """The screen's content is unknown (a resize, an editor ran): repaint every line next."""
        if width is not None:
            self.width = width
        self._shown = None
        self._shown_key = None

    def paint(self, frame: Frame, key: str | None = None) -> int:
        """Show ``frame``; returns how many lines were written.

        ``key`` is the frame's content without the clock: a dumb terminal is repainted only
        when it changes.
        """
        if self.dumb:
            return self._paint_dumb(frame, key)
        shown = self._shown
        out: list[str] = []
        for row, line in enumerate(frame.lines):
            if shown is not None and row < len(shown) and shown[row] == line:
                continue
            clear = "\x1b[K" if line.cells < self.width else ""  # at the last column it would
            out.append(f"\x1b[{row + 1};1H{line.ansi}{clear}")  # erase the cell just written
        self._shown = list(frame.lines)
        if out:
            self._write(SYNC_BEGIN + "".join(out) + SYNC_END)
        return len(out)

    def _paint_dumb(self, frame: Frame, key: str | None) -> int:
        key = frame.text if key is None else key
        if key == self._shown_key:
            return 0
        self._shown_key = key
        self._write("\n" + frame.text.rstrip("\n") + "\n")
        return len(frame.lines)
