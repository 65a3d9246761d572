"""Tables of topics and tags, outlines as trees, and the outline listing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from studycards.notes.note import NoteSummary
from studycards.render.listing import due_text
from studycards.upkeep.outlines import OutlineFile, OutlineItem, OutlineLink, OutlineStats
from studycards.upkeep.topics import GroupStats


def group_table(rows: Sequence[GroupStats], label: str) -> Table:
    """The ``topics`` / ``tags`` table: notes, due, new and mean mastery per group."""
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(label, min_width=12, overflow="fold")
    table.add_column("Notes", justify="right")
    table.add_column("Due", justify="right")
    table.add_column("New", justify="right")
    table.add_column("Mastery", justify="right")
    for row in rows:
        due = Text(str(row.due), style="bold" if row.due else "")
        mastery = f"{row.mean_mastery:.2f}"
        table.add_row(row.name or "(none)", str(row.notes), due, str(row.new), mastery)
    return table


def outlines_table(rows: Sequence[OutlineStats]) -> Table:
    """Every outline with how many notes it links, how many are missing, due and mastery."""
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Outline", min_width=12, overflow="fold")
    table.add_column("Notes", justify="right")
    table.add_column("Missing", justify="right")
    table.add_column("Due", justify="right")
    table.add_column("Mastery", justify="right")
    for row in rows:
        missing = Text(str(row.missing), style="red" if row.missing else "")
        mastery = "-" if row.mean_mastery is None else f"{row.mean_mastery:.2f}"
        table.add_row(row.title, str(row.notes), missing, str(row.due), mastery)
    return table


def outline_view(
    outline: OutlineFile, notes: Mapping[str, NoteSummary], today: dt.date
) -> RenderableType:
    """The outline as a tree with each linked note's mastery and due day, then dead links."""
    tree = Tree(Text.assemble((outline.title, "bold"), "  ", (outline.rel, "dim")))
    for item in outline.items:
        _add_item(tree, item, notes, today)
    parts: list[RenderableType] = [tree]
    dead = outline.dead_links
    if dead:
        parts.append(Text(f"\nMissing notes ({len(dead)}):", style="bold red"))
        parts.extend(Text(f"{outline.rel}:{link.line}: {link.target}") for link in dead)
    return Group(*parts)


def _add_item(
    parent: Tree, item: OutlineItem, notes: Mapping[str, NoteSummary], today: dt.date
) -> None:
    if len(item.links) == 1 and item.links[0].text == item.label:
        label = _link_label(item.links[0], notes, today)
        branch = parent.add(label)
    else:
        branch = parent.add(Text(item.label, style="bold" if item.heading else ""))
        for link in item.links:
            branch.add(_link_label(link, notes, today))
    for child in item.children:
        _add_item(branch, child, notes, today)


def _link_label(link: OutlineLink, notes: Mapping[str, NoteSummary], today: dt.date) -> Text:
    text = Text(link.text or link.target)
    note = notes.get(link.rel) if link.rel else None
    if not link.exists:
        text.append("  missing", style="red")
    elif note is None:
        text.append("  not a note", style="dim")
    elif note.broken:
        text.append("  broken note: see 'studycards check'", style="red")
    else:
        text.append(f"  mastery {note.mastery_level:.2f}  ", style="cyan")
        text.append_text(due_text(note, today))
    return text
