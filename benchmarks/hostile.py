"""Hostile input, the long run: every kind of bad vault content under every command variant.

Usage: python benchmarks/hostile.py [--kinds SUBSTRING] [--commands SUBSTRING] [--keep DIR]

Each kind of ``tests/_hostile.py`` (the bad-input corpus files, the generated ones, symlinks in
and out of the vault, FIFOs, markup and escape codes in notes, copied ids, CR-only files,
settings out of range, extreme ledger numbers, damaged cache rows, 1,100 nested folders) gets a
fresh vault, and every command variant runs in it in turn under a 60 s deadline. Prints the
kinds x commands count, then per command: runs, tracebacks, hangs, other exit codes, control
characters printed, the outside file shown or changed. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _hostile import COMMANDS, Report, kinds, run_kind  # noqa: E402

WHAT = (
    "traceback",
    "hang",
    "exit code",
    "control character printed",
    "outside file shown or copied",
    "outside file changed",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default="", help="only kinds whose name contains this")
    parser.add_argument("--commands", default="", help="only commands containing this")
    parser.add_argument("--keep", help="build the vaults under this folder")
    args = parser.parse_args(argv)
    os.environ.update(EDITOR="true", VISUAL="true", NO_COLOR="1", COLUMNS="100")
    os.environ.pop("STUDYCARDS_VAULT", None)
    chosen = [k for k in kinds() if args.kinds in k.name]
    commands = [c for c in COMMANDS if args.commands in " ".join(c)]
    report = Report()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hostile-", dir=args.keep) as scratch:
        for number, kind in enumerate(chosen):
            run_kind(Path(scratch) / f"k{number}", kind, commands, report)
            print(f"{kind.name}: done", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    print_report(report, len(chosen), commands, seconds)
    return 1 if report.failures else 0


def print_report(report: Report, kinds_run: int, commands, seconds: float) -> None:
    total = sum(report.runs.values())
    print(f"{kinds_run} kinds x {len(commands)} command variants = {total} runs in {seconds:.0f} s")
    header = f"{'command':<34} {'runs':>5} " + " ".join(f"{w.split()[0][:9]:>9}" for w in WHAT)
    print(header)
    for command in commands:
        label = " ".join(command)
        counts = report.failures.get(label, {})
        cells = " ".join(f"{counts.get(w, 0):>9}" for w in WHAT)
        print(f"{label[:34]:<34} {report.runs[label]:>5} {cells}")
    failed = sum(sum(c.values()) for c in report.failures.values())
    print(f"failures: {failed}")
    for example in report.examples:
        print(f"FAIL {example}")


if __name__ == "__main__":
    sys.exit(main())
