"""Find the vault, scan its notes once, and keep a disposable SQLite index of what was parsed.

The index (``.studycards/index.sqlite``) is keyed by path, size and mtime: a second scan re-parses
only files that changed. Deleting it loses nothing.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from studycards.errors import NoteNotFound, PathEscapesVault, VaultNotFound
from studycards.notes.body import parse_note
from studycards.notes.config import CONFIG_NAME, Config, load_config
from studycards.notes.note import Note, NoteSummary, Problem
from studycards.notes.sections import freeze_extra
from studycards.notes.summary import broken_summary, decode, parse_summary
from studycards.notes.vault_root import is_vault, not_a_vault

STATE_DIR = ".studycards"
INDEX_NAME = "index.sqlite"
_INDEX_VERSION = "6"  # bumped when parsing changes what a summary holds
_GITIGNORE = (
    "# studycards: caches are disposable and stay out of git; the review ledger is kept.\n"
    "*\n!.gitignore\n!reviews.jsonl\n"
)
SKIP_DIRS = {".git", ".studycards", ".obsidian", ".trash", "node_modules", "__pycache__"}


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
        self.state_dir.mkdir(exist_ok=True)
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text(_GITIGNORE, encoding="utf-8")
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
    return Vault(_absolute(root), load_config(root))


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


@dataclass(frozen=True)
class _FileEntry:
    rel: str
    path: str
    size: int
    mtime_ns: int
    problem: Problem | None = None


def iter_note_files(vault: Vault) -> Iterator[_FileEntry]:
    """Every ``*.md`` under the notes folder, directory symlinks not followed (no loops)."""
    root = str(vault.root)
    start = os.path.join(root, vault.config.notes_dir)
    yield from _walk(start, len(root) + 1)


def _walk(folder: str, cut: int) -> Iterator[_FileEntry]:
    # Plain strings, not pathlib: this runs once per file on every command.
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in SKIP_DIRS:
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, cut)
        elif entry.name.endswith(".md"):
            yield _file_entry(entry, entry.path[cut:].replace(os.sep, "/"))


def _file_entry(entry: os.DirEntry[str], rel: str) -> _FileEntry:
    path = entry.path
    try:
        info = os.stat(entry.path)
    except OSError as error:
        return _FileEntry(rel, path, 0, 0, _os_problem(rel, error, entry))
    if stat.S_ISDIR(info.st_mode):
        problem = Problem(rel, None, "error", "is a folder named like a note, not a file")
        return _FileEntry(rel, path, 0, 0, problem)
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
    """A note's text, or the problem that stops it being read."""
    limit = vault.config.max_note_bytes
    if size > limit:
        message = f"too large ({size / 1e6:.1f} MB, limit {limit / 1e6:.1f} MB)"
        return None, Problem(rel, None, "error", message)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, _os_problem(rel, error)
    return decode(raw, rel)


def scan(vault: Vault, use_index: bool = True) -> ScanResult:
    """Summaries of every note, re-parsing only files changed since the last scan."""
    entries = list(iter_note_files(vault))
    index = _Index.open(vault) if use_index else None
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
        if hit and entry.problem is None and hit[0] == entry.size and hit[1] == entry.mtime_ns:
            by_rel[entry.rel] = NoteSummary.from_row(marshal.loads(hit[2]))
        else:
            stale.append(entry)
    parsed = _parse_all(vault, stale)
    by_rel.update((entry.rel, summary) for entry, summary in zip(stale, parsed, strict=True))
    fresh = [(e, s) for e, s in zip(stale, parsed, strict=True) if e.problem is None]
    return [by_rel[entry.rel] for entry in entries], fresh


def _parse_all(vault: Vault, entries: list[_FileEntry]) -> list[NoteSummary]:
    """Parse summaries, across all cores when there are many (a cold scan of a big vault)."""
    from studycards._parallel import parallel_map

    return [NoteSummary.from_row(row) for row in parallel_map(_summary_row, entries, vault)]


def _summary_row(vault: Vault, entry: _FileEntry) -> tuple:
    return read_summary(vault, entry).to_row()


def index_stamp(vault: Vault) -> str:
    """What the index was built for: its format and the settings that change parsing."""
    return f"{_INDEX_VERSION}:{vault.config.notes_dir}:{vault.config.max_note_bytes}"


class _Index:
    """The SQLite cache of parsed summaries; any failure just means no cache."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, vault: Vault) -> _Index | None:
        try:
            path = vault.ensure_state_dir() / INDEX_NAME
            try:
                return cls._connect(path, vault)
            except sqlite3.OperationalError:
                return None  # locked or read-only: work without the cache this time
            except sqlite3.DatabaseError:
                path.unlink()  # not a database any more: it is only a cache, start afresh
                return cls._connect(path, vault)
        except (OSError, sqlite3.Error):
            return None

    @classmethod
    def _connect(cls, path: Path, vault: Vault) -> _Index:
        connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        try:
            index = cls(connection)
            index._prepare(vault)
        except BaseException:
            connection.close()
            raise
        return index

    def _prepare(self, vault: Vault) -> None:
        stamp = index_stamp(vault)
        c = self.connection
        c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        c.execute(
            "CREATE TABLE IF NOT EXISTS notes (rel TEXT PRIMARY KEY, size INTEGER,"
            " mtime_ns INTEGER, summary BLOB)"
        )
        row = c.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            c.execute("DELETE FROM notes")
            c.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))

    def load(self) -> dict[str, tuple[int, int, bytes]]:
        try:
            rows = self.connection.execute("SELECT rel, size, mtime_ns, summary FROM notes")
            return {rel: (size, mtime, summary) for rel, size, mtime, summary in rows}
        except sqlite3.Error:
            return {}

    def store(self, fresh: list[tuple[_FileEntry, NoteSummary]], keep: set[str]) -> None:
        rows = [(e.rel, e.size, e.mtime_ns, marshal.dumps(s.to_row())) for e, s in fresh]
        try:
            c = self.connection
            c.execute("BEGIN")
            c.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?)", rows)
            stale = [(rel,) for (rel,) in c.execute("SELECT rel FROM notes") if rel not in keep]
            c.executemany("DELETE FROM notes WHERE rel = ?", stale)
            c.execute("COMMIT")
        except sqlite3.Error:
            self.connection.rollback()

    def close(self) -> None:
        self.connection.close()


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
