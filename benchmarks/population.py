"""The schedulers across a population of simulated people (``simulate.py --population``).

Usage:
    python benchmarks/simulate.py --population [--people 19] [--notes 200] [--days 365]
        [--floors 0.85 ...] [--quick]

Every person is one published per-user FSRS-6 fit (see ``_population.py``) with their own study
habits; the schedulers use the default parameters and know nothing of the person. For each
person and scheduler it measures:

- reviews per note-year: all reviews / (days each note was known, summed) x 365;
- recall: the person's true recall averaged over every note-day (each day, every note already
  introduced counts once, whether or not the day is studied);
- bottom decile: the same average for the tenth of notes that fared worst;
- vs frontier: how many fewer reviews than the retention scheduler needs for the same recall
  (its runs at several desired retentions, interpolated); positive is better, NaN outside.

The ladder's saving is the retention frontier's reviews at the ladder's recall against the
ladder's own. Figures are medians and ranges over the people. Deterministic for fixed options.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np
from _population import (
    Habits,
    Person,
    frontier_saving,
    published_people,
    run,
    run_interview,
    schedulers,
)

RETENTIONS = (0.80, 0.85, 0.90, 0.95)
FLOOR = 0.85
INTERVIEW_TARGET = 0.9
READY_GOAL = 0.95


def study(person: Person, notes: int, days: int, floors) -> dict:
    found = schedulers(notes, RETENTIONS, floors)
    return {name: run(person, scheduler, notes, days) for name, scheduler in found.items()}


def people(count: int, notes: int, days: int) -> list[Person]:
    _, users = published_people()
    chosen = list(users.items())[:count]
    return [
        Person.draw(name, values, Habits.of(i), notes, days, seed=i)
        for i, (name, values) in enumerate(chosen)
    ]


def _spread(values: list[float], percent: bool = False) -> str:
    kept = [v for v in values if not math.isnan(v)]
    if not kept:
        return "n/a"
    scale, unit = (100.0, "%") if percent else (1.0, "")
    low, mid, high = (scale * float(np.percentile(kept, q)) for q in (0, 50, 100))
    return f"{mid:7.2f}{unit} ({low:.2f} to {high:.2f})"


def table(results: list[dict]) -> list[str]:
    names = list(results[0])
    lines = [
        f"{'scheduler':30} {'reviews/note-year':>28} {'recall':>26} {'bottom decile':>26} "
        f"{'vs frontier':>30}"
    ]
    for name in names:
        per = [r[name].per_note_year for r in results]
        recall = [r[name].recall for r in results]
        bottom = [r[name].bottom_decile for r in results]
        saving = [frontier_saving(r, name) for r in results]
        vs = "(the frontier)" if name.startswith("retention") else _spread(saving, True)
        lines.append(
            f"{name:30} {_spread(per):>28} {_spread(recall):>26} {_spread(bottom):>26} {vs:>30}"
        )
    return lines


def ladder_savings(results: list[dict]) -> list[float]:
    out = []
    for outcomes in results:
        ladder = outcomes["ladder"]
        points = sorted(
            (o.recall, o.per_note_year) for k, o in outcomes.items() if k.startswith("retention")
        )
        xs = [p[0] for p in points]
        if xs[0] <= ladder.recall <= xs[-1]:
            needed = float(np.interp(ladder.recall, xs, [p[1] for p in points]))
            out.append(1.0 - needed / ladder.per_note_year)
        else:
            out.append(float("nan"))
    return out


def above_frontier(results: list[dict], name: str) -> str:
    savings = [frontier_saving(r, name) for r in results]
    kept = [s for s in savings if not math.isnan(s)]
    return f"{sum(s > 0 for s in kept)} of {len(kept)} people (outside the frontier: {len(savings) - len(kept)})"


def report(
    count: int, notes: int, days: int, floors, interview_day: int | None = None, table_too=True
) -> str:
    source, _ = published_people()
    group = people(count, notes, days)
    lines = [
        f"Population: {len(group)} people, {notes} notes each, {days} days; schedulers use the "
        "default parameters.",
        f"True memory: {source}.",
        "Habits by person: " + "; ".join(f"{p.name}: {p.habits.describe()}" for p in group),
    ]
    if table_too:
        lines += _scheduler_lines(group, notes, days, floors)
    if interview_day is not None:
        lines += ["", *interview_lines(group, notes, interview_day)]
    return "\n".join(lines)


def _scheduler_lines(group: list[Person], notes: int, days: int, floors) -> list[str]:
    results = [study(person, notes, days, floors) for person in group]
    lines = [
        "",
        "median (min to max) over the people:",
        *table(results),
        "",
        f"retention frontier vs the ladder at the ladder's recall: {_spread(ladder_savings(results), True)} fewer reviews",
    ]
    for name in results[0]:
        if name.startswith("efficient"):
            lines.append(f"{name} above the retention frontier: {above_frontier(results, name)}")
    return lines


def interview_lines(group: list[Person], notes: int, day: int) -> list[str]:
    rows = []
    for person in group:
        plain = run_interview(person, notes, day, INTERVIEW_TARGET, None)
        bare = run_interview(person, notes, day, INTERVIEW_TARGET, False)
        fitted = run_interview(person, notes, day, INTERVIEW_TARGET, True)
        rows.append((person.name, plain, bare, fitted))
    lines = [
        f"Interview-date mode, interview on day {day}, target {INTERVIEW_TARGET}: share of notes "
        "truly (by the person's own memory) and predicted (by the scheduler) at >= the target "
        "on the day; extra reviews against the same person without a date.",
        f"{'person':>6} {'no margin: true':>16} {'predicted':>10} {'extra':>7} "
        f"{'calibrated: true':>17} {'predicted':>10} {'extra':>7} {'margin':>7}",
    ]
    for name, plain, bare, fitted in rows:
        lines.append(
            f"{name:>6} {bare.truly_ready:16.1%} {bare.predicted_ready:10.1%} "
            f"{bare.reviews / plain.reviews - 1:7.1%} {fitted.truly_ready:17.1%} "
            f"{fitted.predicted_ready:10.1%} {fitted.reviews / plain.reviews - 1:7.1%} "
            f"{fitted.margin:7.3f}"
        )
    for label, index in (("no margin", 2), ("calibrated margin", 3)):
        truly = [row[index].truly_ready for row in rows]
        extra = [row[index].reviews / row[1].reviews - 1 for row in rows]
        met = sum(t >= READY_GOAL for t in truly)
        lines.append(
            f"{label}: truly ready median {np.median(truly):.1%}, lowest {min(truly):.1%}; "
            f">= {READY_GOAL:.0%} for {met} of {len(rows)} people; extra reviews median "
            f"{np.median(extra):.1%}"
        )
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=19)
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--floors", type=float, nargs="*", default=[FLOOR], help="recall floors to compare"
    )
    parser.add_argument("--interview-day", type=int, default=120, help="0 leaves it out")
    parser.add_argument(
        "--interview-only", action="store_true", help="only the interview-date experiment"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 people, 30 notes, 40 days"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    count, notes, days = (2, 30, 40) if args.quick else (args.people, args.notes, args.days)
    interview = 30 if args.quick else args.interview_day
    if min(count, notes, days) < 1:
        _parser().error("--people, --notes and --days must be at least 1")
    started = time.perf_counter()
    floors = [None, *args.floors]
    print(report(count, notes, days, floors, interview or None, not args.interview_only))
    print(f"\nwall time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
