"""Which notes are related: BM25-weighted shared words, title and short answer first.

Input is each note's :class:`Fields` (title, short answer, the rest of its text); output is,
for each note, the notes whose text really overlaps with it, best first, each with the shared
terms that made the link. Tags and topic folders play no part: two notes are linked only on
text evidence, so a question filed in two folders finds its twin, and two notes of one folder
that share nothing but the folder are not linked.

A note's vector is BM25F: each term's count in a field is scaled by the field's weight
(:data:`FIELD_WEIGHTS`: the title counts most, the deep dive least) and by the field's length
against the vault's average, the weighted counts are summed and saturated
(``tf * (K1 + 1) / (tf + K1)``) and multiplied by the term's idf. Only the note's
:data:`KEYWORDS` heaviest terms that another note also uses are kept, and the vector is made
unit length, so two notes score the cosine of their keyword vectors (0..1). A link needs a
score of at least the threshold, at least :data:`MIN_SHARED` shared keywords, and at least
:data:`RELATIVE` times the score of the note's best link; a note can get from none to
``top_k`` links. Notes with the same title terms (the same question filed in two places) are
always linked, first, whatever their score; their reason starts with "same title".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from studycards.upkeep._vectors import Vectors

FIELD_WEIGHTS = (3.0, 1.5, 0.5)  # title, short answer, the rest
LENGTH_NORM = (0.5, 0.5, 0.9)  # BM25 ``b`` per field: a long deep dive is diluted most
K1 = 1.2
KEYWORDS = 40
MIN_SHARED = 2
RELATIVE = 0.6  # a link scores at least this share of the note's best link
REASONS = 5  # shared terms kept per link


@dataclass(frozen=True)
class Fields:
    """The text of one note that similarity reads."""

    title: str
    answer: str
    body: str


@dataclass(frozen=True)
class Tokens:
    """One note's distinct terms per field: parallel arrays, plus the terms as text.

    ``words`` are the note's distinct terms; entry ``i`` says term ``words[word[i]]`` occurs
    ``counts[i]`` times in field ``fields[i]`` (0 title, 1 short answer, 2 the rest), and
    ``hashes[i]`` is its stable id. This is what the token cache stores.
    """

    fields: bytes  # int8
    word: bytes  # int32
    counts: bytes  # int32
    hashes: bytes  # int64
    words: tuple[str, ...]
    title: str = ""  # the title cased and spaced away, to find the same question twice


def tokens_of(note: Fields, segment: Callable[[str], list[str]] | None = None) -> Tokens:
    """Cut one note's fields into terms and count them."""
    from array import array

    from studycards.notes.terms import term_hash
    from studycards.upkeep.segment import counter

    count = counter() if segment is None else (lambda text: Counter(segment(text)))
    index: dict[str, int] = {}
    fields, word, counts = array("b"), array("i"), array("i")
    for field, text in enumerate((note.title, note.answer, note.body)):
        found = count(text)
        fields.extend([field] * len(found))
        word.extend([index.setdefault(term, len(index)) for term in found])
        counts.extend(found.values())
    hashes = array("q", [term_hash(term) for term in index])
    return Tokens(fields.tobytes(), word.tobytes(), counts.tobytes(), hashes.tobytes(),
                  tuple(index), title_key(note.title))  # fmt: skip


def title_key(title: str) -> str:
    """``title`` without case, spaces or punctuation: "KV cache？" and "kv Cache" are one."""
    return "".join(ch for ch in title.casefold() if ch.isalnum())


@dataclass(frozen=True)
class Match:
    """One related note: its row, the score (0..1) and the shared terms, heaviest first."""

    row: int
    score: float
    shared: tuple[str, ...]


