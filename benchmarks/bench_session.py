"""Session latency and idle cost measured from a pseudo-terminal, as a person feels them.

Usage: python benchmarks/bench_session.py [--size 10000] [--presses 20] [--workdir DIR]
                                          [--idle-seconds 5] [--label quiet|loaded]

Generates (once) a vault with benchmarks/gen_vault.py, copies it so grades do not pile up
between runs, warms its index, then starts ``studycards review`` in a 120x40 pty and measures:
  - session start: from spawning the process to the first card on screen (warm index);
  - key press to redrawn screen: reveal (space), scroll (j, in the details pane) and grade (3,
    which writes the ledger and the note under the lock before the next card is drawn); the
    session's first reveal, which loads the scheduler, is reported on its own;
  - idle: CPU seconds the process uses per second of wall time while it waits on a card
    (the header clock ticks once a second), and the bytes it writes to the terminal per second.
Prints medians and 90th percentiles, and the machine's load. Targets: key press <= 30 ms
median on a quiet machine, start <= 1 s, idle CPU about 0.
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
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(vault), "review"],
        env=env,
        dimensions=(40, 120),
        encoding="utf-8",
        timeout=30,
    )
    # pexpect sleeps 50 ms before every send by default; a person's key press does not.
    child.delaybeforesend = None
    return child


def timed(child: pexpect.spawn, key: str, expect: str) -> float:
    start = time.perf_counter()
    child.send(key)
    child.expect_exact(expect)
    return time.perf_counter() - start


def report(label: str, values: list[float]) -> None:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    print(
        f"{label:<30} median {statistics.median(values) * 1000:7.1f} ms   "
        f"p90 {p90 * 1000:7.1f} ms   n={len(values)}"
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle(child: pexpect.spawn, seconds: float) -> tuple[float, float]:
    """CPU share and bytes written per second while the session waits for a key."""
    child.expect(pexpect.TIMEOUT, timeout=1.5)  # let the last frame settle
    written, begin_cpu, begin = 0, cpu_seconds(child.pid), time.perf_counter()
    while (left := seconds - (time.perf_counter() - begin)) > 0:
        try:
            written += len(child.read_nonblocking(65536, timeout=min(left, 0.2)))
        except pexpect.TIMEOUT:
            pass
    wall = time.perf_counter() - begin
    return (cpu_seconds(child.pid) - begin_cpu) / wall, written / wall


def measure_start(vault: Path, runs: int = 3) -> list[float]:
    starts = []
    for _ in range(runs):
        begin = time.perf_counter()
        child = spawn(vault)
        child.expect_exact("space reveal")
        starts.append(time.perf_counter() - begin)
        child.send("q")
        child.expect(pexpect.EOF)
    return starts


def scroll(child: pexpect.spawn, times: list[float], steps: int = 3) -> None:
    """Open the details pane and time ``j`` a few times (when the pane is taller than a page)."""
    child.send("d")
    if child.expect([r"lines 1-(\d+) of (\d+)", "all "]) == 1:
        return
    shown, total = (int(n) for n in child.match.groups())
    if total - shown < steps:
        return
    for step in range(1, steps + 1):
        times.append(timed(child, "j", f"lines {step + 1}-"))


def measure_keys(vault: Path, presses: int, idle_seconds: float) -> dict[str, list[float]]:
    child = spawn(vault)
    child.expect_exact("space reveal")
    found: dict[str, list[float]] = {"reveal": [], "scroll": [], "grade": []}
    first = timed(child, " ", "1 Again")  # the first reveal loads the scheduler
    cpu, rate = idle(child, idle_seconds)
    scroll(child, found["scroll"])
    child.send("3")
    child.expect_exact("space reveal")
    for _ in range(presses):
        found["reveal"].append(timed(child, " ", "1 Again"))
        scroll(child, found["scroll"])
        found["grade"].append(timed(child, "3", "space reveal"))
    child.send("q")
    child.expect(pexpect.EOF)
    found["idle"] = [cpu, rate]
    found["first"] = [first]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/studycards-bench"))
    parser.add_argument("--label", default="", help="A name for this run (quiet, loaded).")
    options = parser.parse_args()
    options.workdir.mkdir(parents=True, exist_ok=True)
    vault = ensure_vault(options.size, options.workdir)
    load = os.getloadavg()[0]
    print(f"{options.label} {options.size} notes, {os.cpu_count()} cores, load {load:.2f}")
    report("session start (warm index)", measure_start(vault))
    found = measure_keys(vault, options.presses, options.idle_seconds)
    cpu, rate = found.pop("idle")
    report("first reveal (loads scheduler)", found.pop("first"))
    report("reveal (space)", found["reveal"])
    report("scroll (j)", found["scroll"])
    report("grade (3), writes first", found["grade"])
    report("all keys", [v for values in found.values() for v in values])
    print(f"{'idle':<30} cpu {cpu * 100:5.2f} % of a core   {rate:6.0f} bytes/s to the terminal")
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
