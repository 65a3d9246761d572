"""Render a note to read: title and facts, the 30-second answer, then the rest."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from studycards.notes._document import markdown_lines
from studycards.notes.note import Note
from studycards.notes.sections import split_demo_blocks
from studycards.render.listing import due_text

# Each demo block runs its demo; a note with hundreds of them would keep ``show`` busy for minutes.
MAX_DEMO_BLOCKS = 10


def markdown_view(text: str) -> RenderableType:
    """Markdown with ``studycards-demo`` blocks rendered as the demo's live output (the first
    :data:`MAX_DEMO_BLOCKS` of them; the rest are counted)."""
    parts: list[RenderableType] = []
    demos = 0
    for kind, content in split_demo_blocks(text):
        if kind == "demo":
            demos += 1
            if demos <= MAX_DEMO_BLOCKS:
                from studycards.render.demo import render_demo_block

                parts.append(render_demo_block(content))
        else:
            parts.append(Markdown(content, code_theme="ansi_dark", hyperlinks=False))
    if demos > MAX_DEMO_BLOCKS:
        more = demos - MAX_DEMO_BLOCKS
        noun = "demo blocks" if more != 1 else "demo block"
        parts.append(
            Text(f"{more} more {noun} (at most {MAX_DEMO_BLOCKS} run per note)", style="dim")
        )
    return Group(*parts)


def facts_line(note: Note, today: dt.date) -> Text:
    """Topic, difficulty, reviews, mastery and next review in one line."""
    summary = note.summary
    line = Text(style="dim")
    line.append(f"{summary.topic or '-'} · {summary.difficulty or '-'} · ")
    line.append(f"{summary.review_count} reviews · mastery {summary.mastery_level:.2f} · next ")
    line.append_text(due_text(summary, today))
    line.append(f"   {summary.rel}")
    return line


def note_view(note: Note, today: dt.date, short: bool = False) -> RenderableType:
    """The whole ``show`` screen for a note."""
    header = [Rule(Text(note.title, style="bold"), align="left"), facts_line(note, today)]
    short_answer = note.short_answer.strip()
    section = note.short_answer_section
    from_opening = section is not None and section.kind == "opening"
    answer = Panel(
        markdown_view(short_answer) if short_answer else Text("(no short answer found)"),
        title="answer (the note's opening)" if from_opening else "30-second answer",
        title_align="left",
        border_style="green",
    )
    if short:
        return Group(*header, answer)
    return Group(*header, answer, markdown_view(rest_of_body(note)))


def rest_of_body(note: Note) -> str:
    """The body without its title line and without the 30-second part already shown."""
    lines = markdown_lines(note.body, keepends=True)
    first = note.document.body_first_line if note.document else 1
    skip: set[int] = set()
    section = note.short_answer_section
    if section:
        skip.update(range(section.line - first, section.end_line - first))
    title_at = _title_line(lines)
    if title_at is not None:
        skip.add(title_at)
    return "".join(line for number, line in enumerate(lines) if number not in skip)


def _title_line(lines: list[str]) -> int | None:
    for number, line in enumerate(lines):
        if line.startswith("# "):
            return number
        if line.strip():
            return None
    return None
