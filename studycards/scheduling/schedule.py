"""FSRS-6 scheduling through fsrs-rs-python, at day granularity.

Pure functions of a card's memory state, a rating and ``today``: no clock. The model itself
(stability, difficulty, the forgetting curve) is the engine's; this module chooses intervals
(the engine's own for the ``retention`` scheduler, :mod:`studycards.scheduling.policy` for ``efficient``),
turns them into due days with optional fuzz that is deterministic per card and day, and caps
them for interview-date mode. The only file it may touch is the efficient policy's cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import Any

MASTERY_HORIZON_DAYS = 30
# Interview-date mode brings weak cards back within this many days before the interview.
INTERVIEW_RUN_UP_DAYS = 3
# (lower bound in days, upper bound, share of the interval the due day may move)
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
# Old-scheme ease factors by the author's difficulty, for migrating notes with no ledger.
_SM2_EASE = {"easy": 2.8, "medium": 2.5, "hard": 2.1}


class Rating(IntEnum):
    """The four grades of a review."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @classmethod
    def parse(cls, text: str) -> Rating:
        """``again``/``hard``/``good``/``easy`` or ``1``-``4``."""
        key = text.strip().lower()
        if key.isdigit() and 1 <= int(key) <= 4:
            return cls(int(key))
        try:
            return cls[key.upper()]
        except KeyError:
            raise ValueError(f"unknown grade {text!r}: use again, hard, good or easy") from None


@dataclass(frozen=True)
class MemoryState:
    """A card's FSRS memory after its last review."""

    stability: float
    difficulty: float
    last_review: dt.date


@dataclass(frozen=True)
class Settings:
    """What scheduling depends on besides the card."""

    desired_retention: float = 0.9
    maximum_interval: int = 365
    fuzz: bool = True
    parameters: tuple[float, ...] | None = None
    interview_date: dt.date | None = None
    interview_target: float = 0.9
    # Interview-date mode aims this much above the target: the model's error for this person.
    interview_margin: float = 0.0
    scheduler: str = "efficient"
    # The person's measured hard / good / easy shares (None: the policy's assumed 1:3:1).
    pass_shares: tuple[float, ...] | None = None
    # The efficient scheduler keeps every card's predicted recall at or above this.
    recall_floor: float | None = None
    # Where the efficient scheduler keeps its solved policy (None: solve in memory only).
    cache_dir: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Outcome:
    """The result of grading a card: its new memory and when it is due next."""

    rating: Rating
    state: MemoryState
    interval: int
    due: dt.date
    elapsed_days: int


@lru_cache(maxsize=8)
def _engine(parameters: tuple[float, ...] | None) -> Any:
    import fsrs_rs_python as fsrs

    return fsrs.FSRS(list(parameters) if parameters else fsrs.DEFAULT_PARAMETERS)


def default_parameters() -> list[float]:
    import fsrs_rs_python as fsrs

    return list(fsrs.DEFAULT_PARAMETERS)


def _memory(state: MemoryState | None) -> Any:
    if state is None:
        return None
    import fsrs_rs_python as fsrs

    return fsrs.MemoryState(state.stability, state.difficulty)


def next_outcomes(
    card_id: str, state: MemoryState | None, today: dt.date, settings: Settings
) -> dict[Rating, Outcome]:
    """What each of the four grades would do to this card if given today."""
    elapsed, states = _next_states(state, today, settings)
    return {
        rating: _outcome(card_id, states, rating, today, elapsed, settings) for rating in Rating
    }


def grade(
    card_id: str, state: MemoryState | None, rating: Rating, today: dt.date, settings: Settings
) -> Outcome:
    """The outcome of one review graded ``rating`` today."""
    elapsed, states = _next_states(state, today, settings)
    return _outcome(card_id, states, rating, today, elapsed, settings)


def _next_states(state: MemoryState | None, today: dt.date, settings: Settings) -> tuple[int, Any]:
    """Days since the last review, and the engine's four next states."""
    elapsed = 0 if state is None else max(0, (today - state.last_review).days)
    engine = _engine(settings.parameters)
    return elapsed, engine.next_states(_memory(state), settings.desired_retention, elapsed)


def _outcome(
    card_id: str, states: Any, rating: Rating, today: dt.date, elapsed: int, settings: Settings
) -> Outcome:
    item = getattr(states, rating.name.lower())
    memory = MemoryState(item.memory.stability, item.memory.difficulty, today)
    days = _chosen_interval(memory, item.interval, settings)
    interval = _interval_days(card_id, days, rating, today, settings)
    interval = _interview_cap(memory, interval, today, settings)
    return Outcome(rating, memory, interval, today + dt.timedelta(days=interval), elapsed)


def _chosen_interval(memory: MemoryState, engine_interval: float, settings: Settings) -> float:
    """The engine's interval for ``retention``; the solved policy's for ``efficient``."""
    if settings.scheduler != "efficient":
        return engine_interval
    from studycards.scheduling.policy_cache import policy_for

    policy, engine = policy_for(
        settings.parameters,
        settings.desired_retention,
        settings.maximum_interval,
        settings.cache_dir,
        settings.pass_shares,
    )
    floor = settings.recall_floor
    return float(policy.interval(engine, memory.stability, memory.difficulty, floor))


def _interval_days(
    card_id: str, interval: float, rating: Rating, today: dt.date, settings: Settings
) -> int:
    days = max(1, round(interval))
    if settings.fuzz and rating != Rating.AGAIN:
        days = _fuzzed(card_id, days, today)
    return max(1, min(days, settings.maximum_interval))


