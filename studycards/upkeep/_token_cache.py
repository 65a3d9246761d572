"""The token cache: each note's terms per field, so a warm ``link`` cuts no text.

``.studycards/tokens.sqlite`` holds one row per note, keyed by its path and a digest of the
three fields similarity reads, with the :class:`~studycards.upkeep.similarity.Tokens` arrays.
A row whose digest differs (the note changed) is cut again; a change of segmenter or of this
format empties the table. Any SQLite failure just means no cache. Deleting the file loses
nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Sequence

from studycards.notes.vault import Vault
from studycards.upkeep import segment
from studycards.upkeep.similarity import Fields, Tokens, tokens_of

CACHE_NAME = "tokens.sqlite"
_VERSION = "2"
_SEP = "\x1f"


def cached_tokens(vault: Vault, notes: Sequence[tuple[str, Fields]]) -> list[Tokens]:
    """The tokens of every ``(rel, fields)``, from the cache where the fields are unchanged."""
    return load_tokens(vault, notes)[0]


def load_tokens(
    vault: Vault, notes: Sequence[tuple[str, Fields]]
) -> tuple[list[Tokens], list[bytes]]:
    """:func:`cached_tokens` and each note's digest of its fields (what decides its tokens)."""
    digests = [_digest(fields) for _, fields in notes]
    connection = _open(vault)
    stored = _load(connection) if connection else {}
    result: list[Tokens] = []
    fresh: list[tuple] = []
    for (rel, fields), digest in zip(notes, digests, strict=True):
        hit = stored.get(rel)
        if hit is not None and hit[0] == digest:
            result.append(hit[1])
            continue
        tokens = tokens_of(fields)
        result.append(tokens)
        fresh.append((rel, digest, tokens.fields, tokens.word, tokens.counts, tokens.hashes,
                      _SEP.join(tokens.words), tokens.title))  # fmt: skip
    if connection:
        _store(connection, fresh, set(stored) - {rel for rel, _ in notes})
        connection.close()
    return result, digests


def _digest(fields: Fields) -> bytes:
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


def _load(c: sqlite3.Connection) -> dict[str, tuple[bytes, Tokens]]:
    try:
        rows = c.execute(
            "SELECT rel, digest, fields, word, counts, hashes, words, title FROM tokens"
        )
        return {
            rel: (
                digest,
                Tokens(
                    fields, word, counts, hashes, tuple(words.split(_SEP)) if words else (), title
                ),
            )  # fmt: skip
            for rel, digest, fields, word, counts, hashes, words, title in rows
        }
    except sqlite3.Error:
        return {}


def _store(c: sqlite3.Connection, fresh: list[tuple], gone: set[str]) -> None:
    if not fresh and not gone:
        return
    try:
        c.execute("BEGIN")
        c.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?)", fresh)
        c.executemany("DELETE FROM tokens WHERE rel = ?", [(rel,) for rel in gone])
        c.execute("COMMIT")
    except sqlite3.Error:
        c.rollback()
