"""Mastery now: each note's ``mastery_level`` recomputed at today's date from its memory state.

The frontmatter keeps the value written at the last review; memory decays after it, so the
lists, topic tables and stats show the value today instead (the predicted recall 30 days from
today, as ``mastery_level`` is defined).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from studycards.notes.note import NoteSummary
from studycards.scheduling.history import note_state, replay
from studycards.scheduling.schedule import MemoryState, mastery

if TYPE_CHECKING:
    from studycards.notes.vault import Vault


def live_mastery(
    vault: Vault,
    notes: Sequence[NoteSummary],
    today: dt.date,
    states: Mapping[str, MemoryState | None] | None = None,
) -> list[NoteSummary]:
    """``notes`` with ``mastery_level`` as of ``today``: 0 for a new note; the frontmatter's
    value for a reviewed note with no memory state to go by (no ledger history, no dates).

    ``states`` are the notes' memory states by path when already known (a
    :class:`~studycards.scheduling.snapshot.VaultState`'s); else the ledger is replayed."""
    from studycards.scheduling.writes import ledger_of, settings_of

    settings = settings_of(vault, with_margin=False)
    if states is None:
        cards = replay(ledger_of(vault).read().events)
        states = {note.rel: note_state(note, cards, settings) for note in notes}
    params = settings.parameters
    out = []
    for note in notes:
        state = states.get(note.rel)
        if state is not None:
            note = _with_mastery(note, mastery(state, today, params))
        elif note.review_count == 0:
            note = _with_mastery(note, 0.0)
        out.append(note)
    return out


def _with_mastery(note: NoteSummary, value: float) -> NoteSummary:
    """``dataclasses.replace(note, mastery_level=value)`` without its per-call cost (a summary
    holds plain values; this runs for every note of every listing)."""
    if note.mastery_level == value:
        return note
    copy = object.__new__(NoteSummary)
    copy.__dict__.update(note.__dict__, mastery_level=value)
    return copy
