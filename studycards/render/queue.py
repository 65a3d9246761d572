"""The ``due`` screen: counts, then one table per group."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from studycards.scheduling.queue import GROUP_TITLES, GROUPS, Queue, QueueItem

_SHOWN_PER_GROUP = {"overdue": 50, "today": 50, "week": 30, "later": 10}


def queue_view(queue: Queue, today: dt.date, vault=None) -> RenderableType:
    parts: list[RenderableType] = [_headline(queue, today)]
    for group in GROUPS:
        items = queue.groups[group]
        if items:
            parts.append(_group_table(group, items, today))
    if queue.until is not None:
        rule = (
            f"Interview date {queue.until.isoformat()}: a note whose predicted recall on that day "
            "would be below the target comes back the day before; the others keep their interval."
        )
        parts.append(Text(rule, style="dim"))
    return Group(*parts)


def _headline(queue: Queue, today: dt.date) -> Text:
    text = Text()
    text.append(f"{today.isoformat()}: ", style="bold")
    text.append(f"{len(queue.study)} to study now", style="bold green")
    text.append(f" ({queue.due_total} due, {queue.new_total} of them new")
    text.append(f"; {queue.done_today} reviewed today)")
    if queue.limited:
        text.append(
            f"\ndaily limits cut the list: {len(queue.study)} of {queue.due_total} shown "
            "(new_per_day / reviews_per_day in studycards.yaml, or --all)",
            style="yellow",
        )
    return text


def _group_table(group: str, items: tuple[QueueItem, ...], today: dt.date) -> Table:
    shown = items[: _SHOWN_PER_GROUP[group]]
    title = f"{GROUP_TITLES[group]} ({len(items)})"
    if len(shown) < len(items):
        title += f", first {len(shown)}"
    table = Table(title=title, title_justify="left", show_edge=False, header_style="bold")
    table.add_column("Title", min_width=20, overflow="fold")
    table.add_column("Topic", overflow="fold")
    table.add_column("Diff.")
    table.add_column("Due", no_wrap=True)
    table.add_column("Recall", justify="right")
    for item in shown:
        recall = "new" if item.recall is None else f"{item.recall:.0%}"
        due = item.due.isoformat()
        if item.due < today:
            due += f" (+{(today - item.due).days}d)"
        table.add_row(
            item.note.title, item.note.topic or "-", item.note.difficulty or "-", due, recall
        )
    return table
