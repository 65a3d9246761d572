"""The check cache, ``.studycards/check.sqlite``: what ``check`` learnt from each note and
outline file on its own, keyed by path, size and mtime and by the settings that change it.

A warm ``check`` reads these rows instead of parsing every file; what depends on other files
(does a linked note exist) is judged afresh on every run from the links kept here. Any failure
(locked, damaged, a symlink where the file belongs) just means no cache; deleting the file
loses nothing.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections.abc import Iterable

from studycards import __version__
from studycards._statefile import open_cache
from studycards.notes.index import rollback_quietly
from studycards.notes.sections import freeze_extra
from studycards.notes.vault import Vault

CACHE_NAME = "check.sqlite"
_VERSION = "1"  # bumped when what a row holds, or how a note is checked, changes
_TABLES = ("notes", "outlines")

Key = tuple[int, int]  # size, mtime in ns
Rows = dict[str, tuple[Key, object]]


def cache_stamp(vault: Vault) -> str:
    """What the rows were computed with: the format, the program, and the settings that change
    a file's own problems (notes folder, size limit, extra section patterns)."""
    config = vault.config
    sections = json.dumps(freeze_extra(config.sections), ensure_ascii=False)
    return f"{_VERSION}:{__version__}:{config.notes_dir}:{config.max_note_bytes}:{sections}"


class CheckCache:
    """Rows of per-file facts by vault path, for notes and for outlines."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, vault: Vault) -> CheckCache | None:
        """The cache, or None when there can be none this time (see ``open_cache``)."""
        return open_cache(
            vault.ensure_state_dir, CACHE_NAME, lambda path: cls._connect(str(path), vault)
        )

    @classmethod
    def _connect(cls, path: str, vault: Vault) -> CheckCache:
        connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        try:
            cache = cls(connection)
            cache._prepare(cache_stamp(vault))
        except BaseException:
            connection.close()
            raise
        return cache

    def _prepare(self, stamp: str) -> None:
        c = self.connection
        c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        for table in _TABLES:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (rel TEXT PRIMARY KEY, size INTEGER,"
                " mtime_ns INTEGER, facts BLOB)"
            )
        row = c.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            c.execute("BEGIN")
            for table in _TABLES:
                c.execute(f"DELETE FROM {table}")
            c.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))
            c.execute("COMMIT")

    def load(self, table: str) -> Rows:
        """Every row of ``table`` as ``{rel: ((size, mtime), unpacked facts)}``; a row that
        cannot be unpacked is left out (its file is read again)."""
        try:
            rows = self.connection.execute(f"SELECT rel, size, mtime_ns, facts FROM {table}")
            loaded = {}
            for rel, size, mtime, blob in rows:
                try:
                    loaded[rel] = ((size, mtime), marshal.loads(blob))
                except (ValueError, TypeError, EOFError):
                    continue
            return loaded
        except sqlite3.Error:
            return {}

    def store(self, table: str, fresh: Iterable[tuple[str, Key, tuple]], keep: set[str]) -> None:
        """Write the rows just computed and drop those of files that are gone."""
        rows = [(rel, key[0], key[1], marshal.dumps(facts)) for rel, key, facts in fresh]
        try:
            c = self.connection
            c.execute("BEGIN")
            c.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)", rows)
            stale = [(rel,) for (rel,) in c.execute(f"SELECT rel FROM {table}") if rel not in keep]
            c.executemany(f"DELETE FROM {table} WHERE rel = ?", stale)
            c.execute("COMMIT")
        except sqlite3.Error:
            rollback_quietly(self.connection)

    def close(self) -> None:
        try:
            self.connection.close()
        except sqlite3.Error:
            pass
