"""Atomic file writes: a crash at any instant leaves the old file or the new one, never a mix."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

# What a write puts in the file: the bytes, or a function that writes them into the open file
# (so a big export streams instead of sitting whole in memory first).
Content = Union[bytes, Callable[[BinaryIO], None]]  # noqa: UP007 (an alias, read at run time)

# The temporary file a write goes through: ``.NAME.RANDOM.tmp`` beside the file NAME.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[^./]+\.tmp$")


def _temporary(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def _fill(handle: BinaryIO, data: Content) -> None:
    if callable(data):
        data(handle)
    else:
        handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


def atomic_write(path: Path, data: Content) -> None:
    """Replace ``path`` with ``data`` via a fsynced temporary file in the same folder.

    The file mode of an existing file is kept; a new file gets the default mode (umask applied).
    """
    folder = path.parent
    mode = _existing_mode(path)
    fd, tmp_name = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            _fill(handle, data)
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        _remove_quietly(tmp_name)
        raise
    _fsync_folder(folder)


def _existing_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_create(path: Path, data: Content) -> bool:
    """Create ``path`` with ``data`` atomically; never replaces an existing file.

    Returns False (and writes nothing) when ``path`` already exists.
    """
    fd, tmp_name = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            _fill(handle, data)
        os.chmod(tmp_name, _existing_mode(path))
        os.link(tmp_name, path)
    except FileExistsError:
        return False
    finally:
        _remove_quietly(tmp_name)
    _fsync_folder(path.parent)
    return True
