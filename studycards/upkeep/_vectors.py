"""Every note's BM25F keyword vector (see :mod:`studycards.upkeep.similarity`), chunk by chunk.

The notes' tokens come in chunks, twice: the first pass gathers what is global (each field's
length in every note, each term's document frequency), the second weighs each chunk's terms
and keeps only every note's :data:`~studycards.upkeep.similarity.KEYWORDS` heaviest. So memory
holds one chunk of tokens and the kept keywords, never every term of every note. Every weight
is computed by the same operations in the same order as one pass over all notes would, so the
vectors do not depend on the chunk size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from studycards.upkeep.similarity import Tokens

CHUNK = 2000  # notes per chunk


@dataclass(frozen=True)
class Vectors:
    """Every note's unit keyword vector, the text of its kept terms, and each note's title key."""

    matrix: object  # studycards.upkeep._topk.SparseRows
    words: dict[int, str]  # feature number -> term, for every kept keyword
    titles: list[str]

    def term(self, row: int, feature: int) -> str:
        """The text of ``feature``, a keyword of note ``row``."""
        return self.words[feature]


@dataclass(frozen=True)
class _Stats:
    lengths: np.ndarray  # (notes, 3): each field's term count
    average: np.ndarray  # each field's mean length, at least 1
    vocabulary: np.ndarray  # every term's hash, ascending: a feature number is a position
    df: np.ndarray  # how many notes hold each feature
    titles: list[str]


def build(chunks: Callable[[], Iterable[Sequence[Tokens]]], n: int) -> Vectors:
    """The vectors of ``n`` notes whose tokens ``chunks()`` yields in row order (called twice)."""
    import numpy as np

    from studycards.upkeep._topk import sparse_rows

    stats = _statistics(chunks(), n)
    words: dict[int, str] = {}
    parts, start = [], 0
    for chunk in chunks():
        parts.append(_keywords(chunk, start, stats, n, words))
        start += len(chunk)
    if start != n:
        raise ValueError(f"expected {n} notes, got {start}")
    empty = np.zeros(0, dtype=np.int64)
    rows, ids, weights = (np.concatenate([p[i] for p in parts] or [empty]) for i in range(3))
    matrix = sparse_rows(rows, ids, weights.astype(np.float64), n, len(stats.vocabulary))
    return Vectors(matrix, words, stats.titles)


def in_chunks(tokens: Sequence[Tokens]) -> Callable[[], Iterable[Sequence[Tokens]]]:
    """``chunks`` for tokens already in memory."""
    return lambda: (tokens[at : at + CHUNK] for at in range(0, len(tokens), CHUNK))


def _entries(chunk: Sequence[Tokens]) -> tuple:
    """(local row, field, word position in the chunk, count) of every entry, and the hashes."""
    import numpy as np

    def joined(name: str, dtype: type) -> np.ndarray:
        return np.frombuffer(b"".join(getattr(t, name) for t in chunk), dtype=dtype)

    fields = joined("fields", np.int8).astype(np.int64)
    counts = joined("counts", np.int32).astype(np.float64)
    entries = np.array([len(t.counts) // 4 for t in chunk], dtype=np.int64)
    distinct = np.array([len(t.hashes) // 8 for t in chunk], dtype=np.int64)
    rows = np.repeat(np.arange(len(chunk), dtype=np.int64), entries)
    offsets = np.concatenate([[0], np.cumsum(distinct)[:-1]]).astype(np.int64)
    words = np.repeat(offsets, entries) + joined("word", np.int32)
    return rows, fields, words, counts, joined("hashes", np.int64), distinct


def _statistics(chunks: Iterable[Sequence[Tokens]], n: int) -> _Stats:
    import numpy as np

    lengths = np.zeros((n, 3))
    titles: list[str] = []
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    start = 0
    for chunk in chunks:
        rows, fields, _, counts, hashes, _ = _entries(chunk)
        size = len(chunk)
        cells = np.bincount(rows * 3 + fields, weights=counts, minlength=3 * size)
        lengths[start : start + size] = cells.reshape(size, 3)
        seen.append(np.unique(hashes, return_counts=True))  # a note's hashes are distinct
        titles.extend(t.title for t in chunk)
        start += size
    hashes = np.concatenate([s[0] for s in seen] or [np.zeros(0, dtype=np.int64)])
    notes = np.concatenate([s[1] for s in seen] or [np.zeros(0, dtype=np.int64)])
    vocabulary, where = np.unique(hashes, return_inverse=True)
    df = np.bincount(where.ravel(), weights=notes, minlength=len(vocabulary)).astype(np.int64)
    average = np.maximum(lengths.mean(axis=0), 1.0)
    return _Stats(lengths, average, vocabulary, df, titles)


def _keywords(chunk: Sequence[Tokens], start: int, stats: _Stats, n: int, words: dict) -> tuple:
    """(row, feature, unit weight) of each note's kept keywords, sorted by row then feature."""
    import numpy as np

    from studycards.upkeep.similarity import FIELD_WEIGHTS, K1, KEYWORDS, LENGTH_NORM, heaviest

    local, fields, positions, counts, hashes, distinct = _entries(chunk)
    rows = local + start
    b = np.asarray(LENGTH_NORM)[fields]
    scale = np.asarray(FIELD_WEIGHTS)[fields] / (
        1 - b + b * stats.lengths[rows, fields] / stats.average[fields]
    )
    tf = np.bincount(positions, weights=counts * scale, minlength=len(hashes))  # field order
    owner = np.repeat(np.arange(len(chunk), dtype=np.int64) + start, distinct)
    ids = np.searchsorted(stats.vocabulary, hashes)
    order = np.lexsort((ids, owner))
    owner, ids, tf = owner[order], ids[order], tf[order]
    df = stats.df[ids]
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    weights = idf * tf * (K1 + 1) / (tf + K1)
    keep = heaviest(owner, weights, df > 1, KEYWORDS)
    owner, ids, weights = owner[keep], ids[keep], weights[keep]
    norms = np.sqrt(np.bincount(owner - start, weights=weights * weights, minlength=len(chunk)))
    weights = weights / np.where(norms > 0, norms, 1.0)[owner - start]
    _remember_words(chunk, order[keep], distinct, ids, words)
    return owner, ids, weights


def _remember_words(chunk: Sequence[Tokens], kept: np.ndarray, distinct: np.ndarray,
                    ids: np.ndarray, words: dict) -> None:  # fmt: skip
    """Note the text of every kept feature not seen before."""
    import numpy as np

    offsets = np.concatenate([[0], np.cumsum(distinct)])
    note_of = np.searchsorted(offsets, kept, side="right") - 1
    for position, note, feature in zip(kept.tolist(), note_of.tolist(), ids.tolist(), strict=True):
        if feature not in words:
            words[feature] = chunk[note].words[position - int(offsets[note])]
