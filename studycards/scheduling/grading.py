"""Writing reviews: grade a note, undo, reconcile hand edits, reschedule, move a note.

Each operation holds the vault lock, appends its events to the ledger first and then rewrites
the note atomically, so a crash between the two is finished by the next :func:`reconcile`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studycards._atomic import atomic_write
from studycards.errors import NoteParseError, StudycardsError, UsageError, WriteError
from studycards.lock import vault_lock
from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.frontmatter_edit import NO_BLOCK, capture_lines, restore_lines, update_text
from studycards.notes.note import NoteSummary, decode, parse_summary
from studycards.notes.vault import Vault, scan
from studycards.scheduling.clock import zone
from studycards.scheduling.history import CardHistory, migrated_state, replay
from studycards.scheduling.ledger import LEDGER_NAME, Event, Ledger, utc_stamp
from studycards.scheduling.schedule import (
    MemoryState,
    Outcome,
    Rating,
    Settings,
    grade,
    mastery,
    scheduled_due,
)

PROJECTION_KEYS = ["last_reviewed", "next_review", "review_count", "mastery_level"]


def settings_of(vault: Vault) -> Settings:
    config = vault.config
    return Settings(
        desired_retention=config.desired_retention,
        maximum_interval=config.maximum_interval,
        fuzz=config.fuzz,
        parameters=tuple(config.parameters) if config.parameters else None,
        interview_date=config.interview_date,
        interview_target=config.interview_target,
        scheduler=config.scheduler,
        cache_dir=str(vault.state_dir),
    )


def ledger_of(vault: Vault) -> Ledger:
    return Ledger(vault.state_dir / LEDGER_NAME)


def local_day(vault: Vault, now: dt.datetime) -> dt.date:
    """The person's calendar day at ``now``: the date in the vault's time zone, whatever the
    zone ``now`` carries (a laptop abroad, a UTC server)."""
    return now.astimezone(zone(vault.config.timezone)).date()


def new_note_id() -> str:
    """A short stable identity for a note: survives renames, moves and edits."""
    return "sc_" + secrets.token_hex(6)


@dataclass(frozen=True)
class NoteFile:
    """A note's current text and summary, read for a write."""

    rel: str
    path: Path
    text: str
    summary: NoteSummary


def read_note_file(vault: Vault, rel: str) -> NoteFile:
    path = vault.path_of(rel)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NoteParseError(f"cannot read: {error.strerror}", rel) from None
    text, problem = decode(raw, rel)
    if problem or text is None:
        raise NoteParseError(
            problem.message if problem else "unreadable", rel, problem and problem.line
        )
    summary = parse_summary(text, rel, vault.config.notes_dir)
    if summary.broken:
        first = next(p for p in summary.problems if p.severity == "error")
        raise NoteParseError(f"{first.message}: fix the note before grading it", rel, first.line)
    return NoteFile(rel, path, text, summary)


def write_text(path: Path, text: str) -> None:
    """Replace a file atomically; a failed write leaves it untouched and says why in one line."""
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}", path) from None


def _updated(note: NoteFile, updates: dict) -> str:
    """The note's text with ``updates`` set; a note that cannot take them is a clean error."""
    return _edited(note, update_text, updates)


def _edited(note: NoteFile, edit: Callable[[str, Any], str], argument: Any) -> str:
    try:
        return edit(note.text, argument)
    except (ValueError, YAMLError) as error:
        message = f"cannot update its frontmatter safely ({error}): left unchanged"
        raise NoteParseError(message, note.rel) from None


def write_note(note: NoteFile, text: str) -> None:
    """:func:`write_text` for a note, naming it by its vault path when the write fails."""
    try:
        write_text(note.path, text)
    except WriteError as error:
        raise WriteError(error.message, note.rel) from None


# ---------------------------------------------------------------------------------------------
# grading


@dataclass(frozen=True)
class GradeResult:
    rel: str
    title: str
    outcome: Outcome
    mastery: float
    event: Event


