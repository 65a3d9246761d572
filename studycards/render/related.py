"""What ``link`` did: one line per note written, or one note's related notes."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.text import Text

from studycards.render.safe import clean
from studycards.upkeep.link import Linked, LinkReport


def link_view(report: LinkReport, explain: bool = False) -> RenderableType:
    """Every note written (or that would be), then the counts; ``explain`` adds every link."""
    verb = "would update" if report.dry_run else "updated"
    lines: list[RenderableType] = []
    for note in report.notes:
        if note.status == "updated":
            lines.append(
                Text.assemble((f"{verb} ", "green"), note.rel, (f"  ({_links(note)})", "dim"))
            )
        elif explain:
            lines.append(
                Text.assemble((f"{note.status} ", "dim"), note.rel, (f"  ({_links(note)})", "dim"))
            )
        if explain:
            lines.extend(_lines(note, explain, indent="  "))
    lines.append(Text(_counts(report), style="dim"))
    return Group(*lines)


def link_lines(report: LinkReport) -> Iterator[str]:
    """:func:`link_view` without ``explain`` as plain lines, for output that is not a terminal:
    no styles and no wrapping, so a vault of any size prints at once and each line is whole."""
    verb = "would update" if report.dry_run else "updated"
    for note in report.notes:
        if note.status == "updated":
            yield clean(f"{verb} {note.rel}  ({_links(note)})")
    yield _counts(report)


def note_links_view(report: LinkReport, explain: bool = False) -> RenderableType:
    """One note's related notes (with the shared words if ``explain``), then its block's fate."""
    note = report.notes[0]
    parts: list[RenderableType] = [Text(note.title, style="bold")]
    if note.links:
        parts.extend(_lines(note, explain))
    else:
        parts.append(Text("no related notes above the threshold", style="dim"))
    if note.status == "updated":
        verb = "would update" if report.dry_run else "updated"
        parts.append(Text.assemble((f"{verb} ", "green"), note.rel))
    elif note.status == "unchanged":
        parts.append(Text(f"unchanged {note.rel}", style="dim"))
    return Group(*parts)


def _lines(note: Linked, explain: bool = False, indent: str = "") -> list[Text]:
    lines = []
    for link in note.links:
        lines.append(
            Text.assemble(indent, f"{link.percent:>4}%  ", link.title, (f"  {link.rel}", "dim"))
        )
        if explain:
            lines.append(Text.assemble(indent, "       shared: ", (", ".join(link.shared), "cyan")))
    return lines


def _links(note: Linked) -> str:
    count = len(note.links)
    return "no links" if count == 0 else f"{count} link" + ("s" if count > 1 else "")


def _counts(report: LinkReport) -> str:
    updated, unchanged = report.count("updated"), report.count("unchanged")
    skipped = report.count("skipped")
    verb = "would be updated" if report.dry_run else "updated"
    text = f"{len(report.notes)} notes: {updated} {verb}, {unchanged} unchanged"
    return text + (f", {skipped} skipped" if skipped else "")
