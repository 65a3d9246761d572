"""Search through the vault's index: the same hits as a scan of every note, reading only a few.

The index (:mod:`studycards.upkeep.search_index`) is brought up to date first, re-reading only
the notes whose size or mtime changed. Each query term's postings give every candidate note's
counts per field, so scores come without reading any text. Text is read only where the answer
needs it: for a quoted phrase (every candidate), for the x1.5 bonus of a query found as a phrase
in the body (only while a note could still reach the best ``limit``), and for each hit's matched
line. Without a usable index (a read-only vault, a locked or damaged file) every note's text is
scanned instead, with the same result.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Callable

from studycards.errors import UsageError
from studycards.notes.vault import Vault, iter_note_files
from studycards.upkeep._search_terms import FULL, prefix_end, unpack
from studycards.upkeep.search import (
    SearchResult,
    _candidate,
    _Query,
    average_lengths,
    fields_of,
    idf_of,
    make_hit,
    parse_query,
    phrase_factor,
    score,
    search,
    title_factor,
)
from studycards.upkeep.search_index import Damaged, Row, SearchIndex


def search_vault(
    vault: Vault, query: str, limit: int | None = 10, topic: str | None = None
) -> SearchResult:
    """The ``limit`` best notes of ``vault`` for ``query`` (every match when ``limit`` is None;
    of ``topic`` only, if given); ties go by path."""
    parsed = parse_query(query)
    index = SearchIndex.open(vault)
    if index is not None:
        try:
            entries = list(iter_note_files(vault))
            rows = index.refresh(vault, entries)
            order = {entry.rel: position for position, entry in enumerate(entries)}
            return _ranked(index, parsed, rows, order, limit, topic)
        except Damaged:
            _clear_quietly(index)
        except sqlite3.Error:
            pass  # locked by another writer for too long, or damaged: scan the text instead
        finally:
            index.close()
    from studycards.notes.corpus import load_corpus

    corpus = load_corpus(vault)
    return search(corpus, query, len(corpus.notes) if limit is None else limit, topic)


def _clear_quietly(index: SearchIndex) -> None:
    try:
        index.clear()
    except sqlite3.Error:
        pass  # the next search tries again


def _ranked(
    index: SearchIndex, query: _Query, rows: dict[str, Row], order: dict[str, int],
    limit: int | None, topic: str | None,
) -> SearchResult:  # fmt: skip
    scope = {row[1]: row for row in rows.values() if not row[5]}
    if topic is not None:
        wanted = topic.strip().strip("/").casefold()
        scope = {n: row for n, row in scope.items() if row[7].casefold() == wanted}
        if not scope:
            raise UsageError(f"no notes in topic {topic!r} (try 'studycards topics')")
    counts = _counts(index, query, scope)
    texts = _Texts(index, scope)
    if query.phrases:
        counts = {n: c for n, c in counts.items() if _candidate(query, texts.fields(n))}
    idf = idf_of(query, counts.values(), len(scope))
    average = average_lengths(row[8:] for row in scope.values())
    base = {n: score(query, c, idf, scope[n][8:], average) for n, c in counts.items()}
    best = _best(query, base, scope, order, texts, len(scope) if limit is None else limit)
    hits = tuple(
        make_hit(query, scope[n][0], scope[n][6], scope[n][7], texts.fields(n), counts[n], s)
        for s, n in best
    )
    return SearchResult(query.text, query.terms, sum(1 for s in base.values() if s > 0), hits)


def _counts(index: SearchIndex, query: _Query, scope: dict) -> dict[int, list[list[int]]]:
    """Each candidate note's counts per query term and field, from the postings."""
    found: dict[int, list[list[int]]] = {}
    width = len(query.terms)
    for position, term in enumerate(query.terms):
        high = prefix_end(term)
        overflow = None
        for token, ids, packs in index.postings(term, high):
            for number, packed in zip(ids, packs, strict=True):
                if number not in scope:
                    continue
                note = found.get(number)
                if note is None:
                    note = found[number] = [[0] * 6 for _ in range(width)]
                values = unpack(packed)
                if FULL in values[1:]:
                    overflow = index.overflow(term, high) if overflow is None else overflow
                    values = _exact(values, overflow, token, number)
                into = note[position]
                for field, value in enumerate(values):
                    into[field] += value
    return found


def _exact(values: tuple[int, ...], overflow: dict, token: str, number: int) -> tuple[int, ...]:
    return (values[0], *(overflow.get((token, number, field), value) if value == FULL else value
                         for field, value in enumerate(values[1:])))  # fmt: skip


class _Texts:
    """Note texts read from the index on demand, each once."""

    def __init__(self, index: SearchIndex, scope: dict):
        self.index = index
        self.scope = scope
        self.cache: dict[int, dict[str, str]] = {}

    def fields(self, number: int) -> dict[str, str]:
        fields = self.cache.get(number)
        if fields is None:
            title = self.scope[number][6]
            fields = self.cache[number] = fields_of(title, self.index.text(number))
        return fields


def _best(
    query: _Query, base: dict[int, float], scope: dict, order: dict[str, int], texts: _Texts,
    limit: int,
) -> list[tuple[float, int]]:  # fmt: skip
    """The ``limit`` best ``(score, id)`` by score, then path, reading text only while a
    note's phrase bonus could still lift it among them."""
    bounds = []
    for number, value in base.items():
        if value <= 0:
            continue
        factor = title_factor(query, scope[number][6])
        bound = value * factor if factor > 1 or not query.phrase else value * 1.5
        bounds.append((bound, order[scope[number][0]], number, factor))
    bounds.sort(key=lambda item: (-item[0], item[1]))
    kept: list[tuple[float, int, int]] = []  # (score, -position, id): the worst kept on top
    for bound, position, number, factor in bounds:
        if len(kept) >= limit and bound < kept[0][0]:
            break
        final = base[number] * _factor(query, factor, lambda n=number: texts.fields(n))
        item = (final, -position, number)
        if len(kept) < limit:
            heapq.heappush(kept, item)
        elif item > kept[0]:
            heapq.heapreplace(kept, item)
    ranked = sorted(kept, key=lambda item: (-item[0], -item[1]))
    return [(final, number) for final, _position, number in ranked]


def _factor(query: _Query, title: float, fields: Callable[[], dict[str, str]]) -> float:
    if title > 1 or not query.phrase:
        return title
    return phrase_factor(query, fields())
