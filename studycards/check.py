"""Validate every note of a vault and collect all problems, not only the first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from studycards.note import Note, Problem
from studycards.vault import Vault, load_note, scan


@dataclass(frozen=True)
class CheckReport:
    """Every problem found, and how many notes were looked at."""

    problems: tuple[Problem, ...]
    notes_checked: int

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check_vault(vault: Vault) -> CheckReport:
    """Check every note: parse problems, field values, sections and related-note links."""
    result = scan(vault)
    problems: list[Problem] = []
    for summary in result.summaries:
        problems.extend(summary.problems)
        if summary.broken:
            continue
        note = load_note(vault, summary.rel)
        problems.extend(note.problems)
        problems.extend(dead_links(vault, note))
    return CheckReport(tuple(problems), len(result.summaries))


def check_note(vault: Vault, rel: str) -> tuple[Problem, ...]:
    """All problems of one note."""
    note = load_note(vault, rel)
    return note.summary.problems + note.problems + tuple(dead_links(vault, note))


def dead_links(vault: Vault, note: Note) -> list[Problem]:
    """Related-note links whose target file does not exist."""
    problems = []
    folder = PurePosixPath(note.summary.rel).parent
    for link in note.related:
        target = link.target.split("#", 1)[0]
        candidates = (target, str(folder / target))
        if not any(_exists(vault, c) for c in candidates):
            message = f"related link to a missing note: {link.target}"
            problems.append(Problem(note.summary.rel, link.line, "error", message))
    return problems


def _exists(vault: Vault, rel: str) -> bool:
    try:
        return vault.path_of(rel).is_file()
    except Exception:
        return False
