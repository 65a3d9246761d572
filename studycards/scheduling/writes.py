"""What every scheduling write shares: the vault's settings, ledger and day, a note read for a
write and written back atomically, and the event it logs.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studycards._atomic import atomic_write
from studycards.errors import NoteParseError, WriteError
from studycards.notes._yaml import YAMLError
from studycards.notes.frontmatter_edit import update_text
from studycards.notes.note import NoteSummary
from studycards.notes.note_file import read_note_bytes
from studycards.notes.summary import cr_only, decode, parse_summary, with_endings
from studycards.notes.vault import Vault
from studycards.scheduling.clock import study_day, zone
from studycards.scheduling.events import Event, parse_stamp, utc_stamp
from studycards.scheduling.ledger import LEDGER_NAME, Ledger
from studycards.scheduling.schedule import Settings


def settings_of(
    vault: Vault, interview: dt.date | None = None, with_margin: bool = True
) -> Settings:
    """The vault's scheduling settings; ``interview`` overrides ``interview_date``. With an
    interview date, the margin comes from the person's own calibration (unless not
    ``with_margin``: for what does not depend on it, such as memory states)."""
    config = vault.config
    date = interview or config.interview_date
    margin = 0.0
    if date is not None and with_margin:
        from studycards.scheduling.calibration import interview_margin, vault_calibration

        margin = interview_margin(vault_calibration(vault))
    return Settings(
        desired_retention=config.desired_retention,
        maximum_interval=config.maximum_interval,
        fuzz=config.fuzz,
        parameters=tuple(config.parameters) if config.parameters else None,
        interview_date=date,
        interview_target=config.interview_target,
        interview_margin=margin,
        scheduler=config.scheduler,
        pass_shares=tuple(config.grade_mix) if config.grade_mix else None,
        recall_floor=recall_floor(config.recall_floor, config.desired_retention),
        cache_dir=str(vault.state_dir),
    )


# The efficient scheduler's floor on predicted recall, by default this far below the desired
# retention (the population benchmark's choice: the weakest tenth of notes keep the retention
# scheduler's recall, most of the saving stays).
FLOOR_BELOW_RETENTION = 0.05


def recall_floor(setting: float | None, desired_retention: float) -> float | None:
    """``recall_floor`` from the settings: null is the default, 0 turns the floor off."""
    if setting is None:
        return max(0.0, desired_retention - FLOOR_BELOW_RETENTION) or None
    return setting or None


def ledger_of(vault: Vault) -> Ledger:
    return Ledger(vault.state_dir / LEDGER_NAME)


def local_day(vault: Vault, now: dt.datetime) -> dt.date:
    """The person's study day at ``now``: in the vault's time zone, starting at
    ``day_starts_at`` o'clock."""
    return study_day(now, vault.config.timezone, vault.config.day_starts_at)


def event_day_of(vault: Vault) -> Callable[[Event], dt.date]:
    """An event's study day recomputed from its time stamp with the current settings (so
    reviews logged before ``day_starts_at`` existed count by it too); else its logged day."""
    zone(vault.config.timezone)  # a bad zone is a config error here, not per event

    def day_of(event: Event) -> dt.date:
        try:
            return local_day(vault, parse_stamp(event.ts))
        except (TypeError, ValueError):
            return event.day_date

    return day_of


def new_note_id(summary: NoteSummary | None = None) -> str:
    """A short stable identity for a note: survives renames, moves and edits.

    Given the note, the id is derived from its path, ``created`` day and title, so that two
    machines giving the same note its first id give it the same one, and their reviews merged
    in git stay one history. Without one (a duplicate to tell apart), it is random."""
    if summary is None or summary.created is None:
        return "sc_" + secrets.token_hex(6)
    import hashlib

    key = f"{summary.rel}\n{summary.created.isoformat()}\n{summary.title}"
    return "sc_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class NoteFile:
    """A note's current text and summary, read for a write."""

    rel: str
    path: Path
    text: str
    summary: NoteSummary
    cr: bool = False  # the file ends its lines with CR alone; ``text`` has LF


def read_note_file(vault: Vault, rel: str) -> NoteFile:
    path = vault.path_of(rel)
    limit = vault.config.max_note_bytes
    try:
        raw, problem = read_note_bytes(rel, str(path), os.path.realpath(vault.root), limit)
    except OSError as error:
        raise NoteParseError(f"cannot read: {error.strerror}", rel) from None
    if raw is None:
        assert problem is not None
        raise NoteParseError(f"{problem.message}: left unchanged", rel)
    text, problem = decode(raw, rel)
    if problem or text is None:
        raise NoteParseError(
            problem.message if problem else "unreadable", rel, problem and problem.line
        )
    summary = parse_summary(text, rel, vault.config.notes_dir)
    if summary.broken:
        first = next(p for p in summary.problems if p.severity == "error")
        raise NoteParseError(f"{first.message}: fix the note before grading it", rel, first.line)
    return NoteFile(rel, path, text, summary, cr_only(raw))


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
        write_text(note.path, with_endings(text, note.cr))
    except WriteError as error:
        raise WriteError(error.message, note.rel) from None


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
