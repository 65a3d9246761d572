"""The parsed-note cache, ``.studycards/index.sqlite``: each note's summary keyed by path,
size and mtime. Any failure just means no cache; deleting the file loses nothing."""

from __future__ import annotations

import marshal
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from studycards._statefile import open_cache
from studycards.notes.note import NoteSummary

if TYPE_CHECKING:
    from studycards.notes.vault import Vault, _FileEntry

INDEX_NAME = "index.sqlite"
_INDEX_VERSION = "6"  # bumped when parsing changes what a summary holds


def index_stamp(vault: Vault) -> str:
    """What the index was built for: its format and the settings that change parsing."""
    return f"{_INDEX_VERSION}:{vault.config.notes_dir}:{vault.config.max_note_bytes}"


class SummaryIndex:
    """The SQLite cache of parsed summaries; any failure just means no cache."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, vault: Vault) -> SummaryIndex | None:
        """The cache, or None when there can be none this time (see ``open_cache``)."""
        return open_cache(vault.ensure_state_dir, INDEX_NAME, lambda path: cls._connect(path, vault))

    @classmethod
    def _connect(cls, path: Path, vault: Vault) -> SummaryIndex:
        connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        try:
            index = cls(connection)
            index._prepare(vault)
        except BaseException:
            connection.close()
            raise
        return index

    def _prepare(self, vault: Vault) -> None:
        stamp = index_stamp(vault)
        c = self.connection
        c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        c.execute(
            "CREATE TABLE IF NOT EXISTS notes (rel TEXT PRIMARY KEY, size INTEGER,"
            " mtime_ns INTEGER, summary BLOB)"
        )
        row = c.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            c.execute("DELETE FROM notes")
            c.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))

    def load(self) -> dict[str, tuple[int, int, bytes]]:
        try:
            rows = self.connection.execute("SELECT rel, size, mtime_ns, summary FROM notes")
            return {rel: (size, mtime, summary) for rel, size, mtime, summary in rows}
        except sqlite3.Error:
            return {}

    def store(self, fresh: list[tuple[_FileEntry, NoteSummary]], keep: set[str]) -> None:
        rows = [(e.rel, e.size, e.mtime_ns, marshal.dumps(s.to_row())) for e, s in fresh]
        try:
            c = self.connection
            c.execute("BEGIN")
            c.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?)", rows)
            stale = [(rel,) for (rel,) in c.execute("SELECT rel FROM notes") if rel not in keep]
            c.executemany("DELETE FROM notes WHERE rel = ?", stale)
            c.execute("COMMIT")
        except sqlite3.Error:
            rollback_quietly(self.connection)

    def close(self) -> None:
        self.connection.close()


def rollback_quietly(connection: sqlite3.Connection) -> None:
    """Roll back a cache's transaction; a damaged cache is only a cache: never raise."""
    try:
        connection.rollback()
    except sqlite3.Error:
        pass  # the next open starts it afresh
