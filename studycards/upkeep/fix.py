"""Repair notes' frontmatter: add what is missing, normalise what is safe, list the rest.

Only the lines of the keys being set change (see :mod:`studycards.notes.frontmatter_edit`). A key is
touched only when it is missing or the parser complains about it; values are read at the YAML
level, so a note the parser calls broken for one key (``next_review: 20251019``) can still be
repaired. Problems no rule can solve (bad YAML, ``2025-13-45``) are listed with path and line.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from studycards._atomic import atomic_write
from studycards.lock import vault_lock
from studycards.notes._document import UnclosedFrontmatter, split_document
from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.frontmatter_edit import NO_BLOCK, capture_lines, key_line_index, update_text
from studycards.notes.note import DIFFICULTIES, Problem
from studycards.notes.summary import cr_only, parse_summary, topic_of, with_endings
from studycards.notes.vault import Vault, iter_note_files, read_text

STANDARD_KEYS = (
    "created",
    "last_reviewed",
    "next_review",
    "review_count",
    "difficulty",
    "mastery_level",
    "tags",
    "related_outlines",
)
_DATE_KEYS = ("created", "last_reviewed", "next_review")
_DAY = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")
_COMPACT_DAY = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")
_TEMPLATE_MARK = re.compile(r"\{\{\s*[^}]*\}\}|<%[^%]*%>")
_DIFFICULTY_WORDS = {
    "简单": "easy",
    "容易": "easy",
    "中等": "medium",
    "一般": "medium",
    "困难": "hard",
    "难": "hard",
    "e": "easy",
    "m": "medium",
    "h": "hard",
}


@dataclass(frozen=True)
class Change:
    """One key set by fix: its line, the value text before (``None`` when added) and after."""

    key: str
    line: int
    before: str | None
    after: str

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "line": self.line, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class NoteFix:
    """What fix does to one note; ``text`` is the new text, ``None`` when nothing changes."""

    rel: str
    changes: tuple[Change, ...] = ()
    new_block: bool = False
    problems: tuple[Problem, ...] = ()
    text: str | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return self.text is not None


@dataclass(frozen=True)
class FixReport:
    """Every note fix touched or could not fix, and whether anything was written."""

    fixes: tuple[NoteFix, ...]
    notes_checked: int
    dry_run: bool

    @property
    def changed(self) -> list[NoteFix]:
        return [f for f in self.fixes if f.changed]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.fixes for p in f.problems]


@dataclass(frozen=True)
class Defaults:
    """Values for missing keys: today, a note's creation day, the outlines that link it."""

    today: dt.date
    created: Callable[[str], dt.date]
    outlines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def value(self, key: str, rel: str, notes_dir: str) -> Any:
        if key == "created":
            return self.created(rel)
        if key == "tags":
            topic, name = topic_of(rel, notes_dir), PurePosixPath(rel).name
            return [topic, f"{topic}/{name}"] if topic else []
        if key == "related_outlines":
            return list(self.outlines.get(rel, ()))
        fixed = {"next_review": self.today, "difficulty": "medium", "mastery_level": 0.0}
        return fixed.get(key, 0 if key == "review_count" else None)


# ---------------------------------------------------------------------------------------------
# planning one note


def plan_fix(text: str, rel: str, defaults: Defaults, notes_dir: str = "notes") -> NoteFix:
    """What fixing ``text`` changes and which of its problems remain; writes nothing."""
    summary = parse_summary(text, rel, notes_dir)
    errors = [p for p in summary.problems if p.severity == "error"]
    data = _frontmatter_data(text)
    if data is None:
        return NoteFix(rel, problems=tuple(errors))
    flagged = {_key_of(p) for p in summary.problems} - {None}
    updates = _updates(data, flagged, lambda key: defaults.value(key, rel, notes_dir))
    if not updates:
        return NoteFix(rel, problems=tuple(errors))
    try:
        new_text = update_text(text, updates)
    except (ValueError, YAMLError):  # a layout line edits cannot keep valid: report it
        return NoteFix(rel, problems=tuple(errors))
    left = tuple(p for p in errors if _key_of(p) not in updates)
    changes = _changes(text, new_text, list(updates))
    return NoteFix(rel, changes, not summary.has_frontmatter, left, new_text)


def _frontmatter_data(text: str) -> dict[str, Any] | None:
    """The frontmatter mapping (``{}`` for a note without one), or ``None`` when unreadable."""
    if not text.strip():
        return None
    try:
        doc = split_document(text)
    except UnclosedFrontmatter:
        return None
    if doc.frontmatter is None:
        return {}
    if _TEMPLATE_MARK.search(doc.frontmatter):
        return None
    try:
        data = load_yaml(doc.frontmatter)
    except YAMLError:
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None


def _key_of(problem: Problem) -> str | None:
    """The frontmatter key a parser problem is about (its messages start ``key: ``)."""
    head = problem.message.split(":", 1)[0]
    return head if head in STANDARD_KEYS else None


def _updates(
    data: Mapping[str, Any], flagged: set[str | None], default: Callable[[str], Any]
) -> dict[str, Any]:
    updates: dict[str, Any] = {}
    for key in STANDARD_KEYS:
        if key not in data:
            updates[key] = default(key)
        elif key in flagged:
            fixed = normalise(key, data[key], default)
            if fixed is not None:
                updates[key] = fixed
    return updates


# ---------------------------------------------------------------------------------------------
# normalising values


