"""Ranked full-text search over whole notes (titles, answers, follow-ups, every section), CJK-aware.

A query becomes terms the way notes do for similarity (CJK bigrams, Latin words; see
:mod:`studycards.notes.terms`). A Latin term matches at the start of a word ("cache" finds
"caches", "rope" does not find "property"); a CJK term matches anywhere. Text in double quotes
(``"KV cache"``, also “…” and 「…」) is a phrase: only notes holding it, words in that order,
match. Terms are weighted as :mod:`studycards.upkeep.similarity` weighs them, BM25 style: each
note scores

    sum over terms of idf(term) * (TITLE_WEIGHT * [in title]
                                    + sum over body fields of weight(field) * saturated count)

where ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` and a count ``c`` in a field of length
``l`` (average ``L``) saturates as ``c' (K1 + 1) / (c' + K1)`` with ``c' = c / (1 - B + B l / L)``.
The total is multiplied by the square of the share of query terms the note contains, doubled
when the whole query occurs as a phrase in the title (and x1.5 in the body). A title hit
outweighs any body hit, since TITLE_WEIGHT exceeds the body weights' largest possible sum.
Each hit shows the line of its best field holding the most query terms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studycards.errors import UsageError
from studycards.notes.terms import is_cjk, terms
from studycards.upkeep.similarity import K1

if TYPE_CHECKING:
    from studycards.notes.corpus import Corpus, NoteText

FIELD_WEIGHTS = {
    "title": 12.0, "question": 2.0, "answer": 1.0, "followups": 1.0, "deep": 0.5, "rest": 0.5,
}  # fmt: skip
TITLE_WEIGHT = FIELD_WEIGHTS["title"]  # > (K1 + 1) * the sum of the body weights
B = 0.75
FIELD_NAMES = {"deep": "deep_dive", "rest": "body"}
SNIPPET_CHARS = 120
_MARKUP = re.compile(r"\*\*|__|`+|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+", re.M)
_SPACE = re.compile(r"\s+")
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」')


@dataclass(frozen=True)
class Hit:
    """One matching note: where the best snippet comes from and which characters matched."""

    rel: str
    title: str
    topic: str
    score: float
    field: str
    snippet: str
    matches: tuple[tuple[int, int], ...]
    title_matches: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rel": self.rel, "title": self.title, "topic": self.topic,
            "score": round(self.score, 4), "field": self.field, "snippet": self.snippet,
            "matches": [list(m) for m in self.matches],
            "title_matches": [list(m) for m in self.title_matches],
        }  # fmt: skip


@dataclass(frozen=True)
class SearchResult:
    query: str
    terms: tuple[str, ...]
    total: int
    hits: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "terms": list(self.terms), "total": self.total,
                "results": [hit.to_dict() for hit in self.hits]}  # fmt: skip


@dataclass(frozen=True)
class _Query:
    text: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    any_term: re.Pattern[str]
    phrase: str
    phrases: tuple[str, ...] = ()


def search(corpus: Corpus, query: str, limit: int = 10, topic: str | None = None) -> SearchResult:
    """The ``limit`` best notes for ``query`` (of ``topic`` only, if given); ties go by path.

    This scans every note's text; :func:`studycards.upkeep.indexed_search.search_vault` finds
    the same hits through the vault's search index.
    """
    parsed = parse_query(query)
    notes = corpus.notes if topic is None else _of_topic(corpus, topic)
    fields = [_fields(note) for note in notes]
    counts = [_counts(parsed, f) if _candidate(parsed, f) else None for f in fields]
    idf = idf_of(parsed, (c for c in counts if c is not None), len(notes))
    average = average_lengths([lengths_of(f) for f in fields])
    scored = [
        (score(parsed, c, idf, lengths_of(f), average) * phrase_factor(parsed, f), position)
        for position, (c, f) in enumerate(zip(counts, fields, strict=True))
        if c is not None
    ]
    scored = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    hits = tuple(
        make_hit(parsed, notes[p].rel, notes[p].title, notes[p].topic, fields[p], counts[p], s)
        for s, p in scored[:limit]
    )
    return SearchResult(query, parsed.terms, len(scored), hits)


def _of_topic(corpus: Corpus, topic: str) -> tuple[NoteText, ...]:
    """The notes of topic folder ``topic`` (any case); an unknown topic is an error."""
    wanted = topic.strip().strip("/").casefold()
    notes = tuple(note for note in corpus.notes if note.topic.casefold() == wanted)
    if not notes:
        raise UsageError(f"no notes in topic {topic!r} (try 'studycards topics')")
    return notes


def parse_query(query: str) -> _Query:
    """Terms of ``query`` (stop words kept) with a word-start pattern for each, and its phrases."""
    if query.count('"') % 2:
        raise UsageError(f"unclosed quote in {query!r}: put a phrase between two double quotes")
    phrases = tuple(
        dict.fromkeys(
            _normal(next(part for part in match.groups() if part is not None))
            for match in _QUOTED.finditer(query)
        )
    )
    plain = _QUOTED.sub(lambda m: " " + next(g for g in m.groups() if g is not None) + " ", query)
    found = tuple(dict.fromkeys(terms(plain, keep_stopwords=True)))
    if not found:
        raise UsageError(f"nothing to search for in {query!r}: give a word or Chinese characters")
    patterns = tuple(_pattern(term) for term in found)
    ordered = sorted(found, key=len, reverse=True)
    any_term = re.compile("|".join(_pattern(term).pattern for term in ordered), re.I)
    phrase = _normal(plain)
    return _Query(query, found, patterns, any_term, phrase if len(found) > 1 else "",
                  tuple(p for p in phrases if p))  # fmt: skip


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.strip()).casefold()


def _candidate(query: _Query, fields: dict[str, str]) -> bool:
    """Whether a note holds any query term and every quoted phrase."""
    if not query.any_term.search(fields["all"]):
        return False
    if not query.phrases:
        return True
    text = _normal(fields["all"])
    return all(phrase in text for phrase in query.phrases)


def _pattern(term: str) -> re.Pattern[str]:
    if is_cjk(term):
        return re.compile(re.escape(term), re.I)
    return re.compile(rf"(?<![a-z0-9\u00df-\u024f]){re.escape(term)}", re.I)


def _fields(note: NoteText) -> dict[str, str]:
    return fields_of(note.title, (note.question, note.answer, note.followups, note.deep, note.rest))


def fields_of(title: str, body: tuple[str, ...]) -> dict[str, str]:
    """A note's fields by name (``body`` in :data:`FIELD_WEIGHTS` order) and all of them joined."""
    fields = dict(zip(FIELD_WEIGHTS, (title, *body), strict=True))
    fields["all"] = "\n".join((title, *body))
    return fields


