"""Related notes for ``link``: the corpus's notes handed to the text scorer, as suggestions.

What counts as related is decided in :mod:`studycards.upkeep.similarity` from three fields of
each note (title, short answer, the rest of its text); this module only picks those fields out
of the cached corpus text and turns the scorer's matches into :class:`Suggestion` objects, each
with the shared terms that explain it. Tags play no part in the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.upkeep.similarity import Fields, Match, rank

if TYPE_CHECKING:
    from studycards.notes.corpus import Corpus, NoteText
    from studycards.notes.vault import Vault


@dataclass(frozen=True)
class Suggestion:
    """One related note, how similar it is (0..1) and the terms both notes share."""

    rel: str
    title: str
    score: float
    tags: tuple[str, ...]
    shared: tuple[str, ...] = ()

    @property
    def percent(self) -> int:
        return int(self.score * 100 + 0.5)

    def to_dict(self) -> dict[str, Any]:
        return {"rel": self.rel, "title": self.title, "score": round(self.score, 4),
                "tags": list(self.tags), "shared": list(self.shared)}  # fmt: skip


def related(
    corpus: Corpus,
    top_k: int,
    threshold: float,
    rows: Sequence[int] | None = None,
    vault: Vault | None = None,
) -> dict[int, list[Suggestion]]:
    """Up to ``top_k`` notes scoring >= ``threshold`` for each of ``rows`` (default all).

    Rows are positions in ``corpus.notes``, which must be loaded with their text; equally
    similar notes come in path order. With ``vault``, the notes' terms come from its token
    cache where their text is unchanged.
    """
    fields = [fields_of(note) for note in corpus.notes]
    if vault is not None:
        from studycards.upkeep._token_cache import cached_tokens

        rels = [note.rel for note in corpus.notes]
        found = rank(cached_tokens(vault, list(zip(rels, fields, strict=True))), top_k,
                     threshold, rows)  # fmt: skip
    else:
        found = rank(fields, top_k, threshold, rows)
    return suggestions(corpus, found)


def suggestions(corpus: Corpus, found: dict[int, list[Match]]) -> dict[int, list[Suggestion]]:
    """The scorer's matches as suggestions naming the notes of ``corpus``."""
    return {
        row: [_suggestion(corpus.notes[m.row], m) for m in matches]
        for row, matches in found.items()
    }


def fields_of(note: NoteText) -> Fields:
    """The scorer's view of a note: title, short answer, and everything else it says."""
    parts = (note.question, note.deep, note.followups, note.rest)  # the whole body
    rest = "\n".join(part for part in parts if part)
    return Fields(note.title, note.answer, rest)


def _suggestion(note: NoteText, match: Match) -> Suggestion:
    return Suggestion(note.rel, note.title, match.score, note.tags, match.shared)
