"""The link cache: what the last ``link`` decided, so a run with nothing changed redoes nothing.

``.studycards/link.sqlite`` keeps, from the last run over every note:

* ``config``: a digest of the settings that decide links and blocks (``link_top_k``,
  ``link_threshold``, ``sections``, which files are notes) and of this code's version;
* ``walk``: a digest of every note file's path, size and mtime as the run left them;
* ``inputs``: a digest of what similarity reads, every note's path and token digest in order;
* per note, its title and tags, its chosen links (target path, score, shared terms), the
  block lines those make, and the file's size and mtime when the block was last seen to hold
  exactly those lines (``clean``).

What invalidates what, exactly (no tolerance: a warm run answers what a cold one would):

* another ``config``: the whole cache is ignored;
* the same ``walk``: no note file changed, so neither did any input. Every note's links are
  the stored ones and a clean note is not even read;
* another ``walk`` but the same ``inputs`` (a review rewrote frontmatter, a tag was edited):
  the stored links stand, since scores depend only on the inputs; the block lines are rebuilt
  from them with today's titles and tags, and only notes whose file or lines changed are read;
* other ``inputs`` (a note's text changed, a note came or went): similarity is computed again
  for every note, because a new term count moves every note's weights; still only the notes
  whose file or lines changed are read and written.

Any SQLite failure, a damaged row or a file that is not a database means no cache. Deleting
the file loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studycards._statefile import safe_for_sqlite
from studycards.notes.config import Config
from studycards.notes.index import rollback_quietly
from studycards.notes.vault import Vault
from studycards.upkeep import segment

CACHE_NAME = "link.sqlite"
_VERSION = "3"  # change when what decides a link or a block changes

Pick = tuple[str, float, tuple[str, ...]]  # target path, score, shared terms


@dataclass(frozen=True)
class NoteState:
    """One note as the last run left it."""

    rel: str
    title: str
    topic: str
    tags: tuple[str, ...]
    picks: tuple[Pick, ...]
    lines: tuple[str, ...]
    stamp: tuple[int, int]  # the file's size and mtime when ``clean`` was decided
    clean: bool  # the block held exactly ``lines`` at ``stamp``


@dataclass(frozen=True)
class LinkState:
    """The last full run: its digests, the broken notes it reported, every note in order."""

    config: str
    walk: str
    inputs: str
    broken: tuple[str, ...]
    notes: tuple[NoteState, ...]


def config_key(config: Config) -> str:
    """A digest of the settings and code that decide links and blocks."""
    decisive = (
        _VERSION, sys.byteorder, segment.DEFAULT, segment.VERSION, config.notes_dir,
        config.max_note_bytes, config.sections, config.exclude, config.include_nested_repos,
        config.link_top_k, config.link_threshold,
    )  # fmt: skip
    return _digest(json.dumps(decisive, sort_keys=True, default=str, ensure_ascii=False))


def walk_key(stamps: Iterable[tuple[str, int, int, str]]) -> str:
    """A digest of every note file's ``(path, size, mtime, problem)``."""
    return _digest(json.dumps(list(stamps), ensure_ascii=False))


def inputs_key(rels: Sequence[str], digests: Sequence[bytes]) -> str:
    """A digest of the paths and token digests similarity reads, in order."""
    h = hashlib.blake2b(digest_size=16)
    for rel, digest in zip(rels, digests, strict=True):
        h.update(rel.encode("utf-8", "surrogatepass") + b"\0" + digest)
    return h.hexdigest()


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def load(vault: Vault) -> LinkState | None:
    """The stored state, or None (no cache, another format, any failure)."""
    connection = _open(vault, create=False)
    if connection is None:
        return None
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        rows = connection.execute("SELECT data FROM notes ORDER BY pos")
        notes = tuple(_note(json.loads(data)) for (data,) in rows)
        broken = tuple(map(str, json.loads(meta["broken"])))
        return LinkState(meta["config"], meta["walk"], meta["inputs"], broken, notes)
    except (sqlite3.Error, KeyError, ValueError, TypeError, IndexError):
        return None  # damaged: no cache
    finally:
        connection.close()


def _note(row: list) -> NoteState:
    rel, title, topic, tags, picks, lines, size, mtime_ns, clean = row
    chosen = tuple((str(p[0]), float(p[1]), tuple(map(str, p[2]))) for p in picks)
    return NoteState(
        str(rel), str(title), str(topic), tuple(map(str, tags)), chosen,
        tuple(map(str, lines)), (int(size), int(mtime_ns)), bool(clean),
    )  # fmt: skip


def store(vault: Vault, state: LinkState) -> None:
    """Replace the stored state with ``state``; a failure leaves no cache, never a wrong one."""
    connection = _open(vault, create=True)
    if connection is None:
        return
    rows = (
        (pos, _json([n.rel, n.title, n.topic, n.tags, n.picks, n.lines, *n.stamp, n.clean]))
        for pos, n in enumerate(state.notes)
    )  # one row at a time: never the whole state as one string
    meta = {"config": state.config, "walk": state.walk, "inputs": state.inputs,
            "broken": _json(state.broken)}  # fmt: skip
    try:
        connection.execute("BEGIN")
        connection.execute("DELETE FROM meta")
        connection.execute("DELETE FROM notes")
        connection.executemany("INSERT INTO notes VALUES (?, ?)", rows)
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.execute("COMMIT")
    except sqlite3.Error:
        rollback_quietly(connection)
    finally:
        connection.close()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _open(vault: Vault, create: bool) -> sqlite3.Connection | None:
    try:
        path = vault.state_dir / CACHE_NAME
        if not create and not path.exists():
            return None
        path = vault.ensure_state_dir() / CACHE_NAME
        if not safe_for_sqlite(path):
            return None
        connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    except (OSError, sqlite3.Error):
        return None
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE IF NOT EXISTS notes (pos INTEGER PRIMARY KEY, data TEXT)")
        return connection
    except sqlite3.DatabaseError:
        connection.close()
        if create:
            _discard(vault)
        return None


def _discard(vault: Vault) -> None:
    """Remove a cache file that is not a database any more; it is only a cache."""
    try:
        (vault.state_dir / CACHE_NAME).unlink()
    except OSError:
        pass
