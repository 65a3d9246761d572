"""How good ``studycards link``'s related notes are, judged by the vault's own outlines.

Usage:
    python benchmarks/bench_link_quality.py DIR [DIR ...] [--segmenter bigram|jieba] [--no-timing]

DIR is a vault with ``outlines/`` (``python benchmarks/gen_real_vault.py DIR`` writes one; the
repository root is the bundled vault). An outline's headings and link-less bullets group the
notes linked under them: notes in one group are related. Printed per vault:

* hit@k: of the notes that share a group with another note, the share whose related block
  (at most ``link_top_k`` links) names at least one of those notes;
* precision: of the links from notes that appear in an outline, the share that point into one
  of the note's outline chapters (the group's top-level section: an outline's ``##`` heading or
  top-level bullet; in an outline whose groups are its ``##`` headings, chapter = group);
* strict precision: the same, counting only links into one of the note's own groups;
* links per note: the mean, and how many notes get 0, 1, ..., k links;
* time: ``python -m studycards --vault COPY link`` on a copy of the vault, cold (no
  ``.studycards`` cache, every block written) and warm (the same again, nothing to write),
  each a fresh process, wall-clock seconds including start-up, with the default segmenter;
  ``--segmenter`` changes the in-process run only.

The quality figures are computed in-process with ``link --dry-run``'s own code. Figures are
printed, not asserted. The generated vault is synthetic (template-built text), so judge a
change on the bundled vault too.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def outline_groups(vault) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Each note's groups and chapters, as ``{rel: {"outline#label", ...}}``."""
    from studycards.upkeep.outlines import load_outlines

    groups: dict[str, set[str]] = {}
    chapters: dict[str, set[str]] = {}
    for outline in load_outlines(vault):
        for item, path in _walk(outline.items, ()):
            for link in item.links:
                if not (link.exists and link.rel):
                    continue
                sections = [node for node in path if not node.links] or [item]
                group = f"{outline.rel}#{sections[-1].line}"
                top = sections[1] if len(sections) > 1 and _is_title(sections[0]) else sections[0]
                groups.setdefault(link.rel, set()).add(group)
                chapters.setdefault(link.rel, set()).add(f"{outline.rel}#{top.line}")
    return groups, chapters


def _is_title(item) -> bool:
    """An outline's single top heading (``# Name``) is its title, not a chapter."""
    return item.heading and any(child.heading for child in item.children)


def _walk(items, path):
    for item in items:
        yield item, path
        yield from _walk(item.children, (*path, item))


def measure(root: Path, segmenter: str | None) -> dict:
    """hit@k, precision, strict precision and the link-count spread on ``root``."""
    from studycards.notes.vault import open_vault
    from studycards.upkeep import segment
    from studycards.upkeep.link import link

    if segmenter:
        segment.DEFAULT = segmenter
    vault = open_vault(root)
    groups, chapters = outline_groups(vault)
    start = time.perf_counter()
    report = link(vault, dry_run=True)
    seconds = time.perf_counter() - start
    links = {n.rel: [s.rel for s in n.links] for n in report.notes}
    members: dict[str, set[str]] = {}
    for rel, mine in groups.items():
        for group in mine:
            members.setdefault(group, set()).add(rel)
    mates = {rel: set().union(*(members[g] for g in mine)) - {rel} for rel, mine in groups.items()}
    judged = [rel for rel in links if mates.get(rel)]
    hits = sum(1 for rel in judged if mates[rel] & set(links[rel]))
    from_outlined = [(rel, other) for rel in links if rel in groups for other in links[rel]]
    in_chapter = sum(1 for rel, o in from_outlined if chapters[rel] & chapters.get(o, set()))
    in_group = sum(1 for rel, o in from_outlined if groups[rel] & groups.get(o, set()))
    spread = Counter(len(v) for v in links.values())
    return {
        "notes": len(links),
        "judged": len(judged),
        "hit": hits / max(1, len(judged)),
        "links": len(from_outlined),
        "precision": in_chapter / max(1, len(from_outlined)),
        "strict": in_group / max(1, len(from_outlined)),
        "per_note": sum(len(v) for v in links.values()) / max(1, len(links)),
        "spread": dict(sorted(spread.items())),
        "k": vault.config.link_top_k,
        "seconds": seconds,
    }


def timing(root: Path) -> tuple[float, float]:
    """Seconds for ``link`` on a fresh copy: cold (no cache), then warm."""
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "vault"
        shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".studycards"))
        command = [sys.executable, "-m", "studycards", "--vault", str(copy), "link"]
        seconds = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=REPO)
            seconds.append(time.perf_counter() - start)
        return seconds[0], seconds[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path, help="vaults with outlines/")
    parser.add_argument("--segmenter", choices=("bigram", "jieba"), default=None)
    parser.add_argument("--no-timing", action="store_true", help="quality figures only")
    args = parser.parse_args()
    for root in args.dirs:
        q = measure(root, args.segmenter)
        print(f"{root}: {q['notes']} notes, {q['judged']} in an outline group with another note")
        print(f"  hit@{q['k']}            {q['hit']:.3f}")
        print(f"  precision        {q['precision']:.3f}  ({q['links']} links from outlined notes)")
        print(f"  strict precision {q['strict']:.3f}")
        print(f"  links per note   {q['per_note']:.2f}  spread {q['spread']}")
        print(
            f"  in-process       {q['seconds']:.2f} s (link --dry-run, {args.segmenter or 'default'})"
        )
        if not args.no_timing:
            cold, warm = timing(root)
            print(f"  link time        cold {cold:.2f} s, warm {warm:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
