"""Time ``search`` cold and warm beside the cost of starting Python with typer, and its memory.

Usage:
    python benchmarks/bench_search.py VAULT [VAULT ...] [--repeat 3] [--query 注意力 ...]
    python benchmarks/bench_search.py VAULT --in-place   # a copy you made, not copied again

Each vault is copied to a temporary folder first (``search`` writes its index into the vault's
``.studycards/``) unless ``--in-place``. Every figure is one fresh ``python -m studycards``
process: CPU seconds (user + system, workers included), wall seconds and peak RSS of the
largest process. cold = the caches (``search.sqlite``, ``text.sqlite``, ``index.sqlite``)
deleted first, the review ledger kept; warm = the next runs, nothing changed (the best of
``--repeat``). The floor is ``python -c "import typer"`` measured in the same loop, and the
ratio is the warm CPU over the floor's. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHES = ("search.sqlite", "text.sqlite", "index.sqlite")


def measure(command: list[str]) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak RSS (MB) of one process and the workers it waited for."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    process.stderr.close()
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def search(vault: Path, query: str) -> list[str]:
    return [sys.executable, "-m", "studycards", "--vault", str(vault), "search", query]


def floor(repeat: int) -> float:
    return min(measure([sys.executable, "-c", "import typer"])[0] for _ in range(repeat))


def bench(vault: Path, queries: list[str], repeat: int) -> None:
    notes = sum(1 for _ in (vault / "notes").rglob("*.md"))
    for name in CACHES:
        (vault / ".studycards" / name).unlink(missing_ok=True)
    cold = measure(search(vault, queries[0]))
    typer_cpu = floor(repeat)
    print(f"{vault.name}: {notes} notes; python -c 'import typer' {typer_cpu:.3f} s CPU")
    print(f"  cold  {queries[0]:<14} {cold[0]:7.2f} s CPU {cold[1]:7.2f} s wall {cold[2]:6.0f} MB")
    for query in queries:
        runs = [measure(search(vault, query)) for _ in range(repeat)]
        cpu, wall, rss = min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)
        ratio = cpu / typer_cpu if typer_cpu else float("nan")
        print(f"  warm  {query:<14} {cpu:7.3f} s CPU {wall:7.3f} s wall {rss:6.0f} MB"
              f"  {ratio:5.1f}x the floor")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vaults", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query", action="append", help="a query (repeatable)")
    parser.add_argument("--in-place", action="store_true", help="use the vaults as they are")
    args = parser.parse_args()
    queries = args.query or ["注意力", "KV cache", '"kv cache"', "the"]
    for source in args.vaults:
        if args.in_place:
            bench(source, queries, args.repeat)
            continue
        with tempfile.TemporaryDirectory(prefix="bench_search_") as folder:
            vault = Path(folder) / source.name
            shutil.copytree(source, vault, symlinks=True)
            bench(vault, queries, args.repeat)


if __name__ == "__main__":
    main()
