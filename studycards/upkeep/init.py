"""Create a new vault skeleton without ever overwriting a file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from studycards._atomic import atomic_create
from studycards.errors import CannotComplete
from studycards.notes.config import CONFIG_NAME

EXAMPLE_NOTE = Path("notes") / "Example" / "What is spaced repetition.md"


@dataclass(frozen=True)
class InitResult:
    root: Path
    made: tuple[str, ...]
    kept: tuple[str, ...]


def template_text(name: str) -> str:
    """A file from the package's ``templates`` folder."""
    return resources.files("studycards").joinpath("templates", name).read_text(encoding="utf-8")


def init_vault(root: Path, today: dt.date | None = None) -> InitResult:
    """Create ``studycards.yaml``, ``notes/`` and one example note under ``root``."""
    if root.exists() and not root.is_dir():
        raise CannotComplete(f"{root} exists and is not a folder")
    root.mkdir(parents=True, exist_ok=True)
    day = (today or dt.date.today()).isoformat()
    files = {
        Path(CONFIG_NAME): template_text("config.yaml"),
        EXAMPLE_NOTE: template_text("example_note.md").replace("{{DATE}}", day),
    }
    made, kept = [], []
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_symlink() and atomic_create(target, text.encode("utf-8")):
            made.append(rel.as_posix())
        else:
            kept.append(rel.as_posix())
    from studycards.notes.gitfiles import (
        ATTRIBUTES_NAME,
        ensure_gitattributes,
        register_merge_driver,
    )

    register_merge_driver(root)
    if ensure_gitattributes(root):
        made.append(ATTRIBUTES_NAME)
    else:
        kept.append(ATTRIBUTES_NAME)
    return InitResult(root.resolve(), tuple(made), tuple(kept))
