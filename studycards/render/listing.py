"""Tables of notes and lines of problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from rich.cells import cell_len
from rich.text import Text

from studycards.notes.note import NoteSummary
from studycards.render.columns import Cell, Column, plain, table_lines

# The columns whose cells are never cut or wrapped, and which to leave out first when even
# they do not fit beside a narrow title column.
_FIXED = ("Diff.", "Reviews", "Mastery", "Next review")
_DROP_ORDER = ("Diff.", "Reviews", "Topic", "Mastery")
_TITLE_MIN = 12


def notes_table(
    notes: Sequence[NoteSummary], today: dt.date, width: int | None = None, colour: bool = False
) -> Iterator[str]:
    """The ``list`` table's lines: title, topic, difficulty, reviews, mastery, next review.

    Titles and topics wrap; figures and dates are never cut: each figure column is as wide as
    its widest cell, so a narrow terminal (or a pipe, 80 columns) takes the room from titles.
    Given a ``width`` too narrow even for that, columns are left out in :data:`_DROP_ORDER`.
    Lines come one row at a time (:mod:`studycards.render.columns`), so 10,000 notes print in
    well under a second.
    """
    columns = {
        "Title": [Cell(plain(note.title)) for note in notes],
        "Topic": [Cell(plain(note.topic or "-")) for note in notes],
        "Diff.": [Cell(plain(note.difficulty or "-")) for note in notes],
        "Reviews": [Cell(str(note.review_count)) for note in notes],
        "Mastery": [Cell(f"{note.mastery_level:.2f}") for note in notes],
        "Next review": [_due_cell(note, today) for note in notes],
    }
    widths = {
        name: max([len(name), *(cell_len(c.text) for c in cells)])
        for name, cells in columns.items()
    }
    for name in _DROP_ORDER:
        if width is None or _needed(columns, widths) <= width:
            break
        del columns[name]
    if width is not None:
        _share_the_rest(columns, widths, width)
    layout = [Column(n, widths[n], right=n in ("Reviews", "Mastery")) for n in columns]
    return table_lines(layout, zip(*columns.values(), strict=True), colour)


def _share_the_rest(columns: dict, widths: dict[str, int], width: int) -> None:
    """Narrow the wrapping columns to fit ``width``: the topic keeps its width while the title
    still gets :data:`_TITLE_MIN`, else it gives way too (to 5)."""
    fixed = sum(widths[n] for n in columns if n in _FIXED) + 3 * (len(columns) - 1)
    room = width - fixed
    topic = widths.get("Topic", 0) if "Topic" in columns else 0
    if widths["Title"] + topic <= room:
        return
    if "Topic" in columns:
        topic = max(5, min(topic, room - _TITLE_MIN))
        widths["Topic"] = topic
    widths["Title"] = max(_TITLE_MIN, room - topic)


def _needed(columns: dict, widths: dict[str, int]) -> int:
    """Width of the fixed columns, the narrowest title and topic, and the separators."""
    flexible = _TITLE_MIN + (5 if "Topic" in columns else 0)
    return flexible + sum(widths[n] for n in columns if n in _FIXED) + 3 * (len(columns) - 1)


def _due_cell(note: NoteSummary, today: dt.date) -> Cell:
    text = due_text(note, today)
    return Cell(text.plain, str(text.style) or None)


def due_text(note: NoteSummary, today: dt.date) -> Text:
    """The next-review day, red when overdue, bold when due today, 'new' for unscheduled."""
    if note.next_review is None:
        return Text("new (today)", style="bold")
    label = note.next_review.isoformat()
    if note.next_review < today:
        return Text(f"{label} ({(today - note.next_review).days}d late)", style="red")
    if note.next_review == today:
        return Text(f"{label} (today)", style="bold")
    return Text(label)
