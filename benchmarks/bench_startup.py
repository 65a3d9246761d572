"""CPU time of studycards' start-up paths beside the ``python -c "import typer"`` floor.

Usage: python benchmarks/bench_startup.py [--rounds 7] [--big VAULT] [--source DIR] [--workdir DIR]

Runs, in interleaved rounds, ``python -c pass``, ``python -c "import typer"`` (the floor every
goal is a ratio to), ``studycards --version``, ``--help`` (as printed again from the help cache,
and rendered with ``STUDYCARDS_HELP_CACHE=0``), a few commands' ``--help``,
``grade NOTE good`` on a fresh copy of the bundled sample vault and, with ``--big``,
``due --json`` on that vault (it writes its caches there: give it a copy). Each command runs once
before the rounds, so the figures are warm, and bytecode is cached as for an installed package
(PYTHONDONTWRITEBYTECODE is dropped). Prints the median CPU seconds (user + sys of the child), the
ratio to the floor of the same rounds, the median wall seconds and the peak RSS.

``--source DIR`` runs the ``studycards`` package found in DIR instead (``python -m studycards``
with DIR first on PYTHONPATH), e.g. ``git archive OLD studycards | tar -x -C DIR`` to compare
with an older commit on the same machine and load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bytecode is cached as an installed package's is: with PYTHONDONTWRITEBYTECODE set, every run
# would compile studycards' modules from source again and time the compiler.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def studycards_command(source: Path | None = None) -> list[str]:
    """The console script people run, when it sits beside this Python; else ``-m``."""
    if source is not None:
        ENV["PYTHONPATH"] = str(source.resolve())
        return [sys.executable, "-m", "studycards"]
    script = Path(sys.executable).parent / "studycards"
    return [str(script)] if script.exists() else [sys.executable, "-m", "studycards"]


def sample_copy(workdir: Path) -> Path:
    vault = workdir / "sample"
    shutil.rmtree(vault, ignore_errors=True)
    vault.mkdir(parents=True)
    for name in ("notes", "outlines"):
        shutil.copytree(ROOT / name, vault / name)
    shutil.copy(ROOT / "studycards.yaml", vault)
    return vault


def measure(args: list[str], cwd: Path) -> tuple[float, float, int]:
    """CPU seconds (user + sys), wall seconds and peak RSS (KB) of one run of ``args``."""
    start = time.perf_counter()
    child = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, cwd=cwd
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode:
        raise SystemExit(f"{' '.join(args)} failed: {err.decode(errors='replace').strip()}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss


def cases(big: Path | None, sample: Path, source: Path | None) -> dict[str, list[str]]:
    studycards = studycards_command(source)
    found: dict[str, list[str]] = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import typer (floor)": [sys.executable, "-c", "import typer"],
        "--version": [*studycards, "--version"],
        "--help (rendered)": ["env", "STUDYCARDS_HELP_CACHE=0", *studycards, "--help"],
        "--help": [*studycards, "--help"],
        "list --help": [*studycards, "list", "--help"],
        "grade --help (rendered)": ["env", "STUDYCARDS_HELP_CACHE=0", *studycards, "grade", "-h"],
        "grade --help": [*studycards, "grade", "--help"],
        "demo run --help": [*studycards, "demo", "run", "--help"],
        "grade (sample vault)": [*studycards, "--vault", str(sample), "grade", "RoPE旋转", "good"],
    }
    if big is not None:
        found["due --json (--big)"] = [*studycards, "--vault", str(big), "due", "--json"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--big", type=Path, default=None, help="a vault for due --json")
    parser.add_argument("--source", type=Path, default=None, help="a folder holding studycards/")
    parser.add_argument("--workdir", type=Path, default=None)
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="bench_startup_"))
    ENV["XDG_CACHE_HOME"] = str(workdir / "cache")  # help screens kept here, not in ~/.cache
    sample = sample_copy(workdir)
    table = cases(options.big, sample, options.source)
    for args in table.values():  # warm: caches built, files in the page cache
        measure(args, workdir)
    cpu: dict[str, list[float]] = {name: [] for name in table}
    wall: dict[str, list[float]] = {name: [] for name in table}
    rss: dict[str, int] = {}
    for _ in range(options.rounds):
        for name, args in table.items():
            seconds, elapsed, peak = measure(args, workdir)  # not the repo: -m finds DIR
            cpu[name].append(seconds)
            wall[name].append(elapsed)
            rss[name] = max(rss.get(name, 0), peak)
    floor = statistics.median(cpu["import typer (floor)"])
    print(f"{'command':<24} {'CPU s':>7} {'x floor':>8} {'wall s':>7} {'peak RSS':>9}")
    for name in table:
        median = statistics.median(cpu[name])
        print(
            f"{name:<24} {median:7.3f} {median / floor:8.2f} "
            f"{statistics.median(wall[name]):7.3f} {rss[name] / 1024:7.1f} MB"
        )
    print(f"{options.rounds} rounds; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if options.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
