"""The interactive review session and the mock interview, in the terminal."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from studycards.cli._common import console, state, warn
from studycards.cli.notes import Difficulty


def require_terminal() -> None:
    from studycards.errors import CannotComplete

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CannotComplete(
            "review needs an interactive terminal; in scripts use "
            "'studycards grade NOTE again|hard|good|easy'"
        )


# A grade waits this long for another writer (a `link`, a scripted `grade`) to finish.
LOCK_PATIENCE_SECONDS = 15.0


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


def _terminal() -> Any:
    from studycards.cli._terminal import Terminal
    from studycards.render.frame import Look

    out = console()
    return Terminal(Look.of(out), dumb=out.is_dumb_terminal)


def _edit_key(vault: Any, session: Any, watch: NoteWatch, terminal: Any) -> Any:
    """``e``: the note in the person's editor, the session kept whatever the editor does."""
    from studycards.errors import StudycardsError
    from studycards.upkeep.authoring import run_editor

    def on_key(key: str) -> bool:
        card = session.card
        if key != "e" or card is None or session.phase in ("help", "done"):
            return False
        try:
            with terminal.suspended():
                status = run_editor(vault.path_of(card.note_rel))
        except StudycardsError as error:
            session.notify(f"not edited: {error}")
            return True
        session.edit_reloaded()
        if status != 0:
            session.notify(f"the editor exited with status {status}; reloaded what is on disk")
        watch.settle()
        return True

    return on_key


def review(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Only notes with this tag."),
    topic: str | None = typer.Option(None, "--topic", help="Only notes in this topic folder."),
    difficulty: Difficulty | None = typer.Option(
        None, "--difficulty", help="Only this difficulty."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many notes."),
    order: str | None = typer.Option(
        None, "--order", help="due, risk, easy-first or weighted (the old scripts' order_weights)."
    ),
    timed: bool = typer.Option(False, "--timed", help="A 30-second countdown before reveal."),
    seconds: float = typer.Option(30.0, "--seconds", min=1, help="Countdown length for --timed."),
    followups: bool | None = typer.Option(
        None, "--followups/--no-followups", help="Review follow-up Q&A as cards of their own."
    ),
    ahead: int | None = typer.Option(
        None,
        "--ahead",
        min=1,
        metavar="DAYS",
        help="Also study what falls due in the next DAYS days (logged as early reviews).",
    ),
    search: str | None = typer.Option(
        None, "--search", metavar="QUERY", help="Review the notes a search finds, best first."
    ),
    outline: str | None = typer.Option(
        None, "--outline", metavar="NAME", help="Review the notes an outline links."
    ),
) -> None:
    """Review today's due notes: reveal, grade 1-4, undo, skip, bury, edit. Every grade is saved at once."""
    import time

    from studycards.cli._terminal import Screenful, run
    from studycards.errors import UsageError
    from studycards.lock import patience
    from studycards.notes.catalog import NoteFilter
    from studycards.render.session import session_frame, summary_view
    from studycards.review.session import Session
    from studycards.review.session_backend import VaultBackend, build_cards
    from studycards.scheduling.clock import now_in, study_day
    from studycards.scheduling.queue import load_queue

    if sum(x is not None for x in (ahead, search, outline)) > 1:
        raise UsageError("use one of --ahead, --search and --outline")
    require_terminal()
    vault = state(ctx).vault()
    zone = vault.config.timezone
    now = now_in(zone)
    _settle_vault(vault, now)
    where = NoteFilter(tag, topic, difficulty.value if difficulty else None)
    today = study_day(now, zone, vault.config.day_starts_at)
    queue, _notices = load_queue(vault, today, where, order)
    items, only = _chosen(vault, queue, today, ahead, search, outline)
    items = items[:limit] if limit else items
    if not items:
        _say_nothing_to_study(queue, today, search, outline)
        return
    backend = VaultBackend(vault, lambda: now_in(zone), where, only, _earlier_days(vault))
    use_followups = vault.config.followups if followups is None else followups
    cards = build_cards(vault, items, backend.histories(), today, use_followups)
    session = Session(
        cards, backend, time.monotonic, vault.config.again_repeats, seconds if timed else None
    )
    watch = NoteWatch(vault, session)
    terminal = _terminal()
    screenful = Screenful(
        watch.screen,
        watch.press,
        session_frame,
        lambda: session.view,
        lambda: session.phase == "done",
        _edit_key(vault, session, watch, terminal),
        session.prefetch,
        lambda: session.shown_at,
    )
    with patience(LOCK_PATIENCE_SECONDS):
        run(screenful, terminal)
    console().print(summary_view(session.summary()))


def _chosen(
    vault: Any, queue: Any, today: Any, ahead: int | None, search: str | None, outline: str | None
) -> tuple[tuple, frozenset[str] | None]:
    """The sitting's notes, and the set of paths it is limited to (None: the whole queue)."""
    from studycards.review.selection import ahead_items, named_items

    if ahead is not None:
        return ahead_items(queue, today, ahead), None
    if search is not None:
        from studycards.upkeep.indexed_search import search_vault

        rels = [hit.rel for hit in search_vault(vault, search, None).hits]
        return named_items(queue, rels), frozenset(rels)
    if outline is not None:
        from studycards.upkeep.outlines import find_outline, load_outlines

        chosen = find_outline(vault, load_outlines(vault), outline)
        rels = list(chosen.note_rels)
        return named_items(queue, rels), frozenset(rels)
    return queue.study, None


def _say_nothing_to_study(queue: Any, today: Any, search: str | None, outline: str | None) -> None:
    from studycards.review.selection import nothing_due_lines

    if search is not None:
        typer.echo(f"no note matches {search!r} (with these filters)")
    elif outline is not None:
        typer.echo(f"the outline {outline!r} links no note (with these filters)")
    else:
        for line in nothing_due_lines(queue, today):
            typer.echo(line)


def _settle_vault(vault: Any, now: Any) -> None:
    """Before the first card: finish interrupted work and split notes sharing an id (a copy
    graded in the session must not move its original). Another writer busy: go on without."""
    from studycards.errors import VaultLocked
    from studycards.lock import vault_lock
    from studycards.scheduling.reconcile import reconcile

    try:
        with vault_lock(vault.state_dir):
            copies = reconcile(vault, now).copies
    except VaultLocked:
        return
    for line in copies:
        warn(line)


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

    from studycards.cli._terminal import Screenful, run
    from studycards.lock import patience
    from studycards.notes.catalog import NoteFilter
    from studycards.render.interview import interview_frame, interview_summary
    from studycards.review.interview import Interview, pick_cards
    from studycards.review.session_backend import VaultBackend
    from studycards.scheduling.clock import now_in

    require_terminal()
    vault = state(ctx).vault()
    zone = vault.config.timezone
    backend = VaultBackend(vault, lambda: now_in(zone), earlier_days=_earlier_days(vault))
    cards = pick_cards(vault, NoteFilter(tag, topic), n, random.Random(seed))
    session = Interview(cards, backend, time.monotonic, short_seconds, long_seconds)
    screenful = Screenful(
        session.screen,
        session.press,
        interview_frame,
        lambda: session.view,
        lambda: session.finished,
    )
    with patience(LOCK_PATIENCE_SECONDS):
        run(screenful, _terminal())
    console().print(interview_summary(session.results))


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.command()(interview)


def _earlier_days(vault) -> frozenset:
    """The study days an older tool recorded (``migrate``), so the end screen's streak is the
    one ``stats`` shows."""
    from studycards.progress.imported import load_imported

    return load_imported(vault.state_dir).days