def _event(
    kind: str, card: str, note: NoteFile, now: dt.datetime, today: dt.date, **fields
) -> Event:
    return Event(
        kind=kind,
        card=card,
        note=card,
        path=note.rel,
        day=today.isoformat(),
        ts=utc_stamp(now),
        **fields,
    )


def grade_note(
    vault: Vault,
    rel: str,
    rating: Rating,
    now: dt.datetime,
    duration: float | None = None,
    reason: str | None = None,
) -> GradeResult:
    """Review one note now: append the event, then write the frontmatter projection.

    ``reason`` is kept on the review event (``sync`` marks the checklist line it came from)."""
    with vault_lock(vault.state_dir):
        ledger = ledger_of(vault)
        cards = replay(ledger.read().events)
        return _grade_locked(
            vault, ledger, cards, read_note_file(vault, rel), rating, now, duration, reason
        )


def _grade_locked(
    vault: Vault,
    ledger: Ledger,
    cards: dict[str, CardHistory],
    note: NoteFile,
    rating: Rating,
    now: dt.datetime,
    duration: float | None,
    reason: str | None = None,
) -> GradeResult:
    settings = settings_of(vault)
    today = local_day(vault, now)
    card = note.summary.id or new_note_id()
    history = cards.get(card)
    events: list[Event] = []
    state = history.state if history else None
    if state is None and (migrated := migrated_state(note.summary, settings)) is not None:
        state = migrated
        events.append(_import_event(card, note, now, today, migrated))
    outcome = grade(card, state, rating, today, settings)
    level = mastery(outcome.state, today, settings.parameters)
    updates = _projection(note.summary, today, outcome, level)
    if not note.summary.id:
        updates["id"] = card
    prev = capture_lines(note.text, list(updates))
    review = _review_event(card, note, now, today, outcome, duration, prev)
    events.append(replace(review, reason=reason))
    text = _updated(note, updates)  # before the ledger: a note that cannot take it stops here
    ledger.append(events)
    try:
        write_note(note, text)
    except WriteError:
        _withdraw(ledger, events, note, now, today)
        raise
    return GradeResult(note.rel, note.summary.title, outcome, level, events[-1])


def _withdraw(
    ledger: Ledger, events: list[Event], note: NoteFile, now: dt.datetime, today: dt.date
) -> None:
    """The note could not be written: undo the logged review, so that "not saved" is true and
    a retry counts once. If even that fails, the review stays and reconcile finishes it."""
    undo = _event("undo", events[-1].card, note, now, today, undoes=[e.id for e in events])
    try:
        ledger.append([replace(undo, reason="the note could not be written")])
    except WriteError:
        pass


def _import_event(card: str, note: NoteFile, now: dt.datetime, today: dt.date, state) -> Event:
    due = note.summary.next_review
    return _event(
        "import",
        card,
        note,
        now,
        today,
        due=due.isoformat() if due else None,
        stability=state.stability,
        difficulty=state.difficulty,
        reason=f"migrated from review_count {note.summary.review_count}",
    )


def _review_event(card, note, now, today, outcome: Outcome, duration, prev) -> Event:
    return _event(
        "review",
        card,
        note,
        now,
        today,
        rating=int(outcome.rating),
        elapsed_days=outcome.elapsed_days,
        duration=None if duration is None else round(duration, 1),
        interval=outcome.interval,
        due=outcome.due.isoformat(),
        stability=round(outcome.state.stability, 6),
        difficulty=round(outcome.state.difficulty, 6),
        prev=prev,
    )


def _projection(summary: NoteSummary, today: dt.date, outcome: Outcome, level: float) -> dict:
    return {
        "last_reviewed": today,
        "next_review": outcome.due,
        "review_count": summary.review_count + 1,
        "mastery_level": level,
    }


# ---------------------------------------------------------------------------------------------
# undo


@dataclass(frozen=True)
class UndoResult:
    rel: str
    title: str
    undone: Event


def undo_last(vault: Vault, now: dt.datetime) -> UndoResult:
    """Revert the latest review not yet undone: log an undo, restore the note's lines exactly."""
    with vault_lock(vault.state_dir):
        events = list(ledger_of(vault).read().events)
        target, companions = _last_undoable(events)
        return _undo_locked(vault, target, companions, now)


