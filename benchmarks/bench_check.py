"""Time ``studycards check`` cold and warm beside the ``import typer`` floor, as a person runs it.

Usage: python benchmarks/bench_check.py VAULT... [--repeat 3] [--json]

Each VAULT is used in place (pass a copy: check writes ``.studycards/check.sqlite`` there; the
ledger is never touched). For each it runs, as separate processes, in turns:
  - ``python -c "import typer"``: the floor the goals are measured against;
  - ``studycards check`` cold: the caches in ``.studycards/`` deleted first (check.sqlite,
    index.sqlite, text.sqlite; the review ledger is kept);
  - ``studycards check`` warm: the same again with the cache from the run before;
and prints the median CPU seconds (user + sys, children included), median wall seconds and
the peak RSS of each, and the warm and cold CPU as a multiple of the floor measured in the same
turns. CPU is the steadier figure on a shared machine; wall includes waiting for a core.
Goal at 10,000 notes: warm <= 10x the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = [sys.executable, "-c", "import typer"]
CACHES = ("check.sqlite", "index.sqlite", "text.sqlite")  # caches only: the ledger stays


def run_once(args: list[str]) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak RSS (MB) of one child and what it waited for."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # 1: check found an error, a normal outcome
        raise SystemExit(f"{' '.join(args)} exited with {child.returncode}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def notes_in(vault: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "studycards", "--vault", str(vault), "check", "--json"],
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)["notes_checked"]


def bench(vault: Path, repeat: int) -> dict[str, object]:
    check = [sys.executable, "-m", "studycards", "--vault", str(vault), "check"]
    runs: dict[str, list[tuple[float, float, float]]] = {"floor": [], "cold": [], "warm": []}
    for _ in range(repeat):
        runs["floor"].append(run_once(FLOOR))
        for name in CACHES:
            (vault / ".studycards" / name).unlink(missing_ok=True)
        runs["cold"].append(run_once(check))
        runs["warm"].append(run_once(check))
    result: dict[str, object] = {"vault": str(vault), "notes": notes_in(vault)}
    for name, found in runs.items():
        result[name] = {
            "cpu": round(statistics.median(r[0] for r in found), 3),
            "wall": round(statistics.median(r[1] for r in found), 3),
            "peak_mb": round(max(r[2] for r in found), 1),
        }
    floor = result["floor"]["cpu"] or 0.01  # type: ignore[index]
    for name in ("cold", "warm"):
        result[name]["x_floor"] = round(result[name]["cpu"] / floor, 1)  # type: ignore[index]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vaults", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = [bench(vault.resolve(), args.repeat) for vault in args.vaults]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"{'vault':<28}{'notes':>7}  {'run':<6}{'cpu s':>8}{'wall s':>8}{'peak MB':>9}{'x floor':>9}"
    )
    for result in results:
        name = Path(str(result["vault"])).name
        for run in ("floor", "cold", "warm"):
            row = result[run]
            ratio = f"{row['x_floor']:>9}" if "x_floor" in row else f"{'':>9}"  # type: ignore[operator]
            print(
                f"{name:<28}{result['notes']:>7}  {run:<6}{row['cpu']:>8.3f}{row['wall']:>8.3f}"  # type: ignore[index]
                f"{row['peak_mb']:>9.1f}{ratio}"  # type: ignore[index]
            )


if __name__ == "__main__":
    main()
