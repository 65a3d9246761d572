"""Validate every note of a vault and collect all problems, not only the first.

Each note and outline file is parsed once and what it says on its own is kept in the check cache
(:mod:`studycards.upkeep.check_cache`), keyed by path, size and mtime: a warm run reads only
changed files. Whether a link leads to a note depends on other files, so it is judged on every
run from the links the cache keeps: a deleted or renamed note breaks the links to it at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar

from studycards.notes.links import Link, links_in
from studycards.notes.note import Note, Problem
from studycards.notes.sections import freeze_extra
from studycards.notes.selection import Skipped, describe
from studycards.notes.vault import Vault, _FileEntry, iter_note_files, load_note
from studycards.upkeep._check_facts import (
    NoteFacts,
    demo_problems,
    facts_of_entry,
    frontmatter_line,
)
from studycards.upkeep.check_cache import CheckCache, Key, Rows
from studycards.upkeep.link_targets import LinkResolver

T = TypeVar("T")
OutlineFacts = tuple[tuple[Problem, ...], tuple[tuple[Link, int], ...]]


@dataclass(frozen=True)
class CheckReport:
    """Every problem found, and how many notes were looked at."""

    problems: tuple[Problem, ...]
    notes_checked: int
    skipped: tuple[Skipped, ...] = ()
    notes_dir: str = "notes"

    @property
    def skipped_line(self) -> str | None:
        """How many files under the notes folder are not notes, and why, in one line."""
        return describe(self.skipped, self.notes_dir)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check_vault(vault: Vault, use_cache: bool = True) -> CheckReport:
    """Check every note (parse problems, field values, sections, related-note and outline
    links, demo blocks), then every outline file (its links to notes)."""
    skipped: list[Skipped] = []
    entries = list(iter_note_files(vault, skipped))
    cache = CheckCache.open(vault) if use_cache else None
    try:
        facts = _note_facts(vault, entries, cache)
        outlines = _outline_facts(vault, cache)
    finally:
        if cache:
            cache.close()
    links = _Links(vault, entries)
    problems: list[Problem] = []
    for entry, note in zip(entries, facts, strict=True):
        problems.extend(note.own)
        problems.extend(links.dead_related(entry.rel, note.related))
        problems.extend(links.missing_outlines(entry.rel, note.outlines))
        problems.extend(note.demos)
    for rel, (own, outline_links) in outlines:
        problems.extend(own)
        problems.extend(links.dead_in_outline(rel, outline_links))
    return CheckReport(tuple(problems), len(entries), tuple(skipped), vault.config.notes_dir)


def check_note(vault: Vault, rel: str) -> tuple[Problem, ...]:
    """All problems of one note."""
    note = load_note(vault, rel)
    links = dead_links(vault, note) + missing_outlines(vault, note) + demo_block_problems(note)
    return note.summary.problems + note.problems + tuple(links)


# ---------------------------------------------------------------------------------------------
# each file on its own, from the cache where it is still fresh


def _note_facts(
    vault: Vault, entries: list[_FileEntry], cache: CheckCache | None
) -> list[NoteFacts]:
    extra = freeze_extra(vault.config.sections)

    def parse(stale: list[_FileEntry]) -> list[tuple[NoteFacts, tuple | None]]:
        from studycards._parallel import parallel_map

        found = parallel_map(facts_of_entry, stale, vault, extra)
        return [(facts, facts.to_row() if facts.cacheable else None) for facts in found]

    keyed = [(e.rel, (e.size, e.mtime_ns), e) for e in entries if e.problem is None]
    found = _cached_or_parsed(cache, "notes", keyed, NoteFacts.from_row, parse)
    by_rel: dict[str, NoteFacts] = dict(found)  # type: ignore[arg-type]
    return [by_rel.get(e.rel) or facts_of_entry(vault, extra, e) for e in entries]


def _outline_facts(vault: Vault, cache: CheckCache | None) -> list[tuple[str, OutlineFacts]]:
    if not os.path.isdir(vault.root / vault.config.outlines_dir):
        return []  # no outlines: not even the module to read them is needed
    from studycards.upkeep.outlines import outline_files, outline_links

    keyed = []
    for rel in outline_files(vault):
        try:
            info = os.stat(vault.path_of(rel))
            keyed.append((rel, (info.st_size, info.st_mtime_ns), rel))
        except OSError:
            keyed.append((rel, (-1, -1), rel))  # read below, reported as it is; never cached

    def parse(rels: list[str]) -> list[tuple[OutlineFacts, tuple | None]]:
        parsed = []
        for rel in rels:
            problems, links, cacheable = outline_links(vault, rel)
            parsed.append(((problems, links), _outline_row(problems, links) if cacheable else None))
        return parsed

    found = _cached_or_parsed(cache, "outlines", keyed, _outline_from_row, parse)
    return found  # type: ignore[return-value]


def _outline_row(problems: tuple[Problem, ...], links: tuple[tuple[Link, int], ...]) -> tuple:
    problem_rows = tuple((p.path, p.line, p.severity, p.message) for p in problems)
    link_rows = tuple((k.text, k.target, k.wiki, k.heading, line) for k, line in links)
    return problem_rows, link_rows


def _outline_from_row(row: object) -> OutlineFacts | None:
    try:
        problems_rows, link_rows = row  # type: ignore[misc]
        problems = tuple(Problem(*p) for p in problems_rows)
        links = tuple((Link(t, g, w, h), line) for t, g, w, h, line in link_rows)
    except (TypeError, ValueError):
        return None
    fields_ok = all(isinstance(p.path, str) and isinstance(p.message, str) for p in problems)
    links_ok = all(type(line) is int and isinstance(k.target, str) for k, line in links)
    return (problems, links) if fields_ok and links_ok else None


def _cached_or_parsed(
    cache: CheckCache | None,
    table: str,
    keyed: Sequence[tuple[str, Key, T]],
    unpack: Callable[[object], object | None],
    parse: Callable[[list[T]], list[tuple[object, tuple | None]]],
) -> list[tuple[str, object]]:
    """``(rel, facts)`` for each keyed file: unpacked from the cache when its key still fits,
    else parsed. ``parse`` gives each stale file's facts and its cache row (None: not to be
    stored, e.g. a file that could not be read); fresh rows are stored."""
    rows: Rows = cache.load(table) if cache else {}
    found: dict[str, object] = {}
    stale = []
    for rel, key, item in keyed:
        hit = rows.get(rel)
        facts = unpack(hit[1]) if hit and hit[0] == key and key[0] >= 0 else None
        if facts is None:
            stale.append((rel, key, item))
        else:
            found[rel] = facts
    parsed = parse([item for _rel, _key, item in stale]) if stale else []
    fresh = []
    for (rel, key, _item), (facts, row) in zip(stale, parsed, strict=True):
        found[rel] = facts
        if row is not None and key[0] >= 0:
            fresh.append((rel, key, row))
    keep = {rel for rel, _key, _item in keyed}
    if cache and (fresh or set(rows) - keep):
        cache.store(table, fresh, keep)
    return [(rel, found[rel]) for rel, _key, _item in keyed]


# ---------------------------------------------------------------------------------------------
# what other files decide: judged on every run


class _Links:
    """Whether the links of one run lead to files, each path looked up at most once."""

    def __init__(self, vault: Vault, entries: Iterable[_FileEntry] | None = None):
        self.vault = vault
        listed = list(entries) if entries is not None else None
        notes = [e.rel for e in listed] if listed is not None else None
        self.files = frozenset(e.rel for e in listed or () if e.problem is None)
        self.resolver = LinkResolver(vault, notes, self.files)
        self.seen: dict[str, bool] = {}

    def exists(self, rel: str) -> bool:
        if rel in self.files:
            return True
        found = self.seen.get(rel)
        if found is None:
            found = self.seen[rel] = _exists(self.vault, rel)
        return found

    def dead_related(self, rel: str, related: Iterable[tuple[str, int]]) -> list[Problem]:
        """Related-note links (Markdown links or wikilinks) whose note does not exist."""
        problems = []
        for target, line in related:
            if self.exists(target.split("#", 1)[0]):
                continue  # the plain vault path, the common case, without parsing
            link = _as_link(target)
            resolver = self.resolver
            if resolver.is_note_link(link) and not resolver.resolve(link, rel)[1]:
                message = f"related link to a missing note: {target}"
                problems.append(Problem(rel, line, "error", message))
        return problems

    def missing_outlines(self, rel: str, entries: Iterable[tuple[str, int | None]]) -> list:
        """``related_outlines`` entries naming no outline file (by vault path, a path next to
        the note, or a name in the outlines folder, ``.md`` optional)."""
        if not entries:
            return []
        folder = PurePosixPath(rel).parent
        outlines = self.vault.config.outlines_dir.rstrip("/")
        problems = []
        for entry, line in entries:
            names = [entry] if entry.lower().endswith(".md") else [entry, f"{entry}.md"]
            candidates = [c for n in names for c in (n, str(folder / n), f"{outlines}/{n}")]
            if not any(self.exists(c) for c in candidates):
                message = f"related outline not found: {entry}"
                problems.append(Problem(rel, line, "warning", message))
        return problems

    def dead_in_outline(self, rel: str, links: Iterable[tuple[Link, int]]) -> list[Problem]:
        """An outline's links to notes that do not exist."""
        from studycards.upkeep.outlines import dead_link_problem, shown_target

        return [
            dead_link_problem(rel, shown_target(link), line)
            for link, line in links
            if not self.resolver.resolve(link, rel)[1]
        ]


# ---------------------------------------------------------------------------------------------
# one parsed note (``new``, ``edit``)


def demo_block_problems(note: Note) -> list[Problem]:
    """``studycards-demo`` blocks that would render as an error box (see :func:`demo_problems`)."""
    return list(demo_problems(note))


def missing_outlines(vault: Vault, note: Note) -> list[Problem]:
    """``related_outlines`` entries of a parsed note naming no outline file."""
    entries = [(e, frontmatter_line(note, e)) for e in note.summary.related_outlines]
    return _Links(vault).missing_outlines(note.summary.rel, entries)


def dead_links(vault: Vault, note: Note, resolver: LinkResolver | None = None) -> list[Problem]:
    """Related-note links (Markdown links or wikilinks) whose note does not exist."""
    links = _Links(vault)
    if resolver is not None:
        links.resolver = resolver
    related = [(link.target, link.line) for link in note.related]
    return links.dead_related(note.summary.rel, related)


def _as_link(target: str) -> Link:
    if target.startswith("[[") and target.endswith("]]"):
        found = links_in(target)
        if found:
            return found[0]
    return Link("", target)


def _exists(vault: Vault, rel: str) -> bool:
    try:
        return vault.path_of(rel).is_file()
    except Exception:
        return False
