"""The editor workflow: ``today`` writes reviewsToday.md, ``sync`` logs its ticked boxes."""

from __future__ import annotations

import typer

from studycards.cli._common import state, warn


def today(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="Rewrite even if the old checklist has ticked boxes not yet synced."
    ),
    no_limits: bool = typer.Option(False, "--all", help="Ignore the daily limits."),
) -> None:
    """Write reviewsToday.md at the vault root: overdue, today and this week as a checklist."""
    from studycards.progress.checklist import CHECKLIST_NAME, write_checklist
    from studycards.scheduling.clock import today_in

    vault = state(ctx).vault()
    written = write_checklist(
        vault, today_in(vault.config.timezone, vault.config.day_starts_at), force, not no_limits
    )
    counts = written.counts
    typer.echo(
        f"wrote {CHECKLIST_NAME}: {counts['overdue']} overdue, {counts['today']} today, "
        f"{counts['week']} this week"
    )
    if written.left_out:
        typer.echo(f"daily limits left {written.left_out} due notes out (--all lists them)")


def sync(ctx: typer.Context) -> None:
    """Log the ticked boxes of reviewsToday.md as reviews and untick them."""
    from studycards.progress.checklist import CHECKLIST_NAME, sync_checklist
    from studycards.scheduling.clock import now_in

    vault = state(ctx).vault()
    result = sync_checklist(vault, now_in(vault.config.timezone))
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
