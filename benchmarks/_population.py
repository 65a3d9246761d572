"""The population study behind ``simulate.py --population``: many simulated people whose true
memory is FSRS-6 with their own published parameters, not the scheduler's defaults.

Each person is one per-user FSRS-6 fit from the open-spaced-repetition srs-benchmark results
(``data/fsrs6_users.json`` names the file and commit), plus study habits drawn per person: a
hard / good / easy mix, a chance of skipping a day, new notes per day and a daily review limit.
Their true memory follows the engine with *their* parameters; the schedulers only see the
grades and use the defaults (as a new vault does), so every claim is tested where the model is
wrong about the person.

On each day: the true recall of every introduced note is recorded (time average over every
note-day), then, unless the day is skipped, the due notes are reviewed oldest first up to the
daily limit, and new notes are introduced (their first review). A review is passed with the
note's true recall probability, then graded by the person's mix; a lapse is graded again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _sim import START, OldScheme, Studycards, date_of

from studycards.scheduling.schedule import Rating, Settings

DATA = Path(__file__).resolve().parent / "data" / "fsrs6_users.json"
# Study habits people are given in turn (so every kind is in the population).
MIXES = ((0.2, 0.6, 0.2), (0.05, 0.85, 0.10), (0.35, 0.55, 0.10), (0.10, 0.60, 0.30))
SKIP_CHANCES = (0.0, 0.1, 0.25)
NEW_PER_DAY = (5, 10, 20)
DAILY_LIMITS = (None, 40)
FIRST_AGAIN = 0.25  # a new note's first answer is wrong this often


def published_people() -> tuple[str, dict[str, list[float]]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return data["source"], data["users"]


@dataclass(frozen=True)
class Habits:
    mix: tuple[float, float, float]
    skip: float
    new_per_day: int
    limit: int | None

    @classmethod
    def of(cls, index: int) -> Habits:
        return cls(
            MIXES[index % len(MIXES)],
            SKIP_CHANCES[index % len(SKIP_CHANCES)],
            NEW_PER_DAY[index % len(NEW_PER_DAY)],
            DAILY_LIMITS[index % len(DAILY_LIMITS)],
        )

    def describe(self) -> str:
        h, g, e = self.mix
        limit = "no limit" if self.limit is None else f"limit {self.limit}"
        return f"mix {h:.2f}/{g:.2f}/{e:.2f}, skip {self.skip:.0%}, {self.new_per_day} new/day, {limit}"


@dataclass(frozen=True)
class Person:
    name: str
    parameters: tuple[float, ...]
    habits: Habits
    u_recall: np.ndarray  # (notes, days + 1): pre-drawn luck per note and review number
    u_grade: np.ndarray
    skipped: np.ndarray  # (days,) True on a day not studied

    @classmethod
    def draw(cls, name: str, parameters, habits: Habits, notes: int, days: int, seed: int):
        rng = np.random.default_rng(seed)
        shape = (notes, days + 1)
        skipped = rng.random(days) < habits.skip
        return cls(name, tuple(parameters), habits, rng.random(shape), rng.random(shape), skipped)

    def rating(self, note: int, k: int, recall: float | None) -> Rating:
        failed = FIRST_AGAIN if recall is None else 1.0 - recall
        if self.u_recall[note, k] < failed:
            return Rating.AGAIN
        u = self.u_grade[note, k]
        hard, good, _ = self.habits.mix
        if u < hard:
            return Rating.HARD
        return Rating.GOOD if u < hard + good else Rating.EASY


class TrueMemory:
    """The person's real memory: the engine with their own parameters, per note."""

    def __init__(self, person: Person, notes: int) -> None:
        import fsrs_rs_python as fsrs

        self._engine = fsrs.FSRS(list(person.parameters))
        self._decay = person.parameters[20]
        self._factor = 0.9 ** (-1.0 / self._decay) - 1.0
        self._states: list[Any] = [None] * notes
        self.stability = np.ones(notes)
        self.last = np.zeros(notes, dtype=np.int64)

    def recall(self, note: int, day: int) -> float | None:
        if self._states[note] is None:
            return None
        return float(self.curve(np.array([day - self.last[note]]), self.stability[[note]])[0])

    def curve(self, elapsed: np.ndarray, stability: np.ndarray) -> np.ndarray:
        return (1.0 + self._factor * elapsed / stability) ** -self._decay

    def review(self, note: int, rating: Rating, day: int) -> None:
        elapsed = int(day - self.last[note]) if self._states[note] is not None else 0
        states = self._engine.next_states(self._states[note], 0.9, elapsed)
        self._states[note] = getattr(states, rating.name.lower()).memory
        self.stability[note] = self._states[note].stability
        self.last[note] = day


