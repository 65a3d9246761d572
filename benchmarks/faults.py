"""Fault injection, the long run: kill -9 each writing command hundreds of times, then check.

Usage: python benchmarks/faults.py [--kills 200] [--commands grade,review,link,fix,sync,reschedule,undo,bury]
                                   [--seed N] [--keep DIR]

For each command a fresh generated vault (benchmarks/gen_vault.py plus notes without
frontmatter and with CRLF line ends); the command (``review`` driven in a pseudo-terminal up to
its grade key) is killed with SIGKILL at moments aimed at its writes, by turns: any time, from
taking the vault lock, right after its first write, and across its measured write time. After
each kill every check of ``tests/_faults.py`` runs: notes parse and changed only where the
command writes, the ledger only grew and parses, no note is half written, ``doctor --repair``
needs only to finish the interrupted work, and notes agree with the ledger (``sync``: each
ticked box is exactly one review).

Prints one row per command: kills, where they landed (before any write, mid-write: the next
run or doctor had something left to finish, after every write), runs that finished before the
kill, and failures, each failure's message below the table. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _faults import SCENARIOS, Tally, run_scenario  # noqa: E402

COLUMNS = ("before writes", "mid-write", "after writes", "finished")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.commands.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown command(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="faults-") as scratch:
        base = Path(args.keep) if args.keep else Path(scratch)
        tallies = [run_one(name, base / name, args) for name in names]
    print_table(tallies)
    return 1 if any(t.failures for t in tallies) else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="kills per command")
    parser.add_argument("--commands", default=",".join(SCENARIOS), help="comma-separated")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the kill times")
    parser.add_argument("--keep", help="build the vaults here and keep them")
    return parser.parse_args(argv)


def run_one(name: str, root: Path, args: argparse.Namespace) -> Tally:
    started = time.monotonic()
    scenario = SCENARIOS[name](root, args.seed)
    tally = run_scenario(scenario, args.kills, random.Random(f"{args.seed}-{name}"))
    seconds = time.monotonic() - started
    print(f"{name}: {tally.kills} kills in {seconds:.0f} s", file=sys.stderr, flush=True)
    return tally


def print_table(tallies: list[Tally]) -> None:
    header = f"{'command':<10} {'kills':>6} " + " ".join(f"{c:>13}" for c in COLUMNS)
    print(header + f" {'failures':>9}")
    for tally in tallies:
        cells = " ".join(f"{tally.outcomes[c]:>13}" for c in COLUMNS)
        print(f"{tally.command:<10} {tally.kills:>6} {cells} {len(tally.failures):>9}")
    for tally in tallies:
        for failure in tally.failures:
            print(f"FAIL {tally.command}: {failure}")


if __name__ == "__main__":
    sys.exit(main())
