"""The bad-input corpus: committed files under ``bad/`` plus the ones git cannot hold.

:func:`build_vault` makes a vault whose ``notes/bad/`` holds every corpus file and the generated
ones (a folder named like a note and a symlink to it, a dangling symlink, a symlink loop, a path longer than 255
bytes, a 3 MB single line, a 20 MB file, a note of 20,000 headings), and whose ``notes/good/``
holds one good note due today, so that a review session has a card to show.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
BAD = CORPUS / "bad"
LEDGERS = CORPUS / "ledger"
GOOD = "notes/good/ok.md"
LONG_DIRS = ("d" * 120, "e" * 120)  # with the name, a vault path of more than 255 bytes
LONG = "notes/bad/" + "/".join(LONG_DIRS) + "/long_path.md"


def good_note(today: dt.date) -> str:
    return (
        f"---\ncreated: '{today.isoformat()}'\nlast_reviewed: null\n"
        f"next_review: '{today.isoformat()}'\nreview_count: 0\ndifficulty: medium\n"
        "mastery_level: 0.0\ntags: [Good]\n---\n# The one good question\n\n"
        "## Short answer\n\nGOOD ANSWER TEXT\n"
    )


def build_vault(root: Path, today: dt.date) -> Path:
    """A vault at ``root`` holding the whole corpus; returns ``root``."""
    bad = root / "notes" / "bad"
    shutil.copytree(BAD, bad)
    make_generated(bad)
    (root / "notes" / "good").mkdir(parents=True)
    (root / GOOD).write_text(good_note(today), encoding="utf-8")
    (root / "studycards.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
    return root


def make_generated(bad: Path) -> None:
    """The corpus files that cannot live in git, or should not (too large)."""
    (bad / "folder.md").mkdir()
    (bad / "folder.md" / "inside.txt").write_text("not a note\n", encoding="utf-8")
    os.symlink(bad / "folder.md", bad / "folder_link.md")
    os.symlink(bad / "missing_target.md", bad / "dangling_symlink.md")
    os.symlink(bad / "loop_b.md", bad / "loop_a.md")
    os.symlink(bad / "loop_a.md", bad / "loop_b.md")
    long_note = bad.joinpath(*LONG_DIRS) / "long_path.md"
    long_note.parent.mkdir(parents=True)
    long_note.write_text("---\ncreated: '2025-10-19'\nreview_count: lots\n---\n# Deep\n")
    three_mb = b"---\ndifficulty: " + b"x" * 3_000_000 + b"\n---\n# One long line\n"
    (bad / "single_line_3mb.md").write_bytes(three_mb + b"\n## Short answer\n\nYes.\n")
    with open(bad / "huge_20mb.md", "wb") as handle:
        handle.write(b"---\ncreated: '2025-10-19'\n---\n# Huge\n\n")
        handle.truncate(20_000_000)
    headings = "".join(f"### heading {i}\n\ntext\n\n" for i in range(20_000))
    (bad / "many_headings.md").write_text(
        "---\ndifficulty: Medium\n---\n# Many headings\n\n## Short answer\n\nYes.\n\n"
        "## Follow-up questions\n\nnone written yet\n\n" + headings,
        encoding="utf-8",
    )