@dataclass(frozen=True)
class Outcome:
    """One scheduler for one person over the study."""

    reviews: int
    note_days: int  # days each note was known, summed over notes
    recall_sum: np.ndarray  # (notes,) true recall summed over each note's known days
    days_known: np.ndarray  # (notes,)
    final_recall: np.ndarray  # (notes,) true recall on the day after the last

    @property
    def per_note_year(self) -> float:
        return 365.0 * self.reviews / max(1, self.note_days)

    @property
    def recall(self) -> float:
        """Time-averaged true recall over every note-day."""
        return float(self.recall_sum.sum() / max(1, self.note_days))

    @property
    def bottom_decile(self) -> float:
        """The mean time-averaged recall of the tenth of notes that fared worst."""
        known = self.days_known > 0
        per_note = self.recall_sum[known] / self.days_known[known]
        worst = np.sort(per_note)[: max(1, len(per_note) // 10)]
        return float(worst.mean())


def run(person: Person, scheduler: Any, notes: int, days: int) -> Outcome:
    memory = TrueMemory(person, notes)
    due = np.full(notes, np.iinfo(np.int64).max)
    counts = np.zeros(notes, dtype=np.int64)
    known = np.zeros(notes, dtype=bool)
    recall_sum, days_known = np.zeros(notes), np.zeros(notes, dtype=np.int64)
    introduced = 0
    for day in range(days):
        seen = np.flatnonzero(known)
        if len(seen):
            recall_sum[seen] += memory.curve(
                (day - memory.last[seen]).astype(float), memory.stability[seen]
            )
            days_known[seen] += 1
        if person.skipped[day]:
            continue
        waiting = np.flatnonzero(known & (due <= day))
        waiting = waiting[np.argsort(due[waiting], kind="stable")]
        if person.habits.limit is not None:
            waiting = waiting[: person.habits.limit]
        fresh = range(introduced, min(notes, introduced + person.habits.new_per_day))
        introduced = fresh.stop
        for note in [*map(int, waiting), *fresh]:
            rating = person.rating(note, int(counts[note]), memory.recall(note, day))
            memory.review(note, rating, day)
            counts[note] += 1
            known[note] = True
            due[note] = scheduler.review(note, rating, day, int(counts[note]))
    final = np.where(known, memory.curve((days - memory.last).astype(float), memory.stability), 0.0)
    return Outcome(int(counts.sum()), int(days_known.sum()), recall_sum, days_known, final)


def schedulers(notes: int, retentions, floors) -> dict[str, Any]:
    """The schedulers every person is studied with, by name: each ``floor`` None is the
    efficient scheduler without a floor."""
    found: dict[str, Any] = {"ladder": OldScheme()}
    for r in retentions:
        settings = Settings(desired_retention=r, scheduler="retention")
        found[f"retention {r:.2f}"] = Studycards(notes, settings)
    for floor in floors:
        name = "efficient 0.90" + ("" if floor is None else f" floor {floor:.2f}")
        found[name] = Studycards(notes, Settings(desired_retention=0.9, recall_floor=floor))
    return found


def frontier_saving(outcomes: dict[str, Outcome], name: str) -> float:
    """How many fewer reviews ``name`` needs than the retention scheduler would need for the
    same recall (the retention runs' frontier, interpolated); NaN outside it."""
    points = sorted(
        (o.recall, o.per_note_year) for key, o in outcomes.items() if key.startswith("retention")
    )
    xs = np.array([p[0] for p in points])
    target = outcomes[name]
    if not xs[0] <= target.recall <= xs[-1]:
        return float("nan")
    needed = float(np.interp(target.recall, xs, [p[1] for p in points]))
    return 1.0 - target.per_note_year / needed


__all__ = ["START", "date_of", "Habits", "Person", "published_people", "run", "schedulers"]


# ---------------------------------------------------------------------------------------------
# interview-date mode


@dataclass(frozen=True)
class InterviewOutcome:
    reviews: int
    truly_ready: float  # share of notes whose true recall on the day is >= the target
    predicted_ready: float  # share the scheduler predicts >= the target on the day
    margin: float  # the margin in use at the end


def run_interview(
    person: Person, notes: int, day: int, target: float, calibrated: bool | None
) -> InterviewOutcome:
    """Study up to ``day`` (the interview) with the efficient scheduler: without a date
    (``calibrated`` None), with the date and no margin (False), or with the margin learned
    from the person's own reviews so far, updated every week (True). The due day of every note
    follows the queue's rule each day, as ``studycards due`` applies it."""
    from dataclasses import replace

    from studycards.scheduling.calibration import calibrate, interview_margin
    from studycards.scheduling.schedule import interview_due, needs_review_before, retrievability

    date = date_of(day) if calibrated is not None else None
    settings = Settings(
        desired_retention=0.9, interview_date=date, interview_target=target, recall_floor=0.85
    )
    scheduler = Studycards(notes, settings)
    memory = TrueMemory(person, notes)
    due = np.full(notes, np.iinfo(np.int64).max)
    counts = np.zeros(notes, dtype=np.int64)
    known = np.zeros(notes, dtype=bool)
    pairs: list[tuple[float, bool]] = []
    introduced = 0
    for today in range(day):
        if calibrated and today % 7 == 0 and pairs:
            margin = interview_margin(calibrate(pairs))
            scheduler.settings = replace(scheduler.settings, interview_margin=margin)
        if date is not None:
            _follow_interview_rule(
                scheduler, due, known, today, day, interview_due, needs_review_before
            )
        if person.skipped[today]:
            continue
        waiting = np.flatnonzero(known & (due <= today))
        waiting = waiting[np.argsort(due[waiting], kind="stable")]
        if person.habits.limit is not None:
            waiting = waiting[: person.habits.limit]
        fresh = range(introduced, min(notes, introduced + person.habits.new_per_day))
        introduced = fresh.stop
        for note in [*map(int, waiting), *fresh]:
            state = scheduler.states[note]
            true = memory.recall(note, today)
            rating = person.rating(note, int(counts[note]), true)
            if state is not None and today > (state.last_review - START).days:
                pairs.append((retrievability(state, date_of(today)), rating > 1))
            memory.review(note, rating, today)
            counts[note] += 1
            known[note] = True
            due[note] = scheduler.review(note, rating, today, int(counts[note]))
    seen = np.flatnonzero(known)
    true_on_day = memory.curve((day - memory.last[seen]).astype(float), memory.stability[seen])
    on = date_of(day)
    predicted = [retrievability(scheduler.states[n], on) for n in seen]
    return InterviewOutcome(
        int(counts.sum()),
        float(np.mean(true_on_day >= target)) * len(seen) / notes,
        float(np.mean(np.array(predicted) >= target)) * len(seen) / notes,
        scheduler.settings.interview_margin,
    )


def _follow_interview_rule(scheduler, due, known, today, day, interview_due, needs_review_before):
    settings = scheduler.settings
    goal = min(0.99, settings.interview_target + settings.interview_margin)
    for note in np.flatnonzero(known & (due >= day)):
        state = scheduler.states[int(note)]
        if needs_review_before(state, settings.interview_date, goal, settings.parameters):
            back = (interview_due(state, settings.interview_date, settings) - START).days
            due[note] = max(today, back)
