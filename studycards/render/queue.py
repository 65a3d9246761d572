"""The ``due`` screen: counts, then one table per group."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from studycards.scheduling.calibration import MIN_REVIEWS
from studycards.scheduling.queue import GROUP_TITLES, GROUPS, Queue, QueueItem
from studycards.scheduling.readiness import Readiness

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
            "would be below the target (plus a margin for the model's error, from your own "
            "calibration) comes back in the last days before it; the others keep their interval."
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


def readiness_text(ready: Readiness) -> str:
    """Interview readiness in two lines: the model's belief, then what to believe of it."""
    day, target = ready.date.isoformat(), f"{ready.target:.0%}"
    basis = (
        f"your calibration over {ready.reviews} reviews"
        if ready.reviews >= MIN_REVIEWS
        else f"too few reviews to judge the model by ({ready.reviews}), so a default"
    )
    return (
        f"predicted ready on {day}: {ready.predicted} of {ready.notes} notes at >= {target} "
        "recall (the model's belief, if no more reviews)\n"
        f"calibrated: {ready.calibrated} of {ready.notes} ({ready.share:.0%}) still at >= {target} "
        f"after a margin of {ready.margin:.1%} for the model's error ({basis}); "
        f"range {ready.low}-{ready.high}"
    )