def rank(
    notes: Sequence[Fields | Tokens],
    top_k: int,
    threshold: float,
    rows: Sequence[int] | None = None,
    segment: Callable[[str], list[str]] | None = None,
) -> dict[int, list[Match]]:
    """For each of ``rows`` (default all), up to ``top_k`` related notes scoring >= threshold.

    Notes are given as their :class:`Fields`, or already cut into :class:`Tokens`.
    """
    if not notes:
        return {}
    tokens = [n if isinstance(n, Tokens) else tokens_of(n, segment) for n in notes]
    return rank_vectors(vectorise(tokens), top_k, threshold, rows)


def rank_vectors(
    vectors: Vectors, top_k: int, threshold: float, rows: Sequence[int] | None = None
) -> dict[int, list[Match]]:
    """:func:`rank` on vectors already made (:func:`vectorise`, :mod:`._vectors`)."""
    from studycards.upkeep._topk import top_k as nearest

    # ask for a few more than top_k: some of the best may lack MIN_SHARED shared terms
    found = nearest(vectors.matrix, top_k + 3, threshold, None if rows is None else list(rows))
    twins = _twins(vectors.titles)
    result: dict[int, list[Match]] = {}
    for row, picks in sorted(found.items()):
        kept = [_twin(vectors, row, other) for other in twins.get(row, ())][:top_k]
        for other, score in picks:  # best first
            if len(kept) == top_k or (kept and score < RELATIVE * kept[0].score):
                break
            shared = _shared(vectors, row, other)
            if len(shared) >= MIN_SHARED and other not in twins.get(row, ()):
                words = tuple(vectors.term(row, f) for f in shared[:REASONS])
                kept.append(Match(other, score, words))
        result[row] = kept
    return result


def _twins(titles: Sequence[str]) -> dict[int, list[int]]:
    """Notes asking the same question (the same title, see :func:`title_key`), in row order."""
    by_title: dict[str, list[int]] = {}
    for row, title in enumerate(titles):
        if len(title) >= 2:
            by_title.setdefault(title, []).append(row)
    return {row: [o for o in group if o != row] for group in by_title.values() if len(group) > 1
            for row in group}  # fmt: skip


def _twin(vectors: Vectors, row: int, other: int) -> Match:
    """The link to a note with the same title, first in the block whatever its text score."""
    from studycards.upkeep._topk import DIGITS

    shared, products = _overlap(vectors, row, other)
    words = ("same title", *(vectors.term(row, f) for f in shared[: REASONS - 1]))
    return Match(other, round(float(sum(products)), DIGITS), words)


def vectorise(notes: Sequence[Tokens]) -> Vectors:
    """The unit BM25F keyword vector of every note."""
    from studycards.upkeep._vectors import build, in_chunks

    return build(in_chunks(notes), len(notes))


def heaviest(rows: np.ndarray, weights: np.ndarray, usable: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of each row's ``limit`` heaviest usable entries, in their original order."""
    import numpy as np

    from studycards.upkeep._topk import rank_in_group

    candidates = np.flatnonzero(usable)
    order = candidates[np.lexsort((-weights[candidates], rows[candidates]))]
    return np.sort(order[rank_in_group(rows[order]) < limit])


def _shared(vectors: Vectors, row: int, other: int) -> list[int]:
    """The features two notes share, heaviest product first."""
    return _overlap(vectors, row, other)[0]


def _overlap(vectors: Vectors, row: int, other: int) -> tuple[list[int], list[float]]:
    """The features two notes share and their products, heaviest first."""
    import numpy as np

    m = vectors.matrix
    a = slice(m.indptr[row], m.indptr[row + 1])  # type: ignore[attr-defined]
    b = slice(m.indptr[other], m.indptr[other + 1])  # type: ignore[attr-defined]
    common, mine, theirs = np.intersect1d(
        m.features[a],
        m.features[b],
        assume_unique=True,
        return_indices=True,  # type: ignore[attr-defined]
    )
    products = m.values[a][mine] * m.values[b][theirs]  # type: ignore[attr-defined]
    order = np.lexsort((common, -products))
    return common[order].tolist(), products[order].tolist()
