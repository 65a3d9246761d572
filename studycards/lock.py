"""The vault's write lock: one writing studycards process at a time.

``fcntl.flock`` on ``.studycards/lock``; the holder's pid is written into the file so a second
writer can say who holds it. The kernel drops the lock when its process dies, so a crash never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from studycards._statefile import (
    FILE_MODE,
    SymlinkRefused,
    check_state_dir,
    open_nofollow,
    read_bytes,
)
from studycards.errors import StudycardsError, VaultLocked

LOCK_NAME = "lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def vault_lock(state_dir: Path) -> Iterator[None]:
    """Hold the vault's write lock; raise :class:`VaultLocked` at once if another process has it."""
    path = state_dir / LOCK_NAME
    fd = _open(state_dir, path)
    try:
        _acquire(fd, path)
        _write_holder(fd, f"{os.getpid()}\n")
        try:
            yield
        finally:
            _write_holder(fd, "")
    finally:
        os.close(fd)


def _write_holder(fd: int, text: str) -> None:
    """Say who holds the lock (cleared on release, so a pid left behind is a crashed holder).

    Only informational: a full or read-only disk must not stop the lock from working.
    """
    try:
        os.ftruncate(fd, 0)
        if text:
            os.pwrite(fd, text.encode(), 0)
    except OSError:
        pass


def _open(state_dir: Path, path: Path) -> int:
    check_state_dir(state_dir.parent, state_dir)
    if state_dir.exists() and not state_dir.is_dir():
        message = "is not a folder: studycards keeps the review ledger and its lock there"
        raise StudycardsError(message, state_dir)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        return open_nofollow(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except StudycardsError:
        raise
    except OSError as error:
        raise StudycardsError(f"cannot open the vault's lock: {error.strerror}", path) from None


_PATIENCE: ContextVar[float] = ContextVar("studycards_lock_patience", default=0.0)


@contextlib.contextmanager
def patience(seconds: float) -> Iterator[None]:
    """Inside the block, a busy lock is retried for up to ``seconds`` before giving up.

    Commands fail at once; the interactive session waits briefly, so a ``link`` or a scripted
    ``grade`` running beside it only delays a grade instead of losing it.
    """
    token = _PATIENCE.set(seconds)
    try:
        yield
    finally:
        _PATIENCE.reset(token)


def _acquire(fd: int, path: Path) -> None:
    if fcntl is None:
        return
    deadline = time.monotonic() + _PATIENCE.get()
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise VaultLocked(
                f"another studycards process (pid {_holder(path)}) is writing to this vault"
            )
        time.sleep(0.05)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise
        return False
    return True


def _holder(path: Path) -> str:
    try:
        return read_bytes(path).decode("ascii").strip() or "?"
    except (OSError, UnicodeDecodeError, SymlinkRefused):
        return "?"
