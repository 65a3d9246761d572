"""Time start-up and vault scans the way a person runs them.

Usage: python benchmarks/bench_scan.py [--sizes 1000 10000] [--repeat 5] [--workdir DIR]

For each size it generates a vault with benchmarks/gen_vault.py (kept in --workdir between
runs), then times, as separate processes:
  - ``studycards --help``
  - ``studycards list --due --json`` cold (no .studycards/ cache) and warm (cache filled),
and prints the median wall time, the median CPU time (user + sys) and peak memory (max RSS).
Targets on a 2-core machine: --help <= 0.3 s; list --due on 10,000 notes <= 0.5 s warm and
<= 3 s cold; peak memory <= 300 MB. CPU time is shown because wall time on a shared, loaded
machine includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDYCARDS = [sys.executable, "-m", "studycards"]


def run_once(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def measure(label: str, args: list[str], cwd: Path, repeat: int, reset=None) -> None:
    walls, cpus, peak = [], [], 0.0
    for _ in range(repeat):
        if reset:
            reset()
        wall, cpu, rss = run_once(args, cwd)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    print(
        f"{label:<38} wall {statistics.median(walls):6.3f} s   "
        f"cpu {statistics.median(cpus):6.3f} s   peak {peak:6.1f} MB"
    )


def ensure_vault(size: int, workdir: Path) -> Path:
    vault = workdir / f"vault_{size}"
    if not (vault / "notes").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_vault.py"), str(size), str(vault)], check=True
        )
    return vault


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/studycards-bench"))
    options = parser.parse_args()
    options.workdir.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    measure("studycards --help", [*STUDYCARDS, "--help"], options.workdir, options.repeat)
    for size in options.sizes:
        vault = ensure_vault(size, options.workdir)
        command = [*STUDYCARDS, "--vault", str(vault), "list", "--due", "--json"]
        cache = vault / ".studycards"

        def drop_cache(cache: Path = cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)

        measure(
            f"list --due --json, {size} notes, cold",
            command,
            vault,
            max(1, options.repeat // 2),
            drop_cache,
        )
        run_once(command, vault)
        measure(f"list --due --json, {size} notes, warm", command, vault, options.repeat)


if __name__ == "__main__":
    main()