def undo_event(vault: Vault, event_id: str, now: dt.datetime) -> UndoResult:
    """Revert one given review (the session's own last grade), whatever came after it.

    Refused when the same card was reviewed again since (by another studycards process):
    putting the note's lines back would wipe that later review from it."""
    with vault_lock(vault.state_dir):
        events = list(ledger_of(vault).read().events)
        undone = {t for e in events if e.kind == "undo" for t in (e.undoes or [])}
        for position, event in enumerate(events):
            if event.id == event_id and event.kind == "review" and event.id not in undone:
                _refuse_if_reviewed_since(event, events[position + 1 :], undone)
                companions = _companion_imports(events[:position], event, undone)
                return _undo_locked(vault, event, companions, now)
        raise UsageError(f"review {event_id} is not in the ledger or was already undone")


def _refuse_if_reviewed_since(target: Event, later: list[Event], undone: set[str]) -> None:
    if any(e.kind == "review" and e.card == target.card and e.id not in undone for e in later):
        raise UsageError(
            f"{target.path} was reviewed again since, elsewhere: undo that review first"
        )


def _undo_locked(
    vault: Vault, target: Event, companions: list[str], now: dt.datetime
) -> UndoResult:
    ledger = ledger_of(vault)
    rel = _current_path(vault, target)
    note = read_note_file(vault, rel)
    undo = _event(
        "undo", target.card, note, now, local_day(vault, now), undoes=[target.id, *companions]
    )
    is_note_card = target.card == target.note
    restored = None
    if is_note_card and target.prev is not None and target.note == (note.summary.id or target.note):
        restored = _edited(note, restore_lines, target.prev)
    ledger.append([undo])
    if restored is not None:
        write_note(note, restored)
    return UndoResult(rel, note.summary.title, target)


def _last_undoable(events: list[Event]) -> tuple[Event, list[str]]:
    undone = {t for e in events if e.kind == "undo" for t in (e.undoes or [])}
    for position in range(len(events) - 1, -1, -1):
        event = events[position]
        if event.kind == "review" and event.id not in undone:
            return event, _companion_imports(events[:position], event, undone)
    raise UsageError("nothing to undo: no review in the ledger")


def _companion_imports(before: list[Event], review: Event, undone: set[str]) -> list[str]:
    """The import logged in the same write as a review (its first grade): undone with it.

    Left behind, its state would date from the day of the import, not the note's last review.
    """
    return [
        e.id
        for e in before[-1:]
        if e.kind == "import" and e.card == review.card and e.ts == review.ts
        if e.id not in undone
    ]


def _current_path(vault: Vault, event: Event) -> str:
    """Where the event's note is now: found by id, else the path it had."""
    for summary in scan(vault).notes:
        if summary.id == event.note:
            return summary.rel
    if vault.path_of(event.path).exists():
        return event.path
    raise StudycardsError(f"the note of the last review ({event.path}) no longer exists")


# ---------------------------------------------------------------------------------------------
# reconcile: finish interrupted writes, log hand edits


@dataclass(frozen=True)
class Reconciled:
    finished: tuple[str, ...] = ()
    manual: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()  # the ledger's, for the command to print once


def reconcile(vault: Vault, now: dt.datetime) -> Reconciled:
    """Make notes and ledger agree; call under the vault lock."""
    ledger = ledger_of(vault)
    read = ledger.read()
    items = pending(vault, replay(read.events), scan(vault).notes)
    for item in items:
        if item.finish:
            _finish(vault, item.note, item.last)
    today = local_day(vault, now)
    manual = [i for i in items if not i.finish]
    ledger.append([_manual_event(i.note.summary, i.note, now, today) for i in manual])
    finished = tuple(i.note.rel for i in items if i.finish)
    return Reconciled(finished, tuple(i.note.rel for i in manual), read.notices)