def normalise(key: str, value: Any, default: Callable[[str], Any]) -> Any:
    """A valid value for ``key`` made from ``value``, or ``None`` when no safe rule applies."""
    if value is None and key not in ("last_reviewed", "tags", "related_outlines"):
        return default(key)
    if key in _DATE_KEYS:
        return as_date(value)
    rule = {
        "difficulty": _difficulty,
        "review_count": _count,
        "mastery_level": _mastery,
        "tags": _string_list,
        "related_outlines": _string_list,
    }.get(key)
    return rule(value) if rule else None


def as_date(value: Any) -> dt.date | None:
    """``20251019``, ``'2025/10/19'``, ``2025-1-5`` or ``2025年10月19日`` as a date, if real."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value)
    match = _DAY.fullmatch(text) or _COMPACT_DAY.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _difficulty(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    text = _DIFFICULTY_WORDS.get(text, text)
    return text if text in DIFFICULTIES else None


def _count(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    return None


def _mastery(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    scale = 100.0 if text.endswith("%") else 1.0
    try:
        number = float(text.rstrip("%")) / scale
    except ValueError:
        return None
    return number if 0 <= number <= 1 else None


def _string_list(value: Any) -> list[str] | None:
    return [value] if isinstance(value, str) else None


# ---------------------------------------------------------------------------------------------
# describing changes


def _changes(old: str, new: str, keys: list[str]) -> tuple[Change, ...]:
    before = capture_lines(old, keys)
    after = capture_lines(new, keys)
    lines = _key_lines(new)
    changes = [
        Change(key, lines.get(key, 1), _value_text(before.get(key)), _value_text(after[key]) or "")
        for key in keys
        if key != NO_BLOCK
    ]
    return tuple(sorted(changes, key=lambda change: change.line))


def _key_lines(text: str) -> dict[str, int]:
    doc = split_document(text)
    index = key_line_index(doc.frontmatter or "")
    return {key: doc.fm_first_line + number for key, number in index.items()}


def _value_text(lines: str | None) -> str | None:
    """A key's value as written, on one line: block-list items shown as ``[a, b]``."""
    if lines is None:
        return None
    first, *rest = lines.splitlines()
    value = first.split(":", 1)[1].strip() if ":" in first else first.strip()
    items = [line.strip().removeprefix("-").strip() for line in rest if line.strip()]
    return f"[{', '.join(items)}]" if items and not value else value


# ---------------------------------------------------------------------------------------------
# the vault


def created_day(path: Path, zone: dt.tzinfo, use_git: bool = True) -> dt.date:
    """When a note was made: the day git first added it, else the file's own time."""
    return (git_added_day(path) if use_git else None) or file_day(path, zone)


def in_git_work_tree(folder: Path) -> bool:
    """Whether ``folder`` lies in a git work tree (and git can be run at all)."""
    command = ["git", "rev-parse", "--is-inside-work-tree"]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command, cwd=folder, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


def git_added_day(path: Path) -> dt.date | None:
    """The day git history first added ``path`` (following renames), when git knows it."""
    command = ["git", "log", "--diff-filter=A", "--follow", "--format=%as", "--", path.name]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command, cwd=path.parent, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    days = done.stdout.split() if done.returncode == 0 else []
    try:
        return dt.date.fromisoformat(days[-1]) if days else None
    except ValueError:
        return None


def file_day(path: Path, zone: dt.tzinfo) -> dt.date:
    """The file's birth time where the system keeps one, else its modification time."""
    info = path.stat()
    stamp = getattr(info, "st_birthtime", None) or info.st_mtime
    return dt.datetime.fromtimestamp(stamp, zone).date()


def fix_vault(
    vault: Vault, today: dt.date, dry_run: bool = False, new_blocks: bool = True
) -> FixReport:
    """Fix every note (under the vault lock); with ``dry_run`` only say what would change.
    Without ``new_blocks``, a file with no frontmatter at all is left alone (the nightly step:
    a tool file such as ``notes/CLAUDE.md`` is not given one unasked)."""
    if dry_run:
        return _fix_all(vault, today, dry_run=True, new_blocks=new_blocks)
    with vault_lock(vault.state_dir):
        return _fix_all(vault, today, dry_run=False, new_blocks=new_blocks)


def _fix_all(vault: Vault, today: dt.date, dry_run: bool, new_blocks: bool = True) -> FixReport:
    from studycards.scheduling.clock import zone
    from studycards.upkeep.outlines import load_outlines, notes_linked_by

    tz = zone(vault.config.timezone)
    linked = notes_linked_by(load_outlines(vault))
    git = in_git_work_tree(vault.root)
    defaults = Defaults(
        today, lambda rel: min(created_day(vault.path_of(rel), tz, git), today), linked
    )
    fixes, count = [], 0
    for entry in iter_note_files(vault):
        count += 1
        fix = _fix_file(vault, entry, defaults, dry_run, new_blocks)
        if fix.changed or fix.problems:
            fixes.append(fix)
    return FixReport(tuple(fixes), count, dry_run)


def _cr_only(path: Path) -> bool:
    with open(path, "rb") as handle:
        return cr_only(handle.read())


def _fix_file(
    vault: Vault, entry: Any, defaults: Defaults, dry_run: bool, new_blocks: bool = True
) -> NoteFix:
    """Fix one file found by :func:`iter_note_files`."""
    if entry.problem is not None:
        return NoteFix(entry.rel, problems=(entry.problem,))
    path = Path(entry.path)
    text, problem = read_text(vault, entry.rel, path, entry.size)
    if problem is not None or text is None:
        return NoteFix(entry.rel, problems=(problem,) if problem else ())
    fix = plan_fix(text, entry.rel, defaults, vault.config.notes_dir)
    if fix.new_block and not new_blocks:
        return NoteFix(entry.rel)
    if fix.text is not None and not dry_run:
        atomic_write(path, with_endings(fix.text, _cr_only(path)).encode("utf-8"))
    return fix
