"""Related-note similarity: TF-IDF over CJK bigrams and Latin words, combined with shared tags.

A note's vector has two parts. The text part starts from the sublinear TF-IDF of the terms of
its title (counted twice), answers, the start of its deep dive and its follow-ups; only its
:data:`KEYWORDS` heaviest terms that some other note also uses are kept, and the result is
normalised to unit length. Keeping a note's keywords and dropping the long tail of light,
common terms (which adds a little noise to every pair) is what keeps the computation sparse.
The tag part is the IDF-weighted unit vector of the tags the note shares with other notes, its
topic folder counting as a tag; a tag on more than half of the notes says nothing and is left
out. With both parts present the score of two notes is

    (1 - TAG_WEIGHT) * text cosine + TAG_WEIGHT * tag cosine

and a note lacking one part is scored on the other alone. With the default threshold of 0.3,
two notes of one topic qualify as soon as they share any keyword, while notes of different
topics need a text cosine of about 0.43. Neighbours come from the sparse inverted-index top-k
in :mod:`studycards.upkeep._topk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.notes.corpus import Corpus, NoteText

if TYPE_CHECKING:
    import numpy as np

    from studycards.upkeep._topk import SparseRows

TAG_WEIGHT = 0.3  # share of the score that comes from shared tags
KEYWORDS = 48  # text terms kept per note


@dataclass(frozen=True)
class Suggestion:
    """One related note and how similar it is (0..1)."""

    rel: str
    title: str
    score: float
    tags: tuple[str, ...]

    @property
    def percent(self) -> int:
        return int(self.score * 100 + 0.5)

    def to_dict(self) -> dict[str, Any]:
        return {"rel": self.rel, "title": self.title, "score": round(self.score, 4),
                "tags": list(self.tags)}  # fmt: skip


def related(
    corpus: Corpus, top_k: int, threshold: float, rows: Sequence[int] | None = None
) -> dict[int, list[Suggestion]]:
    """The best ``top_k`` notes scoring >= ``threshold`` for each of ``rows`` (default all).

    Rows are positions in ``corpus.notes``; equally similar notes come in path order.
    """
    from studycards.upkeep._topk import top_k as nearest

    if not corpus.notes:
        return {}
    matrix = build_vectors(corpus.notes)
    found = nearest(matrix, top_k, threshold, None if rows is None else list(rows))
    return {
        row: [_suggestion(corpus.notes[other], score) for other, score in picks]
        for row, picks in sorted(found.items())
    }


def _suggestion(note: NoteText, score: float) -> Suggestion:
    return Suggestion(note.rel, note.title, score, note.tags)


def build_vectors(notes: Sequence[NoteText]) -> SparseRows:
    """Every note's combined unit vector: text part and tag part, each scaled by its share."""
    import numpy as np

    from studycards.upkeep._topk import sparse_rows

    t_rows, t_ids, t_vals, t_dims = _text_part(notes)
    g_rows, g_ids, g_vals, g_dims = _tag_part(notes)
    has_text = np.bincount(t_rows, minlength=len(notes)) > 0
    has_tags = np.bincount(g_rows, minlength=len(notes)) > 0
    text_scale = np.where(has_tags, np.sqrt(1 - TAG_WEIGHT), 1.0)[t_rows]
    tag_scale = np.where(has_text, np.sqrt(TAG_WEIGHT), 1.0)[g_rows]
    rows = np.concatenate([t_rows, g_rows])
    ids = np.concatenate([t_ids, g_ids + t_dims])
    values = np.concatenate([t_vals * text_scale, g_vals * tag_scale])
    return sparse_rows(rows, ids, values, len(notes), t_dims + g_dims)


def _text_part(notes: Sequence[NoteText]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Sublinear TF-IDF over each note's terms, L2-normalised, cut to its KEYWORDS best shared."""
    import numpy as np

    hashes = np.frombuffer(b"".join(n.terms for n in notes), dtype=np.int64)
    counts = np.frombuffer(b"".join(n.counts for n in notes), dtype=np.int32)
    lengths = np.array([len(n.counts) // 4 for n in notes], dtype=np.int64)
    rows = np.repeat(np.arange(len(notes), dtype=np.int64), lengths)
    vocabulary = _unique(hashes)
    ids = np.searchsorted(vocabulary, hashes)
    df = np.bincount(ids, minlength=len(vocabulary))
    weights = (1.0 + np.log(counts)) * (np.log((1 + len(notes)) / (1 + df[ids])) + 1.0)
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(notes)))
    weights = weights / np.where(norms > 0, norms, 1.0)[rows]
    keep = _heaviest(rows, weights, df[ids] > 1, KEYWORDS)
    rows, ids, weights = rows[keep], ids[keep], weights[keep]
    kept = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(notes)))
    return rows, ids, weights / kept[rows], len(vocabulary)


def _unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (``np.sort`` is much faster than the argsort ``np.unique`` uses)."""
    import numpy as np

    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _heaviest(rows: np.ndarray, weights: np.ndarray, usable: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of each row's ``limit`` heaviest usable entries, in their original order.

    ``rows`` is sorted and every weight lies in [0, 1], so ``2 * row + 1 - weight`` orders the
    entries by row, heaviest first, in one float sort.
    """
    import numpy as np

    from studycards.upkeep._topk import rank_in_group

    candidates = np.flatnonzero(usable)
    order = candidates[np.argsort(2.0 * rows[candidates] + 1.0 - weights[candidates])]
    return np.sort(order[rank_in_group(rows[order]) < limit])


def _tag_part(notes: Sequence[NoteText]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """IDF-weighted unit vectors of the tags each note shares with another note.

    Tags held by more than half of the notes (and by only one) are left out.
    """
    import numpy as np

    ids: dict[str, int] = {}
    pairs = [(row, ids.setdefault(tag, len(ids))) for row, note in enumerate(notes)
             for tag in sorted(tag_set(note))]  # fmt: skip
    rows = np.array([row for row, _ in pairs], dtype=np.int64)
    tags = np.array([tag for _, tag in pairs], dtype=np.int64)
    df = np.bincount(tags, minlength=len(ids))
    useful = (df[tags] > 1) & (df[tags] * 2 <= len(notes))
    rows, tags = rows[useful], tags[useful]
    weights = np.log((1 + len(notes)) / (1 + df[tags])) + 1.0
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(notes)))
    return rows, tags, weights / norms[rows], len(ids)


def tag_set(note: NoteText) -> set[str]:
    """A note's tags with its topic folder, blanks dropped."""
    tags = {tag.strip() for tag in note.tags if tag.strip()}
    return tags | {note.topic} if note.topic else tags
