"""Time the switch-over from the old scripts and the nightly step on generated vaults.

Usage: python benchmarks/bench_migrate.py [--sizes 1000 10000] [--ticks 20] [--workdir DIR]

For each size it generates a vault with benchmarks/gen_vault.py, adds the old scripts' files
from tests/fixtures/oldvault (config/, reviewsArchived/), makes it a git repository with a bare
remote (the vault pushed once before the timings), then times, each as a separate process:
  - ``studycards migrate`` (first run) and again (the idempotent second run)
  - ``studycards today`` (Chinese checklist, the old caps)
  - ``studycards sync --commit --push`` with --ticks boxes ticked (reviews, fix, commit, pull,
    push)
and prints wall time, CPU time of the process and its children (git) and peak memory.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_checklist_export import report, run

HERE = Path(__file__).resolve().parent
OLD = HERE.parent / "tests" / "fixtures" / "oldvault"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def prepare(size: int, workdir: Path) -> Path:
    vault = workdir / f"old_{size}"
    if vault.exists():
        shutil.rmtree(vault)
    subprocess.run([sys.executable, str(HERE / "gen_vault.py"), str(size), str(vault)], check=True)
    (vault / "studycards.yaml").unlink(missing_ok=True)
    for part in ("config", "reviewsArchived"):
        shutil.copytree(OLD / part, vault / part)
    remote = workdir / f"old_{size}.git"
    if remote.exists():
        shutil.rmtree(remote)
    git(workdir, "init", "-q", "--bare", str(remote))
    git(vault, "init", "-q")
    git(vault, "add", "-A")
    git(vault, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "old vault")
    git(vault, "remote", "add", "origin", str(remote))
    return vault


def tick(vault: Path, count: int) -> int:
    path = vault / "reviewsToday.md"
    text, done = re.subn(r"(?m)^- \[ \]", "- [x]", path.read_text(encoding="utf-8"), count=count)
    path.write_text(text, encoding="utf-8")
    return done


def bench(size: int, ticks: int, workdir: Path) -> None:
    vault = prepare(size, workdir)
    print(f"{size} notes:")
    report("migrate", run(["migrate"], vault))
    report("migrate (again)", run(["migrate"], vault))
    git(vault, "add", "-A")
    git(vault, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "migrated")
    git(vault, "push", "-q", "-u", "origin", "HEAD")  # the nightly push then sends one day
    report("today", run(["today", "--force"], vault))
    ticked = tick(vault, ticks)
    report(f"sync --commit --push ({ticked})", run(["sync", "--commit", "--push"], vault))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    os.environ.update(GIT_ENV)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="studycards-migrate-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        bench(size, args.ticks, workdir)


if __name__ == "__main__":
    main()
