"""Scheduling commands: due, grade, undo, reschedule, mv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from studycards.cli._common import console, echo, print_envelope, state, warn
from studycards.cli.notes import Difficulty

_JSON_HELP = "Print the result as JSON (see docs/json.md)."


def _parse_day(text: str | None, option: str) -> dt.date | None:
    from studycards.errors import UsageError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: expected a date like 2026-12-15, got {text!r}") from None


def due(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Only notes with this tag."),
    topic: str | None = typer.Option(None, "--topic", help="Only notes in this topic folder."),
    difficulty: Difficulty | None = typer.Option(
        None, "--difficulty", help="Only this difficulty."
    ),
    order: str | None = typer.Option(
        None,
        "--order",
        help="due (oldest first), risk (lowest recall first), easy-first or weighted (order_weights).",
    ),
    until: str | None = typer.Option(
        None, "--until", metavar="DATE", help="Interview date: show what is still to be done."
    ),
    no_limits: bool = typer.Option(False, "--all", help="Ignore the daily limits."),
    as_json: bool = typer.Option(False, "--json", help="Print the queue as JSON."),
) -> None:
    """Show the review queue: overdue, today, this week and later, with today's study list."""
    from studycards.errors import UsageError
    from studycards.notes.catalog import NoteFilter
    from studycards.scheduling.clock import today_in
    from studycards.scheduling.queue import load_queue

    vault = state(ctx).vault()
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    where = NoteFilter(tag, topic, difficulty.value if difficulty else None)
    date = _parse_day(until, "--until")
    if date is not None and date < today:
        raise UsageError(f"--until: {date.isoformat()} is in the past")
    queue, notices = load_queue(vault, today, where, order, date, use_limits=not no_limits)
    for notice in notices:
        warn(notice)
    ready = None
    if queue.until is not None:
        from studycards.scheduling.readiness import vault_readiness

        ready = vault_readiness(vault, queue.until)
    if as_json:
        from studycards.scheduling.queue import queue_json

        data = queue_json(queue, today, vault)
        data["due_count"], data["new_count"] = data.pop("due_total"), data.pop("new_total")
        data["readiness"] = None if ready is None else ready.to_dict()
        print_envelope("due", data)
        return
    from studycards.render.queue import queue_view, readiness_text

    console().print(queue_view(queue, today, vault, order or vault.config.order))
    if ready is not None:
        _print_still(queue, vault.config.interview_target)
        echo(readiness_text(ready))


def _print_still(queue, target: float) -> None:
    """Interview mode: the notes still predicted below the target on the date."""
    count = len(queue.still)
    echo(
        f"still to do before {queue.until.isoformat()}: {count} note{'s' * (count != 1)} "
        f"below {target:.0%} predicted recall on the day, with the margin"
    )
    for item in queue.still:
        echo(f"  {item.due.isoformat()}  {item.note.title} ({item.note.rel})")


def grade(
    ctx: typer.Context,
    note: str = typer.Argument(..., help="A path, a file name, or a unique part of a title."),
    rating: str = typer.Argument(..., help="again, hard, good or easy (or 1-4)."),
    duration: float | None = typer.Option(None, "--duration", help="Seconds spent, if known."),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Record a review of NOTE without the interactive session (for scripts and editors)."""
    from studycards.errors import UsageError
    from studycards.lock import vault_lock
    from studycards.notes.vault import resolve, scan
    from studycards.scheduling.clock import now_in
    from studycards.scheduling.grading import grade_note
    from studycards.scheduling.reconcile import reconcile
    from studycards.scheduling.schedule import Rating

    try:
        grade_value = Rating.parse(rating)
    except ValueError as error:
        raise UsageError(str(error)) from None
    vault = state(ctx).vault()
    now = now_in(vault.config.timezone)
    with vault_lock(vault.state_dir):
        for notice in reconcile(vault, now).notices:
            warn(notice)
    rel = resolve(vault, note, scan(vault).summaries, Path.cwd())
    result = grade_note(vault, rel, grade_value, now, duration)
    outcome = result.outcome
    if as_json:
        print_envelope(
            "grade", review_json(result.rel, result.title, outcome, result.mastery, vault)
        )
        return
    echo(
        f"{result.title}: {grade_value.name.lower()} -> next review {outcome.due.isoformat()} "
        f"(in {outcome.interval}d), mastery {result.mastery:.2f}"
    )


def undo(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=_JSON_HELP)
) -> None:
    """Undo the last review: log an undo and restore the note's frontmatter exactly.

    Exits 1 when there is nothing to undo.
    """
    from studycards.scheduling.clock import now_in
    from studycards.scheduling.schedule import Rating
    from studycards.scheduling.undo import undo_last

    vault = state(ctx).vault()
    result = undo_last(vault, now_in(vault.config.timezone))
    if as_json:
        event = result.undone
        rating = None if event.rating is None else Rating(event.rating).name.lower()
        undone = {"id": event.id, "day": event.day, "rating": rating}
        print_envelope("undo", {"path": result.rel, "title": result.title, "undone": undone})
        return
    echo(f"undid the review of {result.title} from {result.undone.day} ({result.rel})")


def reschedule(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would move, change nothing."),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Recompute every note's due day from the ledger with the current settings."""
    from studycards.scheduling.clock import now_in
    from studycards.scheduling.reschedule import reschedule as run

    vault = state(ctx).vault()
    moves = run(vault, now_in(vault.config.timezone), dry_run)
    if as_json:
        rows = [
            {
                "path": move.rel,
                "previous_due": move.old_due.isoformat() if move.old_due else None,
                "due": move.new_due.isoformat(),
            }
            for move in moves
        ]
        print_envelope("reschedule", {"dry_run": dry_run, "moves": rows})
        return
    for move in moves:
        old = move.old_due.isoformat() if move.old_due else "unscheduled"
        echo(f"{move.rel}: {old} -> {move.new_due.isoformat()}")
    verb = "would move" if dry_run else "moved"
    echo(f"{len(moves)} notes {verb}", err=True)


def mv(
    ctx: typer.Context,
    old: str = typer.Argument(..., help="The note to move (path, file name or title part)."),
    new: str = typer.Argument(..., help="New path inside the vault, e.g. notes/Topic/Name.md."),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Move or rename a note; its review history follows it (by its id)."""
    from studycards.lock import vault_lock
    from studycards.notes.vault import resolve, scan
    from studycards.scheduling.clock import now_in
    from studycards.scheduling.reconcile import reconcile
    from studycards.scheduling.reschedule import move_note

    vault = state(ctx).vault()
    with vault_lock(vault.state_dir):  # a first review cut short gives the note its id first
        for notice in reconcile(vault, now_in(vault.config.timezone)).notices:
            warn(notice)
    rel = resolve(vault, old, scan(vault).summaries, Path.cwd())
    source, target = move_note(vault, rel, new)
    if as_json:
        print_envelope("mv", {"previous_path": source, "path": target})
        return
    echo(f"moved {source} -> {target}")


def review_json(rel: str, title: str, outcome, mastery: float, vault) -> dict:
    """One logged review, as ``grade --json`` and ``sync --json`` print it."""
    from studycards.notes.vault import load_note

    return {
        "path": rel,
        "title": title,
        "rating": outcome.rating.name.lower(),
        "due": outcome.due.isoformat(),
        "interval": outcome.interval,
        "mastery_level": mastery,
        "review_count": load_note(vault, rel).summary.review_count,
    }


def register(app: typer.Typer) -> None:
    app.command()(due)
    app.command()(grade)
    app.command()(undo)
    app.command()(reschedule)
    app.command()(mv)
