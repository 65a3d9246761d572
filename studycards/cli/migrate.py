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


def merge_note(
    base: Path = typer.Argument(..., help="The common ancestor's version (git's %O)."),
    ours: Path = typer.Argument(..., help="Our version, replaced by the result (git's %A)."),
    theirs: Path = typer.Argument(..., help="Their version (git's %B)."),
    path: str = typer.Argument("", help="The note's path in the vault (git's %P), for messages."),
) -> None:
    """git's merge driver for notes: a note reviewed on two machines merges without conflict.

    The later review's frontmatter projection (last_reviewed, next_review, mastery_level, id)
    is kept, review_count adds up both machines' reviews, and everything else is merged as git
    does; a conflict in the body or in other keys is left, with markers, for you. 'init',
    'migrate' and 'sync --commit' register it in .git/config and .gitattributes.
    """
    from studycards.notes.merge import merge_driver

    conflicts = merge_driver(base, ours, theirs)
    if conflicts:
        typer.echo(f"{path or ours}: {conflicts} conflict(s) left for you to resolve", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(migrate)
    app.command("merge-note")(merge_note)
