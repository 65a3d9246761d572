"""``studycards import``: bring notes and review history in from Anki."""

from __future__ import annotations

from pathlib import Path

import typer

from studycards.cli._common import echo, print_envelope, state, warn

app = typer.Typer(
    help="Import notes and reviews: an Anki deck or collection.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command()
def anki(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., metavar="FILE.apkg|FILE.colpkg", exists=True, dir_okay=False, help="The package."
    ),
    topic: str = typer.Option(None, "--topic", help="Put new notes here, not in deck folders."),
    force: bool = typer.Option(
        False, "--force", help="Replace notes edited in studycards since the last import."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was imported as JSON."),
) -> None:
    """Import an Anki package: each note a Markdown note, each review a ledger review.

    New notes go to notes/DECK/ (the last part of the deck name) with their media. Importing
    again updates notes by their Anki GUID and adds only new reviews; reviews done in Anki on a
    deck exported by studycards come back to their notes.
    """
    from studycards.progress.anki_import import import_anki
    from studycards.scheduling.clock import now_in

    vault = state(ctx).vault()
    result = import_anki(vault, file, now_in(vault.config.timezone), topic, force)
    for rel in result.kept:
        warn(f"{rel}: edited here since the last import, not replaced (--force replaces it)")
    if as_json:
        data = {"path": str(file), "created": list(result.created), "updated": list(result.updated)}
        data.update(kept=list(result.kept), review_count=result.reviews, media=result.media)
        print_envelope("import anki", data)
        return
    echo(
        f"imported {file.name}: {len(result.created)} new notes, {len(result.updated)} updated,"
        f" {result.reviews} reviews, {result.media} media files"
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="import")
