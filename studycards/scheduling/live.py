"""Mastery now: each note's ``mastery_level`` recomputed at today's date from its memory state.

The frontmatter keeps the value written at the last review; memory decays after it, so the
lists, topic tables and stats show the value today instead (the predicted recall 30 days from
today, as ``mastery_level`` is defined).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from studycards.notes.note import NoteSummary
from studycards.scheduling.history import note_state, replay
from studycards.scheduling.schedule import mastery

if TYPE_CHECKING:
    from studycards.notes.vault import Vault


def live_mastery(vault: Vault, notes: Sequence[NoteSummary], today: dt.date) -> list[NoteSummary]:
    """``notes`` with ``mastery_level`` as of ``today``: 0 for a new note; the frontmatter's
    value for a reviewed note with no memory state to go by (no ledger history, no dates)."""
    from studycards.scheduling.writes import ledger_of, settings_of

    settings = settings_of(vault)
    cards = replay(ledger_of(vault).read().events)
    out = []
    for note in notes:
        state = note_state(note, cards, settings)
        if state is not None:
            note = replace(note, mastery_level=mastery(state, today, settings.parameters))
        elif note.review_count == 0:
            note = replace(note, mastery_level=0.0)
        out.append(note)
    return out
