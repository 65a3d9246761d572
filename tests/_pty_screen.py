"""A studycards session in a real pseudo-terminal, with a terminal emulator (pyte) reading what
it writes, so tests assert what a person sees on the screen, not the byte stream."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte


class PtyScreen:
    """``studycards --vault VAULT ARGS...`` at ``columns`` x ``lines``; every byte it writes
    goes through the emulator, and each chunk read is one sample of the screen."""

    def __init__(self, vault: Path, *args: str, columns: int = 80, lines: int = 24, env=None):
        environ = dict(os.environ, TERM="xterm-256color", NO_COLOR="1", **(env or {}))
        environ.pop("COLUMNS", None)
        environ.pop("LINES", None)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "studycards", "--vault", str(vault), *args],
            env=environ,
            dimensions=(lines, columns),
            timeout=15,
        )
        self.child.delaybeforesend = None
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.samples: list[list[str]] = []
        self.bytes_read = 0

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def pump(self, seconds: float) -> None:
        """Read for ``seconds``, sampling the screen after each chunk."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                data = self.child.read_nonblocking(65536, timeout=min(left, 0.05))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                return
            self.bytes_read += len(data)
            self.stream.feed(data)
            self.samples.append(self.lines)

    def wait_for(self, text: str, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while text not in self.text:
            if time.monotonic() > end or not self.child.isalive() and not self._drain():
                raise AssertionError(f"{text!r} never appeared; the screen:\n{self.text}")
            self.pump(0.05)

    def wait_gone(self, text: str, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while text in self.text:
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} stayed; the screen:\n{self.text}")
            self.pump(0.05)

    def sync(self) -> None:
        """Wait until every key sent so far has acted: keys act in order, so once the help
        that '?' opens is on screen, all earlier keys are done; any key then closes it."""
        self.send("?")
        self.wait_for("press any key to go back")
        self.send("x")
        self.wait_gone("press any key to go back")
        self.pump(0.1)

    def settle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Read until nothing but the clock has changed for ``quiet`` seconds."""
        end = time.monotonic() + timeout
        last, since = self.body(), time.monotonic()
        while time.monotonic() < end:
            self.pump(0.05)
            if self.body() != last:
                last, since = self.body(), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def body(self) -> list[str]:
        """The screen without its first line (the header, where the clock ticks)."""
        return self.lines[1:]

    def send(self, data: str) -> None:
        self.child.send(data)

    def finish(self) -> str:
        """Wait for the process to end; what it printed after leaving the alternate screen."""
        self.child.expect(pexpect.EOF)
        self.stream.feed(self.child.before)
        self.child.close()
        return self.text

    def _drain(self) -> bool:
        try:
            data = self.child.read_nonblocking(65536, timeout=0)
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False
        self.stream.feed(data)
        return True
