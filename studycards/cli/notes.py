"""Reading a vault: list, show, check, and init for a new one."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path

import typer

from studycards.cli._common import (
    console,
    echo,
    print_envelope,
    resolve_or_search,
    state,
    warn,
    write_lines,
)


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
    as_json: bool = typer.Option(False, "--json", help="Print the notes as JSON."),
) -> None:
    """List the vault's notes with topic, difficulty, reviews, mastery today and next review."""
    from studycards.notes.catalog import NoteFilter, check_filter, listing_row, select
    from studycards.scheduling.clock import today_in
    from studycards.scheduling.live import live_mastery
    from studycards.scheduling.snapshot import vault_state

    vault = state(ctx).vault()
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    known = vault_state(vault)
    result = known.scan
    warn_broken(result.broken)
    where = NoteFilter(tag, topic, difficulty.value if difficulty else None, today if due else None)
    check_filter(where, result.notes)
    notes = select(live_mastery(vault, result.notes, today, known.states), where, today, sort.value)
    if as_json:
        recorded = {note.rel: note.mastery_level for note in result.notes}
        rows = [
            {**listing_row(note, today), "mastery_recorded": recorded[note.rel]} for note in notes
        ]
        print_envelope(
            "list", {"today": today.isoformat(), "total": len(result.notes), "notes": rows}
        )
        return
    from studycards.render.listing import notes_table

    out = console()
    colour = out.color_system is not None and not out.no_color
    write_lines(notes_table(notes, today, out.width, colour))
    out.print(f"{len(notes)} of {len(result.notes)} notes", style="dim")


def show(
    ctx: typer.Context,
    note: str = typer.Argument(..., help="A path, a file name, or a unique part of a title."),
    short: bool = typer.Option(False, "--short", help="Only the 30-second answer."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the note's schedule and text as JSON."
    ),
) -> None:
    """Show a note to read: title, the 30-second answer, then the rest.

    When NOTE names no note, the best search matches are offered instead.
    """
    from studycards.errors import NoteParseError
    from studycards.notes.vault import load_note, scan
    from studycards.render.note import note_view
    from studycards.scheduling.clock import today_in

    vault = state(ctx).vault()
    result = scan(vault)
    rel = resolve_or_search(vault, note, result.summaries)
    parsed = load_note(vault, rel)
    if parsed.summary.broken:
        problem = next(p for p in parsed.summary.problems if p.severity == "error")
        raise NoteParseError(f"{problem}: cannot show this note")
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    if as_json:
        print_envelope("show", _show_json(parsed, today))
        return
    console().print(note_view(parsed, today, short=short))


def _show_json(parsed, today) -> dict:
    from studycards.notes.catalog import listing_row

    data = listing_row(parsed.summary, today)
    data.update(
        question=parsed.question,
        short_answer=parsed.short_answer,
        long_answer=parsed.long_answer,
        followups=[{"question": f.question, "answer": f.answer} for f in parsed.followups],
        related=[{"title": r.title, "target": r.target} for r in parsed.related],
    )
    return data


def check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
) -> None:
    """Check every note; print each problem as path:line: message; exit 1 on any error."""
    from studycards.upkeep.check import check_vault

    report = check_vault(state(ctx).vault())
    if report.skipped_line:
        echo(report.skipped_line, err=True)
    if as_json:
        problems = [p.to_dict() for p in report.problems]
        counts = {"errors": report.errors, "warnings": report.warnings}
        print_envelope(
            "check", {"notes_checked": report.notes_checked, **counts, "problems": problems}
        )
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
    ctx: typer.Context,
    path: Path = typer.Argument(Path("."), help="Folder for the new vault (default: here)."),
    sample: bool = typer.Option(
        False, "--sample", help="Write the bundled sample vault (24 notes, 2 outlines) instead."
    ),
    reset: bool = typer.Option(
        False, "--reset", help="With --sample: put a sample copy back as shipped, history too."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Create a vault: studycards.yaml, notes/ and one example note. Never overwrites."""
    from studycards.errors import UsageError

    if reset and not sample:
        raise UsageError("--reset only goes with --sample")
    if reset:
        _reset_sample(path, as_json)
        return
    if sample:
        from studycards.upkeep.sample import init_sample

        created = init_sample(path)
    else:
        from studycards.upkeep.init import init_vault

        created = init_vault(path)
    if as_json:
        made, kept = list(created.made), list(created.kept)
        data = {"root": str(created.root), "made": made, "kept": kept}
        print_envelope("init", {**data, "restored": [], "history": None})
        return
    for item in created.made:
        echo(f"created {item}")
    for item in created.kept:
        echo(f"kept existing {item}")
    echo(f"vault ready at {created.root}: try 'studycards --vault {path} list'")


def _reset_sample(path: Path, as_json: bool) -> None:
    from studycards.upkeep.sample import reset_sample

    done = reset_sample(path, dt.datetime.now().astimezone())
    if as_json:
        data = {"root": str(done.root), "made": [], "kept": []}
        print_envelope("init", {**data, "restored": list(done.restored), "history": done.history})
        return
    for item in done.restored:
        echo(f"restored {item}")
    if done.history:
        echo(f"moved the review history to {done.history}")
    echo(f"the sample vault at {done.root} is as shipped")


def register(app: typer.Typer) -> None:
    app.command("list")(list_notes)
    app.command()(show)
    app.command()(check)
    app.command()(init)
