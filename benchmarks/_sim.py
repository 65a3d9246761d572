"""The pieces of the study simulation in ``simulate.py``: a simulated person, their true memory,
the schedulers being compared, and the day-by-day loop.

Days are integers counted from ``START`` (day 0). Ground truth is FSRS-6 with the engine's default
parameters, where each note's true stability is the engine's stability times a per-note lognormal
factor that no scheduler sees. The studycards schedulers are the product's own
``studycards.scheduling.schedule.grade`` (``efficient``, the default, and ``retention``); the old scheme is
the fixed-interval schedule people use today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from studycards.scheduling.schedule import MemoryState, Rating, Settings, grade, retrievability

START = dt.date(2025, 1, 6)
# The old scheme: the interval after the n-th review (then the last one again), grades ignored.
OLD_INTERVALS = (1, 2, 5, 10, 21, 45, 90)
# A remembered note is graded hard / good / easy with these shares (1:3:1).
HARD_BELOW, GOOD_BELOW = 0.2, 0.8


def date_of(day: int) -> dt.date:
    return START + dt.timedelta(days=int(day))


@dataclass(frozen=True)
class Plan:
    """What is studied: ``notes`` notes, ``new_per_day`` introduced a day from day 0."""

    notes: int = 500
    days: int = 365
    new_per_day: int = 10
    sigma: float = 0.6

    def intro_days(self) -> np.ndarray:
        return np.arange(self.notes) // self.new_per_day

    @property
    def last_intro_day(self) -> int:
        return (self.notes - 1) // self.new_per_day


@dataclass(frozen=True)
class Person:
    """The simulated learner of one seed: per-note stability factors and pre-drawn uniforms.

    The uniforms are indexed by (note, review number), so every scheme sees the same luck on a
    note's k-th review (common random numbers keep the comparison between schemes tight).
    """

    factors: np.ndarray
    u_recall: np.ndarray
    u_grade: np.ndarray

    @classmethod
    def draw(cls, plan: Plan, seed: int) -> Person:
        rng = np.random.default_rng(seed)
        factors = rng.lognormal(0.0, plan.sigma, plan.notes)
        shape = (plan.notes, plan.days + 1)
        return cls(factors, rng.random(shape), rng.random(shape))

    def rating(self, note: int, k: int, recall: float | None) -> Rating:
        """The grade of review ``k`` (0-based); ``recall`` None means the note is new."""
        if recall is not None and self.u_recall[note, k] >= recall:
            return Rating.AGAIN
        u = self.u_grade[note, k]
        if u < HARD_BELOW:
            return Rating.HARD
        return Rating.GOOD if u < GOOD_BELOW else Rating.EASY


def forgetting_curve(elapsed: np.ndarray, stability: np.ndarray) -> np.ndarray:
    """FSRS-6's power forgetting curve, vectorised; ``check_curve`` pins it to the engine's."""
    import fsrs_rs_python as fsrs

    decay = fsrs.DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1.0 / decay) - 1.0
    return (1.0 + factor * elapsed / stability) ** -decay


def check_curve() -> float:
    """The largest gap between ``forgetting_curve`` and ``schedule.retrievability``."""
    gaps = []
    for stability in (0.3, 2.0, 17.5, 240.0):
        for elapsed in (0, 1, 4, 30, 200):
            state = MemoryState(stability, 5.0, START)
            engine = retrievability(state, date_of(elapsed))
            ours = forgetting_curve(np.array(float(elapsed)), np.array(stability))
            gaps.append(abs(engine - float(ours)))
    return max(gaps)


class TrueMemory:
    """Each note's true memory: the engine's state for the person's true grades."""

    def __init__(self, person: Person) -> None:
        import fsrs_rs_python as fsrs

        self._engine = fsrs.FSRS(fsrs.DEFAULT_PARAMETERS)
        self._factors = person.factors
        self._states: list[Any] = [None] * len(person.factors)
        self.stability = np.ones(len(person.factors))  # true (scaled) stability
        self.last = np.zeros(len(person.factors), dtype=np.int64)

    def recall(self, note: int, day: int) -> float | None:
        """True recall probability of one note on ``day`` (None before its first review)."""
        memory = self._states[note]
        if memory is None:
            return None
        state = MemoryState(
            float(self.stability[note]), memory.difficulty, date_of(self.last[note])
        )
        return retrievability(state, date_of(day))

    def review(self, note: int, rating: Rating, day: int) -> None:
        elapsed = int(day - self.last[note]) if self._states[note] is not None else 0
        states = self._engine.next_states(self._states[note], 0.9, elapsed)
        memory = getattr(states, rating.name.lower()).memory
        self._states[note] = memory
        self.stability[note] = memory.stability * self._factors[note]
        self.last[note] = day

    def recall_all(self, day: int, notes: np.ndarray) -> np.ndarray:
        """True recall on ``day`` of the given (already reviewed) notes."""
        return forgetting_curve((day - self.last[notes]).astype(float), self.stability[notes])


