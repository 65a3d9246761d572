"""Draw the mock interview and its summary."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from studycards.render.note import markdown_view
from studycards.render.session import clock_label
from studycards.review.interview import LONG, LONG_REF, SHORT, SHORT_REF, InterviewScreen, Result

_PROMPTS = {
    SHORT: "Answer out loud: the 30-second version. space when done",
    LONG: "Now the 2-3 minute version. space when done",
    SHORT_REF: "grade yourself 1 Again · 2 Hard · 3 Good · 4 Easy   l: try the long answer   q quit",
    LONG_REF: "grade yourself 1 Again · 2 Hard · 3 Good · 4 Easy   q quit",
}


def interview_view(screen: InterviewScreen, height: int = 40, width: int = 80) -> RenderableType:
    card = screen.card
    if card is None:
        return Text("Interview over.")
    left = screen.limit - screen.elapsed
    head = Text(f"Question {screen.position}/{screen.total} · {card.topic or '-'} · ", style="bold")
    if screen.phase in (SHORT, LONG):
        head.append(f"⏱ {max(0, math.ceil(left))}s left", style="yellow" if left > 10 else "red")
    parts: list[RenderableType] = [
        head,
        Panel(Text(card.question, style="bold"), border_style="cyan"),
    ]
    if screen.phase == SHORT_REF:
        parts.append(
            Panel(
                markdown_view(card.answer or "(no reference answer)"),
                title="Reference: short answer",
                border_style="green",
            )
        )
    if screen.phase == LONG_REF:
        parts.append(
            Panel(
                markdown_view(card.detail or card.answer),
                title="Reference: long answer",
                border_style="green",
            )
        )
    parts.append(Text(_PROMPTS.get(screen.phase, ""), style="dim"))
    if screen.message:
        parts.append(Text(screen.message, style="italic red"))
    return Group(*parts)


def interview_summary(results: Sequence[Result]) -> RenderableType:
    """Time per question and the grades."""
    if not results:
        return Text("No question answered.")
    table = Table(title="Mock interview", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Question", overflow="fold")
    table.add_column("Short", justify="right")
    table.add_column("Long", justify="right")
    table.add_column("Grade")
    for number, result in enumerate(results, start=1):
        long = "-" if result.long_seconds is None else clock_label(result.long_seconds)
        grade = result.rating.name.lower() if result.rating else "-"
        table.add_row(
            str(number), result.card.question[:80], clock_label(result.short_seconds), long, grade
        )
    return table
