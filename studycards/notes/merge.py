"""Merging a note that two machines changed: the frontmatter projection is studycards' to
settle, everything else is merged by git as usual.

A review rewrites only the projection keys (``last_reviewed``, ``next_review``,
``review_count``, ``mastery_level``, and ``id`` the first time). When a note was reviewed on two
machines, both sides changed those lines and a plain merge conflicts. Here the side with the later
review gives its projection lines to both sides, ``review_count`` adds up both sides' reviews,
and then git's own three-way merge (``git merge-file``) runs on the rest: a conflict a person
made in the body or in other keys is kept, with its markers, for the person.

``studycards merge-note`` runs this as git's merge driver for notes (``.gitattributes``:
``notes/**/*.md merge=studycards-note``); ``doctor --repair`` resolves the same conflicts in a
note already holding conflict markers.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studycards.notes._yaml import YAMLError
from studycards.notes.frontmatter_edit import capture_lines, restore_lines, update_text
from studycards.notes.summary import parse_summary

PROJECTION = ["last_reviewed", "next_review", "review_count", "mastery_level", "id"]
DRIVER = "studycards-note"


@dataclass(frozen=True)
class Side:
    text: str
    last_reviewed: dt.date | None
    review_count: int


def side(text: str) -> Side | None:
    """A version's review state; ``None`` when its frontmatter cannot be read."""
    try:
        summary = parse_summary(text, "notes/x.md")
    except (YAMLError, ValueError):
        return None
    if summary.broken:
        return None
    return Side(text, summary.last_reviewed, summary.review_count)


def later(ours: Side, theirs: Side) -> Side:
    """The side reviewed later (then the one with more reviews); ``ours`` on a tie."""

    def key(s: Side) -> tuple:
        return (s.last_reviewed or dt.date.min, s.review_count)

    return theirs if key(theirs) > key(ours) else ours


def harmonised(base: str | None, ours: str, theirs: str) -> tuple[str, str] | None:
    """Both sides with the same projection lines (the later review's, with the reviews of both
    counted), or ``None`` when a side's frontmatter cannot be read."""
    a, b = side(ours), side(theirs)
    if a is None or b is None:
        return None
    winner = later(a, b)
    lines = capture_lines(winner.text, PROJECTION)
    start = side(base) if base is not None else None
    common = start.review_count if start is not None else min(a.review_count, b.review_count)
    count = max(a.review_count, b.review_count, a.review_count + b.review_count - common)
    results = []
    for text in (ours, theirs):
        text = restore_lines(text, lines)
        if count != winner.review_count:
            text = update_text(text, {"review_count": count})
        results.append(text)
    return results[0], results[1]


def merge_texts(base: str, ours: str, theirs: str) -> tuple[str, int]:
    """The merged note and the number of conflicts git left in it (0: clean)."""
    pair = harmonised(base, ours, theirs)
    if pair is not None:
        ours, theirs = pair
    return _merge_file(base, ours, theirs)