class Scheduler(Protocol):
    name: str

    def review(self, note: int, rating: Rating, day: int, count: int) -> int:
        """Record review number ``count`` (1-based) of ``note``; return its next due day."""
        ...


class OldScheme:
    """Fixed intervals by review count, whatever the grade."""

    name = "old fixed intervals"

    def review(self, note: int, rating: Rating, day: int, count: int) -> int:
        return day + OLD_INTERVALS[min(count, len(OLD_INTERVALS)) - 1]


class Studycards:
    """The product scheduler, ``studycards.scheduling.schedule.grade``, with the person's grades."""

    def __init__(self, notes: int, settings: Settings) -> None:
        self.settings = settings
        self.states: list[MemoryState | None] = [None] * notes
        label = "studycards" if settings.scheduler == "efficient" else "retention"
        self.name = f"{label} r={settings.desired_retention:.2f}"

    def review(self, note: int, rating: Rating, day: int, count: int) -> int:
        outcome = grade(f"note-{note}", self.states[note], rating, date_of(day), self.settings)
        self.states[note] = outcome.state
        return (outcome.due - START).days

    def predicted(self, day: int) -> np.ndarray:
        """The scheduler's own predicted recall of every note on ``day``."""
        on = date_of(day)
        return np.array([retrievability(s, on) if s else 0.0 for s in self.states])


@dataclass(frozen=True)
class Run:
    """One scheme over days 0 .. end-1 for one seed."""

    reviews: int
    notes: int
    daily_recall: np.ndarray  # per day 1 .. end-1: mean true recall, start of day

    @property
    def reviews_per_note(self) -> float:
        return self.reviews / self.notes

    @property
    def mean_recall(self) -> float:
        return float(self.daily_recall.mean())


def simulate(plan: Plan, person: Person, scheduler: Scheduler, end: int) -> tuple[Run, TrueMemory]:
    """Study days 0 .. end-1: each day measure recall, then do every review due that day.

    The recall of day t is taken at the start of the day, before its reviews, over the notes
    introduced before day t (so day 0, with none, is not counted).
    """
    intro = plan.intro_days()
    due = intro.copy()
    counts = np.zeros(plan.notes, dtype=np.int64)
    memory = TrueMemory(person)
    daily = []
    for day in range(end):
        seen = np.flatnonzero(intro < day)
        if len(seen):
            daily.append(float(memory.recall_all(day, seen).mean()))
        for note in np.flatnonzero(due == day):
            due[note] = _review(person, memory, scheduler, int(note), day, counts)
    return Run(int(counts.sum()), plan.notes, np.array(daily)), memory


def _review(
    person: Person, memory: TrueMemory, scheduler: Scheduler, note: int, day: int, counts: Any
) -> int:
    rating = person.rating(note, int(counts[note]), memory.recall(note, day))
    memory.review(note, rating, day)
    counts[note] += 1
    return scheduler.review(note, rating, day, int(counts[note]))


def reviews_at_recall(runs: list[Run], recall: float) -> float:
    """Reviews per note interpolated at ``recall`` along the runs; NaN outside their range."""
    points = sorted((run.mean_recall, run.reviews_per_note) for run in runs)
    xs = np.array([p[0] for p in points])
    if not xs[0] <= recall <= xs[-1]:
        return float("nan")
    return float(np.interp(recall, xs, [p[1] for p in points]))