@dataclass(frozen=True)
class Pending:
    """A note its ledger history disagrees with: an interrupted review to finish (``finish``)
    or a hand-edited ``next_review`` to log as a manual reschedule."""

    note: NoteFile
    last: Event
    ledger_due: dt.date
    finish: bool


def pending(
    vault: Vault, cards: dict[str, CardHistory], summaries: list[NoteSummary]
) -> list[Pending]:
    """What :func:`reconcile` would do to ``summaries``, without writing anything."""
    items = []
    first_reviews = _first_reviews_by_path(cards)
    for summary in summaries:
        history = cards.get(summary.id) if summary.id else first_reviews.get(summary.rel)
        if history is None or history.last is None or history.due is None:
            continue
        moved = summary.next_review != history.due
        if not moved and not _shows_count_before(summary, history.last):
            continue
        note = read_note_file(vault, summary.rel)
        if _interrupted(note, history.last):
            items.append(Pending(note, history.last, history.due, True))
        elif moved and summary.id and summary.next_review is not None:
            items.append(Pending(note, history.last, history.due, False))
    return items


def _shows_count_before(summary: NoteSummary, last: Event) -> bool:
    """The note still shows the review count from before its last review (cheap, no file read).

    An interrupted review whose due day equals the old one is only seen this way.
    """
    if last.kind != "review" or not last.prev:
        return False
    line = last.prev.get("review_count")
    try:
        before = 0 if line is None else load_yaml(line).get("review_count")
    except (YAMLError, AttributeError):
        return False
    return summary.review_count == before


def _first_reviews_by_path(cards: dict[str, CardHistory]) -> dict[str, CardHistory]:
    """Cards whose last review gave its note an id, by the note's path: how a note whose first
    review was logged but not written (so it has no id yet) is found."""
    found: dict[str, CardHistory] = {}
    for history in cards.values():
        last = history.last
        if last and last.prev and last.prev.get("id", "") is None:
            found.setdefault(last.path, history)
    return found


def _interrupted(note: NoteFile, last: Event) -> bool:
    """The last review was logged but the note still holds exactly the lines before it."""
    if last.kind != "review" or not last.prev or last.stability is None or last.due is None:
        return False  # a hand-written review with no memory state has nothing to finish
    keys = [k for k in last.prev if k != NO_BLOCK]
    return capture_lines(note.text, keys) == {k: last.prev[k] for k in keys} or (
        NO_BLOCK in last.prev and note.summary.has_frontmatter is False
    )


def _finish(vault: Vault, note: NoteFile, last: Event) -> None:
    settings = settings_of(vault)
    assert last.stability is not None and last.difficulty is not None and last.due_date
    state = MemoryState(last.stability, last.difficulty, last.day_date)
    updates: dict = {
        "last_reviewed": last.day_date,
        "next_review": last.due_date,
        "review_count": note.summary.review_count + 1,
        "mastery_level": mastery(state, last.day_date, settings.parameters),
    }
    if not note.summary.id:
        updates["id"] = last.note
    write_note(note, _updated(note, updates))


def _manual_event(summary: NoteSummary, note: NoteFile, now: dt.datetime, today: dt.date) -> Event:
    assert summary.id and summary.next_review
    return _event(
        "manual",
        summary.id,
        note,
        now,
        today,
        due=summary.next_review.isoformat(),
        reason="next_review edited by hand",
    )


# ---------------------------------------------------------------------------------------------
# reschedule and move


@dataclass(frozen=True)
class Move:
    rel: str
    title: str
    old_due: dt.date | None
    new_due: dt.date


def reschedule(vault: Vault, now: dt.datetime, dry_run: bool) -> list[Move]:
    """Recompute every reviewed note's due day from the ledger with the current settings."""
    with vault_lock(vault.state_dir):
        if not dry_run:
            reconcile(vault, now)
        settings = settings_of(vault)
        cards = replay(ledger_of(vault).read().events)
        moves = []
        for summary in scan(vault).notes:
            history = cards.get(summary.id) if summary.id else None
            if history is None or history.state is None:
                continue  # never graded here: the old scheme's date stands, as in the queue
            due = scheduled_due(summary.id, history.state, settings, _last_rating(history))
            if due != summary.next_review:
                moves.append(Move(summary.rel, summary.title, summary.next_review, due))
        if not dry_run:
            _apply_moves(vault, moves, now)
        return moves


