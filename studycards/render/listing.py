"""Tables of notes and lines of problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from studycards.notes.note import NoteSummary


def notes_table(notes: Sequence[NoteSummary], today: dt.date) -> Table:
    """The ``list`` table: title, topic, difficulty, reviews, mastery, next review."""
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    table.add_column("Title", min_width=20, overflow="fold")
    table.add_column("Topic", overflow="fold")
    table.add_column("Diff.")
    table.add_column("Reviews", justify="right")
    table.add_column("Mastery", justify="right")
    table.add_column("Next review", no_wrap=True)
    for note in notes:
        table.add_row(
            note.title,
            note.topic or "-",
            note.difficulty or "-",
            str(note.review_count),
            f"{note.mastery_level:.2f}",
            due_text(note, today),
        )
    return table


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
