"""Interview readiness: how many notes will be recalled at the target on the interview day, as
the model predicts and as the person's own calibration says to believe it.

"Predicted ready" counts notes whose recall on the day, from their memory state now (no more
reviews), is at or above the target. The calibrated count asks for the target plus the model's
error for this person (:func:`studycards.scheduling.calibration.interview_margin`), and the
range gives the same count with that error one-sided 95 % smaller or larger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.scheduling.calibration import (
    MIN_REVIEWS,
    UNKNOWN_MARGIN,
    Calibration,
    Z,
    interview_margin,
)
from studycards.scheduling.schedule import MemoryState, retrievability

if TYPE_CHECKING:
    from studycards.notes.vault import Vault


@dataclass(frozen=True)
class Readiness:
    date: dt.date
    target: float
    notes: int
    predicted: int  # notes predicted at or above the target on the day
    calibrated: int  # ... at or above the target plus the margin
    low: int  # ... with the margin one-sided 95 % larger
    high: int  # ... with the margin one-sided 95 % smaller (never below none)
    margin: float
    reviews: int  # reviews the calibration is from

    @property
    def share(self) -> float:
        return self.calibrated / self.notes if self.notes else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "target": self.target,
            "notes": self.notes,
            "predicted_ready": self.predicted,
            "calibrated_ready": self.calibrated,
            "calibrated_range": [self.low, self.high],
            "margin": round(self.margin, 4),
            "calibration_reviews": self.reviews,
        }


def readiness(
    states: Iterable[MemoryState | None],
    date: dt.date,
    target: float,
    calibration: Calibration | None,
    parameters: tuple[float, ...] | None = None,
) -> Readiness:
    """Count the notes ready on ``date`` (a new note never is)."""
    recalls = [0.0 if s is None else retrievability(s, date, parameters) for s in states]
    margin = interview_margin(calibration)
    known = calibration is not None and calibration.reviews >= MIN_REVIEWS
    spread = Z * calibration.error if known and calibration else UNKNOWN_MARGIN

    def ready(extra: float) -> int:
        return sum(r >= min(0.999, target + max(0.0, extra)) for r in recalls)

    return Readiness(
        date,
        target,
        len(recalls),
        ready(0.0),
        ready(margin),
        ready(margin + spread),
        ready(margin - spread),
        margin,
        0 if calibration is None else calibration.reviews,
    )


def vault_readiness(vault: Vault, date: dt.date) -> Readiness:
    """:func:`readiness` of every note of the vault, with its own calibration."""
    from studycards.notes.vault import scan
    from studycards.scheduling.calibration import vault_calibration
    from studycards.scheduling.history import note_state, replay
    from studycards.scheduling.writes import ledger_of, settings_of

    settings = settings_of(vault)
    cards = replay(ledger_of(vault).read().events)
    states = [note_state(n, cards, settings) for n in scan(vault).notes]
    target = vault.config.interview_target
    return readiness(states, date, target, vault_calibration(vault), settings.parameters)
