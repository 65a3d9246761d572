"""The text of every note that similarity and search read, extracted once and cached.

Extracting a note's sections means parsing its Markdown, which is the slow part of ``link`` and
``search`` on a large vault. What they need (title, tags, answers, follow-ups and the rest of the
body) is kept in ``.studycards/text.sqlite``, keyed like the vault index by path, size and
mtime, so a warm run parses only the notes that changed. Deleting the file loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from studycards._parallel import parallel_map
from studycards.notes._document import markdown_lines
from studycards.notes.body import parse_note
from studycards.notes.index import rollback_quietly
from studycards.notes.note import Note, Problem
from studycards.notes.sections import freeze_extra
from studycards._statefile import safe_for_sqlite
from studycards.notes.vault import Vault, iter_note_files, read_text

CACHE_NAME = "text.sqlite"
_VERSION = "3"
_FIELDS = ("rel", "size", "mtime_ns", "title", "topic", "tags")
_TEXTS = ("question", "answer", "deep", "followups", "rest")


@dataclass(frozen=True)
class NoteText:
    """What search and similarity know of one note.

    ``rest`` is every part of the body the other
    fields do not hold (sections under any other heading, the text of a note without headings),
    except the generated related-notes block. The text fields are empty when the corpus was
    loaded without them.
    """

    rel: str
    title: str
    topic: str
    tags: tuple[str, ...]
    question: str = ""
    answer: str = ""
    deep: str = ""
    followups: str = ""
    rest: str = ""


@dataclass(frozen=True)
class Corpus:
    """Every readable note's text in path order, and the notes that could not be read."""

    notes: tuple[NoteText, ...]
    problems: tuple[Problem, ...] = ()

    def index_of(self, rel: str) -> int:
        for position, note in enumerate(self.notes):
            if note.rel == rel:
                return position
        raise KeyError(rel)


_ANSWER_KINDS = ("two_minutes", "approach", "problem", "deep_dive", "followups", "related")


def rest_of_body(note: Note) -> str:
    """The body without its title line and the sections the other fields hold."""
    document = note.document
    if document is None:
        return ""
    first = document.body_first_line
    used: set[int] = set()
    sections = [note.sections[k] for k in _ANSWER_KINDS if k in note.sections]
    if note.short_answer_section:
        sections.append(note.short_answer_section)
    for section in sections:
        used.update(range(section.line - first, section.end_line - first))
    lines = markdown_lines(document.body)
    title = next((n for n, line in enumerate(lines) if line.strip()), None)
    if title is not None and lines[title].lstrip().startswith("# "):
        used.add(title)
    return "\n".join(line for n, line in enumerate(lines) if n not in used).strip()


def extract(note: Note) -> NoteText:
    """Pull the searchable fields out of a fully parsed note."""
    question, answer, followups, deep, rest = text_fields(note)
    summary = note.summary
    return NoteText(
        summary.rel, summary.title, summary.topic, summary.tags, question, answer, deep,
        followups, rest,
    )  # fmt: skip


def load_corpus(vault: Vault, with_text: bool = True, use_cache: bool = True) -> Corpus:
    """Every note's :class:`NoteText`, parsing only notes changed since the cache was written."""
    entries = list(iter_note_files(vault))
    cache = TextCache.open(vault) if use_cache else None
    try:
        cached = cache.load(with_text) if cache else {}
        notes, problems, fresh = _collect(vault, entries, cached)
        if cache:
            cache.store(fresh, keep={e.rel for e in entries})
    finally:
        if cache:
            cache.close()
    if not with_text:
        notes = [_without_text(n) for n in notes]
    return Corpus(tuple(notes), tuple(problems))


def _collect(vault: Vault, entries: list, cached: dict) -> tuple[list, list, list]:
    notes: list[NoteText] = []
    problems: list[Problem] = []
    fresh: list[tuple[object, NoteText]] = []
    extra = freeze_extra(vault.config.sections)
    stale = [
        e
        for e in entries
        if not ((hit := cached.get(e.rel)) and e.problem is None and hit[0] == (e.size, e.mtime_ns))
    ]
    parsed = dict(
        zip((e.rel for e in stale), parallel_map(_parse_entry, stale, vault, extra), strict=True)
    )
    for entry in entries:
        if entry.rel not in parsed:
            notes.append(cached[entry.rel][1])
            continue
        text, problem = parsed[entry.rel]
        if text is None:
            problems.append(problem)
            continue
        notes.append(text)
        fresh.append((entry, text))
    return notes, problems, fresh


def _parse_entry(vault: Vault, extra: tuple, entry) -> tuple[NoteText | None, Problem | None]:
    return _parse(vault, entry, extra)