def _fuzzed(card_id: str, days: int, today: dt.date) -> int:
    """Move the interval within a small range, the same way every time for this card and day."""
    delta = 1.0 if days >= 2.5 else 0.0
    for low, high, share in _FUZZ_RANGES:
        delta += share * max(0.0, min(days, high) - low)
    if delta == 0:
        return days
    low, high = max(2, round(days - delta)), round(days + delta)
    seed = hashlib.sha256(f"{card_id}:{today.isoformat()}".encode()).digest()
    fraction = int.from_bytes(seed[:8], "big") / 2**64
    return low + int(fraction * (high - low + 1))


def retrievability(
    state: MemoryState, on: dt.date, parameters: tuple[float, ...] | None = None
) -> float:
    """Predicted probability of recalling the card on day ``on`` (the engine's forgetting curve)."""
    card = _curve(parameters)
    card.stability = state.stability
    card.difficulty = state.difficulty
    return float(card.retention_on(float(max(0, (on - state.last_review).days))))


@lru_cache(maxsize=8)
def _curve(parameters: tuple[float, ...] | None) -> Any:
    """An engine card holding ``parameters``, reused to evaluate the curve (a queue asks for
    every note's recall; setting 21 parameters each time was most of the cost)."""
    import fsrs_rs_python as fsrs

    card = fsrs.Card()
    card.parameters = list(parameters) if parameters else fsrs.DEFAULT_PARAMETERS
    card.last_date = 0.0
    return card


def mastery(
    state: MemoryState | None, today: dt.date, parameters: tuple[float, ...] | None = None
) -> float:
    """``mastery_level``: predicted recall 30 days after today, 2 decimals; 0 for a new card."""
    if state is None:
        return 0.0
    horizon = today + dt.timedelta(days=MASTERY_HORIZON_DAYS)
    return round(retrievability(state, horizon, parameters), 2)


def _interview_cap(memory: MemoryState, interval: int, today: dt.date, settings: Settings) -> int:
    """Interview-date mode: bring a review forward if the card would be weak on the day.

    When the normal due day is on or after the interview day and the recall predicted on that day
    would be below the target, the card comes back on :func:`interview_due` instead. Cards that
    will be recalled well enough on the day keep their normal interval: no review is added.
    """
    date = settings.interview_date
    if date is None or today + dt.timedelta(days=interval) < date or date <= today:
        return interval
    if retrievability(memory, date, settings.parameters) >= interview_goal(settings):
        return interval
    return (interview_due(memory, date, settings) - today).days


def interview_goal(settings: Settings) -> float:
    """The predicted recall interview-date mode aims for: the target plus the margin."""
    return min(0.99, settings.interview_target + settings.interview_margin)


def interview_due(state: MemoryState | None, date: dt.date, settings: Settings) -> dt.date:
    """When a card too weak for the interview on ``date`` comes back.

    On the day its predicted recall falls to the target, but not before the last
    ``INTERVIEW_RUN_UP_DAYS`` days (so weeks ahead it costs no extra reviews) and not after the
    day before the interview. A review in those last days is likely to succeed, and one that
    lapses still leaves a day or two to relearn the card. A new card comes the day before.
    """
    last_day = date - dt.timedelta(days=1)
    if state is None:
        return last_day
    engine = _engine(settings.parameters)
    days = engine.next_interval(state.stability, interview_goal(settings), int(Rating.GOOD))
    falls = state.last_review + dt.timedelta(days=max(1, round(days)))
    run_up = date - dt.timedelta(days=INTERVIEW_RUN_UP_DAYS)
    return max(state.last_review + dt.timedelta(days=1), min(last_day, max(falls, run_up)))


def scheduled_due(
    card_id: str, state: MemoryState, settings: Settings, rating: Rating = Rating.GOOD
) -> dt.date:
    """The due day the current settings give a card's memory, counted from its last review.

    ``rating`` is the grade of that review: it decides whether fuzz applies, as in :func:`grade`.
    """
    engine = _engine(settings.parameters)
    interval = engine.next_interval(state.stability, settings.desired_retention, int(rating))
    interval = _chosen_interval(state, interval, settings)
    days = _interval_days(card_id, interval, rating, state.last_review, settings)
    days = _interview_cap(state, days, state.last_review, settings)
    return state.last_review + dt.timedelta(days=days)


def needs_review_before(
    state: MemoryState | None, date: dt.date, target: float, parameters: tuple[float, ...] | None
) -> bool:
    """Whether a card will be recalled below ``target`` on ``date`` without another review."""
    return state is None or retrievability(state, date, parameters) < target


def migrate(
    difficulty: str | None,
    last_reviewed: dt.date,
    next_review: dt.date,
    settings: Settings,
) -> MemoryState:
    """An initial memory state for a note reviewed under the old fixed-interval scheme.

    The interval the note was on (next_review - last_reviewed) and an ease by its difficulty go
    through the engine's ``memory_state_from_sm2``.
    """
    interval = max(1, (next_review - last_reviewed).days)
    ease = _SM2_EASE.get(difficulty or "medium", 2.5)
    engine = _engine(settings.parameters)
    memory = engine.memory_state_from_sm2(ease, float(interval), settings.desired_retention)
    return MemoryState(memory.stability, memory.difficulty, last_reviewed)
