"""One hierarchy of errors; each names the file (and line) it is about.

The CLI boundary catches :class:`StudycardsError`, prints ``str(error)`` as one line on stderr and
exits non-zero, so every message here is written for a person at the terminal.
"""

from __future__ import annotations

from pathlib import Path


class StudycardsError(Exception):
    """Base class for every error a person can cause or meet."""

    exit_code = 1

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class UsageError(StudycardsError):
    """A bad argument or option value given on the command line."""

    exit_code = 2


class CannotComplete(StudycardsError):
    """The command ran, but what it was asked cannot be done in the vault as it is
    (nothing to undo, a target that already exists, a folder that is not a sample copy)."""


class VaultNotFound(StudycardsError):
    """No vault could be found from the given or current directory."""


class ConfigError(StudycardsError):
    """The vault's ``studycards.yaml`` is unreadable or holds a bad value."""


class NoteParseError(StudycardsError):
    """A note could not be read or parsed (bad YAML, bad encoding, too large...)."""


class NoteNotFound(StudycardsError):
    """A note named on the command line matches no note, or more than one."""


class PathEscapesVault(StudycardsError):
    """A path given by a person would leave the vault."""


class LedgerError(StudycardsError):
    """The review ledger is unreadable or inconsistent."""


class WriteError(StudycardsError):
    """A file could not be written (disk full, read-only, no permission); it was left as it was."""


class VaultLocked(StudycardsError):
    """Another studycards process holds the vault's write lock."""


class DemoError(StudycardsError):
    """A demo name is unknown or one of its parameters is invalid: bad usage."""

    exit_code = 2
