"""Find the vault, scan its notes once, and keep a disposable SQLite index of what was parsed.

The index (``.studycards/index.sqlite``) is keyed by path, size and mtime: a second scan re-parses
only files that changed. Deleting it loses nothing.
"""

from __future__ import annotations

import marshal
import os
import stat
import sqlite3
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from studycards._statefile import check_state_dir, create_once, safe_for_sqlite
from studycards.errors import NoteNotFound, PathEscapesVault, VaultNotFound
from studycards.notes.body import parse_note
from studycards.notes.config import CONFIG_NAME, Config, load_config
from studycards.notes.index import SummaryIndex
from studycards.notes.note import Note, NoteSummary, Problem
from studycards.notes.note_file import kind_problem, read_note_bytes, too_large
from studycards.notes.sections import freeze_extra
from studycards.notes.selection import (
    BAD_NAME,
    DOT_FOLDER,
    Selection,
    Skipped,
    bad_name,
    count_markdown,
)
from studycards.notes.summary import broken_summary, decode, parse_summary
from studycards.notes.vault_root import is_vault, not_a_vault

STATE_DIR = ".studycards"
_GITIGNORE = (
    "# studycards: caches are disposable and stay out of git; the review ledger is kept.\n"
    "*\n!.gitignore\n!reviews.jsonl\n!imported.json\n"
)


@dataclass(frozen=True)
class Vault:
    """A vault root with its settings."""

    root: Path
    config: Config = field(default_factory=Config)

    @property
    def notes_dir(self) -> Path:
        return self.root / self.config.notes_dir

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def rel(self, path: Path) -> str:
        """The vault-relative POSIX path of ``path``; raises if it lies outside the vault."""
        resolved = _absolute(path)
        try:
            return resolved.relative_to(_absolute(self.root)).as_posix()
        except ValueError:
            raise PathEscapesVault(f"{path} is outside the vault {self.root}") from None

    def path_of(self, rel: str) -> Path:
        """The absolute path of a vault-relative path, refusing any that escapes the vault."""
        candidate = _absolute(self.root / rel)
        root = _absolute(self.root)
        if candidate != root and root not in candidate.parents:
            raise PathEscapesVault(f"{rel} would leave the vault {self.root}")
        return candidate

    def ensure_state_dir(self) -> Path:
        """Create ``.studycards/`` with its ``.gitignore`` (caches out of git, ledger in)."""
        check_state_dir(self.root, self.state_dir)
        self.state_dir.mkdir(exist_ok=True)
        create_once(self.state_dir / ".gitignore", _GITIGNORE.encode("utf-8"))
        return self.state_dir


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def find_vault(explicit: str | None, cwd: Path, environ: Mapping[str, str]) -> Vault:
    """The vault from ``--vault``, then ``STUDYCARDS_VAULT``, then the nearest ancestor of ``cwd``."""
    given = explicit or environ.get("STUDYCARDS_VAULT")
    if given:
        root = Path(given).expanduser()
        if not root.is_dir():
            raise VaultNotFound(f"no vault at {root}: it is not a folder")
        if not is_vault(root):
            raise VaultNotFound(not_a_vault(root))
        return open_vault(root)
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / "notes").is_dir():
            return open_vault(folder)
    raise VaultNotFound(f"no vault found from {cwd}: pass --vault or run 'studycards init'")


def open_vault(root: Path) -> Vault:
    vault = Vault(_absolute(root), load_config(root))
    check_state_dir(vault.root, vault.state_dir)
    return vault


# ---------------------------------------------------------------------------------------------
# scanning


@dataclass(frozen=True)
class ScanResult:
    """Every note's summary (broken ones included) in path order."""

    summaries: tuple[NoteSummary, ...]

    @property
    def notes(self) -> list[NoteSummary]:
        """The notes that parsed well enough to list and schedule."""
        return [s for s in self.summaries if not s.broken]

    @property
    def broken(self) -> list[NoteSummary]:
        return [s for s in self.summaries if s.broken]


class _FileEntry(NamedTuple):  # a tuple: one is made per file on every command
    rel: str
    path: str
    size: int
    mtime_ns: int
    problem: Problem | None = None


