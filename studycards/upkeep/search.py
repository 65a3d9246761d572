"""Ranked full-text search over whole notes (titles, answers, follow-ups, every section), CJK-aware.

A query becomes terms the way notes do for similarity (CJK bigrams, Latin words; see
:mod:`studycards.notes.terms`). A Latin term matches at the start of a word ("cache" finds "caches",
"rope" does not find "property"); a CJK term matches anywhere. Each note scores

    sum over terms of idf(term) * sum over fields of weight(field) * (1 + ln count)

times the square of the share of query terms it contains, doubled when the whole query occurs
as a phrase in the title (and x1.5 in the body). A title hit outweighs any body hit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from studycards.errors import UsageError
from studycards.notes.corpus import Corpus, NoteText
from studycards.notes.terms import is_cjk, terms

FIELD_WEIGHTS = {
    "title": 8.0, "question": 2.0, "answer": 1.0, "followups": 1.0, "deep": 0.5, "rest": 0.5,
}  # fmt: skip
FIELD_NAMES = {"deep": "deep_dive", "rest": "body"}
SNIPPET_CHARS = 120
_MARKUP = re.compile(r"\*\*|__|`+|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+", re.M)
_SPACE = re.compile(r"\s+")


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


def search(corpus: Corpus, query: str, limit: int = 10) -> SearchResult:
    """The ``limit`` best notes for ``query``, best first; ties go by path."""
    parsed = parse_query(query)
    fields = [_fields(note) for note in corpus.notes]
    counts = [_counts(parsed, f) if parsed.any_term.search(f["all"]) else None for f in fields]
    idf = _idf(parsed, counts, len(corpus.notes))
    scored = [
        (_score(parsed, c, idf, f), position)
        for position, (c, f) in enumerate(zip(counts, fields, strict=True))
        if c is not None
    ]
    scored = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    hits = tuple(_hit(parsed, corpus.notes[p], fields[p], counts[p], s) for s, p in scored[:limit])
    return SearchResult(query, parsed.terms, len(scored), hits)


def parse_query(query: str) -> _Query:
    """Terms of ``query`` (stop words kept) with a word-start pattern for each."""
    found = tuple(dict.fromkeys(terms(query, keep_stopwords=True)))
    if not found:
        raise UsageError(f"nothing to search for in {query!r}: give a word or Chinese characters")
    patterns = tuple(_pattern(term) for term in found)
    ordered = sorted(found, key=len, reverse=True)
    any_term = re.compile("|".join(_pattern(term).pattern for term in ordered), re.I)
    phrase = _SPACE.sub(" ", query.strip()).casefold()
    return _Query(query, found, patterns, any_term, phrase if len(found) > 1 else "")


def _pattern(term: str) -> re.Pattern[str]:
    if is_cjk(term):
        return re.compile(re.escape(term), re.I)
    return re.compile(rf"(?<![a-z0-9\u00df-\u024f]){re.escape(term)}", re.I)


def _fields(note: NoteText) -> dict[str, str]:
    fields = {
        "title": note.title, "question": note.question, "answer": note.answer,
        "followups": note.followups, "deep": note.deep, "rest": note.rest,
    }  # fmt: skip
    fields["all"] = "\n".join(fields.values())
    return fields


def _counts(query: _Query, fields: dict[str, str]) -> dict[str, list[int]]:
    """For each field, how often each query term occurs in it."""
    return {
        name: [len(pattern.findall(fields[name])) if fields[name] else 0
               for pattern in query.patterns]
        for name in FIELD_WEIGHTS
    }  # fmt: skip


def _idf(query: _Query, counts: list, notes: int) -> list[float]:
    df = [0] * len(query.terms)
    for note in counts:
        if note is None:
            continue
        for index in range(len(query.terms)):
            df[index] += any(note[name][index] for name in FIELD_WEIGHTS)
    return [math.log(1 + notes / d) if d else 0.0 for d in df]


def _score(query: _Query, counts: dict[str, list[int]], idf: list[float], fields: dict) -> float:
    total, matched = 0.0, 0
    for index, weight in enumerate(idf):
        term_score = sum(
            FIELD_WEIGHTS[name] * (1 + math.log(counts[name][index]))
            for name in FIELD_WEIGHTS
            if counts[name][index]
        )
        total += weight * term_score
        matched += term_score > 0
    total *= (matched / len(query.terms)) ** 2
    if query.phrase and query.phrase in _SPACE.sub(" ", fields["title"]).casefold():
        total *= 2.0
    elif query.phrase and query.phrase in _SPACE.sub(" ", fields["all"]).casefold():
        total *= 1.5
    return total


def _hit(query: _Query, note: NoteText, fields: dict, counts: dict, score: float) -> Hit:
    field = _best_field(counts)
    source = field or next((name for name in _BODY if fields[name].strip()), "answer")
    snippet, matches = snippet_of(query, fields[source])
    title_matches = _merged(query.any_term, note.title, 0, len(note.title))
    shown = FIELD_NAMES.get(field, field) if field else "title"
    return Hit(note.rel, note.title, note.topic, score, shown, snippet, tuple(matches),
               tuple(title_matches))  # fmt: skip


_BODY = tuple(name for name in FIELD_WEIGHTS if name != "title")


def _best_field(counts: dict[str, list[int]]) -> str | None:
    """The body field with the most distinct terms (then the heaviest), or None if none has any."""
    best = max(_BODY, key=lambda name: (sum(1 for c in counts[name] if c), FIELD_WEIGHTS[name]))
    return best if any(counts[best]) else None


def snippet_of(query: _Query, text: str) -> tuple[str, list[tuple[int, int]]]:
    """About :data:`SNIPPET_CHARS` of plain text around the densest cluster of matches."""
    plain = _SPACE.sub(" ", _MARKUP.sub("", text)).strip()
    found = list(query.any_term.finditer(plain))
    start = _window_start(query, plain, found)
    end = min(len(plain), start + SNIPPET_CHARS)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(plain) else ""
    snippet = prefix + plain[start:end] + suffix
    shift = len(prefix) - start
    matches = [(s + shift, e + shift) for s, e in _merged(query.any_term, plain, start, end)]
    return snippet, matches


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
