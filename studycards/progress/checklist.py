"""``reviewsToday.md``: today's reviews as a Markdown checklist.

``studycards today`` writes the checklist at the vault root in the vault's language: overdue and
today's notes within the daily limits, this week's, and what was already done today (``[✓]``
lines with their grade, from the ledger). The previous day's file is moved to the archive folder
first. A person ticks boxes in any editor (``- [x]``), optionally writing a grade after the link;
``studycards sync`` (:mod:`studycards.progress.sync`) logs each ticked box as a review.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from studycards._atomic import atomic_write
from studycards.errors import StudycardsError
from studycards.lock import vault_lock
from studycards.notes.links import destination
from studycards.notes.vault import Vault
from studycards.progress.checklist_text import EN, WORDS, Words
from studycards.progress.sync import Synced, SyncResult, sync_checklist
from studycards.progress.ticks import (
    CHECKLIST_NAME,
    DONE,
    LineProblem,
    Tick,
    mark_done,
    parse_ticks,
    read_checklist,
    ticked_lines,
    untick,
)
from studycards.scheduling.events import Event
from studycards.scheduling.queue import Queue, QueueItem, load_queue

__all__ = [
    "CHECKLIST_NAME",
    "DONE",
    "HOW_TO",
    "LineProblem",
    "Synced",
    "SyncResult",
    "Tick",
    "Written",
    "escape_title",
    "item_line",
    "link_target",
    "mark_done",
    "parse_ticks",
    "read_checklist",
    "render_checklist",
    "sync_checklist",
    "ticked_lines",
    "untick",
    "write_checklist",
]

HOW_TO = EN.how_to
_SECTIONS = ("overdue", "today", "week")
_CAP_KEYS = {
    "overdue": "checklist_max_overdue",
    "today": "checklist_max_today",
    "week": "checklist_max_week",
}
_TITLE_SPECIALS = re.compile(r"([\\\[\]*_`<])")
_PATH_SPECIALS = frozenset(" \t()<>[]%#?")
_DATED = re.compile(r"^\ufeff?#[^\n]*?(\d{4}-\d{2}-\d{2})")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


# ---------------------------------------------------------------------------------------------
# writing the checklist


@dataclass(frozen=True)
class Written:
    """What ``today`` wrote: lines per section, due notes the limits cut, the archived file."""

    path: Path
    counts: dict[str, int]
    left_out: int
    archived: Path | None = None
    language: str = "en"
    listed: dict[str, int] | None = None  # lines per section after the checklist_max_* caps


@dataclass(frozen=True)
class Layout:
    """How to write the file: its words, the per-section caps, the daily limits."""

    words: Words = EN
    caps: tuple[int, int, int] = (0, 0, 0)
    limits: tuple[int, int] | None = None


@dataclass(frozen=True)
class DoneItem:
    rel: str
    title: str
    rating: int


def render_checklist(
    queue: Queue,
    today: dt.date,
    limits: tuple[int, int] | None = None,
    layout: Layout | None = None,
    done: tuple[DoneItem, ...] = (),
) -> str:
    """The checklist's text: overdue and today from the (limited) study list, this week, what
    was done today, and an overview."""
    layout = layout or Layout(limits=limits)
    words = layout.words
    parts = [words.title.format(date=today.isoformat()) + "\n", words.how_to + "\n"]
    listed = {}
    for index, group in enumerate(_SECTIONS):
        items = _section_items(queue, group)
        cap = layout.caps[index]
        shown = items[:cap] if cap else items
        listed[group] = len(shown)
        lines = [item_line(i, show_due=group == "week", words=words) for i in shown]
        if len(shown) < len(items):
            more = words.capped.format(more=len(items) - len(shown), key=_CAP_KEYS[group], cap=cap)
            lines.append(f"\n_{more}_")
        body = "\n".join(lines) or f"_{_empty(queue, group, words)}_"
        parts.append(f"## {words.headings[group]}\n\n{body}\n")
        if group == "today" and queue.limited:
            parts.append(_limits_line(queue, layout.limits, words))
    done_lines = [done_line(d) for d in done]
    body = "\n".join(done_lines) or f"_{words.empty['done']}_"
    parts.append(f"## {words.headings['done']}\n\n{body}\n")
    parts.append(_overview(queue, listed, len(done), words))
    return "\n".join(parts)


def _empty(queue: Queue, group: str, words: Words) -> str:
    """What an empty section says; never "nothing due" while the daily limits cut due notes."""
    cut = queue.due_total - len(queue.study)
    if group == "today" and cut > 0:
        return words.cut_today.format(cut=cut, s="s" * (cut != 1))
    return words.empty[group]


def _section_items(queue: Queue, group: str) -> list[QueueItem]:
    if group == "week":
        return list(queue.groups["week"])
    return [item for item in queue.study if item.group == group]


def _limits_line(queue: Queue, limits: tuple[int, int] | None, words: Words) -> str:
    cut = queue.due_total - len(queue.study)
    new, reviews = limits or (0, 0)
    return words.limits.format(cut=cut, s="s" * (cut != 1), new=new, reviews=reviews)


def _overview(queue: Queue, listed: dict[str, int], done: int, words: Words) -> str:
    everything = [i for items in queue.groups.values() for i in items]
    mastery = sum(i.note.mastery_level for i in everything) / len(everything) if everything else 0
    values = {
        "total": len(everything),
        "overdue": len(queue.groups["overdue"]),
        "listed": listed["overdue"],
        "today": len(queue.groups["today"]),
        "week": len(queue.groups["week"]),
        "done": done,
        "mastery": f"{mastery:.2f}",
    }
    lines = "\n".join(line.format(**values) for line in words.overview_lines)
    return f"## {words.overview}\n\n{lines}\n"


def item_line(item: QueueItem, show_due: bool = False, words: Words = EN) -> str:
    """``- [ ] [Title](notes/Topic/File.md) · reviews 3 · medium`` (and the due day if asked);
    in Chinese, the old scripts' shape: the box line, then ``  - 已复习: 3次 | 难度: medium``."""
    note = item.note
    box = f"- [ ] [{escape_title(note.title)}]({link_target(note.rel)})"
    parts = [words.reviews.format(n=note.review_count)]
    if words is not EN:
        parts += [f"难度: {note.difficulty}"] if note.difficulty else []
        parts += [words.due.format(day=item.due.isoformat())] if show_due else []
        return f"{box}\n  - " + " | ".join(parts)
    if note.difficulty:
        parts.append(note.difficulty)
    if show_due:
        parts.append(words.due.format(day=item.due.isoformat()))
    return " · ".join([box, *parts])


