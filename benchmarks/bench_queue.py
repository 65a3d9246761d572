"""``due --json``, ``list --due --json``, ``stats`` and ``stats --json`` at scale, beside the floor.

Usage: python benchmarks/bench_queue.py VAULT... [--repeat 3] [--reviews 0.3] [--workdir DIR]

Each VAULT (e.g. one made by ``benchmarks/gen_vault.py N DIR``) is copied into --workdir (the
original is never written to) and given a ledger: ``--reviews`` reviews per note (spread over
the notes, three months back), as a person's vault has after some study. Then each command runs
as a separate process, cold (the caches in ``.studycards/`` deleted: index, snapshot, activity,
calibration; the ledger kept) and warm (a second run with nothing changed), ``--repeat`` times
each, beside ``python -c "import typer"`` measured in the same loop. Printed per command: the
median CPU seconds (user + sys of the child, the steadier figure on a shared machine), that as
a multiple of the floor's, the median wall seconds and the peak RSS. Also timed: ``due --json``
after one ``grade`` (the ledger and one note changed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

STUDYCARDS = [sys.executable, "-m", "studycards"]
FLOOR = [sys.executable, "-c", "import typer"]
CACHES = ("index.sqlite", "snapshot.bin", "activity.json", "text.sqlite")
COMMANDS = (
    ("due --json", ["due", "--json"]),
    ("list --due --json", ["list", "--due", "--json"]),
    ("stats", ["stats"]),
    ("stats --json", ["stats", "--json"]),
)


def run_once(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, env=_env())
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def _env() -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="120")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed studycards has its bytecode
    return env


def drop_caches(vault: Path) -> None:
    state = vault / ".studycards"
    for name in CACHES:
        (state / name).unlink(missing_ok=True)
    for path in state.glob("calibration*"):
        path.unlink()


def add_ledger(vault: Path, per_note: float) -> int:
    """Reviews of the vault's notes, written as ``grade`` would log them."""
    notes = sorted((vault / "notes").rglob("*.md"))
    count = int(len(notes) * per_note)
    start = dt.datetime(2025, 8, 1, 8, tzinfo=dt.timezone.utc)
    lines = []
    for k in range(count):
        note = notes[(k * 7919) % len(notes)]
        when = start + dt.timedelta(minutes=k * 90 * 24 * 60 // max(1, count))
        card = f"sc_bench{(k * 7919) % len(notes):06d}"
        event = {
            "v": 1, "id": uuid.uuid4().hex, "kind": "review", "card": card, "note": card,
            "path": note.relative_to(vault).as_posix(), "day": when.date().isoformat(),
            "ts": when.isoformat().replace("+00:00", "Z"), "rating": 3, "elapsed_days": 3,
            "duration": 12.0, "interval": 9, "due": (when.date() + dt.timedelta(9)).isoformat(),
            "stability": 9.5, "difficulty": 5.2,
        }  # fmt: skip
        lines.append(json.dumps(event, separators=(",", ":"), sort_keys=True))
    state = vault / ".studycards"
    state.mkdir(exist_ok=True)
    (state / "reviews.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return count


def measure(args: list[str], cwd: Path, repeat: int, before=None) -> tuple[float, float, float]:
    cpus, walls, peak = [], [], 0.0
    for _ in range(repeat):
        if before:
            before()
        cpu, wall, rss = run_once(args, cwd)
        cpus.append(cpu)
        walls.append(wall)
        peak = max(peak, rss)
    return statistics.median(cpus), statistics.median(walls), peak


def bench(source: Path, workdir: Path, repeat: int, per_note: float) -> None:
    vault = workdir / source.name
    if vault.exists():
        shutil.rmtree(vault)
    shutil.copytree(source, vault, ignore=shutil.ignore_patterns(".studycards"))
    reviews = add_ledger(vault, per_note)
    notes = sum(1 for _ in (vault / "notes").rglob("*.md"))
    print(f"\n{source.name}: {notes:,} notes, {reviews:,} reviews in the ledger")
    floor = measure(FLOOR, vault, repeat)[0]
    print(f"  floor: python -c 'import typer'  {floor:.3f} s CPU")
    print(f"  {'command':<20} {'':<5} {'CPU s':>7} {'x floor':>8} {'wall s':>7} {'peak MB':>8}")
    for label, args in COMMANDS:
        full = [*STUDYCARDS, "--vault", str(vault), *args]
        cold = measure(full, vault, repeat, before=lambda: drop_caches(vault))
        run_once(full, vault)
        warm = measure(full, vault, repeat)
        for kind, (cpu, wall, rss) in (("cold", cold), ("warm", warm)):
            print(f"  {label:<20} {kind:<5} {cpu:7.3f} {cpu / floor:8.1f} {wall:7.2f} {rss:8.0f}")
    first = sorted((vault / "notes").rglob("*.md"))[0]
    due = [*STUDYCARDS, "--vault", str(vault), "due", "--json"]

    def graded() -> None:
        grade = [*STUDYCARDS, "--vault", str(vault), "grade", str(first), "good"]
        subprocess.run(grade, cwd=vault, stdout=subprocess.DEVNULL, check=True, env=_env())

    cpu, wall, rss = measure(due, vault, repeat, before=graded)
    label = "due after a grade"
    print(f"  {label:<20} {'':<5} {cpu:7.3f} {cpu / floor:8.1f} {wall:7.2f} {rss:8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vaults", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reviews", type=float, default=0.3, help="reviews per note")
    parser.add_argument("--workdir", type=Path, default=None)
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="bench_queue_"))
    workdir.mkdir(parents=True, exist_ok=True)
    for source in options.vaults:
        bench(source.resolve(), workdir, options.repeat, options.reviews)


if __name__ == "__main__":
    main()
