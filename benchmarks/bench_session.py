"""Session latency measured from a pseudo-terminal, as a person feels it.

Usage: python benchmarks/bench_session.py [--size 10000] [--presses 20] [--workdir DIR]

Generates (once) a vault with benchmarks/gen_vault.py, copies it so grades do not pile up
between runs, warms its index, then starts ``studycards review`` in a pty and measures:
  - session start: from spawning the process to the first card on screen (warm index);
  - key press to redrawn screen, per kind of key: reveal (space), details (d), help (?) and
    back, and grade (3, which writes the note and the ledger under the lock before redrawing).
Prints medians and 90th percentiles. Targets: start <= 1 s warm; key press <= 50 ms median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pexpect

HERE = Path(__file__).resolve().parent


def ensure_vault(size: int, workdir: Path) -> Path:
    source = workdir / f"vault_{size}"
    if not (source / "notes").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_vault.py"), str(size), str(source)], check=True
        )
    copy = workdir / f"session_{size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".studycards"))
    subprocess.run(
        [sys.executable, "-m", "studycards", "--vault", str(copy), "list", "--json"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return copy


def spawn(vault: Path) -> pexpect.spawn:
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(vault), "review"],
        env=env,
        dimensions=(50, 120),
        encoding="utf-8",
        timeout=30,
    )
    # pexpect sleeps 50 ms before every send by default; a person's key press does not.
    child.delaybeforesend = None
    return child


def timed(child: pexpect.spawn, key: str, expect: str) -> float:
    start = time.perf_counter()
    child.send(key)
    child.expect(expect)
    return time.perf_counter() - start


def report(label: str, values: list[float]) -> None:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    print(
        f"{label:<28} median {statistics.median(values) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms   n={len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/studycards-bench"))
    options = parser.parse_args()
    options.workdir.mkdir(parents=True, exist_ok=True)
    vault = ensure_vault(options.size, options.workdir)
    print(f"{options.size} notes, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    starts = []
    for _ in range(3):
        begin = time.perf_counter()
        child = spawn(vault)
        child.expect("space reveal")
        starts.append(time.perf_counter() - begin)
        child.send("q")
        child.expect(pexpect.EOF)
    report("session start (warm)", starts)
    child = spawn(vault)
    child.expect("space reveal")
    reveal, detail, help_, grade = [], [], [], []
    for _ in range(options.presses):
        reveal.append(timed(child, " ", "u undo"))
        detail.append(timed(child, "d", "Details"))
        help_.append(timed(child, "?", "press any key"))
        child.send("x")
        child.expect("u undo")
        grade.append(timed(child, "3", "space reveal"))
    child.send("q")
    child.expect(pexpect.EOF)
    report("reveal (space)", reveal)
    report("details (d)", detail)
    report("help (?)", help_)
    report("grade (3), writes first", grade)
    report("all keys", reveal + detail + help_ + grade)


if __name__ == "__main__":
    main()
