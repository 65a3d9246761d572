"""Files under ``.studycards/`` are opened without following symlinks.

A vault cloned from someone else may carry a committed ``.studycards/lock`` or
``reviews.jsonl`` that is a symlink to a file of the person's (a shell rc file, say). Following
it would truncate or append to that file, so every state file is opened with ``O_NOFOLLOW`` and a
symlink is refused with a message naming it. New state files are created readable by others but
writable only by their owner.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from studycards.errors import StudycardsError

T = TypeVar("T")

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
FILE_MODE = 0o644
PRIVATE_MODE = 0o600


class SymlinkRefused(StudycardsError):
    """A state file is a symlink; studycards does not write (or read) through it."""


def refused(path: Path) -> SymlinkRefused:
    message = "is a symlink: studycards never follows symlinks in .studycards/ (remove it)"
    return SymlinkRefused(message, path)


def open_nofollow(path: Path, flags: int, mode: int = FILE_MODE) -> int:
    """``os.open`` that refuses a symlink (and anything but a regular file) at ``path``."""
    try:
        fd = os.open(path, flags | NOFOLLOW | CLOEXEC | os.O_NONBLOCK, mode)
    except OSError as error:
        if error.errno == errno.ELOOP or (error.errno == errno.EMLINK and is_symlink(path)):
            raise refused(path) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path) -> bytes:
    """The whole content of a state file, refusing a symlink."""
    fd = open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def is_symlink(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def safe_for_sqlite(path: Path) -> bool:
    """True when ``path`` is missing or a regular file: what a cache opened by a library that
    follows symlinks (SQLite, NumPy) may be."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def create_once(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Create ``path`` holding ``data`` unless something (a file, a symlink) is already there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, mode)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def check_state_dir(root: Path, state_dir: Path) -> None:
    """Refuse a ``.studycards`` that is a symlink leading out of the vault, or not a folder."""
    if not is_symlink(state_dir):
        return
    real = Path(os.path.realpath(state_dir))
    inside = Path(os.path.realpath(root))
    if real != inside and inside not in real.parents:
        message = f"is a symlink to {real}, outside the vault: studycards will not write there"
        raise SymlinkRefused(message, state_dir)


def open_cache(state_dir: Callable[[], Path], name: str, connect: Callable[[Path], T]) -> T | None:
    """A disposable SQLite cache ``name`` in the state folder, opened by ``connect``; None when
    there can be none this time: a symlink (or worse) where it belongs, locked or read-only, or
    no state folder. A file that is not a database any more is deleted and started afresh."""
    import sqlite3

    try:
        path = state_dir() / name
        if not safe_for_sqlite(path):
            return None
        try:
            return connect(path)
        except sqlite3.OperationalError:
            return None
        except sqlite3.DatabaseError:
            path.unlink()
            return connect(path)
    except (OSError, sqlite3.Error):
        return None
