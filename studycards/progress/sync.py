"""``studycards sync``: log each ticked box of ``reviewsToday.md`` as a review.

Each ticked box goes through :func:`studycards.scheduling.grading.grade_note` (ledger event,
then the note's frontmatter), and its line is then marked done: ``[x]`` becomes ``[✓]`` with the
grade written after the link, so the file keeps a record of what was done today. A ticked line
that cannot be logged stays ticked and is reported with its line number.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, replace
from pathlib import Path

from studycards.errors import StudycardsError
from studycards.lock import vault_lock
from studycards.notes.links import wiki_matches
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault
from studycards.progress.ticks import (
    CHECKLIST_NAME,
    WIKI_PREFIX,
    LineProblem,
    Tick,
    mark_done,
    parse_ticks,
    read_checklist,
)
from studycards.scheduling.events import Event
from studycards.scheduling.schedule import Rating
from studycards.scheduling.writes import local_day


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
    """Log every ticked box of ``reviewsToday.md`` as a review and mark it done, line by line.

    The checklist is rewritten right after each review, so a second sync finds nothing left to
    log. The event names the checklist line it came from: a sync killed between the two writes
    leaves the box ticked, and the next sync marks it done without logging the review twice.
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
    shift = 0  # characters the grades written so far added before the next tick
    for tick in ticks:
        tick = _resolved(
            replace(tick, offset=tick.offset + shift, link_end=tick.link_end + shift), notes
        )
        problem = _check_target(vault, tick, notes)
        outcome = problem or _log(vault, path, text, tick, notes[tick.rel], now, marked)
        if isinstance(outcome, LineProblem):
            problems.append(outcome)
            continue
        logged.append(outcome)
        done = mark_done(text, tick, tick.rating)
        shift += len(done) - len(text)
        text = done
        notes[tick.rel] = replace(notes[tick.rel], last_reviewed=local_day(vault, now))
    problems.sort(key=lambda p: p.line)
    return SyncResult(tuple(logged), tuple(problems), notices)


def _resolved(tick: Tick, notes: dict[str, NoteSummary]) -> Tick:
    """The tick naming the note its path was meant for: a ``%`` in an unencoded old path is
    a character, not an escape, when only the path as written names a note; a ``[[name]]``
    is the note it names."""
    if tick.rel.startswith(WIKI_PREFIX):
        found = wiki_matches(tick.rel[2:-2], notes)
        return replace(tick, rel=found[0]) if found else tick
    if tick.rel not in notes and tick.raw in notes:
        return replace(tick, rel=tick.raw)
    return tick


def _notes_by_rel(vault: Vault) -> dict[str, NoteSummary]:
    from studycards.notes.vault import scan

    return {summary.rel: summary for summary in scan(vault).summaries}


def _check_target(vault: Vault, tick: Tick, notes: dict[str, NoteSummary]) -> LineProblem | None:
    if tick.rel.startswith(WIKI_PREFIX):
        return LineProblem(tick.line, f"no note named {tick.rel}")
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
    """Grade the note, then mark its line done on disk (the file must still be as read)."""
    from studycards.scheduling.grading import grade_note

    mark = tick_mark(path, text, tick)
    event = marked.get(mark)  # logged by a sync that was stopped before it marked the box
    again = event is None and summary.last_reviewed == local_day(vault, now)
    if event is None:
        try:
            event = grade_note(vault, tick.rel, tick.rating, now, reason=mark).event
        except StudycardsError as error:
            return LineProblem(tick.line, str(error))
    _save_done(vault, path, text, tick)
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


def _save_done(vault: Vault, path: Path, text: str, tick: Tick) -> None:
    from studycards._atomic import atomic_write

    with vault_lock(vault.state_dir):
        if read_checklist(path) != text:
            raise StudycardsError(
                f"{CHECKLIST_NAME} changed while syncing: the review of {tick.rel} is logged but "
                f"line {tick.line} is still ticked; change [x] to [✓] by hand, then run "
                "'studycards sync'"
            )
        atomic_write(path, mark_done(text, tick, tick.rating).encode("utf-8"))
