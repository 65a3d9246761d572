"""Reconcile notes with the ledger: finish reviews a crash interrupted, log hand-edited due days
as manual reschedules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.frontmatter_edit import NO_BLOCK, capture_lines, restore_lines
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault, scan
from studycards.scheduling.copies import split_copies
from studycards.scheduling.events import Event
from studycards.scheduling.history import CardHistory, replay
from studycards.scheduling.schedule import MemoryState, mastery
from studycards.scheduling.writes import (
    NoteFile,
    _edited,
    _event,
    _updated,
    ledger_of,
    local_day,
    read_note_file,
    settings_of,
    write_note,
)


@dataclass(frozen=True)
class Reconciled:
    finished: tuple[str, ...] = ()
    manual: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()  # the ledger's and the copies', for the command to print once
    copies: tuple[str, ...] = ()
    undone: tuple[str, ...] = ()  # notes an interrupted undo was finished in
    reprojected: tuple[str, ...] = ()  # stale review keys after a merge, rewritten


def reconcile(vault: Vault, now: dt.datetime) -> Reconciled:
    """Make notes and ledger agree; call under the vault lock.

    Notes sharing an id are split first, so no review of a copy is replayed onto its original.
    """
    ledger = ledger_of(vault)
    read = ledger.read()
    cards = replay(read.events)
    notes = scan(vault).notes
    copies = tuple(split_copies(vault, notes, cards))
    undos = finish_undos(vault, read.events, notes)
    if copies or undos:
        notes = scan(vault).notes
    items = pending(vault, cards, notes)
    for item in items:
        if item.stale:
            _reproject(vault, item.note, item.last)
        elif item.finish:
            _finish(vault, item.note, item.last)
    today = local_day(vault, now)
    manual = [i for i in items if not i.finish and not i.stale]
    ledger.append([_manual_event(i.note.summary, i.note, now, today) for i in manual])
    finished = tuple(i.note.rel for i in items if i.finish and not i.stale)
    manual_rels = tuple(i.note.rel for i in manual)
    stale = tuple(i.note.rel for i in items if i.stale)
    notices = read.notices + copies
    return Reconciled(finished, manual_rels, notices, copies, tuple(undos), stale)


def finish_undos(vault: Vault, events: tuple[Event, ...], notes: list[NoteSummary]) -> list[str]:
    """Notes whose undo was logged but not written (a crash between the two): put back the
    lines the undone review replaced, as the undo would have. Returns their paths."""
    finished = []
    for _undo, target, note in unfinished_undos(vault, events, notes):
        assert target.prev is not None
        write_note(note, _edited(note, restore_lines, target.prev))
        finished.append(note.rel)
    return finished


def unfinished_undos(
    vault: Vault, events: tuple[Event, ...], notes: list[NoteSummary]
) -> list[tuple[Event, Event, NoteFile]]:
    """Undo events, each the last event of its card, whose note still shows the undone review."""
    by_id = {e.id: e for e in events}
    last_of_card = {e.card: e for e in events}
    by_note = {s.id: s for s in notes if s.id}
    found = []
    for undo in {e.card: e for e in events if e.kind == "undo"}.values():
        target = by_id.get((undo.undoes or [""])[0])
        if last_of_card.get(undo.card) is not undo or target is None or target.kind != "review":
            continue
        summary = by_note.get(target.note)
        if target.card != target.note or not target.prev or summary is None:
            continue
        if summary.next_review == target.due_date and summary.review_count > 0:
            note = read_note_file(vault, summary.rel)
            if not _still_shows(note, target.prev):
                found.append((undo, target, note))
    return found


@dataclass(frozen=True)
class Pending:
    """A note its ledger history disagrees with: an interrupted review to finish (``finish``),
    review keys an earlier event gave (``stale``: two machines' reviews merged in git, and the
    note kept the other one's), or a hand-edited ``next_review`` to log as a manual reschedule."""

    note: NoteFile
    last: Event
    ledger_due: dt.date
    finish: bool
    stale: bool = False


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
        elif moved and _from_earlier_event(summary, history):
            items.append(Pending(note, history.last, history.due, False, stale=True))
        elif moved and summary.id and summary.next_review is not None:
            items.append(Pending(note, history.last, history.due, False))
    return items


def _from_earlier_event(summary: NoteSummary, history: CardHistory) -> bool:
    """The note shows the review keys of an earlier review of its card (its day and due day),
    not a date a person typed: what a merge of two machines' reviews leaves."""
    for event in history.events[:-1]:
        if event.kind == "review" and event.due_date == summary.next_review:
            if event.day_date == summary.last_reviewed:
                return True
    return False


def _reproject(vault: Vault, note: NoteFile, last: Event) -> None:
    """Rewrite the review keys from the card's last event in the ledger."""
    assert last.due_date is not None
    updates: dict = {"next_review": last.due_date}
    if last.kind == "review" and last.stability is not None and last.difficulty is not None:
        state = MemoryState(last.stability, last.difficulty, last.day_date)
        level = mastery(state, last.day_date, settings_of(vault).parameters)
        updates.update(last_reviewed=last.day_date, mastery_level=level)
    write_note(note, _updated(note, updates))


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
    """The last review (or reschedule, or bury) was logged but the note still holds exactly the
    lines before it."""
    if not last.prev or last.due is None:
        return False
    if last.kind == "manual":
        return _still_shows(note, last.prev) and note.summary.next_review != last.due_date
    if last.kind != "review" or last.stability is None:
        return False  # a hand-written review with no memory state has nothing to finish
    keys = [k for k in last.prev if k != NO_BLOCK]
    return capture_lines(note.text, keys) == {k: last.prev[k] for k in keys} or (
        NO_BLOCK in last.prev and note.summary.has_frontmatter is False
    )


def _still_shows(note: NoteFile, prev: dict[str, str | None]) -> bool:
    keys = [k for k in prev if k != NO_BLOCK]
    return bool(keys) and capture_lines(note.text, keys) == {k: prev[k] for k in keys}


def _finish(vault: Vault, note: NoteFile, last: Event) -> None:
    if last.kind == "manual":  # a reschedule or bury: its due day, and the id it gave
        assert last.due_date is not None
        updates: dict = {"next_review": last.due_date}
        if not note.summary.id:
            updates["id"] = last.note
        write_note(note, _updated(note, updates))
        return
    settings = settings_of(vault)
    assert last.stability is not None and last.difficulty is not None and last.due_date
    state = MemoryState(last.stability, last.difficulty, last.day_date)
    updates = {
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
