"""Benchmark ``studycards stats`` on a large vault: 10,000 notes and 200,000 ledger events.

Usage:
    python benchmarks/bench_stats.py [--notes N] [--events M] [--dir DIR] [--repeat R]

Builds the vault with ``benchmarks/gen_vault.py`` (unless DIR already holds one), gives every
note an id, and writes a synthetic ledger: reviews spread over three years with grades, elapsed
days and durations, about 1% of them undone, plus a few manual reschedules. Then it times, each
the best of R runs:

- the core (``load_stats``: scan with a warm note index + ledger sums + every number) with no
  activity cache (first run after the cache is deleted; once),
- the same with the cache up to date (every later run),
- the same after 100 new events were appended (the usual case after a review session),
- ``studycards stats`` and ``studycards stats --json`` as processes (Python start included).

Target: ``stats`` on 10,000 notes and 200,000 events in at most 1.5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studycards.notes.frontmatter_edit import update_text
from studycards.notes.vault import STATE_DIR, open_vault, scan
from studycards.progress.activity import CACHE_NAME
from studycards.progress.stats import load_stats
from studycards.scheduling.events import Event, utc_stamp
from studycards.scheduling.ledger import LEDGER_NAME

BASE = dt.date(2026, 11, 24)
TARGET_SECONDS = 1.5
HERE = Path(__file__).resolve().parent


def build_vault(root: Path, notes: int) -> None:
    if not (root / "notes").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_vault.py"), str(notes), str(root)], check=True
        )
    for number, path in enumerate(sorted((root / "notes").rglob("*.md"))):
        text = path.read_text(encoding="utf-8")
        if "\nid: " not in text:
            path.write_text(update_text(text, {"id": f"sc_{number:012x}"}), encoding="utf-8")


def note_refs(root: Path) -> list[tuple[str, str]]:
    vault = open_vault(root)
    return [(s.id or s.rel, s.rel) for s in scan(vault).notes]


def write_ledger(root: Path, refs: list[tuple[str, str]], events: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    lines = []
    start = dt.datetime.combine(BASE - dt.timedelta(days=3 * 365), dt.time(8), dt.timezone.utc)
    step = (3 * 365 * 86400) / events
    for index in range(events):
        now = start + dt.timedelta(seconds=index * step + rng.uniform(0, step))
        card, rel = rng.choice(refs)
        roll = rng.random()
        if roll < 0.01 and lines:
            target = lines[-1][1]
            event = _event("undo", card, rel, now, undoes=[target])
        elif roll < 0.015:
            event = _event("manual", card, rel, now, due=(now.date() + dt.timedelta(3)).isoformat())
        else:
            event = _review(rng, card, rel, now)
        lines.append((event.to_json(), event.id))
    (state / LEDGER_NAME).write_text("".join(line + "\n" for line, _ in lines), encoding="utf-8")


def _event(kind: str, card: str, rel: str, now: dt.datetime, **fields) -> Event:
    return Event(kind, card, card, rel, now.date().isoformat(), utc_stamp(now), **fields)


def _review(rng: random.Random, card: str, rel: str, now: dt.datetime) -> Event:
    rating = rng.choices((1, 2, 3, 4), (10, 15, 60, 15))[0]
    interval = rng.randint(1, 60)
    prev = {
        "last_reviewed": f"last_reviewed: '{(now.date() - dt.timedelta(9)).isoformat()}'\n",
        "mastery_level": f"mastery_level: {rng.random():.2f}\n",
        "next_review": f"next_review: '{now.date().isoformat()}'\n",
        "review_count": f"review_count: {rng.randint(0, 20)}\n",
    }
    return _event(
        "review",
        card,
        rel,
        now,
        rating=rating,
        elapsed_days=rng.choice((0, 1, 2, 5, 9, 20, 40)),
        duration=round(rng.uniform(5, 120), 1),
        interval=interval,
        due=(now.date() + dt.timedelta(interval)).isoformat(),
        stability=round(rng.uniform(0.5, 80), 6),
        difficulty=round(rng.uniform(1, 10), 6),
        prev=prev,
    )


def append_events(root: Path, refs: list[tuple[str, str]], count: int) -> None:
    rng = random.Random(count)
    now = dt.datetime.combine(BASE, dt.time(20), dt.timezone.utc)
    events = [_review(rng, *rng.choice(refs), now) for _ in range(count)]
    with open(root / STATE_DIR / LEDGER_NAME, "a", encoding="utf-8") as handle:
        handle.write("".join(event.to_json() + "\n" for event in events))


def timed(run, repeat: int) -> tuple[float, float]:
    """(best, median) seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=None, help="vault folder to build or reuse")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    root = args.dir or Path(tempfile.mkdtemp(prefix="bench_stats_"))
    print(f"vault: {root}")
    build_vault(root, args.notes)
    refs = note_refs(root)  # also warms the note index
    write_ledger(root, refs, args.events)
    ledger = root / STATE_DIR / LEDGER_NAME
    print(f"{len(refs)} notes, {args.events} events, ledger {ledger.stat().st_size / 1e6:.1f} MB")
    vault = open_vault(root)
    cache = root / STATE_DIR / CACHE_NAME

    def cold() -> None:
        cache.unlink(missing_ok=True)
        load_stats(vault, BASE)

    results = {"core, no activity cache (once)": timed(cold, 1)}
    results["core, cache up to date"] = timed(lambda: load_stats(vault, BASE), args.repeat)

    def appended() -> None:
        append_events(root, refs, 100)
        load_stats(vault, BASE)

    results["core, 100 events appended"] = timed(appended, args.repeat)
    env = dict(os.environ, STUDYCARDS_VAULT=str(root), NO_COLOR="1")
    for name, extra in (("studycards stats", []), ("studycards stats --json", ["--json"])):
        command = [sys.executable, "-m", "studycards", "stats", *extra]
        results[name + " (process)"] = timed(
            lambda c=command: subprocess.run(c, env=env, check=True, capture_output=True),
            args.repeat,
        )
    for name, (best, median) in results.items():
        print(f"{name:38s} best {best:6.3f} s  median {median:6.3f} s")
    best = results["studycards stats (process)"][0]
    verdict = "meets" if best <= TARGET_SECONDS else "misses"
    print(f"target <= {TARGET_SECONDS} s for 'studycards stats': {verdict} ({best:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
