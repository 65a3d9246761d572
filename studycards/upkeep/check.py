"""Validate every note of a vault and collect all problems, not only the first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from studycards.notes.links import Link, links_in
from studycards.notes.note import Note, Problem
from studycards.notes.selection import Skipped, describe
from studycards.notes.vault import Vault, iter_note_files, load_note, scan
from studycards.upkeep.link_targets import LinkResolver


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


def check_vault(vault: Vault) -> CheckReport:
    """Check every note (parse problems, field values, sections, related-note and outline
    links, demo blocks), then every outline file (its links to notes)."""
    result = scan(vault)
    problems: list[Problem] = []
    resolver = LinkResolver(vault)
    for summary in result.summaries:
        problems.extend(summary.problems)
        if summary.broken:
            continue
        note = load_note(vault, summary.rel)
        problems.extend(note.problems)
        problems.extend(dead_links(vault, note, resolver))
        problems.extend(missing_outlines(vault, note))
        problems.extend(demo_block_problems(note))
    problems.extend(outline_problems(vault))
    skipped: list[Skipped] = []
    for _entry in iter_note_files(vault, skipped):
        pass
    notes_dir = vault.config.notes_dir
    return CheckReport(tuple(problems), len(result.summaries), tuple(skipped), notes_dir)


def check_note(vault: Vault, rel: str) -> tuple[Problem, ...]:
    """All problems of one note."""
    note = load_note(vault, rel)
    links = dead_links(vault, note) + missing_outlines(vault, note) + demo_block_problems(note)
    return note.summary.problems + note.problems + tuple(links)


def demo_block_problems(note: Note) -> list[Problem]:
    """``studycards-demo`` blocks that would render as an error box: bad YAML, an unknown demo,
    a bad parameter. Validated, not run; the line is the block's opening fence."""
    from studycards.demos import check_block
    from studycards.notes.sections import demo_blocks

    first = note.document.body_first_line if note.document else 1
    problems = []
    for line, _, source in demo_blocks(note.body):
        problem = check_block(source)
        if problem:
            problems.append(Problem(note.summary.rel, first + line, "error", problem))
    return problems


def outline_problems(vault: Vault) -> list[Problem]:
    """Problems of the outline files: unreadable ones and links to notes that do not exist."""
    from studycards.upkeep.outlines import load_outlines

    problems: list[Problem] = []
    for outline in load_outlines(vault):
        problems.extend(outline.problems)
        problems.extend(outline.dead_link_problems())
    return problems


def missing_outlines(vault: Vault, note: Note) -> list[Problem]:
    """``related_outlines`` entries naming no outline file (by vault path, a path next to the
    note, or a name in the outlines folder, ``.md`` optional)."""
    folder = PurePosixPath(note.summary.rel).parent
    outlines = vault.config.outlines_dir.rstrip("/")
    problems = []
    for entry in note.summary.related_outlines:
        names = [entry] if entry.lower().endswith(".md") else [entry, f"{entry}.md"]
        candidates = [c for n in names for c in (n, str(folder / n), f"{outlines}/{n}")]
        if not any(_exists(vault, c) for c in candidates):
            line = _frontmatter_line(note, entry)
            message = f"related outline not found: {entry}"
            problems.append(Problem(note.summary.rel, line, "warning", message))
    return problems


def _frontmatter_line(note: Note, text: str) -> int | None:
    """The file line of the first frontmatter line mentioning ``text``."""
    document = note.document
    if document is None or document.frontmatter is None:
        return None
    for number, line in enumerate(document.frontmatter.splitlines()):
        if text in line:
            return document.fm_first_line + number
    return None


def dead_links(vault: Vault, note: Note, resolver: LinkResolver | None = None) -> list[Problem]:
    """Related-note links (Markdown links or wikilinks) whose note does not exist."""
    resolver = resolver or LinkResolver(vault)
    problems = []
    for related in note.related:
        if _exists(vault, related.target.split("#", 1)[0]):
            continue  # the plain vault path, the common case, without parsing
        link = _as_link(related.target)
        if resolver.is_note_link(link) and not resolver.resolve(link, note.summary.rel)[1]:
            message = f"related link to a missing note: {related.target}"
            problems.append(Problem(note.summary.rel, related.line, "error", message))
    return problems


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
