"""Reading an Anki package (``.apkg`` deck or ``.colpkg`` collection) without Anki.

A package is a zip holding the collection as SQLite: ``collection.anki21b`` (zstd-compressed,
schema 18, Anki 2.1.50+), else ``collection.anki21`` or ``collection.anki2`` (schema 11, note
types and decks as JSON in the ``col`` row). Media are numbered zip members named by the
``media`` map: JSON in old packages, a zstd-compressed protobuf list in new ones.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from studycards.errors import StudycardsError

_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_MAX_MEMBER_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Review:
    """One revlog row: when (ms since the epoch, also its id), the grade and the answer time."""

    id: int
    ease: int
    interval: int
    time_ms: int
    kind: int


@dataclass
class PackageNote:
    """An Anki note with its first card's reviews."""

    guid: str
    fields: dict[str, str]
    tags: list[str]
    deck: str
    modified: int  # seconds since the epoch
    reviews: list[Review] = field(default_factory=list)


@dataclass(frozen=True)
class Package:
    notes: list[PackageNote]
    media: dict[str, bytes]


def read_package(path: Path) -> Package:
    """Every note of the package with its reviews, and its media files by name."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            member = next((n for n in _COLLECTIONS if n in names), None)
            if member is None:
                raise StudycardsError("not an Anki package: no collection inside", path)
            data = _unpacked(_read_member(archive, member))
            media = _media(archive, names)
    except (zipfile.BadZipFile, OSError) as error:
        raise StudycardsError(f"cannot read the Anki package: {error}", path) from None
    with tempfile.TemporaryDirectory(prefix="studycards-anki-") as folder:
        database = Path(folder) / "collection.sqlite"
        database.write_bytes(data)
        try:
            notes = _read_collection(database)
        except sqlite3.DatabaseError as error:
            raise StudycardsError(f"cannot read the Anki collection: {error}", path) from None
    return Package(notes, media)


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > _MAX_MEMBER_BYTES:
        raise StudycardsError(f"{name} in the package is over 512 MB: refused")
    return archive.read(name)


def _unpacked(data: bytes) -> bytes:
    if not data.startswith(_ZSTD_MAGIC):
        return data
    import zstandard

    reader = zstandard.ZstdDecompressor().stream_reader(data)
    return reader.read(_MAX_MEMBER_BYTES + 1)[:_MAX_MEMBER_BYTES]


def _media(archive: zipfile.ZipFile, names: set[str]) -> dict[str, bytes]:
    if "media" not in names:
        return {}
    raw = _unpacked(_read_member(archive, "media"))
    try:
        numbered = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        numbered = {str(i): name for i, name in enumerate(_media_entries(raw))}
    found = {}
    for member, name in numbered.items():
        if member in names and isinstance(name, str) and name and "/" not in name:
            found[name] = _unpacked(_read_member(archive, member))
    return found


def _media_entries(raw: bytes) -> list[str]:
    """Names from a protobuf ``MediaEntries`` (field 1: entries; in each, field 1: name)."""
    return [
        _fields(entry).get(1, b"").decode("utf-8", "replace")
        for number, entry in _protobuf(raw)
        if number == 1
    ]


def _fields(raw: bytes) -> dict[int, bytes]:
    return {number: value for number, value in _protobuf(raw) if isinstance(value, bytes)}


def _protobuf(raw: bytes) -> list[tuple[int, bytes | int]]:
    """The (field number, value) pairs of a protobuf message: varints and length-delimited."""
    found: list[tuple[int, bytes | int]] = []
    at = 0
    while at < len(raw):
        key, at = _varint(raw, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(raw, at)
            found.append((number, value))
        elif wire == 2:
            size, at = _varint(raw, at)
            found.append((number, raw[at : at + size]))
            at += size
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise StudycardsError("the package's media list is damaged")
    return found


def _varint(raw: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(raw):
            raise StudycardsError("the package's media list is damaged")
        byte = raw[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def _read_collection(database: Path) -> list[PackageNote]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        fields, decks = _layout(connection)
        notes = {}
        rows = connection.execute("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")
        for nid, guid, mid, mod, tags, flds in rows:
            names = fields.get(mid) or [f"Field {i + 1}" for i in range(flds.count("\x1f") + 1)]
            values = flds.split("\x1f")
            notes[nid] = PackageNote(
                str(guid), dict(zip(names, values, strict=False)), tags.split(), "", int(mod)
            )
        _attach_cards(connection, notes, decks)
        return list(notes.values())
    finally:
        connection.close()


def _layout(connection: sqlite3.Connection) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Field names per note type and deck names, from schema 18 tables or schema 11 JSON."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if "fields" in tables and "decks" in tables:
        fields: dict[int, list[str]] = {}
        for ntid, name in connection.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
            fields.setdefault(ntid, []).append(name)
        decks = {
            did: name.replace("\x1f", "::")
            for did, name in connection.execute("SELECT id, name FROM decks")
        }
        return fields, decks
    models_text, decks_text = connection.execute("SELECT models, decks FROM col").fetchone()
    models, deck_rows = json.loads(models_text or "{}"), json.loads(decks_text or "{}")
    fields = {
        int(mid): [f["name"] for f in sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))]
        for mid, m in models.items()
    }
    return fields, {int(did): d.get("name", "") for did, d in deck_rows.items()}


def _attach_cards(
    connection: sqlite3.Connection, notes: dict[int, PackageNote], decks: dict[int, str]
) -> None:
    """Each note's deck and reviews come from its first card (a note is one studycards card)."""
    first: dict[int, int] = {}
    for cid, nid, did in connection.execute("SELECT id, nid, did FROM cards ORDER BY ord, id"):
        if nid in notes and nid not in first:
            first[nid] = cid
            notes[nid].deck = decks.get(did, "")
    by_card = {cid: nid for nid, cid in first.items()}
    rows = connection.execute("SELECT id, cid, ease, ivl, time, type FROM revlog ORDER BY id")
    for rid, cid, ease, ivl, time_ms, kind in rows:
        if cid in by_card and 1 <= ease <= 4:
            notes[by_card[cid]].reviews.append(Review(rid, ease, ivl, time_ms, kind))
