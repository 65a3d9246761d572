"""Time the writing path: reconcile, and ``grade`` / ``due --json`` as a person runs them.

Usage: python benchmarks/bench_grade.py [--notes 3000] [--repeat 3] [--workdir DIR]

Builds a vault of N small notes where half carry an id and four reviews each in the ledger and
half were never graded (no id), the shape in which reconcile has to match notes by path. Prints
the median wall time of ``reconcile`` in process, and the median wall and CPU time of
``studycards grade NOTE good`` and ``studycards due --json`` as separate processes. Every grade
runs reconcile first, so reconcile's time is part of each grade's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(root: Path, count: int) -> None:
    (root / "notes" / "T").mkdir(parents=True)
    (root / ".studycards").mkdir()
    (root / "studycards.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
    lines = []
    for n in range(count):
        card = f"sc_{n:012d}"
        head = f"id: {card}\n" if n < count // 2 else ""
        (root / "notes" / "T" / f"n{n}.md").write_text(
            f"---\n{head}created: '2025-10-01'\nlast_reviewed: '2025-10-29'\n"
            f"next_review: '2025-11-05'\nreview_count: 4\n---\n# Note {n}\n\nText.\n",
            encoding="utf-8",
        )
        if n < count // 2:
            lines += [_review(card, f"notes/T/n{n}.md", k) for k in range(4)]
    (root / ".studycards" / "reviews.jsonl").write_text("".join(lines), encoding="utf-8")


def _review(card: str, path: str, k: int) -> str:
    event = {
        "kind": "review", "card": card, "note": card, "path": path, "day": "2025-10-29",
        "ts": f"2025-10-29T0{k}:00:00Z", "id": f"{card}-{k}", "v": 1, "rating": 3,
        "due": "2025-11-05", "stability": 7.0, "difficulty": 5.0, "interval": 7,
    }  # fmt: skip
    return json.dumps(event) + "\n"


def time_reconcile(root: Path, repeat: int) -> float:
    from studycards.lock import vault_lock
    from studycards.notes.vault import open_vault
    from studycards.scheduling.reconcile import reconcile

    vault = open_vault(root)
    now = dt.datetime.now(dt.timezone.utc)
    times = []
    for _ in range(repeat):
        with vault_lock(vault.state_dir):
            start = time.perf_counter()
            reconcile(vault, now)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_command(root: Path, args: list[str], repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        command = [sys.executable, "-m", "studycards", "--vault", str(root), *args]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="bench_grade_"))
    root = workdir / f"vault{options.notes}"
    shutil.rmtree(root, ignore_errors=True)
    build(root, options.notes)
    time_command(root, ["due", "--json"], 1)  # fill the index
    print(f"{options.notes} notes, {options.notes // 2} graded ({options.notes * 2} events)")
    print(f"reconcile (in process):  {time_reconcile(root, options.repeat):.3f} s")
    for label, args in (
        ("grade NOTE good", ["grade", "n0", "good"]),
        ("due --json", ["due", "--json"]),
    ):
        wall, cpu = time_command(root, args, options.repeat)
        print(f"{label:<24} {wall:.3f} s wall, {cpu:.3f} s CPU")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if options.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
