"""The vault's git settings files studycards keeps: ``.gitattributes`` lines that make the
ledger merge without conflicts, and the ``.studycards/.gitignore`` entries kept in git.

Lines are only ever added (never reordered or removed), so a person's own lines stay as they are.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from studycards._atomic import atomic_write

ATTRIBUTES_NAME = ".gitattributes"
# The ledger only ever gains lines, so git's union merge keeps both machines' reviews.
LEDGER_ATTRIBUTE = ".studycards/reviews.jsonl merge=union"
DRIVER = "studycards-note"


def attribute_lines(notes_dir: str = "notes") -> tuple[str, ...]:
    """The ledger's union merge, and studycards' merge driver for notes."""
    return (LEDGER_ATTRIBUTE, f"{notes_dir}/**/*.md merge={DRIVER}")


def ensure_lines(path: Path, lines: tuple[str, ...], header: str | None = None) -> list[str]:
    """Append each of ``lines`` that ``path`` lacks (creating the file); return those added."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in have]
    if not missing:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    if header and header not in have:
        text += header + "\n"
    atomic_write(path, (text + "".join(f"{line}\n" for line in missing)).encode("utf-8"))
    return missing


def ensure_gitattributes(root: Path, notes_dir: str = "notes") -> list[str]:
    """The vault's ``.gitattributes`` holds studycards' merge rules; the lines it added."""
    header = (
        "# studycards: the review ledger merges by keeping both sides' lines; notes reviewed on "
        "two machines merge their review keys (see 'studycards merge-note --help')"
    )
    return ensure_lines(root / ATTRIBUTES_NAME, attribute_lines(notes_dir), header)


def driver_command() -> str:
    """The command git runs to merge a note: this Python, so it works outside the venv too."""
    return f"{shlex.quote(sys.executable)} -m studycards merge-note %O %A %B %P"


def register_merge_driver(root: Path) -> bool:
    """Register the notes' merge driver in the repository's own git config (``.git/config``;
    git does not take drivers from a cloned repository). False when ``root`` is not in a git
    work tree or git is missing."""
    try:
        inside = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            check=False,
        )
        if inside.returncode != 0:
            return False
        for key, value in (
            (f"merge.{DRIVER}.name", "studycards: review keys from the later review"),
            (f"merge.{DRIVER}.driver", driver_command()),
        ):
            subprocess.run(["git", "-C", str(root), "config", key, value], check=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return True
