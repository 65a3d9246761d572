"""Draw the review session's screens and its end summary."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from studycards.render.frame import (
    Frame,
    Line,
    Look,
    fitted,
    markdown_lines,
    position_label,
    render_lines,
    rule_line,
    sectioned_lines,
    text_line,
)
from studycards.review.session import (
    DETAIL,
    DONE,
    FRONT,
    HELP,
    HELP_TEXT,
    Card,
    Screen,
    Summary,
)
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
    """Position, new / learning / review cards left, topic, difficulty and the clock."""
    card = screen.card
    assert card is not None
    new, learning, review = screen.counts
    text = Text()
    text.append(f"{screen.position}/{screen.total}", style="bold")
    text.append("  new ", style="dim")
    text.append(str(new), style="blue")
    text.append(" · learning ", style="dim")
    text.append(str(learning), style="red")
    text.append(" · review ", style="dim")
    text.append(str(review), style="green")
    kind = " · follow-up" if card.followup else ""
    text.append(f"  {card.topic or '-'} · {card.difficulty or '-'}{kind}  ")
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


def question_lines(card: Card | None, width: int, look: Look) -> list[Line]:
    """A card's front: its title, and a coding note's problem statement under it."""
    assert card is not None
    if card.question == card.title:
        return [text_line(Text(card.title, style="bold"), width - 1, look)]
    title = text_line(Text(card.title, style="bold cyan"), width - 1, look)
    return [title, *markdown_lines(card.question, width - 1, look)]


def _pane_parts(screen: Screen) -> tuple[tuple[str, str], ...]:
    card = screen.card
    assert card is not None
    answer = card.answer if card.answer.strip() else "(no short answer)"
    if screen.phase == DETAIL:
        return (("Answer", answer), ("Details", card.detail or "(no details)"))
    return (("Answer", answer),)


def session_frame(screen: Screen, width: int, height: int, look: Look = Look()) -> Frame:
    """One full screen of the session: ``height`` lines of at most ``width`` cells.

    The header and the question are always on screen; below them one pane scrolls (the
    question itself before reveal when it is taller than the screen, then the answer and the
    details), with a rule saying where you are.
    """
    if screen.phase == DONE:
        return Frame(fitted(render_lines(summary_view(screen.summary), width - 1, look), height))
    if screen.phase == HELP:
        return Frame(fitted(render_lines(help_view(), width - 1, look), height))
    top = text_line(header(screen), width - 1, look)
    bottom = _key_line(screen, width, look)
    message = text_line(Text(screen.message, style="italic"), width - 1, look)
    question = question_lines(screen.card, width, look)
    parts = None if screen.phase == FRONT else _pane_parts(screen)
    return question_and_pane(
        [top], question, parts, screen.scroll, [bottom, message], width, height, look
    )


def question_and_pane(
    above: list[Line],
    question: list[Line],
    parts: tuple[tuple[str, str], ...] | None,
    offset: int,
    below: list[Line],
    width: int,
    height: int,
    look: Look,
) -> Frame:
    """The question under ``above``; then, when there are ``parts`` to show, a scrolling pane
    of them, with the question cut to a third of the screen so it stays in view. A question
    taller than the screen scrolls in the pane itself until the answer is shown."""
    body = max(3, height - len(above) - len(below))
    if parts is None:
        if len(question) <= body:
            lines = fitted([*above, *fitted(question, body), *below], height)
            return Frame(lines, len(question), body, (0,))
        pane = Pane(tuple(question), (0,), ("Question",))
        return pane.frame(offset, above, body, below, width, height, look)
    question = _capped(question, max(2, body // 3), width, look)
    lines, starts, titles = sectioned_lines(parts, width - 1, look)
    pane = Pane(lines, starts, titles)
    return pane.frame(offset, [*above, *question], body - len(question), below, width, height, look)


def _capped(lines: list[Line], most: int, width: int, look: Look) -> list[Line]:
    if len(lines) <= most:
        return lines
    more = Text(f"… the question goes on for {len(lines) - most + 1} more lines", style="dim")
    return [*lines[: most - 1], text_line(more, width - 1, look)]


def _key_line(screen: Screen, width: int, look: Look) -> Line:
    keys = Text(_FRONT_KEYS, style="dim") if screen.phase == FRONT else grade_bar(screen.labels)
    return text_line(keys, width - 1, look)


@dataclass(frozen=True)
class Pane:
    """A scrolling pane's laid-out content."""

    lines: tuple[Line, ...]
    starts: tuple[int, ...]
    titles: tuple[str, ...]

    def frame(
        self,
        offset: int,
        above: list[Line],
        height: int,
        below: list[Line],
        width: int,
        total_height: int,
        look: Look,
    ) -> Frame:
        page = max(1, height - 1)
        offset = max(0, min(offset, len(self.lines) - page))
        rule = rule_line(self._label(offset, page), width, look)
        shown = fitted(list(self.lines[offset : offset + page]), page)
        lines = fitted([*above, rule, *shown, *below], total_height)
        return Frame(lines, len(self.lines), page, self.starts)

    def _label(self, offset: int, page: int) -> str:
        # the section the window starts in; at the end, the last one that starts in view
        edge = offset + page if offset + page >= len(self.lines) else offset + 1
        index = max(0, sum(1 for s in self.starts if s < edge) - 1)
        where = position_label(offset, page, len(self.lines))
        if len(self.titles) > 1:
            title = self.titles[index]
            return f"{title} · {index + 1}/{len(self.titles)} · {where} · j/k n/p g/G"
        return f"{self.titles[0] if self.titles else ''} · {where} · j/k PgUp/PgDn"


def screen_view(screen: Screen, height: int = 40, width: int = 80) -> RenderableType:
    """One frame of the session as plain text (what the terminal shows, without styles)."""
    return Text(session_frame(screen, width, height).text)


def help_view() -> RenderableType:
    table = Table(title="Keys", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for keys, meaning in HELP_TEXT:
        table.add_row(keys, meaning)
    return Group(table, Text("press any key to go back", style="dim"))


def summary_view(summary: Summary | None) -> RenderableType:
    """The end screen: what was done, what is left today and what tomorrow holds."""
    if summary is None:
        return Text("Nothing to review.")
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("cards reviewed", str(summary.reviewed))
    table.add_row("time spent", clock_label(summary.seconds))
    table.add_row("again rate", f"{summary.again_rate:.0%}")
    if summary.skipped or summary.buried:
        table.add_row("skipped / buried", f"{summary.skipped} / {summary.buried}")
    table.add_row("left today", f"{summary.left_today} (within the daily limits and filters)")
    table.add_row("tomorrow", f"{summary.due_tomorrow} to study (within the daily limits)")
    table.add_row("streak", f"{summary.streak} day{'s' if summary.streak != 1 else ''}")
    return Panel(
        table, title="Session done", title_align="left", border_style="green", expand=False
    )