def lengths_of(fields: dict[str, str]) -> tuple[int, ...]:
    """The length of each body field, in characters."""
    return tuple(len(fields[name]) for name in _BODY)


def _counts(query: _Query, fields: dict[str, str]) -> list[tuple[int, ...]]:
    """For each query term, how often it occurs in each field (title first, then the body)."""
    return [
        tuple(len(pattern.findall(fields[name])) if fields[name] else 0 for name in FIELD_WEIGHTS)
        for pattern in query.patterns
    ]


def idf_of(query: _Query, counts: Iterable[Sequence[Sequence[int]]], notes: int) -> list[float]:
    """Each term's inverse document frequency among ``notes`` notes, given the candidates'
    counts (as :func:`_counts` gives them)."""
    df = [0] * len(query.terms)
    for note in counts:
        for index, row in enumerate(note):
            df[index] += any(row)
    return [math.log(1 + (notes - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df]


def average_lengths(lengths: Iterable[tuple[int, ...]]) -> tuple[float, ...]:
    """The average length of each body field (at least 1)."""
    columns = list(zip(*lengths, strict=True)) or [()] * len(_BODY)
    return tuple(max(1.0, sum(column) / max(1, len(column))) for column in columns)


def score(query: _Query, counts: Sequence[Sequence[int]], idf: list[float],
          lengths: tuple[int, ...], average: tuple[float, ...]) -> float:  # fmt: skip
    """A note's score before the phrase bonus (see the module docstring)."""
    total, matched = 0.0, 0
    norms = [1 - B + B * length / mean for length, mean in zip(lengths, average, strict=True)]
    for row, weight in zip(counts, idf, strict=True):
        term_score = TITLE_WEIGHT if row[0] else 0.0
        for count, norm, field_weight in zip(row[1:], norms, _BODY_WEIGHTS, strict=True):
            if count:
                tf = count / norm
                term_score += field_weight * tf * (K1 + 1) / (tf + K1)
        total += weight * term_score
        matched += term_score > 0
    return total * (matched / len(query.terms)) ** 2


def title_factor(query: _Query, title: str) -> float:
    """2 when the whole query occurs in ``title`` as a phrase, else 1."""
    return 2.0 if query.phrase and query.phrase in _SPACE.sub(" ", title).casefold() else 1.0


def phrase_factor(query: _Query, fields: dict[str, str]) -> float:
    """The phrase bonus: x2 for the whole query in the title, x1.5 anywhere else."""
    factor = title_factor(query, fields["title"])
    if factor == 1.0 and query.phrase and query.phrase in _SPACE.sub(" ", fields["all"]).casefold():
        return 1.5
    return factor


def make_hit(query: _Query, rel: str, title: str, topic: str, fields: dict, counts: list,
             score: float) -> Hit:  # fmt: skip
    """The hit for a note: its best field's matched line and where the terms are."""
    field = _best_field(counts)
    source = field or next((name for name in _BODY if fields[name].strip()), "answer")
    snippet, matches = snippet_of(query, fields[source])
    title_matches = _merged(query.any_term, title, 0, len(title))
    shown = FIELD_NAMES.get(field, field) if field else "title"
    return Hit(rel, title, topic, score, shown, snippet, tuple(matches),
               tuple(title_matches))  # fmt: skip


_BODY = tuple(name for name in FIELD_WEIGHTS if name != "title")
_BODY_WEIGHTS = tuple(FIELD_WEIGHTS[name] for name in _BODY)


def _best_field(counts: Sequence[Sequence[int]]) -> str | None:
    """The body field with the most distinct terms (then the heaviest), or None if none has any."""
    distinct = {name: sum(1 for row in counts if row[i]) for i, name in enumerate(_BODY, 1)}
    best = max(_BODY, key=lambda name: (distinct[name], FIELD_WEIGHTS[name]))
    return best if distinct[best] else None


def snippet_of(query: _Query, text: str) -> tuple[str, list[tuple[int, int]]]:
    """The matched line: the line of ``text`` with the most query terms (a quoted phrase first),
    as plain text, cut to about :data:`SNIPPET_CHARS` around its matches when longer."""
    plain = _SPACE.sub(" ", _MARKUP.sub("", best_line(query, text))).strip()
    found = list(query.any_term.finditer(plain))
    start = _window_start(query, plain, found)
    end = min(len(plain), start + SNIPPET_CHARS)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(plain) else ""
    snippet = prefix + plain[start:end] + suffix
    shift = len(prefix) - start
    matches = [(s + shift, e + shift) for s, e in _merged(query.any_term, plain, start, end)]
    return snippet, matches


def best_line(query: _Query, text: str) -> str:
    """The line holding the most distinct query terms; ties go to the earlier line."""
    best, best_key = "", (-1, -1)
    for line in text.splitlines():
        if not line.strip():
            continue
        normal = _normal(line)
        key = (sum(1 for p in query.phrases if p in normal),
               sum(1 for pattern in query.patterns if pattern.search(line)))  # fmt: skip
        if key > best_key:
            best, best_key = line, key
    return best


def _window_start(query: _Query, plain: str, found: list[re.Match[str]]) -> int:
    """Where the window holding the most distinct terms begins (a little before its match)."""
    best, best_count = 0, -1
    for match in found[:50]:
        begin = max(0, match.start() - SNIPPET_CHARS // 4)
        window = plain[begin : begin + SNIPPET_CHARS]
        count = sum(1 for pattern in query.patterns if pattern.search(window))
        if count > best_count:
            best, best_count = begin, count
    return best


def _merged(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of every match in ``text[start:end]``, overlapping ones merged (CJK bigrams)."""
    spans: list[tuple[int, int]] = []
    position = start
    while position < end:
        match = pattern.search(text, position, end)
        if match is None:
            break
        s, e = match.span()
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e))
        else:
            spans.append((s, e))
        position = s + 1
    return spans
