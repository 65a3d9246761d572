"""Time ``today``, ``sync`` and ``export`` on generated vaults, the way a person runs them.

Usage: python benchmarks/bench_checklist_export.py [--sizes 1000 10000] [--ticks 50] [--workdir DIR]

For each size it generates a vault with benchmarks/gen_vault.py (kept in --workdir between runs),
warms the scan index once, then times, each as a separate process:
  - ``studycards today --all --force`` (the checklist of every due note)
  - ``studycards sync`` with --ticks boxes ticked (each a full review: ledger line + note write)
  - ``studycards export anki`` and ``studycards export csv`` (every note fully parsed)
and prints wall time, CPU time (user + sys) and the process's peak memory (max RSS), plus the
size of the files written. Dates are relative to the generator's base date (2026-11-24), so
the numbers of due notes vary with the day the script runs; the timings barely do.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDYCARDS = [sys.executable, "-m", "studycards"]


def run(args: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MB) of one child process, and its stdout."""
    code = (
        "import resource, runpy, sys; sys.argv = ['studycards', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('studycards', run_name='__main__')\n"
        "finally:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = int(done.stderr.strip().splitlines()[-1]) / 1024
    return wall, cpu, rss, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def report(label: str, figures: tuple[float, float, float, str]) -> None:
    wall, cpu, rss, last = figures
    print(f"  {label:<22} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {rss:6.0f} MB  | {last}")


def tick(vault: Path, count: int) -> int:
    path = vault / "reviewsToday.md"
    text, done = re.subn(r"(?m)^- \[ \]", "- [x]", path.read_text(encoding="utf-8"), count=count)
    path.write_text(text, encoding="utf-8")
    return done


def bench(size: int, ticks: int, workdir: Path) -> None:
    vault = workdir / f"vault_{size}"
    if not (vault / "notes").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_vault.py"), str(size), str(vault)], check=True
        )
    subprocess.run([*STUDYCARDS, "list"], cwd=vault, stdout=subprocess.DEVNULL, check=True)
    print(f"{size} notes:")
    report("today --all", run(["today", "--all", "--force"], vault))
    ticked = tick(vault, ticks)
    report(f"sync ({ticked} ticked)", run(["sync"], vault))
    for kind, name in (("anki", "out.apkg"), ("csv", "out.csv")):
        out = workdir / f"{size}_{name}"
        figures = run(["export", kind, str(out), "--force"], vault)
        report(f"export {kind}", figures)
        print(f"  {'':<22} {out.name}: {os.path.getsize(out) / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--ticks", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/studycards-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        bench(size, args.ticks, args.workdir)


if __name__ == "__main__":
    main()
