"""The search index, ``.studycards/search.sqlite``: postings of every term, kept up to date per note.

Each note has a row keyed by path, size and mtime (its id, title, topic and field lengths) and
its field texts for the matched line. Postings are grouped in segments: a term's
row in a segment holds the ids of its notes there and their packed counts (see
:mod:`studycards.upkeep._search_terms`). A changed note gets a new id in a new segment; its old
postings stay behind, dead, and are skipped because no note row holds their id any more. Small
segments, and segments mostly dead, are merged now and then.

A cold build parses notes on every core and writes a segment per batch, so it never holds more
than a few batches at a time. Any SQLite failure means no index: the caller searches the text.
Deleting the file loses nothing.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
import sys
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from studycards._statefile import open_cache
from studycards.notes.index import rollback_quietly
from studycards.notes.sections import freeze_extra
from studycards.notes.vault import Vault, _FileEntry
from studycards.upkeep._search_terms import BITS

if TYPE_CHECKING:
    from studycards.upkeep._search_build import Segment

INDEX_NAME = "search.sqlite"
_VERSION = "2"
SMALL = 100  # a segment of fewer live notes is merged with the others like it
MAX_SMALL = 8  # merged once there are more small segments than this
TIMEOUT = 5.0  # seconds to wait for another search writing the index before scanning instead
# rel, id, size, mtime_ns, seg, broken, title, topic, and the lengths of the five body fields
Row = tuple
_ROW_COLUMNS = "rel, id, size, mtime_ns, seg, broken, title, topic, l1, l2, l3, l4, l5"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, rel TEXT UNIQUE NOT NULL,"
    " size INTEGER, mtime_ns INTEGER, seg INTEGER, broken INTEGER, title TEXT, topic TEXT,"
    " l1 INTEGER, l2 INTEGER, l3 INTEGER, l4 INTEGER, l5 INTEGER)",
    "CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, body BLOB)",
    "CREATE TABLE IF NOT EXISTS snapshot (key TEXT PRIMARY KEY, value BLOB)",
    "CREATE TABLE IF NOT EXISTS segments (seg INTEGER PRIMARY KEY, notes INTEGER)",
    "CREATE TABLE IF NOT EXISTS postings (term TEXT, seg INTEGER, ids BLOB, packs BLOB,"
    " PRIMARY KEY (term, seg)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS overflow (term TEXT, id INTEGER, field INTEGER, count INTEGER,"
    " PRIMARY KEY (term, id, field)) WITHOUT ROWID",
)
_TABLES = ("notes", "texts", "segments", "postings", "overflow", "snapshot")


class Damaged(Exception):
    """A row of the index could not be read back: the index is emptied and the text searched."""


def index_stamp(vault: Vault) -> str:
    """What the index was built for: its format and every setting that changes the fields."""
    config = vault.config
    sections = json.dumps(freeze_extra(config.sections), ensure_ascii=False)
    return (
        f"{_VERSION}:{BITS}:{sys.byteorder}:{config.notes_dir}:{config.max_note_bytes}:{sections}"
    )


class SearchIndex:
    """An open search index. Reads need no lock; :meth:`refresh` writes in one transaction."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, vault: Vault) -> SearchIndex | None:
        """The cache, or None when there can be none this time (see ``open_cache``)."""
        return open_cache(
            vault.ensure_state_dir, INDEX_NAME, lambda path: cls._connect(path, vault)
        )

    @classmethod
    def _connect(cls, path: Path, vault: Vault) -> SearchIndex:
        connection = sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)
        try:
            index = cls(connection)
            index._prepare(index_stamp(vault))
        except BaseException:
            connection.close()
            raise
        return index

    def _prepare(self, stamp: str) -> None:
        c = self.connection
        for statement in _SCHEMA:
            c.execute(statement)
        row = c.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            self.clear(stamp)

    def clear(self, stamp: str | None = None) -> None:
        """Empty the index (another format or settings, or a damaged row)."""
        c = self.connection
        try:
            c.execute("BEGIN IMMEDIATE")
            for table in _TABLES:
                c.execute(f"DELETE FROM {table}")
            c.execute("DELETE FROM meta WHERE key != 'stamp'")
            if stamp is not None:
                c.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))
            c.execute("COMMIT")
        except sqlite3.Error:
            rollback_quietly(c)
            raise

    def close(self) -> None:
        self.connection.close()

    # -- reading -----------------------------------------------------------------------------

    def rows(self) -> dict[str, Row]:
        """Every indexed note by path, as a :data:`Row`: from the snapshot written with the last
        change (one read), else from the note table."""
        found = self.connection.execute("SELECT value FROM snapshot WHERE key = 'rows'").fetchone()
        if found is not None:
            try:
                rows = marshal.loads(found[0])
            except (TypeError, ValueError, EOFError):
                rows = None
            if isinstance(rows, dict):
                return rows
        return self._table_rows()

    def _table_rows(self) -> dict[str, Row]:
        found = self.connection.execute(f"SELECT {_ROW_COLUMNS} FROM notes")
        rows = {}
        for rel, number, size, mtime, seg, broken, title, topic, *lengths in found:
            try:
                rel, title, topic = (_text(rel), _text(title), _text(topic))
            except (AttributeError, UnicodeDecodeError) as error:
                raise Damaged(number) from error
            rows[rel] = (rel, number, size, mtime, seg, broken, title, topic, *lengths)
        return rows

    def postings(self, low: str, high: str) -> Iterator[tuple[str, array, array]]:
        """``(term, ids, packed counts)`` of every term in ``[low, high)``, segment by segment."""
        found = self.connection.execute(
            "SELECT term, ids, packs FROM postings WHERE term >= ? AND term < ?", (low, high)
        )
        for term, ids, packs in found:
            yield term, *_arrays(term, ids, packs)

    def overflow(self, low: str, high: str) -> dict[tuple[str, int, int], int]:
        """The counts too large to pack, by ``(term, id, field)``, for terms in ``[low, high)``."""
        found = self.connection.execute(
            "SELECT term, id, field, count FROM overflow WHERE term >= ? AND term < ?",
            (low, high),
        )
        return {(term, number, field): count for term, number, field, count in found}

    def text(self, number: int) -> tuple[str, ...]:
        """The five body fields of note ``number``."""
        row = self.connection.execute("SELECT body FROM texts WHERE id = ?", (number,)).fetchone()
        try:
            fields = marshal.loads(row[0])
        except (TypeError, ValueError, EOFError) as error:
            raise Damaged(number) from error
        if not (isinstance(fields, tuple) and len(fields) == 5):
            raise Damaged(number)
        if not all(isinstance(field, str) for field in fields):
            raise Damaged(number)
        return fields

    # -- writing -----------------------------------------------------------------------------

    def refresh(self, vault: Vault, entries: Sequence[_FileEntry]) -> dict[str, Row]:
        """Bring the index up to date with ``entries`` (the vault's note files); its rows."""
        rows = self.rows()
        if _changes(rows, entries) == ([], []):
            return rows
        c = self.connection
        c.execute("BEGIN IMMEDIATE")
        try:
            rows = self._table_rows()  # another search may have just done the work
            stale, gone = _changes(rows, entries)
            self._forget([rows[rel][1] for rel in gone])
            self._add(vault, stale)
            self._compact()
            rows = self._table_rows()
            c.execute("INSERT OR REPLACE INTO snapshot VALUES ('rows', ?)", (marshal.dumps(rows),))
            c.execute("COMMIT")
        except BaseException:
            rollback_quietly(c)
            raise
        return rows

    def _forget(self, numbers: list[int]) -> None:
        c = self.connection
        c.executemany("DELETE FROM notes WHERE id = ?", [(n,) for n in numbers])
        c.executemany("DELETE FROM texts WHERE id = ?", [(n,) for n in numbers])

    def _add(self, vault: Vault, stale: list[_FileEntry]) -> None:
        if not stale:
            return
        first_id = self._counter("next_id", len(stale))
        from studycards.upkeep._search_build import segments

        for part in segments(vault, list(enumerate(stale, first_id))):
            self._write(part)

    def _counter(self, key: str, step: int) -> int:
        c = self.connection
        row = c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        first = int(row[0]) if row else 1
        c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(first + step)))
        return first

    def _write(self, part: Segment) -> None:
        c = self.connection
        seg = self._counter("next_seg", 1)
        c.execute("INSERT INTO segments VALUES (?, ?)", (seg, len(part.notes)))
        c.executemany(
            "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (n, _blob(rel), size, mtime, seg, broken, _blob(title), _blob(topic), *lengths)
                for n, rel, size, mtime, broken, title, topic, *lengths in part.notes
            ],  # fmt: skip
        )
        c.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?)", part.texts)
        c.executemany(
            "INSERT INTO postings VALUES (?, ?, ?, ?)",
            [(term, seg, ids, packs) for term, (ids, packs) in part.postings.items()],
        )
        c.executemany("INSERT OR REPLACE INTO overflow VALUES (?, ?, ?, ?)", part.overflow)

    def _compact(self) -> None:
        """Merge the small segments once there are many, and any segment mostly dead."""
        c = self.connection
        live = dict(c.execute("SELECT seg, count(*) FROM notes WHERE broken = 0 GROUP BY seg"))
        sizes = dict(c.execute("SELECT seg, notes FROM segments"))
        small = [s for s in sizes if live.get(s, 0) < SMALL]
        dead = [s for s in sizes if live.get(s, 0) * 2 < sizes[s] and s not in small]
        chosen = (small if len(small) > MAX_SMALL else []) + dead
        if len(chosen) < 2 and not dead:
            return
        self._merge(chosen)

    def _merge(self, chosen: list[int]) -> None:
        c = self.connection
        marks = ", ".join("?" * len(chosen))
        alive = {n for (n,) in c.execute(f"SELECT id FROM notes WHERE seg IN ({marks})", chosen)}
        merged: dict[str, tuple[array, array]] = {}
        found = c.execute(f"SELECT term, ids, packs FROM postings WHERE seg IN ({marks})", chosen)
        for term, ids, packs in found:
            numbers, counts = _arrays(term, ids, packs)
            into = merged.setdefault(term, (array("i"), array("q")))
            for number, count in zip(numbers, counts, strict=True):
                if number in alive:
                    into[0].append(number)
                    into[1].append(count)
        seg = self._counter("next_seg", 1)
        c.execute(f"DELETE FROM postings WHERE seg IN ({marks})", chosen)
        c.execute(f"DELETE FROM segments WHERE seg IN ({marks})", chosen)
        c.execute(f"UPDATE notes SET seg = ? WHERE seg IN ({marks})", [seg, *chosen])
        c.execute("INSERT INTO segments VALUES (?, ?)", (seg, len(alive)))
        c.executemany(
            "INSERT INTO postings VALUES (?, ?, ?, ?)",
            [(t, seg, i.tobytes(), p.tobytes()) for t, (i, p) in merged.items() if len(i)],
        )
        c.execute("DELETE FROM overflow WHERE id NOT IN (SELECT id FROM notes)")


