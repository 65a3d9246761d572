"""What ``check`` learns from one note file alone, as plain tuples the check cache can store.

A note's own problems (frontmatter, fields, sections, demo blocks) depend only on its text and
the settings; its related-note links and ``related_outlines`` entries are kept as written, with
their lines, because whether they lead anywhere depends on other files and is judged on every
run (see :mod:`studycards.upkeep.check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studycards.notes.note import Note, Problem
from studycards.notes.summary import broken_summary
from studycards.notes.vault import Vault, _FileEntry, read_text

ProblemRow = tuple[str, "int | None", str, str]


@dataclass(frozen=True)
class NoteFacts:
    """One note's own problems, and the links it holds that other files decide.

    ``own`` are the summary's and the body's problems, ``demos`` those of its demo blocks;
    ``related`` is each generated related-note link as ``(target, line)``, ``outlines`` each
    ``related_outlines`` entry as ``(entry, frontmatter line or None)``. A broken note has only
    ``own``. ``cacheable`` is false when the file could not be read (a permission, a vanished
    file): such a result is not tied to the file's content, so it is never stored.
    """

    own: tuple[Problem, ...]
    related: tuple[tuple[str, int], ...] = ()
    outlines: tuple[tuple[str, int | None], ...] = ()
    demos: tuple[Problem, ...] = ()
    cacheable: bool = True

    def to_row(self) -> tuple:
        """Plain values for the cache (``marshal``)."""
        own = tuple(_problem_row(p) for p in self.own)
        return own, self.related, self.outlines, tuple(_problem_row(p) for p in self.demos)

    @classmethod
    def from_row(cls, row: object) -> NoteFacts | None:
        """Facts from :meth:`to_row`, or None for a row of another shape (read the note again)."""
        if type(row) is not tuple or len(row) != 4:
            return None
        own, related, outlines, demos = row
        if not (_pairs(related, _LINE) and _pairs(outlines, _OPTIONAL_LINE)):
            return None
        own_problems, demo_problems = _problems(own), _problems(demos)
        if own_problems is None or demo_problems is None:
            return None
        facts = object.__new__(cls)  # no __init__: this runs once per note on a warm check
        facts.__dict__.update(
            own=own_problems, related=related, outlines=outlines, demos=demo_problems,
            cacheable=True,
        )  # fmt: skip
        return facts


_LINE = (int,)
_OPTIONAL_LINE = (int, type(None))


def _problem_row(problem: Problem) -> ProblemRow:
    return problem.path, problem.line, problem.severity, problem.message


def _problems(rows: object) -> tuple[Problem, ...] | None:
    if type(rows) is not tuple:
        return None
    if not rows:
        return ()
    problems = []
    for row in rows:
        if type(row) is not tuple or len(row) != 4:
            return None
        path, line, severity, message = row
        if not (type(path) is str and type(severity) is str and type(message) is str):
            return None
        if line is not None and type(line) is not int:
            return None
        problems.append(Problem(path, line, severity, message))
    return tuple(problems)


def _pairs(rows: object, second: tuple[type, ...]) -> bool:
    """A tuple of ``(text, line)`` pairs, the line's type one of ``second`` (exactly)."""
    if type(rows) is not tuple:
        return False
    for row in rows:
        if type(row) is not tuple or len(row) != 2:
            return False
        if type(row[0]) is not str or type(row[1]) not in second:
            return False
    return True


def facts_of_entry(vault: Vault, extra: tuple, entry: _FileEntry) -> NoteFacts:
    """Read and parse one note file (a module-level function: cold runs parse in parallel)."""
    notes_dir = vault.config.notes_dir
    if entry.problem:
        return NoteFacts(
            broken_summary(entry.rel, entry.problem, notes_dir).problems, cacheable=False
        )
    path = Path(entry.path)
    text, problem = read_text(vault, entry.rel, path, entry.size)
    if text is None:
        assert problem is not None
        return NoteFacts(broken_summary(entry.rel, problem, notes_dir).problems, cacheable=False)
    from studycards.notes.body import parse_note

    return facts_of_note(parse_note(text, entry.rel, path, notes_dir, extra))


def facts_of_note(note: Note) -> NoteFacts:
    """The facts of a parsed note."""
    summary = note.summary
    if summary.broken:
        return NoteFacts(summary.problems)
    related = tuple((link.target, link.line) for link in note.related)
    outlines = tuple((entry, frontmatter_line(note, entry)) for entry in summary.related_outlines)
    return NoteFacts(summary.problems + note.problems, related, outlines, demo_problems(note))


def demo_problems(note: Note) -> tuple[Problem, ...]:
    """``studycards-demo`` blocks that would render as an error box: bad YAML, an unknown demo,
    a bad parameter. Validated, not run; the line is the block's opening fence."""
    from studycards.notes.sections import demo_blocks

    blocks = demo_blocks(note.body)
    if not blocks:
        return ()
    from studycards.demos import check_block

    first = note.document.body_first_line if note.document else 1
    problems = []
    for line, _, source in blocks:
        problem = check_block(source)
        if problem:
            problems.append(Problem(note.summary.rel, first + line, "error", problem))
    return tuple(problems)


def frontmatter_line(note: Note, text: str) -> int | None:
    """The file line of the first frontmatter line mentioning ``text``."""
    document = note.document
    if document is None or document.frontmatter is None:
        return None
    for number, line in enumerate(document.frontmatter.splitlines()):
        if text in line:
            return document.fm_first_line + number
    return None
