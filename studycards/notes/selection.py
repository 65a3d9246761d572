"""Which Markdown files under ``notes/`` are notes, and why the others are not.

Real vaults keep more than notes there: instructions for AI tools (``CLAUDE.md``,
``AGENTS.md``), ``README.md`` indexes, note templates, editor folders (``.obsidian``), a
colleague's notes pulled in as a git submodule. Those are skipped: tool files by name, template
files (a name ending in ``template``) and folders (``*template*``), dot-folders, nested git repositories (unless
``include_nested_repos``) and whatever the ``exclude:`` setting names (gitignore-style globs
matched against the vault-relative path). A Markdown file whose own name starts with a dot is
still a note (``notes/C++/._和->的区别.md`` is about the ``.`` and ``->`` operators).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

TOOL_FILES = frozenset(
    {"claude.md", "agents.md", "gemini.md", "readme.md", "copilot-instructions.md"}
)
SKIP_DIRS = frozenset({"node_modules", "__pycache__"})  # besides every dot-folder
TOOL_FILE, TEMPLATE, EXCLUDED = "tool file", "template", "excluded by 'exclude:'"
DOT_FOLDER, NESTED_REPO = "dot-folder", "nested git repository"
BAD_NAME = "name that is not UTF-8"  # e.g. GBK names from an old zip: rename to read them
# a name ending in the word "template": template.md, note_template.md, 笔记模板.md (but not
# template-placeholder.md, a note about placeholders)
_TEMPLATE_FILE = re.compile(r"(?:^|[\W_])templates?$|模板$")


@dataclass(frozen=True)
class Skipped:
    """A file or folder under the notes folder that is not read as notes, and why."""

    rel: str
    reason: str
    files: int = 1  # Markdown files it holds (a folder's are counted, except dot-folders')


@dataclass(frozen=True)
class Selection:
    """The rules deciding which files are notes, from the vault's settings."""

    exclude: tuple[str, ...] = ()
    include_nested_repos: bool = False

    @cached_property
    def _spec(self):  # -> pathspec.GitIgnoreSpec | None
        if not self.exclude:
            return None
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.exclude)

    def folder_reason(self, name: str, path: str, rel: str) -> str | None:
        """Why the folder is skipped, or None when its notes are read."""
        if name.startswith(".") or name in SKIP_DIRS:
            return DOT_FOLDER
        if "template" in name.lower():
            return TEMPLATE
        if not self.include_nested_repos and os.path.lexists(os.path.join(path, ".git")):
            return NESTED_REPO
        if self._spec is not None and self._spec.match_file(rel + "/"):
            return EXCLUDED
        return None

    def file_reason(self, name: str, rel: str) -> str | None:
        """Why a ``*.md`` file is not a note, or None when it is one."""
        lower = name.lower()
        if lower in TOOL_FILES:
            return TOOL_FILE
        if _TEMPLATE_FILE.search(lower[:-3]):
            return TEMPLATE
        if self._spec is not None and self._spec.match_file(rel):
            return EXCLUDED
        return None


def count_markdown(path: str) -> int:
    """Markdown files in a skipped folder, for the report (symlinked folders not followed)."""
    return sum(
        1 for _folder, _dirs, files in os.walk(path) for name in files if name.endswith(".md")
    )


def describe(skipped: Sequence[Skipped], notes_dir: str) -> str | None:
    """One line saying how many files were skipped and why, or None when none were."""
    files = [s for s in skipped if s.reason != DOT_FOLDER]
    dots = [s.rel for s in skipped if s.reason == DOT_FOLDER]
    total = sum(s.files for s in files)
    if not total and not dots:
        return None
    counts: Counter[str] = Counter()
    for entry in files:
        counts[entry.reason] += entry.files
    reasons = [_reason(reason, n, files) for reason, n in _ordered(counts)]
    line = f"skipped {total} file{'' if total == 1 else 's'} under {notes_dir}/ that are not notes"
    line += f" ({', '.join(reasons)})" if reasons else ""
    if dots:
        line += f"; dot-folders not read: {', '.join(dots)}"
    return line


def _ordered(counts: Counter[str]) -> list[tuple[str, int]]:
    order = (TOOL_FILE, TEMPLATE, NESTED_REPO, EXCLUDED, BAD_NAME)
    return [(reason, counts[reason]) for reason in order if counts[reason]]


def _reason(reason: str, number: int, files: Sequence[Skipped]) -> str:
    if reason == NESTED_REPO:
        repos = [s.rel for s in files if s.reason == NESTED_REPO]
        return f"{number} in {_plural(reason, len(repos))} {', '.join(repos)}"
    if reason == EXCLUDED:
        return f"{number} {reason}"
    if reason == BAD_NAME:
        names = ", ".join(shown_name(s.rel) for s in files if s.reason == BAD_NAME)
        return f"{number} with a {reason} (rename to read): {names}"
    return f"{number} {_plural(reason, number)}"


def bad_name(rel: str) -> bool:
    """Whether a path came from bytes that are not UTF-8 (Python keeps them as surrogates,
    which can be neither stored, printed nor written back)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_name(rel: str) -> str:
    """A path with its undecodable bytes shown as ``\\xff``."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _plural(noun: str, number: int) -> str:
    if noun == NESTED_REPO:
        return "the nested git repository" if number == 1 else "the nested git repositories"
    return noun if number == 1 else noun + "s"
