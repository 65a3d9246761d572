"""Calibration: how often the person really recalled notes the scheduler gave a recall of p.

For every review a day or more after the card's previous one, the prediction is the recall the
card's memory state after that previous review (as logged in the ledger) gives on this review's
day; the outcome is whether it was passed (any grade but Again). Reviews are binned by
prediction; a well-calibrated model passes about as often as it predicts in every bin. The
overall gap (mean prediction minus pass rate) is the margin interview-date mode adds.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from studycards.scheduling.events import Event
from studycards.scheduling.history import replay
from studycards.scheduling.schedule import MemoryState, retrievability

# Lower edges of the prediction bins; the last bin runs to 1.
EDGES = (0.0, 0.7, 0.8, 0.85, 0.9, 0.95)
# Interview-date mode's margin: with fewer reviews to judge the model by, this much; else the
# over-prediction seen plus Z standard errors of the pass rate (about 95 % one-sided), and never
# less than MIN_MARGIN: a model right on average is still wrong about single notes (in the
# population benchmark this minimum took the people at >= 95 % truly ready from 13 to 15 of 19).
MIN_REVIEWS = 100
UNKNOWN_MARGIN = 0.05
Z = 1.645
MIN_MARGIN = 0.03
MAX_MARGIN = 0.09


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    reviews: int
    predicted: float  # mean predicted recall in the bin
    passed: float  # observed share passed

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "reviews": self.reviews,
            "predicted": round(self.predicted, 4),
            "passed": round(self.passed, 4),
        }


@dataclass(frozen=True)
class Calibration:
    bins: tuple[Bin, ...]
    reviews: int
    predicted: float  # mean prediction over all reviews
    passed: float  # overall pass rate

    @property
    def gap(self) -> float:
        """How much the model over-predicts (negative: it under-predicts)."""
        return self.predicted - self.passed

    @property
    def error(self) -> float:
        """The standard error of the pass rate, so of the gap."""
        p = self.passed
        return math.sqrt(max(p * (1.0 - p), 0.01) / self.reviews)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "predicted": round(self.predicted, 4),
            "passed": round(self.passed, 4),
            "gap": round(self.gap, 4),
            "error": round(self.error, 4),
            "margin": round(interview_margin(self), 4),
            "bins": [b.to_dict() for b in self.bins],
        }


def predictions(
    events: Iterable[Event],
    day_of: Callable[[Event], dt.date] | None = None,
    parameters: tuple[float, ...] | None = None,
) -> list[tuple[float, bool]]:
    """(predicted recall, passed) of every review a day or more after the card's previous."""
    day_of = day_of or (lambda event: event.day_date)
    pairs: list[tuple[float, bool]] = []
    for history in replay(events).values():
        before: tuple[float, float, dt.date] | None = None
        for event in history.events:
            if event.kind != "review" or event.stability is None or event.difficulty is None:
                continue
            day = day_of(event)
            if before is not None and (day - before[2]).days > 0:
                state = MemoryState(before[0], before[1], before[2])
                pairs.append((retrievability(state, day, parameters), (event.rating or 1) > 1))
            before = (event.stability, event.difficulty, day)
    return pairs


def calibrate(pairs: list[tuple[float, bool]]) -> Calibration | None:
    """Bin the predictions; None without any reviews to judge by."""
    if not pairs:
        return None
    bins = []
    highs = (*EDGES[1:], 1.0)
    for low, high in zip(EDGES, highs, strict=True):
        inside = [(p, ok) for p, ok in pairs if low <= p < high or (high == 1.0 and p == 1.0)]
        if inside:
            bins.append(_bin(low, high, inside))
    total = len(pairs)
    return Calibration(
        tuple(bins), total, sum(p for p, _ in pairs) / total, sum(ok for _, ok in pairs) / total
    )


def _bin(low: float, high: float, inside: list[tuple[float, bool]]) -> Bin:
    count = len(inside)
    return Bin(
        low, high, count, sum(p for p, _ in inside) / count, sum(ok for _, ok in inside) / count
    )


def interview_margin(calibration: Calibration | None) -> float:
    """How far above the target interview-date mode aims, for this person's model error."""
    if calibration is None or calibration.reviews < MIN_REVIEWS:
        return UNKNOWN_MARGIN
    return min(MAX_MARGIN, max(MIN_MARGIN, calibration.gap + Z * calibration.error))


def vault_calibration(vault: Any) -> Calibration | None:
    """The calibration of a vault's own ledger, with the parameters in use.

    Kept while the ledger file and the settings it depends on are unchanged: with an interview
    date every settings lookup (each card of a session) asks for it."""
    from studycards.scheduling.writes import event_day_of, ledger_of

    ledger = ledger_of(vault)
    parameters = _tuple(vault.config.parameters)
    zone = (vault.config.timezone, time.timezone, time.altzone, vault.config.day_starts_at)
    key = (_file_key(ledger.path), parameters, *zone)
    if key[0] is not None and key in _KEPT:
        return _KEPT[key]
    stored = vault.state_dir / CALIBRATION_NAME
    found = _load(stored, key) if key[0] is not None else _MISSING
    if found is _MISSING:
        found = calibrate(predictions(ledger.read().events, event_day_of(vault), parameters))
        if key[0] is not None and _file_key(ledger.path) == key[0]:
            _save(stored, key, found)
    if key[0] is not None:
        if len(_KEPT) >= 4:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[key] = found
    return found


_KEPT: dict[tuple[Any, ...], Calibration | None] = {}


def _file_key(path: Any) -> tuple[str, int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# The calibration kept between runs, ``.studycards/calibration.bin``, for the ledger (path,
# size, times, inode) and settings it was computed from; any change and it is computed again.
CALIBRATION_NAME = "calibration.bin"
_VERSION = 1
_MISSING: Any = object()


def _load(path: Any, key: tuple[Any, ...]) -> Any:
    """The kept calibration (None: there was none to compute), or ``_MISSING``."""
    import marshal

    from studycards._statefile import read_bytes
    from studycards.errors import StudycardsError

    try:
        version, stored, found = marshal.loads(read_bytes(path))
        if version != _VERSION or stored != key:
            return _MISSING
        if found is None:
            return None
        bins, reviews, predicted, passed = found
        made = Calibration(tuple(Bin(*b) for b in bins), reviews, predicted, passed)
        numbers = [made.predicted, made.passed] + [b.predicted for b in made.bins]
        if not all(isinstance(n, float) for n in numbers) or made.reviews <= 0:
            return _MISSING
        return made
    except (OSError, StudycardsError, ValueError, TypeError, EOFError):
        return _MISSING


def _save(path: Any, key: tuple[Any, ...], found: Calibration | None) -> None:
    import marshal

    from studycards._atomic import atomic_write

    data = None
    if found is not None:
        bins = tuple((b.low, b.high, b.reviews, b.predicted, b.passed) for b in found.bins)
        data = (bins, found.reviews, found.predicted, found.passed)
    try:
        if path.parent.is_dir():
            atomic_write(path, marshal.dumps((_VERSION, key, data), 4))
    except (OSError, ValueError):
        pass


def _tuple(values: Any) -> tuple[float, ...] | None:
    return tuple(values) if values else None
