"""``reviewsToday.md``: today's reviews as a Markdown checklist, and its ticked boxes read back.

``studycards today`` writes the checklist at the vault root; a person ticks boxes in any editor
(``- [x]``), optionally writing a grade after the link; ``studycards sync`` logs each ticked box
as a normal review through :func:`studycards.scheduling.grading.grade_note` and unticks exactly that line
(one character, ``x`` -> space; everything else in the file stays byte for byte).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote

from studycards._atomic import atomic_write
from studycards.errors import StudycardsError
from studycards.lock import vault_lock
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault
from studycards.scheduling.events import Event
from studycards.scheduling.queue import Queue, QueueItem, load_queue
from studycards.scheduling.schedule import Rating
from studycards.scheduling.writes import local_day

CHECKLIST_NAME = "reviewsToday.md"
HOW_TO = (
    "Tick a box once you have reviewed the note. Not *good*? Write the grade after the link: "
    "(again), (hard) or (easy). Then run `studycards sync`."
)
_SECTIONS = (("overdue", "Overdue"), ("today", "Today"), ("week", "This week"))
_EMPTY = {"overdue": "Nothing overdue.", "today": "Nothing due today.", "week": "Nothing else."}
_TITLE_SPECIALS = re.compile(r"([\\\[\]*_`<])")
_PATH_SPECIALS = frozenset(" \t()<>[]%#?")

# ``- [x] [Title](target) rest``: the box, then (optionally) a link right after it.
_ITEM = re.compile(r"^\ufeff?[ \t]*[-*+][ \t]+\[(?P<box>[ xX])\](?P<rest>.*?)\r?$")
_LINK = re.compile(
    r"[ \t]*\[(?:\\.|[^\]\\])*\]"
    r"\((?:<(?P<angle>[^>\n]*)>|(?P<bare>[^)\s]*))(?:[ \t]+\"[^\"]*\")?\)"
)
_GRADE = re.compile(r"\((again|hard|good|easy|[1-4])\)", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# writing the checklist


@dataclass(frozen=True)
class Written:
    """What ``today`` wrote: how many lines per section, and how many due notes the limits cut."""

    path: Path
    counts: dict[str, int]
    left_out: int


def render_checklist(queue: Queue, today: dt.date, limits: tuple[int, int] | None) -> str:
    """The checklist's text: overdue and today from the (limited) study list, then this week."""
    parts = [f"# Reviews for {today.isoformat()}\n", HOW_TO + "\n"]
    for group, heading in _SECTIONS:
        items = _section_items(queue, group)
        lines = [item_line(i, show_due=group == "week") for i in items]
        parts.append(f"## {heading}\n\n" + ("\n".join(lines) or f"_{_EMPTY[group]}_") + "\n")
        if group == "today" and queue.limited:
            parts.append(_limits_line(queue, limits))
    return "\n".join(parts)


def _section_items(queue: Queue, group: str) -> list[QueueItem]:
    if group == "week":
        return list(queue.groups["week"])
    return [item for item in queue.study if item.group == group]


def _limits_line(queue: Queue, limits: tuple[int, int] | None) -> str:
    cut = queue.due_total - len(queue.study)
    new, reviews = limits or (0, 0)
    return (
        f"_Daily limits: {cut} more due note{'s' * (cut != 1)} left for later "
        f"(new_per_day {new}, reviews_per_day {reviews} in studycards.yaml; "
        "`studycards today --all` lists every one)._\n"
    )


def item_line(item: QueueItem, show_due: bool = False) -> str:
    """``- [ ] [Title](notes/Topic/File.md) · reviews 3 · medium`` (and the due day if asked)."""
    note = item.note
    parts = [f"- [ ] [{escape_title(note.title)}]({link_target(note.rel)})"]
    parts.append(f"reviews {note.review_count}")
    if note.difficulty:
        parts.append(note.difficulty)
    if show_due:
        parts.append(f"due {item.due.isoformat()}")
    return " · ".join(parts)


def escape_title(title: str) -> str:
    """A title safe inside ``[...]``: Markdown's brackets, emphasis and HTML start escaped."""
    return _TITLE_SPECIALS.sub(r"\\\1", " ".join(title.split()))


def link_target(rel: str) -> str:
    """A vault path as a link target editors follow: only characters Markdown cares about
    (spaces, brackets, parentheses, ``%#?``) are percent-encoded; CJK text stays readable."""
    return "".join(quote(c) if c in _PATH_SPECIALS else c for c in rel)


