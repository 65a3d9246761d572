"""``link``: write each note's generated related-notes block.

Similarities come from :mod:`studycards.upkeep.related`, the block edit from
:mod:`studycards.upkeep.related_block`. Under the vault lock each note is read, its block rebuilt, and
the file rewritten atomically only if its bytes change, so a second run in a row writes nothing
and leaves every mtime alone. The related block is not part of the text similarity is computed
from, so rewriting it keeps the text cache valid: its entries are re-keyed to the new mtimes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from studycards._atomic import atomic_write
from studycards.errors import NoteParseError
from studycards.lock import vault_lock
from studycards.notes.corpus import Corpus, TextCache, load_corpus
from studycards.notes.note import NoteSummary
from studycards.notes.sections import freeze_extra
from studycards.notes.summary import cr_only, decode, with_endings
from studycards.notes.vault import Vault, resolve
from studycards.upkeep.related import Suggestion, related
from studycards.upkeep.related_block import BlockError, link_line, write_block

WRITERS = 8  # parallel atomic writes: fsync waits overlap


@dataclass(frozen=True)
class Linked:
    """What ``link`` did to one note: ``status`` is updated, unchanged or skipped."""

    rel: str
    title: str
    links: tuple[Suggestion, ...]
    status: str
    lines: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict:
        return {"rel": self.rel, "title": self.title, "status": self.status,
                "reason": self.reason, "links": [s.to_dict() for s in self.links]}  # fmt: skip


@dataclass(frozen=True)
class LinkReport:
    """Every note considered, in path order, and the notes that could not be read at all."""

    notes: tuple[Linked, ...]
    dry_run: bool
    broken: tuple[str, ...] = field(default=())

    def count(self, status: str) -> int:
        return sum(1 for note in self.notes if note.status == status)


def find_note(vault: Vault, corpus: Corpus, query: str, cwd: Path) -> str:
    """Resolve a note named on the command line against the corpus (no vault rescan)."""
    summaries = tuple(NoteSummary(n.rel, n.title, n.topic) for n in corpus.notes)
    return resolve(vault, query, summaries, cwd)


def link(vault: Vault, note: str | None = None, dry_run: bool = False, cwd: Path | None = None
         ) -> LinkReport:  # fmt: skip
    """Rebuild the related block of ``note`` (a path, file name or title part) or of every note."""
    corpus = load_corpus(vault, with_text=False)
    rows = None
    if note is not None:
        rows = [_row_of(corpus, find_note(vault, corpus, note, cwd or Path.cwd()))]
    config = vault.config
    found = related(corpus, config.link_top_k, config.link_threshold, rows)
    with nullcontext() if dry_run else vault_lock(vault.state_dir):
        plans = [_plan(vault, corpus.notes[row].title, corpus.notes[row].rel, picks)
                 for row, picks in found.items()]  # fmt: skip
        if not dry_run:
            plans = _write_all(vault, plans)
    broken = tuple(str(problem) for problem in corpus.problems)
    return LinkReport(tuple(plan.linked for plan in plans), dry_run, broken)


def _row_of(corpus: Corpus, rel: str) -> int:
    """The corpus position of ``rel``; a broken note is an error naming its problem."""
    try:
        return corpus.index_of(rel)
    except KeyError:
        problem = next((p for p in corpus.problems if p.path == rel), None)
        message = problem.message if problem else "not a note"
        line = problem.line if problem else None
        raise NoteParseError(f"{message}: cannot link this note", rel, line) from None


@dataclass(frozen=True)
class _Plan:
    linked: Linked
    path: Path | None = None
    data: bytes = b""
    stamp: tuple[int, int] = (0, 0)


def _plan(vault: Vault, title: str, rel: str, picks: list[Suggestion]) -> _Plan:
    """Read one note and work out its new text; nothing is written here."""
    lines = tuple(link_line(s.title, s.rel, s.percent, s.tags) for s in picks)
    base = Linked(rel, title, tuple(picks), "unchanged", lines)
    path = vault.root / rel  # from the vault walk: never outside the vault
    if path.is_symlink():
        return _Plan(_skipped(base, "a symlink: rewrite the file it points to instead"))
    try:
        stamp, raw = _read(path)
    except OSError as error:
        return _Plan(_skipped(base, f"cannot read: {error.strerror or error}"))
    text, problem = decode(raw, rel)
    if text is None:
        return _Plan(_skipped(base, problem.message if problem else "unreadable"))
    try:
        new = write_block(text, lines, freeze_extra(vault.config.sections))
    except BlockError as error:
        return _Plan(_skipped(base, str(error)))
    if new == text:
        return _Plan(base)
    updated = Linked(rel, title, tuple(picks), "updated", lines)
    return _Plan(updated, path, with_endings(new, cr_only(raw)).encode("utf-8"), stamp)


def _skipped(base: Linked, reason: str) -> Linked:
    return Linked(base.rel, base.title, base.links, "skipped", base.lines, reason)


def _read(path: Path) -> tuple[tuple[int, int], bytes]:
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        return (info.st_size, info.st_mtime_ns), handle.read()


def _write_all(vault: Vault, plans: list[_Plan]) -> list[_Plan]:
    """Write every changed note (in parallel); re-key the text cache to the new mtimes."""
    pending = [plan for plan in plans if plan.path is not None]
    if not pending:
        return plans
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = dict(zip(map(id, pending), pool.map(_write, pending), strict=True))
    with _cache(vault) as cache:
        if cache is not None:
            cache.restamp([(p.linked.rel, p.stamp, results[id(p)][1]) for p in pending
                           if results[id(p)][1] is not None])  # fmt: skip
    return [results[id(plan)][0] if plan.path is not None else plan for plan in plans]


def _write(plan: _Plan) -> tuple[_Plan, tuple[int, int] | None]:
    """Write one note unless it changed since it was read; return its new size and mtime."""
    assert plan.path is not None
    try:
        info = plan.path.stat()
        if (info.st_size, info.st_mtime_ns) != plan.stamp:
            return _Plan(_skipped(plan.linked, "changed while linking: run link again")), None
        atomic_write(plan.path, plan.data)
        info = plan.path.stat()
    except OSError as error:
        return _Plan(_skipped(plan.linked, f"cannot write: {error.strerror or error}")), None
    return plan, (info.st_size, info.st_mtime_ns)


@contextmanager
def _cache(vault: Vault) -> Iterator[TextCache | None]:
    cache = TextCache.open(vault)
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()
