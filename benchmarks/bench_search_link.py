"""Time ``search`` and ``link --dry-run`` on a vault, with a cold and a warm text cache.

Usage:
    python benchmarks/bench_search_link.py VAULT [VAULT ...] [--repeat 3] [--query 内核旁路]

Each vault is copied to a temporary folder first (``link`` would write to it otherwise). Each
figure is the best of ``--repeat`` fresh ``python -m studycards`` processes, as wall time (with
start-up) and as the CPU time (user + system) the process used, which a busy machine disturbs
less: cold = ``.studycards/text.sqlite`` deleted before the run, so every note is parsed;
warm = the cache from the run before. It also prints how many notes the query finds. Figures
are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(vault: Path, *args: str) -> tuple[float, float, str]:
    command = [sys.executable, "-m", "studycards", "--vault", str(vault), *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, cpu, done.stdout


def best(vault: Path, repeat: int, cold: bool, *args: str) -> tuple[float, float, str]:
    cache = vault / ".studycards" / "text.sqlite"
    walls, cpus, out = [], [], ""
    for _ in range(repeat):
        if cold and cache.exists():
            cache.unlink()
        seconds, cpu, out = run(vault, *args)
        walls.append(seconds)
        cpus.append(cpu)
    return min(walls), min(cpus), out


def bench(source: Path, repeat: int, query: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_search_link_") as folder:
        vault = Path(folder) / "vault"
        shutil.copytree(source, vault, symlinks=True)
        shutil.rmtree(vault / ".studycards", ignore_errors=True)
        run(vault, "list", "--json")  # the note index, so only the text cache is cold
        for label, cold in (("cold", True), ("warm", False)):
            wall, cpu, out = best(vault, repeat, cold, "search", query, "--json")
            found = json.loads(out)["total"] if out.strip() else 0
            print(f"  search {query!r:<12} {label}  wall {wall:6.2f} s  cpu {cpu:6.2f} s"
                  f"   ({found} notes found)")  # fmt: skip
        for label, cold in (("cold", True), ("warm", False)):
            wall, cpu, _ = best(vault, repeat, cold, "link", "--dry-run")
            print(f"  link --dry-run       {label}  wall {wall:6.2f} s  cpu {cpu:6.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vaults", type=Path, nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query", default="内核旁路")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    for vault in args.vaults:
        notes = sum(1 for _ in (vault / "notes").rglob("*.md"))
        print(f"{vault} ({notes} Markdown files under notes/)")
        bench(vault, args.repeat, args.query)
    return 0


if __name__ == "__main__":
    sys.exit(main())
