"""The ``due`` screen: counts, today's study list in its order, then the rest collapsed."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from studycards.scheduling.calibration import MIN_REVIEWS
from studycards.scheduling.queue import GROUP_TITLES, GROUPS, Queue, QueueItem
from studycards.scheduling.readiness import Readiness

_STUDY_SHOWN = 50
_ORDER_NAMES = {
    "due": "most overdue first",
    "risk": "lowest predicted recall first",
    "easy-first": "easy, familiar notes first",
}


def queue_view(queue: Queue, today: dt.date, vault=None, order: str = "due") -> RenderableType:
    """Today's study list in ``order`` (what ``review`` will show), then the rest, collapsed."""
    parts: list[RenderableType] = [_headline(queue, today, vault)]
    if queue.study:
        parts.append(_study_table(queue.study, today, order))
    parts.append(_rest(queue, today))
    if queue.until is not None:
        rule = (
            f"Interview date {queue.until.isoformat()}: a note whose predicted recall on that day "
            "would be below the target (plus a margin for the model's error, from your own "
            "calibration) comes back in the last days before it; the others keep their interval."
        )
        parts.append(Text(rule, style="dim"))
    return Group(*parts)


def _headline(queue: Queue, today: dt.date, vault) -> Text:
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
        if vault is not None:
            text.append("\n" + _limits_line(queue, vault.config), style="yellow")
    return text


def _limits_line(queue: Queue, config) -> str:
    new_in = sum(1 for i in queue.study if i.is_new)
    reviews_due = queue.due_total - queue.new_total
    return (
        f"  new: {new_in} of {queue.new_total} (new_per_day {config.new_per_day}); "
        f"reviews: {len(queue.study) - new_in} of {reviews_due} "
        f"(reviews_per_day {config.reviews_per_day})"
    )


def _study_table(items: tuple[QueueItem, ...], today: dt.date, order: str) -> Table:
    shown = items[:_STUDY_SHOWN]
    title = f"Today's study list ({len(items)}, {_ORDER_NAMES.get(order, order)})"
    if len(shown) < len(items):
        title += f", first {len(shown)}"
    table = Table(title=title, title_justify="left", show_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("Title", min_width=16, ratio=3, overflow="fold")
    table.add_column("Topic", ratio=1, overflow="fold")
    table.add_column("Diff.", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    table.add_column("Recall", justify="right", no_wrap=True)
    for number, item in enumerate(shown, start=1):
        recall = "new" if item.recall is None else f"{item.recall:.0%}"
        table.add_row(
            str(number),
            item.note.title,
            item.note.topic or "-",
            item.note.difficulty or "-",
            _due_text(item, today),
            recall,
        )
    return table


def _due_text(item: QueueItem, today: dt.date) -> str:
    due = item.due.isoformat()
    return due + f" (+{(today - item.due).days}d)" if item.due < today else due


def _rest(queue: Queue, today: dt.date) -> Text:
    """The notes not on today's list, one line per group: counts and the first due day."""
    studied = {item.note.rel for item in queue.study}
    text = Text("The rest: ", style="bold")
    pieces = []
    for group in GROUPS:
        rest = [i for i in queue.groups[group] if i.note.rel not in studied]
        if not rest:
            continue
        label = f"{GROUP_TITLES[group].lower()} {len(rest)}"
        if group in ("overdue", "today"):
            label += " (cut by the daily limits)"
        else:
            first = min(i.due for i in rest)
            on_first = sum(1 for i in rest if i.due == first)
            label += f" (next {first.isoformat()}: {on_first})"
        pieces.append(label)
    text.append(" · ".join(pieces) if pieces else "nothing else", style="dim")
    text.append(
        "\n(studycards list --due for every due note, --json for the full queue)", style="dim"
    )
    return text


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
