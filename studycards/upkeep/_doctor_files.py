"""What doctor reads from the vault's files: who holds the lock, what the index holds, and which
temporary files interrupted writes left behind."""

from __future__ import annotations

import marshal
import os
import sqlite3
import time
from collections import Counter
from pathlib import Path

from studycards._atomic import TEMPORARY
from studycards.notes.note import NoteSummary
from studycards.notes.note_file import walk
from studycards.notes.selection import SKIP_DIRS
from studycards.notes.vault import STATE_DIR, Vault

# ---------------------------------------------------------------------------------------------
# the lock


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_held(path: Path) -> bool:
    """Whether some process holds the flock on the lock file right now."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


# ---------------------------------------------------------------------------------------------
# the cache


_GONE, _OLDER = "for notes that no longer exist", "older than the note"
_LYING = "not matching the note, whose size and time did not change"
_STALE = (_GONE, _OLDER, _LYING)


def _read_index(path: Path) -> tuple[str | None, list[tuple]]:
    connection = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        stamp = connection.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        rows = connection.execute("SELECT rel, size, mtime_ns, summary FROM notes").fetchall()
    finally:
        connection.close()
    return (stamp[0] if stamp else None), rows


def _stale_rows(vault: Vault, rows: list[tuple], fresh: dict[str, NoteSummary]) -> Counter:
    counts: Counter = Counter()
    for rel, size, mtime_ns, blob in rows:
        try:
            info = os.stat(vault.root / rel)
        except (OSError, TypeError, ValueError):
            counts[_GONE] += 1
            continue
        if (info.st_size, info.st_mtime_ns) != (size, mtime_ns):
            counts[_OLDER] += 1
        elif _cached(blob) != fresh.get(rel):
            counts[_LYING] += 1
    return counts


def _cached(blob: bytes) -> NoteSummary | None:
    try:
        return NoteSummary.from_row(marshal.loads(blob))
    except (ValueError, TypeError, EOFError, KeyError, IndexError, OverflowError):
        return None


def _shown(vault: Vault, path: Path) -> str:
    try:
        return vault.rel(path)
    except Exception:
        return str(path)


# ---------------------------------------------------------------------------------------------
# temporary files

# Younger ones may belong to a write still running (caches are written without the lock).
_TEMPORARY_MIN_AGE = 60.0
_NOT_WALKED = (SKIP_DIRS | {".git", ".obsidian", ".trash"}) - {STATE_DIR}  # as the note scan


def _temporary_files(vault: Vault) -> list[Path]:
    """Temporary files a killed write left behind, more than a minute old."""
    found = []
    oldest = time.time() - _TEMPORARY_MIN_AGE
    for folder, files in walk(str(vault.root), lambda name: name not in _NOT_WALKED):
        for name in files:
            path = Path(folder) / name
            if TEMPORARY.match(name) and _modified(path) < oldest:
                found.append(path)
    return found


def _modified(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return float("inf")