def _merge_file(base: str, ours: str, theirs: str) -> tuple[str, int]:
    with tempfile.TemporaryDirectory(prefix="studycards-merge-") as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        run = subprocess.run(
            ["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *paths],
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
    if run.returncode < 0 or run.returncode > 127:
        raise OSError(f"git merge-file failed: {run.stderr.decode('utf-8', 'replace').strip()}")
    return run.stdout.decode("utf-8"), run.returncode


def merge_driver(base: Path, ours: Path, theirs: Path) -> int:
    """git's merge driver: merge into ``ours`` in place; the number of conflicts left.

    A file that is not UTF-8 text is left to git's plain merge."""
    try:
        texts = [p.read_bytes().decode("utf-8") for p in (base, ours, theirs)]
    except UnicodeDecodeError:
        merged, conflicts = _merge_bytes(base, ours, theirs)
        ours.write_bytes(merged)
        return conflicts
    merged, conflicts = merge_texts(*texts)
    ours.write_bytes(merged.encode("utf-8"))
    return conflicts


def _merge_bytes(base: Path, ours: Path, theirs: Path) -> tuple[bytes, int]:
    run = subprocess.run(
        ["git", "merge-file", "-p", str(ours), str(base), str(theirs)],
        capture_output=True,
        check=False,
    )
    return run.stdout, run.returncode


# ---------------------------------------------------------------------------------------------
# a note already holding conflict markers (a merge without the driver)

_START, _BASE, _MID, _END = "<<<<<<< ", "||||||| ", "=======", ">>>>>>> "


@dataclass(frozen=True)
class Hunk:
    start: int  # line index of <<<<<<<
    end: int  # line index of >>>>>>>
    ours: list[str]
    base: list[str] | None
    theirs: list[str]


def conflict_hunks(lines: list[str]) -> list[Hunk]:
    """The conflict blocks git left, as line spans with each side's lines."""
    hunks, i = [], 0
    while i < len(lines):
        if not lines[i].startswith(_START):
            i += 1
            continue
        parts: dict[str, list[str]] = {"ours": [], "base": [], "theirs": []}
        part, j, has_base = "ours", i + 1, False
        while j < len(lines) and not lines[j].startswith(_END):
            line = lines[j]
            if line.startswith(_BASE) and part == "ours":
                part, has_base = "base", True
            elif line.rstrip("\r\n") == _MID and part != "theirs":
                part = "theirs"
            else:
                parts[part].append(line)
            j += 1
        if j == len(lines):
            break  # an unclosed block: left as it is
        hunks.append(Hunk(i, j, parts["ours"], parts["base"] if has_base else None, parts["theirs"]))
        i = j + 1
    return hunks


def _projection_only(hunk: Hunk, frontmatter_end: int) -> bool:
    """A block in the frontmatter where the sides differ only in review-key lines."""

    def review_key(line: str) -> bool:
        key = line.split(":", 1)[0].strip()
        return ":" in line and key in PROJECTION and not line[:1].isspace()

    def rest(lines: list[str]) -> list[str]:
        return [line for line in lines if line.strip() and not review_key(line)]

    return hunk.end < frontmatter_end and rest(hunk.ours) == rest(hunk.theirs)


def _frontmatter_end(lines: list[str]) -> int:
    """The index of the closing ``---`` line of the frontmatter (0 when there is none)."""
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n") != "---":
        return 0
    for n, line in enumerate(lines[1:], 1):
        if line.rstrip("\r\n") in ("---", "...") :
            return n
    return 0


@dataclass(frozen=True)
class Resolved:
    text: str
    settled: int  # review-key conflicts settled
    left: tuple[int, ...]  # 1-based lines of the conflicts left for the person


def resolve_markers(text: str) -> Resolved | None:
    """Settle the conflict blocks that only hold review keys; ``None`` when there are none."""
    lines = text.splitlines(keepends=True)
    hunks = conflict_hunks(lines)
    if not hunks:
        return None
    end = _frontmatter_end(lines)
    settle = [h for h in hunks if _projection_only(h, end)]
    left = tuple(h.start + 1 for h in hunks if h not in settle)
    if not settle:
        return Resolved(text, 0, left)
    ours, theirs, base = _side_texts(lines, settle)
    pair = harmonised(base, ours, theirs)
    merged = pair[0] if pair is not None else ours
    return Resolved(merged, len(settle), tuple(_shifted(left, settle)))


def _side_texts(lines: list[str], settle: list[Hunk]) -> tuple[str, str, str | None]:
    """The note with the settled blocks taken from our side, from theirs, and from the base."""
    out: dict[str, list[str]] = {"ours": [], "theirs": [], "base": []}
    i = 0
    for hunk in settle:
        for name in out:
            out[name] += lines[i : hunk.start]
        out["ours"] += hunk.ours
        out["theirs"] += hunk.theirs
        out["base"] += hunk.base if hunk.base is not None else hunk.ours
        i = hunk.end + 1
    for name in out:
        out[name] += lines[i:]
    has_base = all(h.base is not None for h in settle)
    return "".join(out["ours"]), "".join(out["theirs"]), "".join(out["base"]) if has_base else None


def _shifted(left: tuple[int, ...], settle: list[Hunk]) -> list[int]:
    """Line numbers of the blocks left, after the settled ones above them shrank."""
    result = []
    for line in left:
        removed = sum(
            (h.end - h.start + 1) - len(h.ours) for h in settle if h.end + 1 < line
        )
        result.append(line - removed)
    return result
