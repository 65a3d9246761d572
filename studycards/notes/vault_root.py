"""Telling a vault from a folder that is not one, and saying what the vault root would be.

A folder given as ``--vault`` that is no vault is refused with a reason, never turned into one:
no ``.studycards/`` is created outside a vault.
"""

from __future__ import annotations

import os
from pathlib import Path

from studycards.notes.config import CONFIG_NAME

_SKIP = {".git", ".studycards", ".obsidian", ".trash", "node_modules", "__pycache__"}


def is_vault(folder: Path) -> bool:
    """A vault holds ``studycards.yaml`` or a ``notes/`` folder."""
    return (folder / CONFIG_NAME).is_file() or (folder / "notes").is_dir()


def not_a_vault(folder: Path) -> str:
    """Why ``folder`` is no vault, and what the vault root would be if it holds notes."""
    shown = str(folder)
    if not _holds_markdown(folder):
        return (
            f"no vault at {shown}: it has no notes/ folder and no {CONFIG_NAME} "
            f"('studycards init {shown}' makes one)"
        )
    parent = Path(os.path.abspath(folder)).parent
    if folder.resolve().name == "notes" or is_vault(parent):
        return (
            f"{shown} is a notes folder, not a vault: the vault root would be {parent} "
            f"(pass --vault {parent})"
        )
    return (
        f"{shown} holds notes but is not a vault (no notes/ folder, no {CONFIG_NAME}): the vault "
        f"root would be {parent} with 'notes_dir: {folder.resolve().name}' in its {CONFIG_NAME}"
    )


def _holds_markdown(folder: Path, depth: int = 3) -> bool:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    if any(e.name.endswith(".md") and e.is_file() for e in entries):
        return True
    return depth > 0 and any(
        _holds_markdown(Path(e.path), depth - 1)
        for e in entries
        if e.is_dir(follow_symlinks=False) and e.name not in _SKIP
    )
