"""The token cache: each note's terms per field, so a warm ``link`` cuts no text.

``.studycards/tokens.sqlite`` holds one row per note, keyed by its path and a digest of the
three fields similarity reads, with the :class:`~studycards.upkeep.similarity.Tokens` arrays.
A row whose digest differs (the note changed) is cut again; a change of segmenter or of this
format empties the table. Any SQLite failure just means no cache. Deleting the file loses
nothing.

:func:`token_source` hands the tokens out a chunk at a time, read back from the cache, so a
large vault's terms are never all in memory at once.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from studycards.notes.vault import Vault
from studycards.upkeep import segment
from studycards.upkeep.similarity import Fields, Tokens, tokens_of

CACHE_NAME = "tokens.sqlite"
_VERSION = "2"
_SEP = "\x1f"
_BATCH = 500  # rows written, or asked for, at a time
_COLUMNS = "rel, digest, fields, word, counts, hashes, words, title"


class TokenCacheChanged(Exception):
    """A row read back is missing or is not the one just checked (another process wrote it)."""


@dataclass(frozen=True)
class TokenSource:
    """Every note's token digest, and its tokens in row order, chunk by chunk."""

    digests: list[bytes]
    chunks: Callable[[], Iterable[Sequence[Tokens]]]


def cached_tokens(vault: Vault, notes: Sequence[tuple[str, Fields]]) -> list[Tokens]:
    """The tokens of every ``(rel, fields)``, from the cache where the fields are unchanged."""
    try:
        with token_source(vault, notes) as source:
            return [tokens for chunk in source.chunks() for tokens in chunk]
    except TokenCacheChanged:
        return [tokens_of(fields) for _, fields in notes]


@contextmanager
def token_source(
    vault: Vault, notes: Iterable[tuple[str, Fields]], chunk: int = 2000
) -> Iterator[TokenSource]:
    """Cut the notes whose fields changed, store them, and hand every note's tokens out.

    ``notes`` is read once, in order. Without a usable cache the tokens are kept in memory.
    ``chunks()`` raises :class:`TokenCacheChanged` if the cache changes under it.
    """
    connection = _open(vault)
    try:
        rels, digests, memory = _sync(connection, notes)
        if memory is not None:
            yield TokenSource(digests, lambda: _slices(memory, chunk))
        else:
            assert connection is not None
            yield TokenSource(digests, lambda: _read_back(connection, rels, digests, chunk))
    finally:
        if connection is not None:
            connection.close()


def _sync(connection: sqlite3.Connection | None, notes: Iterable[tuple[str, Fields]]) -> tuple:
    """(rels, digests, tokens kept in memory or None when they are all in the cache)."""
    stored = _stored_digests(connection) if connection else None
    memory: list[Tokens] | None = [] if stored is None else None
    rels: list[str] = []
    digests: list[bytes] = []
    fresh: list[tuple] = []
    for rel, fields in notes:
        key = digest(fields)
        rels.append(rel)
        digests.append(key)
        if memory is not None:
            memory.append(tokens_of(fields))
        elif stored is not None and stored.get(rel) != key:
            fresh.append(_row(rel, key, tokens_of(fields)))
            if len(fresh) >= _BATCH:
                _store(connection, fresh, set())  # type: ignore[arg-type]
                fresh = []
    if connection is not None and stored is not None:
        _store(connection, fresh, set(stored) - set(rels))
    return rels, digests, memory


def _slices(tokens: list[Tokens], size: int) -> Iterator[list[Tokens]]:
    return (tokens[at : at + size] for at in range(0, len(tokens), size))


def _read_back(
    c: sqlite3.Connection, rels: list[str], digests: list[bytes], size: int
) -> Iterator[list[Tokens]]:
    for at in range(0, len(rels), size):
        wanted = rels[at : at + size]
        found: dict[str, tuple[bytes, Tokens]] = {}
        try:
            for start in range(0, len(wanted), _BATCH):
                part = wanted[start : start + _BATCH]
                marks = ", ".join("?" * len(part))
                query = f"SELECT {_COLUMNS} FROM tokens WHERE rel IN ({marks})"
                found.update((row[0], _tokens(row)) for row in c.execute(query, part))
        except sqlite3.Error:
            raise TokenCacheChanged from None
        chunk = []
        for rel, digest in zip(wanted, digests[at : at + size], strict=True):
            hit = found.get(rel)
            if hit is None or hit[0] != digest:
                raise TokenCacheChanged(rel)
            chunk.append(hit[1])
        yield chunk


def _row(rel: str, digest: bytes, tokens: Tokens) -> tuple:
    return (rel, digest, tokens.fields, tokens.word, tokens.counts, tokens.hashes,
            _SEP.join(tokens.words), tokens.title)  # fmt: skip


def _tokens(row: tuple) -> tuple[bytes, Tokens]:
    _rel, digest, fields, word, counts, hashes, words, title = row
    split = tuple(words.split(_SEP)) if words else ()
    return digest, Tokens(fields, word, counts, hashes, split, title)


def digest(fields: Fields) -> bytes:
    text = "\0".join((fields.title, fields.answer, fields.body)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).digest()


def _open(vault: Vault) -> sqlite3.Connection | None:
    stamp = f"{_VERSION}:{sys.byteorder}:{segment.DEFAULT}:{segment.VERSION}"
    try:
        path = vault.ensure_state_dir() / CACHE_NAME
        c = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = c.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:  # another format: start afresh
            c.execute("DROP TABLE IF EXISTS tokens")
            c.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))
        c.execute(
            "CREATE TABLE IF NOT EXISTS tokens (rel TEXT PRIMARY KEY, digest BLOB, fields BLOB,"
            " word BLOB, counts BLOB, hashes BLOB, words TEXT, title TEXT)"
        )
        return c
    except (OSError, sqlite3.Error):
        return None


def _stored_digests(c: sqlite3.Connection) -> dict[str, bytes] | None:
    try:
        return dict(c.execute("SELECT rel, digest FROM tokens"))
    except sqlite3.Error:
        return None


def _store(c: sqlite3.Connection, fresh: list[tuple], gone: set[str]) -> None:
    if not fresh and not gone:
        return
    try:
        c.execute("BEGIN")
        c.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?)", fresh)
        c.executemany("DELETE FROM tokens WHERE rel = ?", [(rel,) for rel in gone])
        c.execute("COMMIT")
    except sqlite3.Error:
        try:
            c.rollback()
        except sqlite3.Error:
            pass  # a failed write leaves rows missing: reading them back says so
