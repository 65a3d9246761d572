"""Simulated study: the old fixed-interval scheme against the studycards FSRS-6 scheduler.

Usage:
    python benchmarks/simulate.py [--seeds 3] [--notes 500] [--days 365] [--quick]
    python benchmarks/simulate.py --population [...]   (see population.py: many people)

This single-person study assumes the person is exactly the default model; ``--population``
runs every scheduler against published per-user parameter sets instead.

500 notes are introduced 10 a day over the first 50 days and studied for 365 days; every note due
on a day is reviewed that day, its first review on the day it is introduced.

Ground truth: FSRS-6 with the engine's default parameters keeps each note's true memory state from
the person's true grades; the note's true stability is that state's stability times a per-note
lognormal factor (median 1, sigma 0.6) that the scheduler does not know. At a review the note is
remembered with its true recall probability (the engine's forgetting curve at the true stability)
and then graded hard / good / easy at 1:3:1; a forgotten note is graded again. A note's first
review (first sight) is graded hard / good / easy at 1:3:1.

Schemes: the old scheme reviews after 1, 2, 5, 10, 21, 45, 90 days (then every 90 days) by review
count, ignoring grades. studycards runs the product's ``studycards.scheduling.schedule.grade`` with each
desired retention (fuzz on, maximum interval 365 days), once with the default ``efficient``
scheduler ("studycards" rows) and once with ``scheduler: retention`` ("retention" rows), which
brings every note back exactly when its predicted recall falls to the desired retention.

Figures:
- reviews/note: all reviews in days 0 .. days-1 (first reviews included) divided by the notes.
- mean recall: for each day t = 1 .. days-1, the mean true recall probability at the start of day
  t (before that day's reviews) of the notes introduced before day t; then the mean over days.
- saving at equal mean recall: per seed, studycards' reviews/note interpolated linearly (over the
  retentions) at the old scheme's mean recall, compared with the old scheme's reviews/note.
  Target: at least 25% fewer reviews, averaged over the seeds, with the default scheduler; the
  retention scheduler's saving is shown beside it.
- interview-date mode: studycards with ``interview_date`` = day D and ``interview_target`` 0.9,
  studied on days 0 .. D-1; the share of notes whose predicted recall on D by the scheduler's own
  state is >= 0.9 (target: >= 95% for every seed), their true recall on D, and the reviews against
  the same run without a date.

Seeds are 0 .. N-1; the output is deterministic for fixed options.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass, replace

import numpy as np
from _sim import (
    OldScheme,
    Person,
    Plan,
    Run,
    Studycards,
    check_curve,
    date_of,
    reviews_at_recall,
    simulate,
)

from studycards.scheduling.schedule import Settings

RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.87, 0.89, 0.91, 0.93, 0.95)
INTERVIEW_RETENTIONS = (0.70, 0.80, 0.90)
SAVING_TARGET = 0.25
INTERVIEW_TARGET = 0.9
INTERVIEW_SHARE_TARGET = 0.95


@dataclass(frozen=True)
class Config:
    plan: Plan
    seeds: tuple[int, ...]
    retentions: tuple[float, ...]
    interview_day: int
    interview_retentions: tuple[float, ...]
    fuzz: bool = True


@dataclass(frozen=True)
class SeedResult:
    old: Run
    studycards: tuple[Run, ...]  # one per retention, default (efficient) scheduler
    retention: tuple[Run, ...]  # one per retention, scheduler: retention

    @property
    def saving(self) -> float:
        """1 - studycards' reviews / old reviews at the old scheme's mean recall (NaN if outside)."""
        return self._saving(self.studycards)

    @property
    def retention_saving(self) -> float:
        return self._saving(self.retention)

    def _saving(self, runs: tuple[Run, ...]) -> float:
        reviews = reviews_at_recall(list(runs), self.old.mean_recall)
        return 1.0 - reviews / self.old.reviews_per_note


@dataclass(frozen=True)
class Interview:
    """One seed and retention of the interview-date experiment."""

    reviews: int
    reviews_without: int
    predicted_ok: float  # share of notes predicted >= target on the day, with the date
    true_ok: float
    true_mean: float
    predicted_ok_without: float


def settings(
    config: Config,
    retention: float,
    interview: dt.date | None = None,
    scheduler: str = "efficient",
) -> Settings:
    return Settings(
        desired_retention=retention,
        maximum_interval=365,
        fuzz=config.fuzz,
        interview_date=interview,
        interview_target=INTERVIEW_TARGET,
        scheduler=scheduler,
    )


def run_seed(config: Config, seed: int) -> SeedResult:
    plan, person = config.plan, Person.draw(config.plan, seed)
    old, _ = simulate(plan, person, OldScheme(), plan.days)
    runs: dict[str, list[Run]] = {"efficient": [], "retention": []}
    for name, found in runs.items():
        for retention in config.retentions:
            scheduler = Studycards(plan.notes, settings(config, retention, scheduler=name))
            found.append(simulate(plan, person, scheduler, plan.days)[0])
    return SeedResult(old, tuple(runs["efficient"]), tuple(runs["retention"]))


def run_interview(config: Config, seed: int, retention: float) -> Interview:
    plan, person, day = config.plan, Person.draw(config.plan, seed), config.interview_day
    plain = Studycards(plan.notes, settings(config, retention))
    run_without, _ = simulate(plan, person, plain, day)
    dated = Studycards(plan.notes, settings(config, retention, date_of(day)))
    run, memory = simulate(plan, person, dated, day)
    predicted = dated.predicted(day)
    true = memory.recall_all(day, np.arange(plan.notes))
    return Interview(
        run.reviews,
        run_without.reviews,
        float(np.mean(predicted >= INTERVIEW_TARGET)),
        float(np.mean(true >= INTERVIEW_TARGET)),
        float(true.mean()),
        float(np.mean(plain.predicted(day) >= INTERVIEW_TARGET)),
    )


def _seed_list(values: list[float], digits: int) -> str:
    return " ".join(f"{v:.{digits}f}" for v in values)


def scheme_table(config: Config, results: list[SeedResult]) -> list[str]:
    lines = [
        f"{'scheme':<22}{'reviews/note':>13}{'mean recall':>13}   per seed: reviews/note | recall",
    ]
    rows = [("old fixed intervals", [r.old for r in results])]
    for i, retention in enumerate(config.retentions):
        rows.append((f"studycards r={retention:.2f}", [r.studycards[i] for r in results]))
    for i, retention in enumerate(config.retentions):
        rows.append((f"retention r={retention:.2f}", [r.retention[i] for r in results]))
    for name, runs in rows:
        reviews = [run.reviews_per_note for run in runs]
        recalls = [run.mean_recall for run in runs]
        lines.append(
            f"{name:<22}{np.mean(reviews):>13.2f}{np.mean(recalls):>13.4f}   "
            f"{_seed_list(reviews, 2)} | {_seed_list(recalls, 4)}"
        )
    return lines


def saving_table(config: Config, results: list[SeedResult]) -> list[str]:
    lines = [
        f"{'seed':<6}{'old recall':>11}{'old rev/note':>14}{'studycards rev/note':>21}{'saving':>9}"
        f"{'retention rev/note':>20}{'saving':>9}"
    ]
    for seed, result in zip(config.seeds, results, strict=True):
        old = result.old
        ours = old.reviews_per_note * (1.0 - result.saving)
        plain = old.reviews_per_note * (1.0 - result.retention_saving)
        lines.append(
            f"{seed:<6}{old.mean_recall:>11.4f}{old.reviews_per_note:>14.2f}{ours:>21.2f}"
            f"{result.saving:>9.1%}{plain:>20.2f}{result.retention_saving:>9.1%}"
        )
    plain_mean = float(np.mean([r.retention_saving for r in results]))
    lines.append(f"retention scheduler: mean saving {plain_mean:.1%}")
    mean = float(np.mean([r.saving for r in results]))
    verdict = "PASS" if mean >= SAVING_TARGET else "FAIL"
    if np.isnan(mean):
        verdict = "FAIL (old scheme's recall outside the retentions' range)"
    lines.append(f"mean saving {mean:.1%} (target >= {SAVING_TARGET:.0%}): {verdict}")
    return lines


def interview_table(config: Config, results: dict[float, list[Interview]]) -> list[str]:
    lines = [
        f"{'retention':<10}{'reviews':>9}{'no date':>9}{'extra':>8}{'pred>=0.9':>11}"
        f"{'true>=0.9':>11}{'true mean':>11}{'no date pred>=0.9':>19}"
    ]
    for retention, items in results.items():
        n = config.plan.notes
        reviews = np.mean([i.reviews for i in items]) / n
        without = np.mean([i.reviews_without for i in items]) / n
        lines.append(
            f"{retention:<10.2f}{reviews:>9.2f}{without:>9.2f}{reviews / without - 1:>8.1%}"
            f"{np.mean([i.predicted_ok for i in items]):>11.1%}"
            f"{np.mean([i.true_ok for i in items]):>11.1%}"
            f"{np.mean([i.true_mean for i in items]):>11.4f}"
            f"{np.mean([i.predicted_ok_without for i in items]):>19.1%}"
        )
    worst = min(i.predicted_ok for items in results.values() for i in items)
    verdict = "PASS" if worst >= INTERVIEW_SHARE_TARGET else "FAIL"
    lines.append(
        f"lowest share predicted >= 0.9 over seeds and retentions {worst:.1%} "
        f"(target >= {INTERVIEW_SHARE_TARGET:.0%}): {verdict}"
    )
    return lines


def header(config: Config, curve_gap: float) -> list[str]:
    plan = config.plan
    return [
        f"Simulated study: {plan.notes} notes, {plan.days} days, {plan.new_per_day} new a day "
        f"for {plan.last_intro_day + 1} days; seeds {', '.join(map(str, config.seeds))}; "
        f"per-note stability factor lognormal(0, {plan.sigma}); fuzz {'on' if config.fuzz else 'off'}",
        "mean recall = mean over days 1..end-1 of the mean true recall, at the start of the day,",
        "of the notes introduced before that day; reviews/note counts first reviews too",
        f"(vectorised forgetting curve vs engine: max gap {curve_gap:.1e})",
    ]


def report(config: Config) -> str:
    results = [run_seed(config, seed) for seed in config.seeds]
    interviews = {
        r: [run_interview(config, seed, r) for seed in config.seeds]
        for r in config.interview_retentions
    }
    sections = [
        header(config, check_curve()),
        ["Reviews and recall (means over seeds)", *scheme_table(config, results)],
        ["At the old scheme's mean recall", *saving_table(config, results)],
        [
            f"Interview-date mode: interview on day {config.interview_day}, target 0.9, "
            f"studied days 0..{config.interview_day - 1} (means over seeds; reviews per note)",
            *interview_table(config, interviews),
        ],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0 .. N-1)")
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--new-per-day", type=int, default=10)
    parser.add_argument("--interview-day", type=int, default=120)
    parser.add_argument(
        "--sigma", type=float, default=0.6, help="sigma of the per-note lognormal stability factor"
    )
    parser.add_argument("--no-fuzz", action="store_true", help="turn the scheduler's fuzz off")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run in seconds: 40 notes, 60 days, 1 seed, 3 retentions, "
        "interview on day 30 at retention 0.80 (overrides the other sizes)",
    )
    return parser


def parse_config(argv: list[str] | None) -> Config:
    parser = _parser()
    args = parser.parse_args(argv)
    plan = Plan(args.notes, args.days, args.new_per_day, args.sigma)
    seeds = tuple(range(args.seeds))
    config = Config(plan, seeds, RETENTIONS, args.interview_day, INTERVIEW_RETENTIONS)
    if args.quick:
        config = Config(Plan(40, 60, 10, args.sigma), (0,), (0.7, 0.85, 0.97), 30, (0.8,))
    return _checked(replace(config, fuzz=not args.no_fuzz), parser)


def _checked(config: Config, parser: argparse.ArgumentParser) -> Config:
    plan = config.plan
    if plan.sigma < 0:
        parser.error("--sigma must be at least 0")
    if min(plan.notes, plan.days, plan.new_per_day, len(config.seeds)) < 1:
        parser.error("--notes, --days, --new-per-day and --seeds must be at least 1")
    if not plan.last_intro_day < config.interview_day <= plan.days:
        parser.error(
            f"--interview-day must be after the last new note (day {plan.last_intro_day}) "
            f"and at most --days"
        )
    return config


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if "--population" in args:
        import population

        args.remove("--population")
        return population.main(args)
    config = parse_config(args)
    started = time.perf_counter()
    print(report(config))
    print(f"\nwall time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
