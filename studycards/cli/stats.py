"""Numbers commands: stats (progress and activity) and optimize (fit FSRS-6 to the ledger)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studycards.cli._common import console, echo, print_envelope, state, warn

if TYPE_CHECKING:
    from studycards.notes.vault import Vault


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print all the numbers as JSON."),
    svg: Path | None = typer.Option(
        None, "--svg", metavar="FILE", help="Also save the screen as an SVG image."
    ),
) -> None:
    """Show progress: notes by stage, reviews, true retention, streaks, time spent, a 30-day
    due forecast, a year's heatmap and each topic's mastery and level."""
    from studycards.progress.stats import load_stats
    from studycards.scheduling.clock import today_in

    if as_json and svg is not None:
        from studycards.errors import UsageError

        raise UsageError("--svg saves the screen: it cannot be used with --json")
    vault = state(ctx).vault()
    result, skipped = load_stats(vault, today_in(vault.config.timezone, vault.config.day_starts_at))
    if skipped:
        warn(f"{skipped} ledger lines could not be read and were left out")
    if as_json:
        from studycards.progress.stats import stats_json

        print_envelope("stats", _stats_vocabulary(stats_json(result)))
        return
    from studycards.render.stats import stats_view

    view = stats_view(result)
    screen = console()
    screen.print(view)
    if svg is not None:
        _save_svg(view, svg, screen.width)


def _stats_vocabulary(data: dict) -> dict:
    """The JSON's counts named as in every other command: ``due_count``, ``mean_mastery``."""
    data["overdue_count"] = data.pop("overdue")
    for row in data["topics"]:
        row["due_count"], row["mean_mastery"] = row.pop("due"), row.pop("mastery")
    return data


def _save_svg(view: object, path: Path, width: int) -> None:
    import io

    from studycards.errors import WriteError
    from studycards.render.safe import SafeConsole

    recorder = SafeConsole(
        record=True, file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor"
    )
    recorder.print(view)
    try:
        recorder.save_svg(str(path), title="studycards stats")
    except OSError as error:
        raise WriteError(f"cannot write the --svg image: {error.strerror}", path) from None
    echo(f"saved {path}", err=True)


def optimize(
    ctx: typer.Context,
    min_reviews: int = typer.Option(
        400,
        "--min-reviews",
        min=1,
        help="Fit only with at least this many reviews that follow an earlier one.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Fit and compare, but save nothing."),
    retention: bool = typer.Option(
        False, "--retention", help="Instead, simulate a year at several desired retentions."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Fit FSRS-6 parameters to your own reviews; save them (and your hard/good/easy mix) to
    studycards.yaml only if they predict later reviews better than the ones in use, on a
    time-series split (each later part predicted from the reviews before it)."""
    vault = state(ctx).vault()
    if retention:
        _retention(vault, as_json)
        return
    from studycards.scheduling.optimize import FOLDS, optimize_vault, outcome_json

    def on_fit(reviews: int) -> None:
        if not as_json:
            echo(
                f"fitting FSRS-6 to {reviews} reviews, then {FOLDS} times more for the held-out check...",
                err=True,
            )

    outcome = optimize_vault(vault, min_reviews, save=not dry_run, on_fit=on_fit)
    if as_json:
        print_envelope("optimize", outcome_json(outcome))
        return
    from studycards.render.stats import optimize_view

    console().print(optimize_view(outcome, dry_run))


def _retention(vault: Vault, as_json: bool) -> None:
    from studycards.scheduling.workloads import vault_workloads, workloads_json

    workloads = vault_workloads(vault)
    current = vault.config.desired_retention
    if as_json:
        print_envelope("optimize", workloads_json(workloads, current))
        return
    from studycards.render.stats import retention_view

    console().print(retention_view(workloads, current))


def register(app: typer.Typer) -> None:
    app.command()(stats)
    app.command()(optimize)
