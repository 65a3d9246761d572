"""Which notes each note links to: from the link cache when its inputs are unchanged, else
from the scorer. The rules of what invalidates what are in :mod:`studycards.upkeep._link_cache`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studycards.errors import NoteParseError
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault, resolve
from studycards.upkeep import _link_cache
from studycards.upkeep._link_cache import LinkState, config_key, inputs_key, walk_key
from studycards.upkeep._token_cache import TokenCacheChanged, digest, token_source
from studycards.upkeep._vectors import build
from studycards.upkeep.related import Suggestion, fields_of, suggestions
from studycards.upkeep.similarity import rank, rank_vectors

if TYPE_CHECKING:
    from studycards.notes.corpus import Corpus
    from studycards.upkeep.similarity import Fields


@dataclass(frozen=True)
class Chosen:
    """One note and the notes it links to, best first."""

    rel: str
    title: str
    topic: str
    tags: tuple[str, ...]
    links: list[Suggestion]
    lines: tuple[str, ...] | None = None  # the block lines, when known to be current


@dataclass(frozen=True)
class Choice:
    """The notes to link (in path order), the broken ones, and what they were decided from."""

    notes: list[Chosen]
    broken: tuple[str, ...]
    config: str
    inputs: str
    state: LinkState | None  # the last run's, when made with these settings
    unchanged: bool = False  # no note file changed since ``state`` was stored


def walk_stamps(entries: list, written: dict | None = None) -> list[tuple]:
    """Each note file's (path, size, mtime, problem), with the stamps of files just written."""
    found = []
    for e in entries:
        size, mtime = (written or {}).get(e.rel, (e.size, e.mtime_ns))
        found.append((e.rel, size, mtime, str(e.problem) if e.problem else ""))
    return found


def choose(vault: Vault, entries: list, query: str | None, cwd: Path) -> Choice:
    """Every note's links (or those of the note ``query`` names)."""
    key = config_key(vault.config)
    state = _link_cache.load(vault)
    if state is not None and state.config != key:
        state = None
    if state is not None and state.walk == walk_key(walk_stamps(entries)):
        unchanged = _from_state(vault, state, query, cwd)
        if unchanged is not None:
            return unchanged
    return _from_corpus(vault, key, state, query, cwd)


def _from_state(vault: Vault, state: LinkState, query: str | None, cwd: Path) -> Choice | None:
    """No note file changed: the stored links, without reading any note."""
    by_rel = {n.rel: n for n in state.notes}
    picked = state.notes
    if query is not None:
        summaries = tuple(NoteSummary(n.rel, n.title, n.topic) for n in state.notes)
        rel = resolve(vault, query, summaries, cwd)
        if rel not in by_rel:
            return None  # a broken note: the corpus says why
        picked = (by_rel[rel],)
    notes = []
    for n in picked:
        links = [Suggestion(rel, by_rel[rel].title, score, by_rel[rel].tags, shared)
                 for rel, score, shared in n.picks]  # fmt: skip
        notes.append(Chosen(n.rel, n.title, n.topic, n.tags, links, n.lines))
    return Choice(notes, state.broken, state.config, state.inputs, state, unchanged=True)


def _from_corpus(vault: Vault, key: str, state: LinkState | None, query: str | None,
                 cwd: Path) -> Choice:  # fmt: skip
    """Links from the stored ones when similarity's inputs are unchanged, else scored afresh.

    The note text is let go once the tokens are cut: only one chunk of the notes' tokens is in
    memory at a time."""
    from studycards.notes.corpus import Corpus, NoteText, load_corpus

    full = load_corpus(vault)
    corpus = Corpus(tuple(NoteText(n.rel, n.title, n.topic, n.tags) for n in full.notes),
                    full.problems)  # fmt: skip
    rows = None
    if query is not None:
        rows = [_row_of(corpus, find_note(vault, corpus, query, cwd))]
    pairs = _fields_once(list(reversed(full.notes)))
    del full
    try:
        found, inputs = _decide(vault, corpus, pairs, state, rows)
    except TokenCacheChanged:  # another process rewrote the cache meanwhile: do without it
        found, inputs = _uncached(vault, rows)
    notes = [Chosen(corpus.notes[row].rel, corpus.notes[row].title, corpus.notes[row].topic,
                    corpus.notes[row].tags, picks) for row, picks in found.items()]  # fmt: skip
    broken = tuple(str(problem) for problem in corpus.problems)
    return Choice(notes, broken, key, inputs, state)


def _fields_once(pending: list) -> Iterator[tuple[str, Fields]]:
    """Each note's fields, in order, letting each note's text go once its fields are made."""
    while pending:
        note = pending.pop()
        yield note.rel, fields_of(note)


def _decide(vault: Vault, corpus: Corpus, pairs: Iterator[tuple[str, Fields]],
            state: LinkState | None, rows: list[int] | None) -> tuple[dict, str]:  # fmt: skip
    """Each note's links, and the digest of what similarity read."""
    with token_source(vault, pairs) as source:
        inputs = inputs_key([n.rel for n in corpus.notes], source.digests)
        if state is not None and state.inputs == inputs:
            return _stored(corpus, state, rows), inputs
        vectors = build(source.chunks, len(corpus.notes))
    config = vault.config
    found = rank_vectors(vectors, config.link_top_k, config.link_threshold, rows)
    return suggestions(corpus, found), inputs


def _uncached(vault: Vault, rows: list[int] | None) -> tuple[dict, str]:
    from studycards.notes.corpus import load_corpus

    corpus = load_corpus(vault)
    fields = [fields_of(n) for n in corpus.notes]
    config = vault.config
    found = rank(fields, config.link_top_k, config.link_threshold, rows)
    inputs = inputs_key([n.rel for n in corpus.notes], [digest(f) for f in fields])
    return suggestions(corpus, found), inputs


def _stored(corpus: Corpus, state: LinkState, rows: list[int] | None) -> dict:
    """The stored links of ``rows`` (default all), naming today's titles and tags."""
    at = {n.rel: row for row, n in enumerate(corpus.notes)}
    found: dict[int, list[Suggestion]] = {}
    for n in state.notes:
        row = at[n.rel]
        if rows is None or row in rows:
            found[row] = [_suggestion(corpus, at[rel], score, shared)
                          for rel, score, shared in n.picks]  # fmt: skip
    return dict(sorted(found.items()))


def _suggestion(corpus: Corpus, row: int, score: float, shared: tuple[str, ...]) -> Suggestion:
    note = corpus.notes[row]
    return Suggestion(note.rel, note.title, score, note.tags, shared)


def find_note(vault: Vault, corpus: Corpus, query: str, cwd: Path) -> str:
    """Resolve a note named on the command line against the corpus (no vault rescan)."""
    summaries = tuple(NoteSummary(n.rel, n.title, n.topic) for n in corpus.notes)
    return resolve(vault, query, summaries, cwd)


def _row_of(corpus: Corpus, rel: str) -> int:
    """The corpus position of ``rel``; a broken note is an error naming its problem."""
    try:
        return corpus.index_of(rel)
    except KeyError:
        problem = next((p for p in corpus.problems if p.path == rel), None)
        message = problem.message if problem else "not a note"
        line = problem.line if problem else None
        raise NoteParseError(f"{message}: cannot link this note", rel, line) from None
