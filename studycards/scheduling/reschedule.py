"""Moving notes outside a review: recompute every due day with the current settings, bury a
card until tomorrow, move a note's file with its history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from studycards.errors import CannotComplete, UsageError
from studycards.lock import vault_lock
from studycards.notes.frontmatter_edit import capture_lines
from studycards.notes.vault import Vault, scan
from studycards.scheduling.history import CardHistory, replay
from studycards.scheduling.reconcile import reconcile
from studycards.scheduling.schedule import Rating, scheduled_due
from studycards.scheduling.writes import (
    _event,
    _updated,
    ledger_of,
    local_day,
    new_note_id,
    read_note_file,
    settings_of,
    write_note,
)


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
        card = note.summary.id or new_note_id(note.summary)
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
            raise CannotComplete(f"{vault.rel(target)} already exists: not overwritten")
        note = read_note_file(vault, old)
        if not note.summary.id:
            write_note(note, _updated(note, {"id": new_note_id()}))
        target.parent.mkdir(parents=True, exist_ok=True)
        note.path.rename(target)
        return old, vault.rel(target)


def bury(vault: Vault, rel: str, card: str | None, now: dt.datetime) -> dt.date:
    """Put a card off until tomorrow: a manual event, and for a note its next_review too."""
    tomorrow = local_day(vault, now) + dt.timedelta(days=1)
    with vault_lock(vault.state_dir):
        note = read_note_file(vault, rel)
        note_id = note.summary.id or new_note_id(note.summary)
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
