"""Time every attention demo at its default size: the core function and the whole CLI run.

    python benchmarks/bench_demos.py [--repeat 20] [--cli-repeat 3] [--no-cli]

Core: the median time of ``run_demo(name, {})`` after one warm-up run (numpy already imported);
target <= 20 ms. CLI: the median wall time of ``python -m studycards demo run NAME`` in a fresh
process, start-up and rendering included; target <= 0.5 s. Also times ``studycards --help``
(target <= 0.3 s). CPU time is shown too: on a busy machine wall time includes waiting.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studycards.demos import list_demos, run_demo  # noqa: E402

CORE_TARGET_MS = 20.0
CLI_TARGET_S = 0.5
HELP_TARGET_S = 0.3


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def core_seconds(name: str, repeat: int) -> float:
    run_demo(name, {})
    return median_seconds(lambda: run_demo(name, {}), repeat)


def cli_seconds(args: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a fresh ``studycards`` process."""
    command = [sys.executable, "-m", "studycards", *args]
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def verdict(ok: bool) -> str:
    return "ok" if ok else "SLOW"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="core runs per demo")
    parser.add_argument("--cli-repeat", type=int, default=3, help="CLI runs per demo")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI timings")
    options = parser.parse_args()
    print(f"{'demo':<20} {'core ms':>8} {'':4} {'CLI wall s':>10} {'':4} {'CLI cpu s':>9}")
    print("-" * 62)
    for info in list_demos():
        core = core_seconds(info.name, options.repeat) * 1000
        line = f"{info.name:<20} {core:8.2f} {verdict(core <= CORE_TARGET_MS):4}"
        if not options.no_cli:
            wall, cpu = cli_seconds(["demo", "run", info.name], options.cli_repeat)
            line += f" {wall:10.3f} {verdict(wall <= CLI_TARGET_S):4} {cpu:9.3f}"
        print(line)
    print(f"targets: core <= {CORE_TARGET_MS:g} ms, 'studycards demo run' <= {CLI_TARGET_S:g} s")
    if not options.no_cli:
        wall, cpu = cli_seconds(["--help"], options.cli_repeat)
        ok = verdict(wall <= HELP_TARGET_S)
        print(f"studycards --help: {wall:.3f} s wall, {cpu:.3f} s cpu ({ok}, target <= 0.3 s)")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
