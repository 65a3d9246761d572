"""The editor workflow: ``today`` writes reviewsToday.md, ``sync`` logs its ticked boxes."""

from __future__ import annotations

import typer

from studycards.cli._common import print_envelope, state, warn


def today(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="Rewrite even if the old checklist has ticked boxes not yet synced."
    ),
    no_limits: bool = typer.Option(False, "--all", help="Ignore the daily limits."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write reviewsToday.md at the vault root: overdue, today and this week as a checklist."""
    from studycards.progress.checklist import CHECKLIST_NAME, write_checklist
    from studycards.scheduling.clock import today_in

    vault = state(ctx).vault()
    written = write_checklist(vault, today_in(vault.config.timezone), force, not no_limits)
    counts = written.counts
    if as_json:
        data = {f"{group}_count": counts[group] for group in ("overdue", "today", "week")}
        print_envelope("today", {"path": CHECKLIST_NAME, **data, "left_out": written.left_out})
        return
    typer.echo(
        f"wrote {CHECKLIST_NAME}: {counts['overdue']} overdue, {counts['today']} today, "
        f"{counts['week']} this week"
    )
    if written.left_out:
        typer.echo(f"daily limits left {written.left_out} due notes out (--all lists them)")


def sync(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print what was logged as JSON."),
) -> None:
    """Log the ticked boxes of reviewsToday.md as reviews and untick them.

    Exits 1 when a ticked line cannot be logged (it stays ticked).
    """
    from studycards.progress.checklist import CHECKLIST_NAME, sync_checklist
    from studycards.scheduling.clock import now_in

    vault = state(ctx).vault()
    result = sync_checklist(vault, now_in(vault.config.timezone))
    if as_json:
        _sync_json(vault, result)
        return
    for notice in result.notices:
        warn(notice)
    for review in result.logged:
        again = " (already reviewed today: logged again)" if review.again_today else ""
        typer.echo(
            f"{review.rel}: {review.rating.name.lower()} -> next review "
            f"{review.due.isoformat()} (in {review.interval}d){again}"
        )
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    _summary(len(result.logged), len(result.problems), CHECKLIST_NAME)
    if result.problems:
        raise typer.Exit(1)


def _sync_json(vault, result) -> None:
    from studycards.notes.vault import load_note

    logged = [
        {
            "path": r.rel,
            "title": r.title,
            "rating": r.rating.name.lower(),
            "due": r.due.isoformat(),
            "interval": r.interval,
            "mastery_level": (note := load_note(vault, r.rel).summary).mastery_level,
            "review_count": note.review_count,
            "again_today": r.again_today,
        }  # fmt: skip
        for r in result.logged
    ]
    problems = [
        {"path": "reviewsToday.md", "line": p.line, "severity": "error", "message": p.message}
        for p in result.problems
    ]
    print_envelope(
        "sync", {"logged": logged, "problems": problems, "notices": list(result.notices)}
    )
    if result.problems:
        raise typer.Exit(1)


def _summary(logged: int, left: int, name: str) -> None:
    if not logged and not left:
        typer.echo(f"nothing to sync: no ticked boxes in {name}")
        return
    text = f"logged {logged} review{'s' * (logged != 1)}"
    if left:
        text += f"; {left} line{'s' * (left != 1)} left ticked"
    typer.echo(text)


def register(app: typer.Typer) -> None:
    app.command()(today)
    app.command()(sync)
