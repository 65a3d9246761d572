"""Search results: each hit's title and path, then a snippet with the matched terms highlighted."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from studycards.upkeep.search import Hit, SearchResult

MATCH_STYLE = "bold yellow"


def search_view(result: SearchResult) -> RenderableType:
    """The ranked hits, or a line saying nothing matched."""
    if not result.hits:
        return Text(f"no notes match {result.query!r}", style="dim")
    parts: list[RenderableType] = []
    for rank, hit in enumerate(result.hits, 1):
        parts.extend([_heading(rank, hit), _snippet(hit), Text()])
    shown = len(result.hits)
    more = f" (showing {shown})" if shown < result.total else ""
    parts.append(Text(f"{result.total} notes match{more}", style="dim"))
    return Group(*parts)


def _heading(rank: int, hit: Hit) -> Text:
    line = Text(f"{rank:>2}. ", style="dim")
    line.append(highlighted(hit.title, hit.title_matches, base="bold"))
    line.append(f"  {hit.rel}", style="dim")
    return line


def _snippet(hit: Hit) -> Text:
    line = Text("    ")
    line.append(highlighted(hit.snippet, hit.matches))
    if hit.field != "title":
        line.append(f"  [{hit.field}]", style="dim")
    return line


def highlighted(text: str, spans: tuple[tuple[int, int], ...], base: str = "") -> Text:
    """``text`` with each ``(start, end)`` span in :data:`MATCH_STYLE`."""
    out = Text(text, style=base)
    for start, end in spans:
        out.stylize(MATCH_STYLE, start, end)
    return out