def iter_note_files(vault: Vault, skipped: list[Skipped] | None = None) -> Iterator[_FileEntry]:
    """Every note file under the notes folder (see :mod:`studycards.notes.selection`), directory
    symlinks not followed (no loops); what is not a note goes into ``skipped`` when given."""
    root = str(vault.root)
    start = os.path.join(root, vault.config.notes_dir)
    config = vault.config
    rules = Selection(tuple(config.exclude), config.include_nested_repos)
    yield from _walk(start, len(root) + 1, rules, skipped, os.path.realpath(root))


def _walk(
    folder: str, cut: int, rules: Selection, skipped: list[Skipped] | None, real_root: str
) -> Iterator[_FileEntry]:
    # Plain strings, not pathlib: this runs once per file on every command. A stack, not
    # recursion, so a tree of a thousand nested folders is walked like any other.
    stack = [iter(_entries(folder))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        rel = entry.path[cut:].replace(os.sep, "/")
        if not entry.name.isascii() and bad_name(entry.name):
            folder = entry.is_dir(follow_symlinks=False)
            if skipped is not None and (folder or entry.name.endswith(".md")):
                files = count_markdown(entry.path) if folder else 1
                skipped.append(Skipped(rel, BAD_NAME, files))
            continue
        if entry.is_dir(follow_symlinks=False):
            reason = rules.folder_reason(entry.name, entry.path, rel)
            if reason is None:
                stack.append(iter(_entries(entry.path)))
            elif skipped is not None:
                files = 0 if reason == DOT_FOLDER else count_markdown(entry.path)
                skipped.append(Skipped(rel, reason, files))
        elif entry.name.endswith(".md"):
            reason = rules.file_reason(entry.name, rel)
            if reason is None:
                yield _file_entry(entry, rel, real_root)
            elif skipped is not None:
                skipped.append(Skipped(rel, reason))


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda e: e.name)
    except OSError:
        return []


def _file_entry(entry: os.DirEntry[str], rel: str, real_root: str) -> _FileEntry:
    path = entry.path
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):  # the common case in one system call
            return _FileEntry(rel, path, info.st_size, info.st_mtime_ns)
        problem = kind_problem(rel, path, real_root)  # a symlink, a FIFO, a device...
        if problem:
            return _FileEntry(rel, path, 0, 0, problem)
        info = os.stat(path)
    except OSError as error:
        return _FileEntry(rel, path, 0, 0, _os_problem(rel, error, entry))
    return _FileEntry(rel, path, info.st_size, info.st_mtime_ns)


def _os_problem(rel: str, error: OSError, entry: os.DirEntry[str] | None = None) -> Problem:
    if entry is not None and entry.is_symlink():
        reason = "symlink loop" if error.errno == 40 else "dangling symlink"
        return Problem(rel, None, "error", f"cannot read: {reason} ({error.strerror})")
    return Problem(rel, None, "error", f"cannot read: {error.strerror or error}")


def read_summary(vault: Vault, entry: _FileEntry) -> NoteSummary:
    """Parse one file's summary from disk (no cache)."""
    notes_dir = vault.config.notes_dir
    if entry.problem:
        return broken_summary(entry.rel, entry.problem, notes_dir)
    text, problem = read_text(vault, entry.rel, Path(entry.path), entry.size)
    if problem:
        return broken_summary(entry.rel, problem, notes_dir)
    assert text is not None
    return parse_summary(text, entry.rel, notes_dir)


def read_text(vault: Vault, rel: str, path: Path, size: int) -> tuple[str | None, Problem | None]:
    """A note's text, or the problem that stops it being read (too large, not a regular file,
    a symlink leading out of the vault)."""
    limit = vault.config.max_note_bytes
    if size > limit:
        return None, too_large(rel, size, limit)
    try:
        raw, problem = read_note_bytes(rel, str(path), os.path.realpath(vault.root), limit)
    except OSError as error:
        return None, _os_problem(rel, error)
    if raw is None:
        return None, problem
    return decode(raw, rel)


def scan(
    vault: Vault, use_index: bool = True, entries: list[_FileEntry] | None = None
) -> ScanResult:
    """Summaries of every note, re-parsing only files changed since the last scan.

    ``entries`` are the note files when the caller has just listed them."""
    entries = list(iter_note_files(vault)) if entries is None else entries
    index = SummaryIndex.open(vault) if use_index else None
    try:
        cached = index.load() if index else {}
        summaries, fresh = _summaries(vault, entries, cached)
        if index:
            index.store(fresh, keep={e.rel for e in entries})
    finally:
        if index:
            index.close()
    return ScanResult(tuple(summaries))


