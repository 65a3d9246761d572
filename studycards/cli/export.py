"""``studycards export``: the notes as an Anki package or a CSV table."""

from __future__ import annotations

from pathlib import Path

import typer

from studycards.cli._common import print_envelope, state, warn

app = typer.Typer(
    help="Export the notes: an Anki package or a CSV table.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_FORCE = typer.Option(False, "--force", help="Replace FILE if it exists.")
_JSON = typer.Option(False, "--json", help="Print what was written as JSON.")


@app.command()
def anki(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE.apkg", help="The package to write."),
    force: bool = _FORCE,
    as_json: bool = _JSON,
) -> None:
    """Write an Anki package: one card per note, one deck per topic (studycards::Topic)."""
    from studycards.progress.export import export_anki
    from studycards.scheduling.clock import now_in

    vault = state(ctx).vault()
    result = export_anki(vault, file, now_in(vault.config.timezone), force)
    if as_json:
        print_envelope("export anki", {**_json(result), "decks": result.decks})
        return
    _report(result, f"{result.notes} notes in {result.decks} decks")


@app.command()
def csv(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The CSV file to write."),
    force: bool = _FORCE,
    as_json: bool = _JSON,
) -> None:
    """Write a CSV table (UTF-8 with BOM): one row per note with its schedule and short answer."""
    from studycards.progress.export import export_csv

    result = export_csv(state(ctx).vault(), file, force)
    if as_json:
        print_envelope("export csv", _json(result))
        return
    _report(result, f"{result.notes} notes")


def _json(result) -> dict:
    skipped = [str(problem) for problem in result.skipped]
    return {"path": str(result.path), "notes": result.notes, "skipped": skipped}


def _report(result, what: str) -> None:
    for problem in result.skipped:
        warn(f"skipped {problem}")
    typer.echo(f"wrote {result.path}: {what}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="export")
