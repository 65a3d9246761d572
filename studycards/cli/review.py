"""The interactive review session and the mock interview, in the terminal."""

from __future__ import annotations

import os
import select
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from studycards.cli._common import console, state
from studycards.cli.notes import Difficulty

_ESCAPES = {
    "\x1b[A": "up",
    "\x1b[B": "down",
    "\x1b[5~": "pgup",
    "\x1b[6~": "pgdn",
    "\x1bOA": "up",
    "\x1bOB": "down",
}


@contextmanager
def raw_keys() -> Iterator[None]:
    """Read single key presses without echo (cbreak mode) while inside the block."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def read_key(timeout: float) -> str | None:
    """One key (arrows and page keys by name), or None when ``timeout`` seconds pass."""
    fd = sys.stdin.fileno()
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    data = os.read(fd, 16).decode("utf-8", "replace")
    if data.startswith("\x1b") and len(data) > 1:
        return _ESCAPES.get(data, "")
    return data[:1] if data else "q"


def require_terminal() -> None:
    from studycards.errors import CannotComplete

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CannotComplete(
            "review needs an interactive terminal; in scripts use "
            "'studycards grade NOTE again|hard|good|easy'"
        )


def open_editor(path: str) -> None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    subprocess.run([*shlex.split(editor), path], check=False)


# A grade waits this long for another writer (a `link`, a scripted `grade`) to finish.
LOCK_PATIENCE_SECONDS = 15.0


def run_loop(
    screen_of: Callable[[], Any],
    press: Callable[[str], Any],
    draw: Callable[[Any], None],
    on_edit: Callable[[], None],
    done: Callable[[], bool],
) -> None:
    """Draw, wait for a key (redrawing each second for the timer), react, until done."""
    from studycards.lock import patience

    with raw_keys(), patience(LOCK_PATIENCE_SECONDS):
        draw(screen_of())
        while not done():
            key = read_key(1.0)
            if key is None:
                draw(screen_of())
                continue
            if key == "e":
                on_edit()
            else:
                press(key)
            draw(screen_of())


class NoteWatch:
    """Reloads the card on screen when its note is saved from outside (an editor), so the
    session never shows text the file no longer holds. The session's own writes (a grade, an
    undo, a bury, an edit with 'e') are recorded after each key and never count as a change."""

    def __init__(self, vault: Any, session: Any):
        self.vault, self.session = vault, session
        self.stamps: dict[str, tuple[int, int, int] | None] = {}

    def screen(self) -> Any:
        self._check()
        return self.session.screen()

    def press(self, key: str) -> Any:
        self._check()  # an outside save since the last draw is loaded before the key acts
        shown = self.session.card
        result = self.session.press(key)
        self.settle(shown)
        return result

    def settle(self, *cards: Any) -> None:
        for card in (*cards, self.session.card):
            if card is not None:
                self.stamps[card.note_rel] = self._stamp(card.note_rel)

    def _check(self) -> None:
        card = self.session.card
        if card is None:
            return
        stamp = self._stamp(card.note_rel)
        if self.stamps.setdefault(card.note_rel, stamp) != stamp:
            self.stamps[card.note_rel] = stamp
            self.session.edit_reloaded()

    def _stamp(self, rel: str) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self.vault.path_of(rel))
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns


def _drawer(out: Any, view: Callable[..., Any]) -> Callable[[Any], None]:
    def draw(screen: Any) -> None:
        size = out.size
        out.clear()
        out.print(view(screen, height=size.height, width=size.width))

    return draw


def review(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Only notes with this tag."),
    topic: str | None = typer.Option(None, "--topic", help="Only notes in this topic folder."),
    difficulty: Difficulty | None = typer.Option(
        None, "--difficulty", help="Only this difficulty."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many notes."),
    order: str | None = typer.Option(None, "--order", help="due, risk or easy-first."),
    timed: bool = typer.Option(False, "--timed", help="A 30-second countdown before reveal."),
    seconds: float = typer.Option(30.0, "--seconds", min=1, help="Countdown length for --timed."),
    followups: bool | None = typer.Option(
        None, "--followups/--no-followups", help="Review follow-up Q&A as cards of their own."
    ),
) -> None:
    """Review today's due notes: reveal, grade 1-4, undo, skip, bury, edit. Every grade is saved at once."""
    from studycards.notes.catalog import NoteFilter
    from studycards.render.session import screen_view, summary_view
    from studycards.review.session import Session
    from studycards.review.session_backend import VaultBackend, build_cards
    from studycards.scheduling.clock import now_in
    from studycards.scheduling.queue import load_queue

    require_terminal()
    vault = state(ctx).vault()
    zone = vault.config.timezone
    now = now_in(zone)
    where = NoteFilter(tag, topic, difficulty.value if difficulty else None)
    queue, _notices = load_queue(vault, now.date(), where, order)
    items = queue.study[:limit] if limit else queue.study
    backend = VaultBackend(vault, lambda: now_in(zone))
    use_followups = vault.config.followups if followups is None else followups
    cards = build_cards(vault, items, backend.histories(), now.date(), use_followups)
    import time

    session = Session(
        cards, backend, time.monotonic, vault.config.again_repeats, seconds if timed else None
    )
    out = console()
    watch = NoteWatch(vault, session)

    def edit() -> None:
        card = session.card
        if card is None:
            return
        open_editor(str(vault.path_of(card.note_rel)))
        session.edit_reloaded()
        watch.settle()

    out.set_alt_screen(True)
    try:
        run_loop(
            watch.screen,
            watch.press,
            _drawer(out, screen_view),
            edit,
            lambda: session.phase == "done",
        )
    finally:
        out.set_alt_screen(False)
    out.print(summary_view(session.summary()))


def interview(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Questions from notes with this tag."),
    topic: str | None = typer.Option(None, "--topic", help="Questions from this topic folder."),
    n: int = typer.Option(5, "--n", min=1, help="How many questions."),
    short_seconds: float = typer.Option(
        30.0, "--short-seconds", min=1, help="Time for the short answer."
    ),
    long_seconds: float = typer.Option(
        150.0, "--long-seconds", min=1, help="Time for the long answer."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Fix the random choice of questions."),
) -> None:
    """A mock interview: random questions against the clock, then the reference and a self-grade."""
    import random
    import time

    from studycards.notes.catalog import NoteFilter
    from studycards.render.interview import interview_summary, interview_view
    from studycards.review.interview import Interview, pick_cards
    from studycards.review.session_backend import VaultBackend
    from studycards.scheduling.clock import now_in

    require_terminal()
    vault = state(ctx).vault()
    zone = vault.config.timezone
    backend = VaultBackend(vault, lambda: now_in(zone))
    cards = pick_cards(vault, NoteFilter(tag, topic), n, random.Random(seed))
    session = Interview(cards, backend, time.monotonic, short_seconds, long_seconds)
    out = console()
    out.set_alt_screen(True)
    try:
        run_loop(
            session.screen,
            session.press,
            _drawer(out, interview_view),
            lambda: None,
            lambda: session.finished,
        )
    finally:
        out.set_alt_screen(False)
    out.print(interview_summary(session.results))


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.command()(interview)
