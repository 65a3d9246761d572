"""The full-screen loop shared by ``review`` and ``interview``: keys in, frames out.

Every byte typed is parsed into keys (:class:`studycards.review.keys.KeyParser`), and every key
acts, in order, even when several arrive in one read; the screen is repainted once after the
burst, and only the lines that changed are written (:class:`studycards.render.painter.Painter`).
The clock in the header ticks once a second by rewriting that one line.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from studycards.render.frame import Frame, Look
from studycards.render.painter import Painter
from studycards.review.keys import KeyParser
from studycards.review.pane import Scroll

# After an ESC byte, wait this long for the rest of an escape sequence.
ESCAPE_WAIT = 0.03


@dataclass
class Screenful:
    """What the loop drives: a state machine's screen, keys, layout and scrolling pane."""

    screen: Callable[[], Any]
    press: Callable[[str], Any]
    layout: Callable[[Any, int, int, Look], Frame]
    scroll: Callable[[], Scroll]
    done: Callable[[], bool]
    on_key: Callable[[str], bool] = lambda key: False  # True: the key was handled here
    prefetch: Callable[[], None] = lambda: None  # work to do once a frame is on screen
    started: Callable[[], float] | None = None  # when the clock on screen started (monotonic)


class Terminal:
    """Raw key input and painted output on the process's terminal."""

    def __init__(self, look: Look, dumb: bool) -> None:
        self.fd_in, self.fd_out = sys.stdin.fileno(), sys.stdout.fileno()
        self.look = look
        self.parser = KeyParser()
        self.width, self.height = self.size()
        self.painter = Painter.on_fd(self.fd_out, self.width, dumb)
        self._wake_r, self._wake_w = os.pipe()

    def size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.fd_out)
        except OSError:
            return 80, 24
        return max(20, size.columns), max(8, size.lines)

    @contextmanager
    def active(self) -> Iterator[None]:
        """Cbreak mode without echo, the alternate screen, resize wake-ups; all undone after."""
        import termios
        import tty

        saved = termios.tcgetattr(self.fd_in)
        previous = signal.signal(signal.SIGWINCH, lambda *_: os.write(self._wake_w, b"r"))
        tty.setcbreak(self.fd_in)
        self.painter.enter()
        try:
            yield
        finally:
            self.painter.leave()
            termios.tcsetattr(self.fd_in, termios.TCSADRAIN, saved)
            signal.signal(signal.SIGWINCH, previous)
            os.close(self._wake_r)
            os.close(self._wake_w)

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """Give the terminal back (to an editor), then take it again and repaint it all."""
        import termios

        saved = termios.tcgetattr(self.fd_in)
        self.painter.leave()
        cooked = list(saved)
        cooked[3] |= termios.ECHO | termios.ICANON
        termios.tcsetattr(self.fd_in, termios.TCSADRAIN, cooked)
        try:
            yield
        finally:
            termios.tcsetattr(self.fd_in, termios.TCSADRAIN, saved)
            self.painter.enter()
            self.resized()

    def resized(self) -> None:
        self.width, self.height = self.size()
        self.painter.invalidate(self.width)

    def read(self, timeout: float) -> list[str] | None:
        """The keys typed within ``timeout`` seconds (all of them), or None if none came."""
        ready = self._wait(timeout)
        if ready is None:
            return None
        keys: list[str] = []
        while ready:
            data = os.read(self.fd_in, 4096)
            if not data:
                return ["q"]  # the terminal went away
            keys += self.parser.feed(data)
            ready = self.parser.waiting and self._wait(ESCAPE_WAIT) is not None
        if self.parser.waiting:
            keys += self.parser.flush()
        return keys

    def _wait(self, timeout: float) -> bool | None:
        ready, _, _ = select.select([self.fd_in, self._wake_r], [], [], timeout)
        if self._wake_r in ready:
            os.read(self._wake_r, 64)
            self.resized()
        if self.fd_in in ready:
            return True
        return None if not ready else False


def run(screenful: Screenful, terminal: Terminal) -> None:
    """Draw, then act on every key and redraw, until the state machine says it is done."""
    with terminal.active():
        draw(screenful, terminal)
        while not screenful.done():
            screenful.prefetch()
            keys = terminal.read(_until_next_second(screenful.started))
            for key in keys or ():
                if not screenful.on_key(key):
                    screenful.press(key)
                if screenful.done():
                    return  # the caller prints the end screen once, outside this screen
                fit(screenful, terminal)  # the next key in a burst scrolls what this one shows
            draw(screenful, terminal)


def fit(screenful: Screenful, terminal: Terminal) -> Frame:
    frame = screenful.layout(screenful.screen(), terminal.width, terminal.height, terminal.look)
    if frame.pane_total is not None:
        screenful.scroll().fit(frame.pane_total, frame.pane_page, frame.sections)
    return frame


def draw(screenful: Screenful, terminal: Terminal) -> None:
    frame = fit(screenful, terminal)
    # On a terminal that cannot move the cursor, the ticking clock alone is no reason to
    # print the whole screen again.
    terminal.painter.paint(frame, key="\n".join(line.plain for line in frame.lines[1:]))


def _until_next_second(started: Callable[[], float] | None) -> float:
    """Wake just after the clock on screen turns to its next second."""
    origin = started() if started else 0.0
    return 1.0 - ((time.monotonic() - origin) % 1.0) + 0.005