def done_line(done: DoneItem) -> str:
    """``- [✓] [Title](notes/...) (good)``: a review logged today."""
    from studycards.scheduling.schedule import Rating

    grade = Rating(done.rating).name.lower()
    return f"- [{DONE}] [{escape_title(done.title)}]({link_target(done.rel)}) ({grade})"


def escape_title(title: str) -> str:
    """A title safe inside ``[...]``: Markdown's brackets, emphasis and HTML start escaped."""
    return _TITLE_SPECIALS.sub(r"\\\1", " ".join(title.split()))


def link_target(rel: str) -> str:
    """A vault path as a link target editors follow: in ``<...>`` when it holds spaces or
    brackets (see :func:`studycards.notes.links.destination`); CJK text stays readable."""
    return destination(rel)


def write_checklist(
    vault: Vault, today: dt.date, force: bool = False, use_limits: bool = True
) -> Written:
    """Write ``reviewsToday.md`` atomically, first moving a previous day's file to the archive;
    refuse while the old file holds ticked boxes not yet synced."""
    from studycards.scheduling.writes import ledger_of

    queue, _ = load_queue(vault, today, use_limits=use_limits)
    config = vault.config
    language = _language(vault, queue)
    layout = Layout(
        WORDS[language],
        (config.checklist_max_overdue, config.checklist_max_today, config.checklist_max_week),
        (config.new_per_day, config.reviews_per_day),
    )
    done = done_today(ledger_of(vault).read().events, today, queue)
    text = render_checklist(queue, today, layout=layout, done=done)
    path = vault.root / CHECKLIST_NAME
    with vault_lock(vault.state_dir):
        if not force:
            _refuse_unsynced(path)
        archived = _archive(vault, path, today)
        atomic_write(path, text.encode("utf-8"))
    counts = {group: len(_section_items(queue, group)) for group in _SECTIONS}
    counts["done"] = len(done)
    caps = dict(zip(_SECTIONS, layout.caps, strict=True))
    listed = {g: min(counts[g], caps[g]) if caps[g] else counts[g] for g in _SECTIONS}
    return Written(path, counts, queue.due_total - len(queue.study), archived, language, listed)


def _language(vault: Vault, queue: Queue) -> str:
    """``checklist_language``, or for ``auto`` zh when most note titles are Chinese."""
    chosen = vault.config.checklist_language
    if chosen != "auto":
        return chosen
    titles = [i.note.title for items in queue.groups.values() for i in items]
    chinese = sum(1 for t in titles if _CJK.search(t))
    return "zh" if titles and chinese * 2 > len(titles) else "en"


def done_today(events: tuple[Event, ...], today: dt.date, queue: Queue) -> tuple[DoneItem, ...]:
    """Each note reviewed today (its last grade), from the ledger, in the order reviewed."""
    from studycards.scheduling.events import live_events

    titles = {i.note.rel: i.note.title for items in queue.groups.values() for i in items}
    day = today.isoformat()
    last: dict[str, int] = {}
    for event in live_events(events):
        if event.kind == "review" and event.day == day and event.card == event.note:
            last.pop(event.path, None)
            last[event.path] = event.rating or 3
    return tuple(
        DoneItem(rel, titles.get(rel, Path(rel).stem), rating) for rel, rating in last.items()
    )


def _archive(vault: Vault, path: Path, today: dt.date) -> Path | None:
    """Copy a checklist written on an earlier day to the archive folder (at most once)."""
    folder = vault.config.checklist_archive
    if folder is None or not path.exists():
        return None
    raw = path.read_bytes()
    day = _written_on(raw, path)
    if day >= today:
        return None
    target_dir = vault.path_of(folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        suffix = "" if n == 1 else f"-{n}"
        target = target_dir / f"reviewsToday-{day.isoformat()}{suffix}.md"
        if not target.exists():
            atomic_write(target, raw)
            return target
        if target.read_bytes() == raw:
            return target
    raise StudycardsError(f"{folder}: too many archived checklists for {day.isoformat()}")


def _written_on(raw: bytes, path: Path) -> dt.date:
    """The date in the file's first heading, else the day it was last modified."""
    match = _DATED.search(raw[:4096].decode("utf-8", "replace"))
    if match:
        try:
            return dt.date.fromisoformat(match[1])
        except ValueError:
            pass
    return dt.date.fromtimestamp(path.stat().st_mtime)


def _refuse_unsynced(path: Path) -> None:
    if not path.exists():
        return
    lines = ticked_lines(read_checklist(path))
    if lines:
        count = len(lines)
        raise StudycardsError(
            f"{CHECKLIST_NAME} has {count} ticked box{'es' * (count != 1)} not yet synced "
            f"(line{'s' * (count != 1)} {', '.join(map(str, lines))}): run 'studycards sync' "
            "first, or 'studycards today --force' to drop them"
        )