def _summaries(
    vault: Vault, entries: list[_FileEntry], cached: dict[str, tuple[int, int, bytes]]
) -> tuple[list[NoteSummary], list[tuple[_FileEntry, NoteSummary]]]:
    by_rel: dict[str, NoteSummary] = {}
    stale: list[_FileEntry] = []
    for entry in entries:
        hit = cached.get(entry.rel)
        fits = hit and entry.problem is None and hit[0] == entry.size and hit[1] == entry.mtime_ns
        summary = _cached_summary(entry.rel, hit[2]) if fits else None
        if summary is not None:
            by_rel[entry.rel] = summary
        else:
            stale.append(entry)
    parsed = _parse_all(vault, stale)
    by_rel.update((entry.rel, summary) for entry, summary in zip(stale, parsed, strict=True))
    fresh = [(e, s) for e, s in zip(stale, parsed, strict=True) if e.problem is None]
    return [by_rel[entry.rel] for entry in entries], fresh


def _cached_summary(rel: str, blob: object) -> NoteSummary | None:
    """A row of the index as a summary; None for a damaged row (it is parsed again)."""
    try:
        summary = NoteSummary.from_row(marshal.loads(blob))  # type: ignore[arg-type]
    except (ValueError, TypeError, EOFError, KeyError, IndexError, OverflowError):
        return None
    texts = (summary.title, summary.topic, *summary.tags)
    plain = summary.rel == rel and all(isinstance(t, str) for t in texts)
    numbers = type(summary.review_count) is int and isinstance(summary.mastery_level, float)
    return summary if plain and numbers else None


def _parse_all(vault: Vault, entries: list[_FileEntry]) -> list[NoteSummary]:
    """Parse summaries, across all cores when there are many (a cold scan of a big vault)."""
    from studycards._parallel import parallel_map

    return [NoteSummary.from_row(row) for row in parallel_map(_summary_row, entries, vault)]


def _summary_row(vault: Vault, entry: _FileEntry) -> tuple:
    return read_summary(vault, entry).to_row()


# ---------------------------------------------------------------------------------------------
# single notes


def load_note(vault: Vault, rel: str) -> Note:
    """Read and fully parse one note; a broken note comes back with its problems."""
    path = vault.path_of(rel)
    try:
        size = path.stat().st_size
    except OSError as error:
        summary = broken_summary(rel, _os_problem(rel, error), vault.config.notes_dir)
        return Note(summary, path, None)
    text, problem = read_text(vault, rel, path, size)
    if problem:
        return Note(broken_summary(rel, problem, vault.config.notes_dir), path, None)
    assert text is not None
    extra = freeze_extra(vault.config.sections)
    return parse_note(text, rel, path, vault.config.notes_dir, extra)


def resolve(vault: Vault, query: str, summaries: tuple[NoteSummary, ...], cwd: Path) -> str:
    """Turn a path, file name, or unique part of a title into one note's vault path."""
    direct = _as_path(vault, query, cwd)
    if direct:
        return direct
    for match in (_exact_name, _exact_title, _partial):
        found = sorted({s.rel for s in summaries if match(s, query)})
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            shown = ", ".join(found[:8]) + (f" (+{len(found) - 8} more)" if len(found) > 8 else "")
            raise NoteNotFound(f"{query!r} matches {len(found)} notes: {shown}")
    raise NoteNotFound(f"no note matches {query!r} (try 'studycards list')")


def _as_path(vault: Vault, query: str, cwd: Path) -> str | None:
    for base in (cwd, vault.root):
        candidate = base / query
        if candidate.suffix == ".md" and (candidate.is_file() or candidate.is_symlink()):
            return vault.rel(candidate)
    return None


def _exact_name(summary: NoteSummary, query: str) -> bool:
    name = PurePosixPath(summary.rel).name
    return query in (name, name[:-3]) or query.lower() in (name.lower(), name[:-3].lower())


def _exact_title(summary: NoteSummary, query: str) -> bool:
    return summary.title.casefold() == query.casefold()


def _partial(summary: NoteSummary, query: str) -> bool:
    needle = query.casefold()
    return needle in summary.title.casefold() or needle in summary.rel.casefold()
