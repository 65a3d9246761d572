"""The bundled sample vault: copy it anywhere (``init --sample``) and put a copy back as shipped.

An installed studycards carries the sample in ``studycards/sample/`` (the build copies the
repository's own ``notes/``, ``outlines/`` and ``studycards.yaml`` there). Run from a source
checkout, the checkout itself is the sample.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from studycards._atomic import atomic_create, atomic_write
from studycards.errors import CannotComplete
from studycards.lock import vault_lock
from studycards.notes.config import CONFIG_NAME
from studycards.notes.selection import SKIP_DIRS as _SCAN_SKIPS
from studycards.notes.vault import STATE_DIR

_PACKAGE = Path(__file__).resolve().parent.parent
_PARTS = ("notes", "outlines", CONFIG_NAME)
# Derived files a reset deletes so nothing computed from the old history survives.
_CACHES = (
    "index.sqlite",
    "text.sqlite",
    "check.sqlite",
    "search.sqlite",
    "tokens.sqlite",
    "link.sqlite",
    "activity.json",
    "snapshot.bin",
    "replay.bin",
    "calibration.bin",
)
LEDGER = "reviews.jsonl"

# what the note scan never walks, dot-folders included
SKIP_DIRS = _SCAN_SKIPS | {".git", STATE_DIR, ".obsidian", ".trash"}


@dataclass(frozen=True)
class SampleResult:
    root: Path
    made: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    history: str | None = None  # where a reset moved the old review ledger


def sample_root() -> Path:
    """The folder holding the sample vault: the package's copy, else the source checkout."""
    shipped = _PACKAGE / "sample"
    if (shipped / "notes").is_dir():
        return shipped
    checkout = _PACKAGE.parent
    if (checkout / "notes").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    raise CannotComplete("this studycards was installed without its sample vault")


def sample_files(source: Path | None = None) -> dict[str, Path]:
    """Every file of the sample, by vault-relative POSIX path."""
    source = source or sample_root()
    files: dict[str, Path] = {}
    for part in _PARTS:
        path = source / part
        if path.is_file():
            files[part] = path
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in sorted(names):
                full = Path(folder, name)
                files[full.relative_to(source).as_posix()] = full
    return files


def init_sample(root: Path) -> SampleResult:
    """Write the sample vault under ``root``; files that already exist are kept, never replaced."""
    if root.exists() and not root.is_dir():
        raise CannotComplete(f"{root} exists and is not a folder")
    made, kept = [], []
    for rel, source in sample_files().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_symlink() and atomic_create(target, source.read_bytes()):
            made.append(rel)
        else:
            kept.append(rel)
    return SampleResult(root.resolve(), tuple(made), tuple(kept))


def reset_sample(root: Path, now: dt.datetime) -> SampleResult:
    """Put a copy of the sample back as shipped: its files' bytes, and no review history.

    The old ledger is moved aside inside ``.studycards/`` (never deleted); caches are dropped.
    Refuses a folder holding notes of its own, and the sample's own source.
    """
    source = sample_root()
    files = sample_files(source)
    _check_resettable(root, source, files)
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    with vault_lock(state):
        restored = []
        for rel, path in files.items():
            target, data = root / rel, path.read_bytes()
            if not target.is_file() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(target, data)
                restored.append(rel)
        history = _set_aside_ledger(state, now)
        for name in _CACHES:
            (state / name).unlink(missing_ok=True)
    return SampleResult(root.resolve(), restored=tuple(restored), history=history)


def _check_resettable(root: Path, source: Path, files: dict[str, Path]) -> None:
    if not (root / "notes").is_dir():
        raise CannotComplete(f"{root}: not a copy of the sample vault (no notes/ folder)")
    if root.resolve() == source.resolve():
        raise CannotComplete(
            f"{root} is the sample's own source: 'git checkout notes outlines studycards.yaml "
            "&& rm -rf .studycards' puts it back"
        )
    for path in sorted((root / "notes").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if rel not in files and not set(path.relative_to(root).parts) & SKIP_DIRS:
            raise CannotComplete(f"{rel}: not a note of the sample vault; nothing was reset")


def _set_aside_ledger(state: Path, now: dt.datetime) -> str | None:
    ledger = state / LEDGER
    if not ledger.exists():
        return None
    kept = state / f"reviews-before-reset-{now.strftime('%Y%m%dT%H%M%S')}.jsonl"
    os.replace(ledger, kept)
    return f"{STATE_DIR}/{kept.name}"
