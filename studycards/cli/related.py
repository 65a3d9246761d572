"""Related notes and search: link, search."""

from __future__ import annotations

import typer

from studycards.cli._common import console, print_envelope, state, warn


def link(
    ctx: typer.Context,
    note: str | None = typer.Argument(
        None, help="A path, a file name, or a unique part of a title (default: every note)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    explain: bool = typer.Option(
        False, "--explain", help="Show each link's reason: the words both notes share."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print what was (or would be) done as JSON."
    ),
) -> None:
    """Write the generated related-notes block ('## 相关笔记') of one note or of every note.

    Only the lines after the '<!-- 自动生成 -->' marker change; up-to-date notes are not touched.

    Notes are linked on the words they share (title and short answer count most), never on tags
    alone; a note gets from none to link_top_k links. link_top_k and link_threshold in
    studycards.yaml set how many notes are listed at most and how alike they must be.
    """
    from studycards.render.related import link_lines, link_view, note_links_view
    from studycards.upkeep.link import link as link_notes

    report = link_notes(state(ctx).vault(), note, dry_run)
    if as_json:
        rows = [
            {"path": n.rel, **{k: v for k, v in n.to_dict().items() if k != "rel"}}
            for n in report.notes
        ]
        print_envelope("link", {"dry_run": dry_run, "notes": rows, "broken": list(report.broken)})
        return
    if note is None:
        for problem in report.broken:
            warn(f"{problem}: skipped")
    for skipped in (n for n in report.notes if n.status == "skipped"):
        warn(f"{skipped.rel}: {skipped.reason}: skipped")
    out = console()
    if note is not None:
        out.print(note_links_view(report, explain))
    elif explain or out.is_terminal:
        out.print(link_view(report, explain))
    else:
        out.file.write("".join(f"{line}\n" for line in link_lines(report)))


def search(
    ctx: typer.Context,
    query: str = typer.Argument(
        ..., help='Words or Chinese text to look for; "a phrase" in double quotes must occur as is.'
    ),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="How many notes to show."),
    topic: str | None = typer.Option(None, "--topic", help="Only notes of this topic folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Search titles, answers, deep dives and follow-ups; best first, with each note's matched line.

    Words are weighted BM25 style (rare words count more; the title counts most). Put a phrase
    in double quotes to find only notes holding it: studycards search '"KV cache" 显存'.
    """
    from studycards.upkeep.indexed_search import search_vault

    result = search_vault(state(ctx).vault(), query, limit, topic)
    if as_json:
        data = result.to_dict()
        data["results"] = [
            {"path": r["rel"], **{k: v for k, v in r.items() if k != "rel"}}
            for r in data["results"]
        ]
        print_envelope("search", data)
        return
    from studycards.render.search import search_view

    console().print(search_view(result))


def register(app: typer.Typer) -> None:
    app.command()(link)
    app.command()(search)
