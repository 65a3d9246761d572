"""Tables of notes and lines of problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from studycards.notes.note import NoteSummary

# The columns whose cells are never cut or wrapped, and which to leave out first when even
# they do not fit beside a narrow title column.
_FIXED = ("Diff.", "Reviews", "Mastery", "Next review")
_DROP_ORDER = ("Diff.", "Reviews", "Topic", "Mastery")
_TITLE_MIN = 12


def notes_table(notes: Sequence[NoteSummary], today: dt.date, width: int | None = None) -> Table:
    """The ``list`` table: title, topic, difficulty, reviews, mastery, next review.

    Titles and topics wrap; figures and dates are never cut: each figure column is as wide as
    its widest cell, so a narrow terminal (or a pipe, 80 columns) takes the room from titles.
    Given a ``width`` too narrow even for that, columns are left out in :data:`_DROP_ORDER`.
    """
    columns = {
        "Title": [note.title for note in notes],
        "Topic": [note.topic or "-" for note in notes],
        "Diff.": [note.difficulty or "-" for note in notes],
        "Reviews": [str(note.review_count) for note in notes],
        "Mastery": [f"{note.mastery_level:.2f}" for note in notes],
        "Next review": [due_text(note, today) for note in notes],
    }
    widths = {
        name: max([len(name), *(cell_len(str(c)) for c in cells)])
        for name, cells in columns.items()
    }
    for name in _DROP_ORDER:
        if width is None or _needed(columns, widths) <= width:
            break
        del columns[name]
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    for name in columns:
        if name in _FIXED:
            justify = "right" if name in ("Reviews", "Mastery") else "left"
            table.add_column(name, justify=justify, no_wrap=True, min_width=widths[name])
        else:
            table.add_column(name, overflow="fold", min_width=_TITLE_MIN if name == "Title" else 5)
    for row in zip(*columns.values(), strict=True):
        table.add_row(*row)
    return table


def _needed(columns: dict, widths: dict[str, int]) -> int:
    """Width of the fixed columns, the narrowest title and topic, and the separators."""
    flexible = _TITLE_MIN + (5 if "Topic" in columns else 0)
    return flexible + sum(widths[n] for n in columns if n in _FIXED) + 3 * (len(columns) - 1)


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
