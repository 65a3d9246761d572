"""A note's opening: its answer when no heading says where the answer is.

One note in five in a real vault has none of the answer headings: the title, a few paragraphs
that answer the question, then the deep dive (``## 原理``, ``## Deep dive``, ...) or nothing
more. The opening is the text after the title up to the first top-level (H2) heading. When no
such heading ends it, or when the note starts straight with one, it is the first
:data:`OPENING_BLOCKS` blocks (paragraphs, lists, code blocks, ...), so a long note without
headings does not become one huge answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from studycards.notes._document import markdown_lines
from studycards.notes.sections import Heading, _parser

OPENING_BLOCKS = 3


def opening_lines(body: str, heads: Sequence[Heading]) -> tuple[int, int] | None:
    """The 0-based ``[start, end)`` body lines of the opening, or None when it has no text."""
    lines = markdown_lines(body, keepends=True)
    start = heads[0].line + 1 if heads and heads[0].level == 1 else 0
    top = [h for h in heads if h.level <= 2 and h.line >= start]
    end = top[0].line if top else len(lines)
    if top and not "".join(lines[start:end]).strip():
        start, end = top[0].line + 1, top[0].end  # starts with a heading: its section's opening
        return _first_blocks(lines, start, end)
    if not top:
        return _first_blocks(lines, start, end)
    return _trimmed(lines, start, end)


def _first_blocks(lines: list[str], start: int, end: int) -> tuple[int, int] | None:
    """The first :data:`OPENING_BLOCKS` top-level blocks of ``lines[start:end]``."""
    tokens = _parser().parse("".join(lines[start:end]))
    blocks = [t.map for t in tokens if t.level == 0 and t.nesting >= 0 and t.map]
    if len(blocks) > OPENING_BLOCKS:
        end = start + blocks[OPENING_BLOCKS - 1][1]
    return _trimmed(lines, start, end)


def _trimmed(lines: list[str], start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without blank lines or a separating ``---`` rule at either end."""
    while start < end and not lines[start].strip():
        start += 1
    while end > start and lines[end - 1].strip() in ("", "---", "***", "___"):
        end -= 1
    return (start, end) if start < end else None
