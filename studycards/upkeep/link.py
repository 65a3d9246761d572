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
from typing import TYPE_CHECKING

from studycards._atomic import atomic_write
from studycards.lock import vault_lock
from studycards.notes.sections import freeze_extra
from studycards.notes.summary import cr_only, decode, with_endings
from studycards.notes.vault import Vault, iter_note_files
from studycards.upkeep import _link_cache
from studycards.upkeep._link_cache import LinkState, NoteState, walk_key
from studycards.upkeep._link_choice import Choice, Chosen, choose, find_note, walk_stamps
from studycards.upkeep.related import Suggestion
from studycards.upkeep.related_block import BlockError, link_line, write_block

if TYPE_CHECKING:
    from studycards.notes.corpus import TextCache

__all__ = ["LinkReport", "Linked", "find_note", "link"]

WRITERS = 8  # parallel atomic writes: fsync waits overlap
BATCH = 1000  # notes planned, then written, at a time


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


def link(vault: Vault, note: str | None = None, dry_run: bool = False, cwd: Path | None = None
         ) -> LinkReport:  # fmt: skip
    """Rebuild the related block of ``note`` (a path, file name or title part) or of every note.

    What the last run decided is reused where its inputs did not change (see
    :mod:`studycards.upkeep._link_cache`); the answer is always the one a cold run gives.
    """
    entries = list(iter_note_files(vault))
    choice = choose(vault, entries, note, cwd or Path.cwd())
    with nullcontext() if dry_run else vault_lock(vault.state_dir):
        prior = {n.rel: n for n in choice.state.notes} if choice.state else {}
        stamps = {e.rel: (e.size, e.mtime_ns) for e in entries}
        plans: list[_Plan] = []
        for at in range(0, len(choice.notes), BATCH):  # a batch's new texts in memory at once
            batch = [_plan_or_reuse(vault, c, prior.get(c.rel), stamps.get(c.rel))
                     for c in choice.notes[at : at + BATCH]]  # fmt: skip
            if not dry_run:
                batch = _write_all(vault, batch)
            plans.extend(_Plan(p.linked, None, b"", p.stamp, p.written, p.reused) for p in batch)
    _remember(vault, choice, entries, plans, dry_run, whole=note is None)
    return LinkReport(tuple(plan.linked for plan in plans), dry_run, choice.broken)


def _plan_or_reuse(vault: Vault, chosen: Chosen, prior: NoteState | None,
                   stamp: tuple[int, int] | None) -> _Plan:  # fmt: skip
    """A note whose block held these very lines when its file last had this size and mtime
    is not read again."""
    lines = chosen.lines
    if lines is None:
        lines = tuple(link_line(s.title, s.rel, s.percent, s.tags) for s in chosen.links)
    if prior is not None and prior.clean and prior.stamp == stamp and prior.lines == lines:
        linked = Linked(chosen.rel, chosen.title, tuple(chosen.links), "unchanged", lines)
        return _Plan(linked, stamp=prior.stamp, reused=True)
    return _plan(vault, chosen.title, chosen.rel, chosen.links, lines)


def _remember(vault: Vault, choice: Choice, entries: list, plans: list[_Plan], dry_run: bool,
              whole: bool) -> None:  # fmt: skip
    """Store what this run decided, for the next run."""
    if choice.unchanged and all(plan.reused for plan in plans):
        return  # what is stored is what this run found
    states = [_state_of(chosen, plan, dry_run) for chosen, plan in zip(choice.notes, plans,
                                                                       strict=True)]  # fmt: skip
    if whole:
        walked = {e.rel: (e.size, e.mtime_ns) for e in entries}
        written = {p.linked.rel: p.written for p in plans
                   if p.written is not None and p.stamp == walked.get(p.linked.rel)}  # fmt: skip
        walk = walk_key(walk_stamps(entries, written))
        new = LinkState(choice.config, walk, choice.inputs, choice.broken, tuple(states))
    elif choice.state is not None and choice.state.inputs == choice.inputs:
        mine = {s.rel: s for s in states}
        notes = tuple(mine.get(n.rel, n) for n in choice.state.notes)
        new = LinkState(choice.state.config, choice.state.walk, choice.state.inputs,
                        choice.state.broken, notes)  # fmt: skip
    else:
        return  # one note ranked alone: the others' links are not known
    if new != choice.state:
        _link_cache.store(vault, new)


def _state_of(chosen: Chosen, plan: _Plan, dry_run: bool) -> NoteState:
    status = plan.linked.status
    clean = status == "unchanged" or (status == "updated" and not dry_run)
    picks = tuple((s.rel, s.score, s.shared) for s in chosen.links)
    return NoteState(chosen.rel, chosen.title, chosen.topic, chosen.tags, picks,
                     plan.linked.lines, plan.now, clean)  # fmt: skip


@dataclass(frozen=True)
class _Plan:
    linked: Linked
    path: Path | None = None  # set while the note still has to be written
    data: bytes = b""
    stamp: tuple[int, int] = (0, 0)  # size and mtime of the text the plan was made from
    written: tuple[int, int] | None = None  # size and mtime of the file this run wrote
    reused: bool = False  # decided from the link cache, without reading the note

    @property
    def now(self) -> tuple[int, int]:
        """The size and mtime of the file whose block :attr:`linked` describes."""
        return self.written or self.stamp


def _plan(vault: Vault, title: str, rel: str, picks: list[Suggestion],
          lines: tuple[str, ...]) -> _Plan:  # fmt: skip
    """Read one note and work out its new text; nothing is written here."""
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
        return _Plan(base, stamp=stamp)
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
            cache.restamp([(p.linked.rel, p.stamp, results[id(p)].written) for p in pending
                           if results[id(p)].written is not None])  # fmt: skip
    return [results[id(plan)] if plan.path is not None else plan for plan in plans]


def _write(plan: _Plan) -> _Plan:
    """Write one note unless it changed since it was read; note its new size and mtime."""
    assert plan.path is not None
    try:
        info = plan.path.stat()
        if (info.st_size, info.st_mtime_ns) != plan.stamp:
            return _Plan(_skipped(plan.linked, "changed while linking: run link again"))
        atomic_write(plan.path, plan.data)
        info = plan.path.stat()
    except OSError as error:
        return _Plan(_skipped(plan.linked, f"cannot write: {error.strerror or error}"))
    return _Plan(plan.linked, stamp=plan.stamp, written=(info.st_size, info.st_mtime_ns))


@contextmanager
def _cache(vault: Vault) -> Iterator[TextCache | None]:
    from studycards.notes.corpus import TextCache

    cache = TextCache.open(vault)
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()
