"""Reading a vault: list, show, check, and init for a new one."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from studycards.cli._common import console, echo, state, warn


class Difficulty(str, Enum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


class SortKey(str, Enum):
    next = "next"
    title = "title"
    topic = "topic"
    difficulty = "difficulty"
    mastery = "mastery"
    reviews = "reviews"
    created = "created"
    path = "path"


def print_json(data: object) -> None:
    """JSON for scripts on stdout: one line (the fast C encoder), UTF-8 text kept readable."""
    from studycards.render.safe import json_text

    sys.stdout.write(json_text(data) + "\n")


def warn_broken(summaries: list) -> None:
    """One warning line for each note skipped because it is broken."""
    for summary in summaries:
        problem = next(p for p in summary.problems if p.severity == "error")
        warn(f"{problem}: skipped")


def list_notes(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Only notes with this tag."),
    topic: str | None = typer.Option(None, "--topic", help="Only notes in this topic folder."),
    difficulty: Difficulty | None = typer.Option(
        None, "--difficulty", help="Only this difficulty."
    ),
    due: bool = typer.Option(False, "--due", help="Only notes due today or earlier."),
    sort: SortKey = typer.Option(SortKey.next, "--sort", help="Order of the rows."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects."),
) -> None:
    """List the vault's notes with topic, difficulty, reviews, mastery today and next review."""
    from studycards.notes.catalog import NoteFilter, listing_row, select
    from studycards.notes.vault import scan
    from studycards.scheduling.clock import today_in
    from studycards.scheduling.live import live_mastery

    vault = state(ctx).vault()
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    result = scan(vault)
    warn_broken(result.broken)
    where = NoteFilter(tag, topic, difficulty.value if difficulty else None, today if due else None)
    notes = select(live_mastery(vault, result.notes, today), where, today, sort.value)
    if as_json:
        recorded = {note.rel: note.mastery_level for note in result.notes}
        rows = [listing_row(note, today) for note in notes]
        print_json([{**row, "mastery_recorded": recorded[row["path"]]} for row in rows])
        return
    from studycards.render.listing import notes_table

    out = console()
    out.print(notes_table(notes, today))
    out.print(f"{len(notes)} of {len(result.notes)} notes", style="dim")


def show(
    ctx: typer.Context,
    note: str = typer.Argument(..., help="A path, a file name, or a unique part of a title."),
    short: bool = typer.Option(False, "--short", help="Only the 30-second answer."),
) -> None:
    """Show a note to read: title, the 30-second answer, then the rest."""
    from studycards.errors import NoteParseError
    from studycards.notes.vault import load_note, resolve, scan
    from studycards.render.note import note_view
    from studycards.scheduling.clock import today_in

    vault = state(ctx).vault()
    result = scan(vault)
    rel = resolve(vault, note, result.summaries, Path.cwd())
    parsed = load_note(vault, rel)
    if parsed.summary.broken:
        problem = next(p for p in parsed.summary.problems if p.severity == "error")
        raise NoteParseError(f"{problem}: cannot show this note")
    console().print(
        note_view(parsed, today_in(vault.config.timezone, vault.config.day_starts_at), short=short)
    )


def check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
) -> None:
    """Check every note; print each problem as path:line: message; exit 1 on any error."""
    from studycards.upkeep.check import check_vault

    report = check_vault(state(ctx).vault())
    if report.skipped_line:
        typer.echo(report.skipped_line, err=True)
    if as_json:
        print_json([p.to_dict() for p in report.problems])
    else:
        for problem in report.problems:
            echo(str(problem))
        counts = (
            _count(report.notes_checked, "note"),
            _count(report.errors, "error"),
            _count(report.warnings, "warning"),
        )
        echo("{} checked: {}, {}".format(*counts), err=True)
    if report.errors:
        raise typer.Exit(1)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def init(
    path: Path = typer.Argument(Path("."), help="Folder for the new vault (default: here)."),
) -> None:
    """Create a vault: studycards.yaml, notes/ and one example note. Never overwrites."""
    from studycards.upkeep.init import init_vault

    created = init_vault(path)
    for item in created.made:
        echo(f"created {item}")
    for item in created.kept:
        echo(f"kept existing {item}")
    echo(f"vault ready at {created.root}: try 'studycards --vault {path} list'")


def register(app: typer.Typer) -> None:
    app.command("list")(list_notes)
    app.command()(show)
    app.command()(check)
    app.command()(init)