def _parse(vault: Vault, entry, extra: tuple) -> tuple[NoteText | None, Problem | None]:
    if entry.problem:
        return None, entry.problem
    path = Path(entry.path)
    raw, problem = read_text(vault, entry.rel, path, entry.size)
    if raw is None:
        return None, problem
    note = parse_note(raw, entry.rel, path, vault.config.notes_dir, extra)
    if note.summary.broken:
        return None, next(p for p in note.summary.problems if p.severity == "error")
    return extract(note), None


def _without_text(note: NoteText) -> NoteText:
    if not (note.question or note.answer or note.deep or note.followups or note.rest):
        return note
    return NoteText(note.rel, note.title, note.topic, note.tags)


class TextCache:
    """The SQLite cache of extracted note text; any failure just means no cache."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, vault: Vault) -> TextCache | None:
        try:
            path = vault.ensure_state_dir() / CACHE_NAME
            if not safe_for_sqlite(path):
                return None
            connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
            cache = cls(connection)
            cache._prepare(vault)
            return cache
        except (OSError, sqlite3.Error):
            return None

    def _prepare(self, vault: Vault) -> None:
        config = vault.config
        sections = json.dumps(freeze_extra(config.sections), ensure_ascii=False)
        stamp = (
            f"{_VERSION}:{sys.byteorder}:{config.notes_dir}:{config.max_note_bytes}:"
            f"{sections}"
        )
        c = self.connection
        c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        columns = ", ".join(f"{name} {_TYPES.get(name, 'TEXT')}" for name in _FIELDS + _TEXTS)
        c.execute(f"CREATE TABLE IF NOT EXISTS notes ({columns}, PRIMARY KEY (rel))")
        row = c.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            c.execute("DROP TABLE notes")  # its columns may differ with the stamp
            c.execute(f"CREATE TABLE notes ({columns}, PRIMARY KEY (rel))")
            c.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))

    def load(self, with_text: bool) -> dict[str, tuple[tuple[int, int], NoteText]]:
        names = _FIELDS + (_TEXTS if with_text else ())
        try:
            rows = self.connection.execute(f"SELECT {', '.join(names)} FROM notes").fetchall()
        except sqlite3.Error:
            return {}
        loaded = {}
        for row in rows:
            try:
                loaded[row[0]] = ((row[1], row[2]), _from_row(row))
            except (ValueError, TypeError, IndexError):
                continue  # a damaged row: that note is read again
        return loaded

    def store(self, fresh: Iterable[tuple[object, NoteText]], keep: set[str]) -> None:
        rows = [_to_row(entry, note) for entry, note in fresh]
        marks = ", ".join("?" * len(_FIELDS + _TEXTS))
        try:
            c = self.connection
            c.execute("BEGIN")
            c.executemany(f"INSERT OR REPLACE INTO notes VALUES ({marks})", rows)
            stale = [(rel,) for (rel,) in c.execute("SELECT rel FROM notes") if rel not in keep]
            c.executemany("DELETE FROM notes WHERE rel = ?", stale)
            c.execute("COMMIT")
        except sqlite3.Error:
            rollback_quietly(self.connection)

    def restamp(self, changes: Iterable[tuple[str, tuple[int, int], tuple[int, int]]]) -> None:
        """Re-key entries whose file was rewritten without changing its extracted text.

        Each change is ``(rel, (old size, old mtime), (new size, new mtime))``; an entry is
        only moved if it still holds the old key, i.e. it was extracted from the text rewritten.
        """
        rows = [(new[0], new[1], rel, old[0], old[1]) for rel, old, new in changes]
        try:
            c = self.connection
            c.execute("BEGIN")
            c.executemany(
                "UPDATE notes SET size = ?, mtime_ns = ? WHERE rel = ? AND size = ?"
                " AND mtime_ns = ?",
                rows,
            )
            c.execute("COMMIT")
        except sqlite3.Error:
            rollback_quietly(self.connection)

    def close(self) -> None:
        self.connection.close()


_TYPES = {"size": "INTEGER", "mtime_ns": "INTEGER"}


def _to_row(entry, note: NoteText) -> tuple:
    tags = json.dumps(list(note.tags), ensure_ascii=False)
    return (
        note.rel, entry.size, entry.mtime_ns, note.title, note.topic, tags, note.question,
        note.answer, note.deep, note.followups, note.rest,
    )  # fmt: skip


def _from_row(row: tuple) -> NoteText:
    rel, _size, _mtime, title, topic, tags, *texts = row
    return NoteText(rel, title, topic, tuple(json.loads(tags)), *texts)


def text_fields(note: Note) -> tuple[str, str, str, str, str]:
    """A parsed note's searchable body fields as :func:`extract` cuts them: the question, the
    answers, the follow-ups, the deep dive and the rest of the body."""
    followups = "\n\n".join(f"{f.question}\n{f.answer}" for f in note.followups)
    answer = "\n\n".join(t for t in (note.short_answer, note.long_answer) if t)
    return (
        note.section_text("problem"), answer, followups, note.section_text("deep_dive"),
        rest_of_body(note),
    )  # fmt: skip
