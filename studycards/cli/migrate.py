"""``studycards migrate``: take a vault over from the old review scripts."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from studycards.cli._common import state


def migrate(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, help="The vault folder (default: --vault, $STUDYCARDS_VAULT, else this folder)."
    ),
) -> None:
    """Make a vault kept with the old scripts a studycards vault, losing nothing.

    Reads config/kb_config.yaml (daily caps, sort weights, folders) into studycards.yaml with a
    comment naming each source; records topics' XP and levels, the streak history and each
    note's review_count / last_reviewed in .studycards/imported.json so that 'stats' continues
    them; adds the ledger's merge=union line to .gitattributes. No note is changed, and running
    it again changes nothing.
    """
    from studycards.progress.migrate import migrate as run
    from studycards.scheduling.clock import today_in

    given = path or state(ctx).vault_option or os.environ.get("STUDYCARDS_VAULT")
    root = Path(given) if given else Path.cwd()
    result = run(root, today_in("local"))
    for line in result.done:
        typer.echo(line)
    for line in result.kept:
        typer.echo(line)
    for line in result.advice:
        typer.echo(f"next: {line}")


def register(app: typer.Typer) -> None:
    app.command()(migrate)
