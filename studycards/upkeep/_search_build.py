"""Building the search index's segments: parse notes (on every core for a big batch), cut their
fields into tokens and group the postings by term."""

from __future__ import annotations

import marshal
import os
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from studycards._parallel import PARALLEL_FROM
from studycards.notes.body import parse_note
from studycards.notes.corpus import text_fields
from studycards.notes.sections import freeze_extra
from studycards.notes.vault import Vault, _FileEntry, read_text
from studycards.upkeep._search_terms import note_postings

SEGMENT = 1000  # notes a worker turns into one segment


@dataclass(frozen=True)
class Segment:
    """One batch of notes ready to store: note rows, texts, postings, overflow."""

    notes: list[tuple]
    texts: list[tuple[int, bytes]]
    postings: dict[str, tuple[bytes, bytes]]
    overflow: list[tuple[str, int, int, int]]


def sections_of(vault: Vault) -> tuple:
    """The vault's own section patterns, which change how notes are cut into fields."""
    return freeze_extra(vault.config.sections)


def segments(vault: Vault, numbered: Sequence[tuple[int, _FileEntry]]) -> Iterator[Segment]:
    """Segments for every ``(id, file)``, built across cores when there are many."""
    extra = sections_of(vault)
    import multiprocessing

    workers = min(os.cpu_count() or 1, 8)
    parallel = (
        len(numbered) >= PARALLEL_FROM
        and workers > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )
    size = min(SEGMENT, -(-len(numbered) // workers)) if parallel else SEGMENT
    parts = [list(numbered[i : i + size]) for i in range(0, len(numbered), size)]
    if not parallel:
        yield from (build(vault, extra, part) for part in parts)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_build_args, [(vault, extra, part) for part in parts])


def _build_args(args: tuple) -> Segment:
    return build(*args)


def build(vault: Vault, extra: tuple, part: list[tuple[int, _FileEntry]]) -> Segment:
    """The segment of the notes in ``part``; a note that cannot be read is kept as broken."""
    notes: list[tuple] = []
    texts: list[tuple[int, bytes]] = []
    overflow: list[tuple[str, int, int, int]] = []
    postings: dict[str, tuple[list[int], list[int]]] = {}
    for number, entry in part:
        found = _fields(vault, extra, entry)
        if found is None:
            notes.append((number, entry.rel, entry.size, entry.mtime_ns, 1, "", "", 0, 0, 0, 0, 0))
            continue
        title, topic, body = found
        notes.append((number, entry.rel, entry.size, entry.mtime_ns, 0, title, topic,
                      *(len(text) for text in body)))  # fmt: skip
        texts.append((number, marshal.dumps(body)))
        packed, large = note_postings(title, body)
        for term, value in packed.items():
            pair = postings.get(term)
            if pair is None:
                postings[term] = ([number], [value])
            else:
                pair[0].append(number)
                pair[1].append(value)
        overflow.extend((term, number, field, count) for term, field, count in large)
    stored = {
        term: (array("i", ids).tobytes(), array("q", packs).tobytes())
        for term, (ids, packs) in postings.items()
    }
    return Segment(notes, texts, stored, overflow)


def _fields(vault: Vault, extra: tuple, entry: _FileEntry) -> tuple | None:
    """``(title, topic, body fields)`` of a note, or None when it is broken."""
    path = Path(entry.path)
    raw, _problem = read_text(vault, entry.rel, path, entry.size)
    if raw is None:
        return None
    note = parse_note(raw, entry.rel, path, vault.config.notes_dir, extra)
    if note.summary.broken:
        return None
    return note.summary.title, note.summary.topic, text_fields(note)