def write_checklist(
    vault: Vault, today: dt.date, force: bool = False, use_limits: bool = True
) -> Written:
    """Write ``reviewsToday.md`` atomically; refuse while it holds ticked boxes not yet synced."""
    queue, _ = load_queue(vault, today, use_limits=use_limits)
    config = vault.config
    text = render_checklist(queue, today, (config.new_per_day, config.reviews_per_day))
    path = vault.root / CHECKLIST_NAME
    with vault_lock(vault.state_dir):
        if not force:
            _refuse_unsynced(path)
        atomic_write(path, text.encode("utf-8"))
    counts = {group: len(_section_items(queue, group)) for group, _ in _SECTIONS}
    return Written(path, counts, queue.due_total - len(queue.study))


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


# ---------------------------------------------------------------------------------------------
# reading ticked boxes back


@dataclass(frozen=True)
class Tick:
    """A ticked box with a note link: its 1-based line, the note, the grade, where the ``x`` is."""

    line: int
    rel: str
    rating: Rating
    offset: int


@dataclass(frozen=True)
class LineProblem:
    """A ticked line that cannot be logged; printed as ``reviewsToday.md:LINE: message``."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"{CHECKLIST_NAME}:{self.line}: {self.message}"


def read_checklist(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StudycardsError(
            f"no {CHECKLIST_NAME} in the vault: run 'studycards today' first"
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise StudycardsError("not valid UTF-8: save it as UTF-8", CHECKLIST_NAME, line) from None


def ticked_lines(text: str) -> list[int]:
    """1-based numbers of every line holding a ticked box, with or without a link."""
    return [n for n, line in enumerate(text.split("\n"), 1) if _ticked(line)]


def _ticked(line: str) -> bool:
    match = _ITEM.match(line)
    return match is not None and match["box"] in "xX"


def parse_ticks(text: str) -> tuple[list[Tick], list[LineProblem]]:
    """Every ticked box with a note link and a grade, and the ticked lines that have neither."""
    ticks: list[Tick] = []
    problems: list[LineProblem] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        match = _ITEM.match(line)
        if match and match["box"] in "xX":
            found = _tick(match, number, start)
            (ticks if isinstance(found, Tick) else problems).append(found)
        start += len(line) + 1
    return ticks, problems


def _tick(match: re.Match[str], number: int, start: int) -> Tick | LineProblem:
    link = _LINK.match(match["rest"])
    if link is None:
        return LineProblem(number, "ticked box without a note link after it: left ticked")
    grades = {Rating.parse(g) for g in _GRADE.findall(match["rest"][link.end() :])}
    if len(grades) > 1:
        shown = ", ".join(f"({g.name.lower()})" for g in sorted(grades))
        return LineProblem(number, f"more than one grade ({shown}): keep one")
    rating = grades.pop() if grades else Rating.GOOD
    rel = _link_rel(link["angle"] if link["angle"] is not None else link["bare"])
    return Tick(number, rel, rating, start + match.start("box"))


def _link_rel(target: str) -> str:
    """A link target as a vault path: fragment dropped, percent-escapes decoded, ``./`` gone."""
    path = unquote(target.split("#", 1)[0].strip())
    return posixpath.normpath(path) if path else ""


def untick(text: str, tick: Tick) -> str:
    """The text with only this tick's ``x`` turned back into a space."""
    assert text[tick.offset] in "xX", "the checklist changed under the tick"
    return text[: tick.offset] + " " + text[tick.offset + 1 :]


# ---------------------------------------------------------------------------------------------
# sync


@dataclass(frozen=True)
class Synced:
    """One ticked box logged as a review."""

    line: int
    rel: str
    title: str
    rating: Rating
    due: dt.date
    interval: int
    again_today: bool  # the note had already been reviewed today: logged anyway


@dataclass(frozen=True)
class SyncResult:
    logged: tuple[Synced, ...]
    problems: tuple[LineProblem, ...]
    notices: tuple[str, ...]  # the ledger's, for the command to print once