def _last_rating(history: CardHistory) -> Rating:
    reviews = [e for e in history.events if e.kind == "review" and e.rating]
    return Rating(reviews[-1].rating) if reviews else Rating.GOOD


def _apply_moves(vault: Vault, moves: list[Move], now: dt.datetime) -> None:
    ledger = ledger_of(vault)
    for move in moves:
        note = read_note_file(vault, move.rel)
        card = note.summary.id or new_note_id()
        updates: dict = {"next_review": move.new_due}
        if not note.summary.id:
            updates["id"] = card
        event = _event(
            "manual",
            card,
            note,
            now,
            local_day(vault, now),
            due=move.new_due.isoformat(),
            prev=capture_lines(note.text, list(updates)),
            reason="reschedule",
        )
        text = _updated(note, updates)
        ledger.append([event])
        write_note(note, text)


def move_note(vault: Vault, old: str, new_rel: str) -> tuple[str, str]:
    """Move a note inside the vault, giving it an id first so its history follows it."""
    with vault_lock(vault.state_dir):
        target = vault.path_of(new_rel)
        if target.suffix != ".md":
            target = target.with_name(target.name + ".md")
        if vault.notes_dir.resolve() not in target.resolve().parents:
            raise UsageError(
                f"{vault.rel(target)} is outside the notes folder {vault.config.notes_dir}/: "
                "it would not be scanned"
            )
        if target.exists():
            raise UsageError(f"{vault.rel(target)} already exists: not overwritten")
        note = read_note_file(vault, old)
        if not note.summary.id:
            write_note(note, _updated(note, {"id": new_note_id()}))
        target.parent.mkdir(parents=True, exist_ok=True)
        note.path.rename(target)
        return old, vault.rel(target)


# ---------------------------------------------------------------------------------------------
# follow-up cards and burying


def ensure_note_id(vault: Vault, rel: str) -> str:
    """The note's id, written into its frontmatter first if it has none. Call under the lock."""
    note = read_note_file(vault, rel)
    if note.summary.id:
        return note.summary.id
    card = new_note_id()
    write_note(note, _updated(note, {"id": card}))
    return card


def grade_card(
    vault: Vault,
    rel: str,
    card: str,
    rating: Rating,
    now: dt.datetime,
    duration: float | None = None,
) -> Event:
    """Review a follow-up card of a note: its state lives only in the ledger."""
    with vault_lock(vault.state_dir):
        ledger = ledger_of(vault)
        history = replay(ledger.read().events).get(card)
        note = read_note_file(vault, rel)
        note_id = note.summary.id or ensure_note_id(vault, rel)
        today = local_day(vault, now)
        outcome = grade(card, history.state if history else None, rating, today, settings_of(vault))
        event = replace(
            _review_event(card, note, now, today, outcome, duration, None), note=note_id
        )
        ledger.append([event])
        return event


def bury(vault: Vault, rel: str, card: str | None, now: dt.datetime) -> dt.date:
    """Put a card off until tomorrow: a manual event, and for a note its next_review too."""
    tomorrow = local_day(vault, now) + dt.timedelta(days=1)
    with vault_lock(vault.state_dir):
        note = read_note_file(vault, rel)
        note_id = note.summary.id or new_note_id()
        updates: dict = {"next_review": tomorrow}
        if not note.summary.id:
            updates["id"] = note_id
        target = card or note_id
        prev = capture_lines(note.text, list(updates)) if card is None else None
        event = _event(
            "manual",
            target,
            note,
            now,
            local_day(vault, now),
            due=tomorrow.isoformat(),
            prev=prev,
            reason="buried",
        )
        needs_write = card is None or not note.summary.id
        text = _updated(note, updates if card is None else {"id": note_id}) if needs_write else ""
        ledger_of(vault).append([replace(event, note=note_id)])
        if needs_write:
            write_note(note, text)
    return tomorrow
