"""Synthetic review ledgers: cards reviewed by a simulated person whose memory follows FSRS-6
with known parameters, written as ordinary ledger events.

Each card is first studied on a random day, then reviewed when the engine (with the true
parameters) schedules it at 90% retention, give or take a day or two; the person recalls it
with the probability the true forgetting curve gives, grading again on a lapse and hard / good /
easy otherwise.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from studycards.scheduling.events import Event

START = dt.date(2024, 1, 1)
FIRST_GRADES = ((1, 2, 3, 4), (0.2, 0.1, 0.5, 0.2))
RECALL_GRADES = ((2, 3, 4), (0.15, 0.7, 0.15))


def true_parameters() -> list[float]:
    """The defaults, changed enough that they predict this person's reviews clearly worse."""
    import fsrs_rs_python as fsrs

    params = list(fsrs.DEFAULT_PARAMETERS)
    for index, factor in ((0, 0.25), (1, 0.3), (2, 0.4), (3, 0.5)):
        params[index] *= factor
    params[8] = 1.2
    params[20] = 0.35
    return params


def simulate_events(
    parameters: Sequence[float], cards: int, days: int, seed: int, prefix: str = "sc_syn"
) -> list[Event]:
    """Review events of ``cards`` cards over ``days`` days, in file (time) order."""
    import fsrs_rs_python as fsrs

    rng = random.Random(seed)
    engine = fsrs.FSRS(list(parameters))
    curve = fsrs.Card()
    curve.parameters = list(parameters)
    events: list[Event] = []
    for number in range(cards):
        card = f"{prefix}{seed}_{number:04d}"
        events += _card_events(rng, engine, curve, card, number, days)
    return sorted(events, key=lambda e: e.ts)


def _card_events(rng, engine, curve, card: str, number: int, days: int) -> list[Event]:
    day, state, last, events = rng.randrange(days // 2), None, 0, []
    while day < days:
        elapsed = 0 if state is None else day - last
        rating = _grade(rng, curve, state, elapsed)
        item = getattr(
            engine.next_states(state, 0.9, elapsed), ("again", "hard", "good", "easy")[rating - 1]
        )
        interval = max(1, round(item.interval * rng.uniform(0.9, 1.1)))
        events.append(_event(card, number, day, rating, elapsed, interval, item.memory))
        state, last, day = item.memory, day, day + interval
    return events


def _grade(rng: random.Random, curve, state, elapsed: int) -> int:
    if state is None:
        return rng.choices(*FIRST_GRADES)[0]
    curve.stability, curve.difficulty, curve.last_date = state.stability, state.difficulty, 0.0
    if rng.random() > curve.retention_on(float(elapsed)):
        return 1
    return rng.choices(*RECALL_GRADES)[0]


def _event(
    card: str, number: int, day: int, rating: int, elapsed: int, interval: int, memory
) -> Event:
    date = START + dt.timedelta(days=day)
    seconds = (number * 7) % 86_000
    stamp = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=seconds)
    return Event(
        kind="review",
        card=card,
        note=card,
        path=f"notes/Synthetic/{card}.md",
        day=date.isoformat(),
        ts=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        rating=rating,
        elapsed_days=elapsed,
        duration=20.0,
        interval=interval,
        due=(date + dt.timedelta(days=interval)).isoformat(),
        stability=round(memory.stability, 6),
        difficulty=round(memory.difficulty, 6),
    )