def sync_checklist(vault: Vault, now: dt.datetime) -> SyncResult:
    """Log every ticked box of ``reviewsToday.md`` as a review and untick it, line by line.

    Each review goes through :func:`grade_note` (ledger event, then the note's frontmatter), and
    the checklist is rewritten right after it, so a second sync finds nothing left to log. The
    event names the checklist line it came from: a sync killed between the two writes leaves the
    box ticked, and the next sync unticks it without logging the review twice.
    """
    from studycards.scheduling.reconcile import reconcile

    path = vault.root / CHECKLIST_NAME
    text = read_checklist(path)
    with vault_lock(vault.state_dir):
        notices = reconcile(vault, now).notices
    marked = _marked_reviews(vault)
    ticks, problems = parse_ticks(text)
    notes = _notes_by_rel(vault)
    logged: list[Synced] = []
    for tick in ticks:
        problem = _check_target(vault, tick, notes)
        outcome = problem or _log(vault, path, text, tick, notes[tick.rel], now, marked)
        if isinstance(outcome, LineProblem):
            problems.append(outcome)
            continue
        logged.append(outcome)
        text = untick(text, tick)
        notes[tick.rel] = replace(notes[tick.rel], last_reviewed=local_day(vault, now))
    problems.sort(key=lambda p: p.line)
    return SyncResult(tuple(logged), tuple(problems), notices)


def _notes_by_rel(vault: Vault) -> dict[str, NoteSummary]:
    from studycards.notes.vault import scan

    return {summary.rel: summary for summary in scan(vault).summaries}


def _check_target(vault: Vault, tick: Tick, notes: dict[str, NoteSummary]) -> LineProblem | None:
    if not tick.rel or tick.rel.startswith("../") or posixpath.isabs(tick.rel):
        return LineProblem(tick.line, f"link {tick.rel or '(empty)'!r} is not a note in the vault")
    summary = notes.get(tick.rel)
    if summary is None:
        if (vault.root / tick.rel).is_file():
            return LineProblem(
                tick.line, f"{tick.rel} is not a note under {vault.config.notes_dir}/"
            )
        return LineProblem(tick.line, f"no note at {tick.rel}")
    if summary.broken:
        first = next(p for p in summary.problems if p.severity == "error")
        return LineProblem(tick.line, f"cannot log a review of a broken note: {first}")
    return None


def _log(
    vault: Vault,
    path: Path,
    text: str,
    tick: Tick,
    summary: NoteSummary,
    now: dt.datetime,
    marked: dict[str, Event],
) -> Synced | LineProblem:
    """Grade the note, then untick its line on disk (the file must still be as read)."""
    from studycards.scheduling.grading import grade_note

    mark = tick_mark(path, text, tick)
    event = marked.get(mark)  # logged by a sync that was stopped before it unticked the box
    again = event is None and summary.last_reviewed == local_day(vault, now)
    if event is None:
        try:
            event = grade_note(vault, tick.rel, tick.rating, now, reason=mark).event
        except StudycardsError as error:
            return LineProblem(tick.line, str(error))
    _save_unticked(vault, path, text, tick)
    assert event.due_date is not None and event.interval is not None
    return Synced(
        tick.line, tick.rel, summary.title, tick.rating, event.due_date, event.interval, again
    )


def tick_mark(path: Path, text: str, tick: Tick) -> str:
    """What a review logged from this tick carries: the line, and a digest of the checklist as
    it is now (its text and modification time, so ticking the same box again is a new tick)."""
    import hashlib

    stamp = path.stat().st_mtime_ns
    digest = hashlib.sha256(f"{stamp}\n{text}".encode()).hexdigest()[:16]
    return f"{CHECKLIST_NAME} line {tick.line} ({digest})"


def _marked_reviews(vault: Vault) -> dict[str, Event]:
    """Reviews logged from a checklist tick, by their mark (see :func:`tick_mark`)."""
    from studycards.scheduling.events import live_events
    from studycards.scheduling.writes import ledger_of

    events = live_events(ledger_of(vault).read().events)
    prefix = f"{CHECKLIST_NAME} line "
    return {
        e.reason: e for e in events if e.kind == "review" and (e.reason or "").startswith(prefix)
    }


def _save_unticked(vault: Vault, path: Path, text: str, tick: Tick) -> None:
    with vault_lock(vault.state_dir):
        if read_checklist(path) != text:
            raise StudycardsError(
                f"{CHECKLIST_NAME} changed while syncing: the review of {tick.rel} is logged but "
                f"line {tick.line} is still ticked; untick it by hand, then run 'studycards sync'"
            )
        atomic_write(path, untick(text, tick).encode("utf-8"))
