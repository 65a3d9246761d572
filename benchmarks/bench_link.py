"""Benchmark ``studycards link``: related-note quality, speed and peak memory.

Usage:
    python benchmarks/bench_link.py [--sizes 500 10000] [--seed 0] [--work DIR] [--quality-only]

Quality, on the bundled vault (the repository root, read without writing to it) and on each
generated vault (``benchmarks/gen_vault.py N DIR``):

* coverage: the share of notes whose topic folder holds 3+ notes that get at least one
  related note (target: >= 95%);
* same topic: the share of all suggestions that lie in the note's own topic folder
  (target: >= 80%).

Tags play no part in the score; ``bench_link_quality.py`` judges links by the vault's outlines.

Speed and memory, on each generated vault, each run a fresh ``python -m studycards`` process
(wall time includes start-up; peak memory is the process's maximum resident set size):

1. cold: no cache yet, every block written;
2. warm: the same command again, nothing to write;
3. cold, nothing to write: the text cache deleted, every note parsed again;
4. warm ``--dry-run``.

Figures are printed, not asserted.
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
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def quality(root: Path, use_cache: bool) -> dict[str, float]:
    """Coverage and same-topic share of ``link``'s suggestions."""
    from studycards.notes.corpus import load_corpus
    from studycards.notes.vault import open_vault
    from studycards.upkeep import related as related_module

    vault = open_vault(root)
    corpus = load_corpus(vault, use_cache=use_cache)
    k, threshold = vault.config.link_top_k, vault.config.link_threshold
    return _measure(corpus, related_module.related(corpus, k, threshold))


def _measure(corpus, found) -> dict[str, float]:
    topics = Counter(note.topic for note in corpus.notes)
    topic_of = {note.rel: note.topic for note in corpus.notes}
    eligible = [
        row for row, note in enumerate(corpus.notes) if note.topic and topics[note.topic] >= 3
    ]
    covered = sum(1 for row in eligible if found.get(row))
    pairs = [
        (corpus.notes[row].topic, topic_of[s.rel]) for row, picks in found.items() for s in picks
    ]
    same = sum(1 for a, b in pairs if a == b)
    return {
        "notes": len(corpus.notes),
        "eligible": len(eligible),
        "coverage": covered / len(eligible) if eligible else float("nan"),
        "suggestions": len(pairs),
        "same_topic": same / len(pairs) if pairs else float("nan"),
    }


def run_child(vault: Path, *args: str) -> dict[str, float]:
    """Run ``studycards --vault VAULT ARGS`` in a fresh process; wall time and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        command = [sys.executable, __file__, "--child", report.name, str(vault), *args]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"link failed ({done.returncode}):\n{done.stderr}")
        data = json.loads(Path(report.name).read_text() or "{}")
    data["seconds"] = seconds
    data["summary"] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return data


def child(report: str, vault: str, args: list[str]) -> None:
    """The measured process: the CLI in-process, then its peak memory into ``report``."""
    from studycards.cli import app

    try:
        app(["--vault", vault, *args], prog_name="studycards")
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(report).write_text(json.dumps({"peak_mb": peak_kb / 1024}))


def generate(size: int, folder: Path, seed: int) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    command = [sys.executable, str(REPO / "benchmarks" / "gen_vault.py"), str(size), str(folder)]
    subprocess.run([*command, "--seed", str(seed)], check=True, capture_output=True)


def speed(folder: Path) -> list[tuple[str, dict[str, float]]]:
    cache = folder / ".studycards" / "text.sqlite"
    runs = [("cold (writes blocks)", run_child(folder, "link"))]
    print(f"  stale cache entries after the first run: {_stale(cache)}", flush=True)
    runs.append(("warm (nothing to write)", run_child(folder, "link")))
    cache.unlink()
    runs.append(("cold (nothing to write)", run_child(folder, "link")))
    runs.append(("warm --dry-run", run_child(folder, "link", "--dry-run")))
    return runs


def _stale(cache: Path) -> int:
    """Cache rows whose key no longer matches their file (each costs a re-parse)."""
    import sqlite3

    connection = sqlite3.connect(cache)
    try:
        rows = connection.execute("SELECT rel, size, mtime_ns FROM notes").fetchall()
    finally:
        connection.close()
    root = cache.parent.parent
    stats = ((root / rel).stat() for rel, _, _ in rows)
    return sum(
        (s.st_size, s.st_mtime_ns) != (size, mtime)
        for s, (_, size, mtime) in zip(stats, rows, strict=True)
    )


def show_quality(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name}: {figures['notes']} notes, {figures['eligible']} in topics of 3+; "
        f"coverage {figures['coverage']:.1%}, same topic {figures['same_topic']:.1%} "
        f"({figures['suggestions']} suggestions)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=None, help="where generated vaults go")
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if (REPO / "notes").is_dir():
        show_quality("bundled vault", quality(REPO, use_cache=False))
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_link_"))
    for size in args.sizes:
        folder = work / f"vault_{size}"
        generate(size, folder, args.seed)
        if not args.quality_only:
            for name, run in speed(folder):
                print(f"{size:>6} notes  {name:<24} {run['seconds']:6.2f} s  "
                      f"peak {run['peak_mb']:6.0f} MB   {run['summary']}")  # fmt: skip
        show_quality(f"generated {size}", quality(folder, use_cache=not args.quality_only))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(main())
