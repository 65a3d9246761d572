"""Time the authoring commands' core on a generated vault: fix (dry run and real), topics, tags.

Usage:
    python benchmarks/bench_authoring.py [N]      (default N = 2000 notes)

Generates N notes with benchmarks/gen_vault.py into a temporary folder, strips the frontmatter
from a tenth of them and breaks a date in another tenth, adds an outline linking 200 notes, then
prints wall-clock seconds for each step. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studycards.notes.vault import open_vault, scan
from studycards.upkeep.authoring import create_note
from studycards.upkeep.fix import fix_vault
from studycards.upkeep.outlines import load_outlines, outline_stats
from studycards.upkeep.topics import tag_stats, topic_stats

TODAY = dt.date(2026, 11, 24)


def _damage(root: Path) -> None:
    notes = sorted((root / "notes").rglob("*.md"))
    for index, path in enumerate(notes):
        text = path.read_text("utf-8")
        if index % 10 == 0:
            path.write_text(text.split("\n---\n", 1)[1], "utf-8")
        elif index % 10 == 1:
            path.write_text(text.replace("difficulty: medium", "difficulty: Medium"), "utf-8")
    links = "".join(f"- [n](../{p.relative_to(root).as_posix()})\n" for p in notes[:200])
    (root / "outlines").mkdir(exist_ok=True)
    (root / "outlines" / "big.md").write_text("# Big\n\n## All\n" + links, "utf-8")


def _timed(label: str, action) -> object:
    start = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generator = Path(__file__).with_name("gen_vault.py")
        subprocess.run(
            [sys.executable, str(generator), str(count), folder], check=True, capture_output=True
        )
        _damage(root)
        vault = open_vault(root)
        print(f"{count} notes")
        plan = _timed("fix --dry-run", lambda: fix_vault(vault, TODAY, dry_run=True))
        print(f"{'  notes that would change':<34} {len(plan.changed):7d}")
        _timed("fix (writes)", lambda: fix_vault(vault, TODAY))
        _timed("fix again (nothing to do)", lambda: fix_vault(vault, TODAY, dry_run=True))
        notes = _timed("scan (cold index)", lambda: scan(vault).notes)
        _timed("topics", lambda: topic_stats(notes, TODAY))
        _timed("tags", lambda: tag_stats(notes, TODAY))
        by_rel = {n.rel: n for n in notes}
        outlines = _timed("load outlines (200 links)", lambda: load_outlines(vault))
        _timed("outline stats", lambda: [outline_stats(o, by_rel, TODAY) for o in outlines])
        _timed(
            "new x100",
            lambda: [create_note(vault, f"bench {i}", "Bench", TODAY) for i in range(100)],
        )


if __name__ == "__main__":
    main()
