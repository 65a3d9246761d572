"""Writing notes: new, edit, fix; and seeing the vault's shape: tags, topics, outline."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from studycards.cli._common import console, echo, print_envelope, state, warn
from studycards.cli.notes import Difficulty, warn_broken


class Language(str, Enum):
    zh = "zh"
    en = "en"


def new(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="The question, used as the title and file name."),
    topic: str = typer.Option(..., "--topic", "-t", help="Topic folder under notes/."),
    difficulty: Difficulty = typer.Option(
        Difficulty.medium, "--difficulty", help="How hard the question is."
    ),
    lang: Language | None = typer.Option(
        None, "--lang", help="Template language (default: zh for a Chinese title, else en)."
    ),
    edit: bool = typer.Option(False, "--edit", help="Open the new note in the editor."),
    as_json: bool = typer.Option(False, "--json", help="Print the new note's path as JSON."),
) -> None:
    """Create notes/TOPIC/TITLE.md from the template and print its path. Never overwrites."""
    from studycards.scheduling.clock import today_in
    from studycards.upkeep.authoring import create_note

    vault = state(ctx).vault()
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    made = create_note(vault, title, topic, today, difficulty.value, lang.value if lang else None)
    if as_json:
        folder = made.rel.split("/")[1] if made.rel.count("/") >= 2 else ""
        print_envelope("new", {"path": made.rel, "title": made.title, "topic": folder})
    else:
        echo(str(made.path))
    if edit:
        _edit_and_check(vault, made.rel)


def edit(
    ctx: typer.Context,
    note: str = typer.Argument(..., help="A path, a file name, or a unique part of a title."),
) -> None:
    """Open NOTE in $VISUAL or $EDITOR (else vi), then check it and report any problems."""
    from studycards.notes.vault import resolve, scan

    vault = state(ctx).vault()
    rel = resolve(vault, note, scan(vault).summaries, Path.cwd())
    _edit_and_check(vault, rel)


def _edit_and_check(vault, rel: str) -> None:
    from studycards.upkeep.authoring import run_editor
    from studycards.upkeep.check import check_note

    status = run_editor(vault.path_of(rel))
    if status != 0:
        warn(f"the editor exited with status {status}")
    problems = check_note(vault, rel)
    for problem in problems:
        echo(str(problem))
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    echo(f"{rel}: {errors} errors, {warnings} warnings", err=True)
    if errors:
        raise typer.Exit(1)


def fix(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the changes and problems as JSON."),
) -> None:
    """Add missing frontmatter, normalise safe values, and list what cannot be fixed."""
    from studycards.scheduling.clock import today_in
    from studycards.upkeep.fix import fix_vault

    vault = state(ctx).vault()
    report = fix_vault(vault, today_in(vault.config.timezone, vault.config.day_starts_at), dry_run)
    if as_json:
        print_envelope("fix", _fix_json(report))
    else:
        _print_fix(report)
    if report.problems:
        raise typer.Exit(1)


def _print_fix(report) -> None:
    for note in report.changed:
        if note.new_block:
            keys = ", ".join(f"{c.key}: {c.after}" for c in note.changes)
            echo(f"{note.rel}: + frontmatter: {keys}")
            continue
        for change in note.changes:
            where = f"{note.rel}:{change.line}"
            if change.before is None:
                echo(f"{where}: + {change.key}: {change.after}")
            else:
                echo(f"{where}: {change.key}: {change.before} -> {change.after}")
    if report.problems:
        echo("cannot fix:")
        for problem in report.problems:
            echo(f"  {problem}")
    verb = "would change" if report.dry_run else "changed"
    tail = " (dry run: nothing written)" if report.dry_run else ""
    summary = f"{report.notes_checked} notes checked: {len(report.changed)} {verb}, "
    echo(summary + f"{len(report.problems)} problems left{tail}", err=True)


def _fix_json(report) -> dict:
    return {
        "dry_run": report.dry_run,
        "notes_checked": report.notes_checked,
        "changed": [
            {"path": n.rel, "changes": [c.to_dict() for c in n.changes]} for n in report.changed
        ],
        "problems": [p.to_dict() for p in report.problems],
    }


def tags(
    ctx: typer.Context,
    path_tags: bool = typer.Option(
        False, "--all", help="Also the per-note Topic/file.md tags existing vaults carry."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """Each tag with its number of notes, notes due, new notes and mean mastery."""
    from studycards.upkeep.topics import tag_stats

    _groups(ctx, lambda notes, today: tag_stats(notes, today, path_tags), "Tag", as_json)


def topics(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """Each topic folder with its number of notes, notes due, new notes and mean mastery."""
    from studycards.upkeep.topics import topic_stats

    _groups(ctx, topic_stats, "Topic", as_json)


def _groups(ctx: typer.Context, compute, label: str, as_json: bool) -> None:
    from studycards.notes.vault import scan
    from studycards.scheduling.clock import today_in
    from studycards.scheduling.live import live_mastery

    vault = state(ctx).vault()
    result = scan(vault)
    warn_broken(result.broken)
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    rows = compute(live_mastery(vault, result.notes, today), today)
    if as_json:
        key = label.lower()
        print_envelope(key + "s", {key + "s": [_group_json(row.to_dict(), key) for row in rows]})
        return
    from studycards.render.authoring import group_table

    out = console()
    out.print(group_table(rows, label))
    out.print(f"{len(rows)} {label.lower()}s, {len(result.notes)} notes", style="dim")


def _group_json(row: dict, key: str) -> dict:
    return {
        key: row["name"],
        "notes": row["notes"],
        "due_count": row["due"],
        "new_count": row["new"],
        "mean_mastery": row["mean_mastery"],
    }


def _outline_row(data: dict, items: list | None = None, dead: list | None = None) -> dict:
    data = dict(data)
    data["due_count"] = data.pop("due")
    data.update(items=items, dead_links=dead)
    return data


def outline(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="An outline's file name, title or path."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of the tree."),
) -> None:
    """Show an outline as a tree with each note's mastery and due day; without NAME, list them."""
    from studycards.notes.vault import scan
    from studycards.scheduling.clock import today_in
    from studycards.upkeep.outlines import find_outline, load_outlines, outline_stats

    vault = state(ctx).vault()
    today = today_in(vault.config.timezone, vault.config.day_starts_at)
    outlines = load_outlines(vault)
    for item in outlines:
        for problem in item.problems:
            warn(f"{problem}: skipped")
    notes = {s.rel: s for s in scan(vault).summaries}
    if name is None:
        rows = [outline_stats(o, notes, today) for o in outlines if not o.problems]
        _list_outlines(vault, rows, as_json)
        return
    chosen = find_outline(vault, outlines, name)
    if as_json:
        print_envelope("outline", {"outlines": [_outline_json(chosen, notes, today)]})
        return
    from studycards.render.authoring import outline_view

    console().print(outline_view(chosen, notes, today))


def _list_outlines(vault, rows, as_json: bool) -> None:
    if as_json:
        print_envelope("outline", {"outlines": [_outline_row(row.to_dict()) for row in rows]})
        return
    if not rows:
        echo(f"no outlines in {vault.config.outlines_dir}/", err=True)
        return
    from studycards.render.authoring import outlines_table

    console().print(outlines_table(rows))


def _outline_json(chosen, notes, today) -> dict:
    from studycards.upkeep.outlines import item_json, link_json, outline_stats

    items = [item_json(item, notes, today) for item in chosen.items]
    dead = [link_json(link, notes, today) for link in chosen.dead_links]
    return _outline_row(outline_stats(chosen, notes, today).to_dict(), items, dead)


def register(app: typer.Typer) -> None:
    app.command()(new)
    app.command()(edit)
    app.command()(fix)
    app.command()(tags)
    app.command()(topics)
    app.command()(outline)
