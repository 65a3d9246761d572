"""Which files may be read as notes: regular files inside the vault, of a bounded size.

A vault cloned from someone else is untrusted input. A note (or outline) that is a symlink to a
file outside the vault is skipped and reported, so ``show`` or an export never prints a private
file and ``grade`` never copies one in; a FIFO, socket or device named ``x.md`` is reported
instead of being opened (opening a FIFO blocks forever). Files are opened non-blocking and
checked again on the open descriptor, so a file swapped after the check is still refused.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator

from studycards.notes.note import Problem

_NOT_REGULAR = "is not a regular file (a FIFO, socket or device): not read"


def kind_problem(rel: str, path: str, root: str) -> Problem | None:
    """Why the file at ``path`` cannot be a note, judged from ``lstat`` (None when it can).

    ``root`` is the vault's real path. A symlink may lead anywhere inside the vault.
    """
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        real = os.path.realpath(path)
        if not _within(real, root):
            return Problem(rel, None, "error", f"is a symlink to {real}, outside the vault: skipped")
        info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        return Problem(rel, None, "error", "is a folder named like a note, not a file")
    if not stat.S_ISREG(info.st_mode):
        return Problem(rel, None, "error", _NOT_REGULAR)
    return None


def _within(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def read_note_bytes(rel: str, path: str, root: str, limit: int) -> tuple[bytes | None, Problem | None]:
    """The bytes of the note at ``path``, or the problem that stops it being read.

    Raises OSError when the file cannot be reached at all (missing, unreadable).
    """
    problem = kind_problem(rel, path, root)
    if problem:
        return None, problem
    fd = _open(path)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(rel, None, "error", _NOT_REGULAR)
        if info.st_size > limit:
            return None, too_large(rel, info.st_size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew since it was checked
        return None, too_large(rel, len(data), limit)
    return data, None


def _open(path: str) -> int:
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))


def too_large(rel: str, size: int, limit: int) -> Problem:
    message = f"too large ({size / 1e6:.1f} MB, limit {limit / 1e6:.1f} MB)"
    return Problem(rel, None, "error", message)


def walk(top: str, keep: Callable[[str], bool]) -> Iterator[tuple[str, list[str]]]:
    """``(folder, file names)`` for ``top`` and every folder below whose name ``keep`` accepts,
    sorted, symlinked folders not followed. A stack, not recursion (``os.walk`` recurses per
    level before Python 3.12), so a thousand nested folders are walked like any others."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError:
            continue
        subfolders = [e.path for e in entries if e.is_dir(follow_symlinks=False) and keep(e.name)]
        yield folder, [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        stack.extend(reversed(subfolders))