def _blob(text: str) -> bytes:
    """Text as stored: UTF-8 that keeps what a file name undecodable as UTF-8 carries."""
    return text.encode("utf-8", "surrogatepass")


def _text(blob: bytes) -> str:
    return blob.decode("utf-8", "surrogatepass")


def _arrays(term: str, ids: bytes, packs: bytes) -> tuple[array, array]:
    numbers, counts = array("i"), array("q")
    try:
        numbers.frombytes(ids)
        counts.frombytes(packs)
    except (TypeError, ValueError) as error:
        raise Damaged(term) from error
    if len(numbers) != len(counts):
        raise Damaged(term)
    return numbers, counts


def _changes(rows: dict[str, Row], entries: Sequence[_FileEntry]) -> tuple[list, list[str]]:
    """The readable files not indexed as they are now, and the indexed paths to forget
    (gone, unreadable, or changed)."""
    stale = []
    for entry in entries:
        if entry.problem is not None:
            continue
        row = rows.get(entry.rel)
        if row is None or row[2] != entry.size or row[3] != entry.mtime_ns:
            stale.append(entry)
    readable = {e.rel for e in entries if e.problem is None}
    changed = {e.rel for e in stale}
    gone = [rel for rel in rows if rel not in readable or rel in changed]
    return stale, gone
