"""The root ``studycards`` command: its options, and the commands of the table joined lazily."""

from __future__ import annotations

import typer

from studycards import __version__
from studycards.cli._common import AppState, StudycardsGroup, echo

app = typer.Typer(
    cls=StudycardsGroup,
    name="studycards",
    help="Spaced-repetition study of a vault of Markdown interview notes.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        echo(f"studycards {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    vault: str | None = typer.Option(
        None,
        "--vault",
        metavar="PATH",
        help="Vault folder (default: $STUDYCARDS_VAULT, else the nearest folder upwards "
        "holding studycards.yaml or notes/).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Study interview notes with FSRS-6 spaced repetition, right in the terminal."""
    ctx.obj = AppState(vault_option=vault)
