"""Draw the mock interview and its summary."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from studycards.render.frame import Frame, Look, fitted, text_line
from studycards.render.session import clock_label, question_and_pane, question_lines
from studycards.review.interview import LONG, LONG_REF, SHORT, SHORT_REF, InterviewScreen, Result

_PROMPTS = {
    SHORT: "Answer out loud: the 30-second version. space when done",
    LONG: "Now the 2-3 minute version. space when done",
    SHORT_REF: "grade yourself 1 Again · 2 Hard · 3 Good · 4 Easy · l long answer · j/k scroll · q quit",
    LONG_REF: "grade yourself 1 Again · 2 Hard · 3 Good · 4 Easy · j/k scroll · q quit",
}


def _header(screen: InterviewScreen) -> Text:
    card = screen.card
    assert card is not None
    left = screen.limit - screen.elapsed
    head = Text(f"Question {screen.position}/{screen.total} · {card.topic or '-'} · ", style="bold")
    if screen.phase in (SHORT, LONG):
        head.append(f"⏱ {max(0, math.ceil(left))}s left", style="yellow" if left > 10 else "red")
    return head


def _reference(screen: InterviewScreen) -> tuple[tuple[str, str], ...] | None:
    card = screen.card
    assert card is not None
    if screen.phase == SHORT_REF:
        return (("Reference: short answer", card.answer or "(no reference answer)"),)
    if screen.phase == LONG_REF:
        return (("Reference: long answer", card.detail or card.answer or "(no reference answer)"),)
    return None


def interview_frame(screen: InterviewScreen, width: int, height: int, look: Look = Look()) -> Frame:
    """One full screen of the mock interview; the reference answer scrolls in its pane."""
    if screen.card is None:
        return Frame(fitted([text_line(Text("Interview over."), width - 1, look)], height))
    above = [text_line(_header(screen), width - 1, look)]
    below = [
        text_line(Text(_PROMPTS.get(screen.phase, ""), style="dim"), width - 1, look),
        text_line(Text(screen.message, style="italic red"), width - 1, look),
    ]
    question = question_lines(screen.card, width, look)
    parts = _reference(screen)
    return question_and_pane(above, question, parts, screen.scroll, below, width, height, look)


def interview_view(screen: InterviewScreen, height: int = 40, width: int = 80) -> RenderableType:
    """The mock interview's screen as plain text."""
    return Text(interview_frame(screen, width, height).text)


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
