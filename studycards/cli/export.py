"""``studycards export``: the notes as an Anki package or a CSV table."""

from __future__ import annotations

from pathlib import Path

import typer

from studycards.cli._common import echo, print_envelope, state, warn

app = typer.Typer(
    help="Export the notes: an Anki package or a CSV table.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_FORCE = typer.Option(False, "--force", help="Replace FILE if it exists.")
_JSON = typer.Option(False, "--json", help="Print what was written as JSON.")
_FOLLOWUPS = typer.Option(
    True, "--followups/--no-followups", help="Also export each follow-up Q&A as a card."
)


@app.command()
def anki(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE.apkg", help="The package to write."),
    force: bool = _FORCE,
    as_json: bool = _JSON,
    followups: bool = _FOLLOWUPS,
) -> None:
    """Write an Anki package: a card per note and per follow-up Q&A, one deck per topic
    (studycards::Topic), maths for MathJax, the images the cards show as media.

    Reviewed cards carry their schedule, FSRS memory state and review history, so Anki (or
    AnkiDroid) goes on from where studycards is; importing a re-export updates the cards."""
    from studycards.progress.anki import export_anki
    from studycards.scheduling.clock import now_in

    vault = state(ctx).vault()
    result = export_anki(vault, file, now_in(vault.config.timezone), force, followups)
    if as_json:
        extra = {"decks": result.decks, "scheduled": result.scheduled, "media": result.media}
        print_envelope("export anki", {**_json(result), **extra})
        return
    what = f"{_cards(result)} in {result.decks} decks"
    if result.scheduled:
        what += f", {result.scheduled} with their schedule"
    if result.media:
        what += f", {result.media} image{'' if result.media == 1 else 's'}"
    _report(result, what)


@app.command()
def csv(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The CSV file to write."),
    force: bool = _FORCE,
    as_json: bool = _JSON,
    followups: bool = _FOLLOWUPS,
) -> None:
    """Write a CSV table (UTF-8 with BOM): a row per note with its schedule and short answer,
    then a row per follow-up Q&A (column card: note or followup)."""
    from studycards.progress.export import export_csv

    result = export_csv(state(ctx).vault(), file, force, followups)
    if as_json:
        print_envelope("export csv", _json(result))
        return
    _report(result, _cards(result))


def _cards(result) -> str:
    notes = f"{result.notes} note{'' if result.notes == 1 else 's'}"
    if not result.followups:
        return notes
    return f"{notes} and {result.followups} follow-up{'' if result.followups == 1 else 's'}"


def _json(result) -> dict:
    skipped = [str(problem) for problem in result.skipped]
    return {
        "path": str(result.path),
        "notes": result.notes,
        "followups": result.followups,
        "skipped": skipped,
    }


def _report(result, what: str) -> None:
    for problem in result.skipped:
        warn(f"skipped {problem}")
    echo(f"wrote {result.path}: {what}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="export")
