"""Draw the review session's screens and its end summary."""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from studycards.render.note import markdown_view
from studycards.render.safe import SafeConsole
from studycards.review.session import ANSWER, DETAIL, DONE, FRONT, HELP, HELP_TEXT, Screen, Summary
from studycards.scheduling.schedule import Rating

_FRONT_KEYS = "space reveal · d details · s skip · b bury · e edit · ? help · q quit"


def interval_label(days: int) -> str:
    """Short human interval: 1d, 12d, 3.2mo, 1.5y."""
    if days < 60:
        return f"{days}d"
    if days < 365:
        return f"{days / 30.4:.1f}mo"
    return f"{days / 365:.1f}y"


def clock_label(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def header(screen: Screen) -> Text:
    card = screen.card
    assert card is not None
    text = Text()
    text.append(f"{screen.position}/{screen.total}", style="bold")
    kind = " · follow-up" if card.followup else ""
    text.append(f" · {card.topic or '-'} · {card.difficulty or '-'}{kind} · ")
    text.append(clock_label(screen.elapsed), style="cyan")
    if screen.timed is not None:
        text.append("  ")
        text.append_text(_countdown(screen))
    return text


def _countdown(screen: Screen) -> Text:
    assert screen.timed is not None
    left = screen.timed - screen.elapsed
    if screen.phase == FRONT:
        if left >= 0:
            return Text(f"⏱ {math.ceil(left)}s left", style="bold yellow")
        return Text(f"⏱ over by {int(-left)}s", style="bold red")
    if left < 0:
        return Text(f"overran by {int(-left)}s", style="red")
    return Text(f"within time ({int(left)}s to spare)", style="green")


def grade_bar(labels: dict[Rating, int]) -> Text:
    """``1 Again · 1d   2 Hard · 3d   3 Good · 12d   4 Easy · 30d``."""
    styles = {Rating.AGAIN: "red", Rating.HARD: "yellow", Rating.GOOD: "green", Rating.EASY: "blue"}
    text = Text()
    for rating in Rating:
        if rating in labels:
            name = rating.name.capitalize()
            text.append(
                f"{int(rating)} {name} · {interval_label(labels[rating])}", style=styles[rating]
            )
            text.append("   ")
    text.append("u undo · d details · ? help", style="dim")
    return text


def question_panel(screen: Screen) -> Panel:
    card = screen.card
    assert card is not None
    body: RenderableType = (
        markdown_view(card.question)
        if card.question != card.title
        else Text(card.question, style="bold")
    )
    title = card.title if card.question != card.title else "Question"
    return Panel(body, title=title, title_align="left", border_style="cyan")


def screen_view(screen: Screen, height: int = 40, width: int = 80) -> RenderableType:
    """One frame of the session for ``screen``."""
    if screen.phase == DONE:
        return summary_view(screen.summary)
    if screen.phase == HELP:
        return help_view()
    parts: list[RenderableType] = [header(screen), question_panel(screen)]
    card = screen.card
    assert card is not None
    if screen.phase == ANSWER:
        answer = markdown_view(card.answer) if card.answer.strip() else Text("(no short answer)")
        parts.append(Panel(answer, title="Answer", title_align="left", border_style="green"))
        parts.append(grade_bar(screen.labels))
    elif screen.phase == DETAIL:
        parts.append(_detail(screen, height, width))
        parts.append(grade_bar(screen.labels))
    else:
        parts.append(Text(_FRONT_KEYS, style="dim"))
    if screen.message:
        parts.append(Text(screen.message, style="italic"))
    return Group(*parts)


def _detail(screen: Screen, height: int, width: int) -> RenderableType:
    card = screen.card
    assert card is not None
    text = "\n\n".join(p for p in (card.answer, card.detail) if p.strip()) or "(no details)"
    lines = _render_lines(markdown_view(text), width - 4)
    window = max(5, height - 12)
    start = min(screen.scroll, max(0, len(lines) - window))
    shown = lines[start : start + window]
    body = Text("\n").join(_line_text(line) for line in shown)
    more = f" lines {start + 1}-{start + len(shown)} of {len(lines)} (j/k, PgUp/PgDn)"
    return Panel(body, title="Details" + more, title_align="left", border_style="magenta")


def _render_lines(renderable: RenderableType, width: int) -> list[list[Segment]]:
    console = SafeConsole(width=max(20, width), color_system="truecolor", force_terminal=True)
    return console.render_lines(renderable, console.options.update(width=max(20, width)), pad=False)


def _line_text(segments: list[Segment]) -> Text:
    text = Text()
    for segment in segments:
        if not segment.control:
            text.append(segment.text, style=segment.style)
    return text


def help_view() -> RenderableType:
    table = Table(title="Keys", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for keys, meaning in HELP_TEXT:
        table.add_row(keys, meaning)
    return Group(table, Text("press any key to go back", style="dim"))


def summary_view(summary: Summary | None) -> RenderableType:
    if summary is None:
        return Text("Nothing to review.")
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("cards reviewed", str(summary.reviewed))
    table.add_row("time spent", clock_label(summary.seconds))
    table.add_row("again rate", f"{summary.again_rate:.0%}")
    table.add_row("streak", f"{summary.streak} day{'s' if summary.streak != 1 else ''}")
    table.add_row("due tomorrow", str(summary.due_tomorrow))
    return Panel(
        table, title="Session done", title_align="left", border_style="green", expand=False
    )
