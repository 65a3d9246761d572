"""Topic outlines: Markdown files in ``outlines/`` whose headings and bullets link notes.

An outline is read into a tree that follows its heading and bullet nesting. Links are Markdown
links to ``.md`` files, relative to the outline file or written from the vault root
(``notes/Topic/x.md``), and ``[[wikilinks]]`` naming a note (see
:mod:`studycards.upkeep.link_targets`); a link whose note does not exist is a dead link,
reported by line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from studycards.errors import StudycardsError
from studycards.notes._document import UnclosedFrontmatter, markdown_lines, split_document
from studycards.notes.links import Link, links_in, plain_text
from studycards.notes.note import NoteSummary, Problem
from studycards.notes.note_file import read_note_bytes, walk
from studycards.notes.sections import outline as heading_outline
from studycards.notes.selection import bad_name
from studycards.notes.summary import decode
from studycards.notes.vault import Vault
from studycards.upkeep.link_targets import LinkResolver, note_path

__all__ = ["note_path"]  # re-exported: the path a link target names

_BULLET = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$")

Resolver = Callable[[Link], "tuple[str | None, bool]"]


@dataclass(frozen=True)
class OutlineLink:
    """A link from an outline to a note: as written, the vault path it names, and the line."""

    text: str
    target: str
    rel: str | None
    exists: bool
    line: int


@dataclass(frozen=True)
class OutlineItem:
    """A heading or bullet of the outline, its links, and what is nested under it."""

    label: str
    line: int
    heading: bool = False
    links: tuple[OutlineLink, ...] = ()
    children: tuple[OutlineItem, ...] = ()


@dataclass(frozen=True)
class OutlineFile:
    """One parsed outline file."""

    rel: str
    title: str
    items: tuple[OutlineItem, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def links(self) -> list[OutlineLink]:
        """Every note link in file order."""
        return [link for item in _walk(self.items) for link in item.links]

    @property
    def dead_links(self) -> list[OutlineLink]:
        return [link for link in self.links if not link.exists]

    @property
    def note_rels(self) -> list[str]:
        """The linked notes that exist, each once, in file order."""
        seen = dict.fromkeys(link.rel for link in self.links if link.exists and link.rel)
        return [rel for rel in seen if rel is not None]

    def dead_link_problems(self) -> list[Problem]:
        return [dead_link_problem(self.rel, link.target, link.line) for link in self.dead_links]


def dead_link_problem(rel: str, shown: str, line: int) -> Problem:
    """The problem of an outline link (``shown`` as the outline writes it) to no note."""
    return Problem(rel, line, "error", f"link to a missing note: {shown}")


def shown_target(link: Link) -> str:
    """A link's target as an outline shows it: ``[[name]]`` for a wikilink."""
    return f"[[{link.target}]]" if link.wiki else link.target


def _walk(items: Sequence[OutlineItem]) -> Iterator[OutlineItem]:
    for item in items:
        yield item
        yield from _walk(item.children)


# ---------------------------------------------------------------------------------------------
# parsing


@dataclass
class _Node:
    label: str
    line: int
    heading: bool = False
    links: list[OutlineLink] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> OutlineItem:
        children = tuple(child.freeze() for child in self.children)
        return OutlineItem(self.label, self.line, self.heading, tuple(self.links), children)


class _Builder:
    """Places headings and bullets under their parents as the lines go by."""

    def __init__(self, resolve: Resolver, first_line: int):
        self.resolve = resolve
        self.first_line = first_line
        self.root = _Node("", 0)
        self.headings: list[tuple[int, _Node]] = [(0, self.root)]
        self.bullets: list[tuple[int, _Node]] = []

    def heading(self, level: int, text: str, number: int) -> None:
        while self.headings[-1][0] >= level:
            self.headings.pop()
        node = self._node(text, number, heading=True)
        self.headings[-1][1].children.append(node)
        self.headings.append((level, node))
        self.bullets.clear()

    def bullet(self, indent: int, text: str, number: int) -> None:
        while self.bullets and self.bullets[-1][0] >= indent:
            self.bullets.pop()
        parent = self.bullets[-1][1] if self.bullets else self.headings[-1][1]
        node = self._node(text, number)
        parent.children.append(node)
        self.bullets.append((indent, node))

    def other(self, indent: int, text: str, number: int) -> None:
        """A paragraph or continuation line: its links join the item it continues."""
        links = self._links(text, number)
        if self.bullets and indent > self.bullets[-1][0]:
            self.bullets[-1][1].links.extend(links)
            return
        self.bullets.clear()
        for link in links:
            self.headings[-1][1].children.append(_Node(link.text, link.line, links=[link]))

    def _node(self, text: str, number: int, heading: bool = False) -> _Node:
        links = self._links(text, number)
        return _Node(plain_text(text).strip(), self._line(number), heading, links)

    def _links(self, text: str, number: int) -> list[OutlineLink]:
        found = []
        for link in links_in(text):
            if not (link.target if link.wiki else note_path(link.target)):
                continue
            rel, exists = self.resolve(link)
            found.append(
                OutlineLink(link.text, shown_target(link), rel, exists, self._line(number))
            )
        return found

    def _line(self, number: int) -> int:
        return self.first_line + number


def parse_outline(text: str, rel: str, resolve: Resolver) -> OutlineFile:
    """Parse decoded outline text into a tree; ``resolve`` maps a link target to a note path."""
    try:
        doc = split_document(text)
    except UnclosedFrontmatter as error:
        return OutlineFile(rel, _stem(rel), problems=(Problem(rel, 1, "error", str(error)),))
    shape = heading_outline(doc.body)
    in_fence = {n for start, end in shape.fences for n in range(start, end)}
    headings = {h.line: h for h in shape.headings}
    builder = _Builder(resolve, doc.body_first_line)
    title = None
    for number, line in enumerate(markdown_lines(doc.body)):
        if number in in_fence:
            continue
        heading = headings.get(number)
        if heading and heading.level == 1 and title is None and not builder.root.children:
            title = heading.text
        elif heading:
            builder.heading(heading.level, heading.text, number)
        elif match := _BULLET.match(line):
            builder.bullet(len(match.group(1).expandtabs(4)), match.group(2), number)
        elif line.strip():
            builder.other(len(line) - len(line.lstrip(" \t")), line, number)
    items = builder.root.freeze().children
    return OutlineFile(rel, title or _stem(rel), items)


def _stem(rel: str) -> str:
    return PurePosixPath(rel).stem


# ---------------------------------------------------------------------------------------------
# a vault's outlines


def resolver(vault: Vault, outline_rel: str, links: LinkResolver | None = None) -> Resolver:
    """Resolve links of the outline at ``outline_rel`` to vault paths of notes."""
    links = links or LinkResolver(vault)
    return lambda link: links.resolve(link, outline_rel)


def outlines_dir(vault: Vault) -> Path:
    return vault.path_of(vault.config.outlines_dir)


def outline_files(vault: Vault) -> list[str]:
    """Vault paths of every ``*.md`` under the outlines folder, in path order (dot-files and
    names that are not UTF-8 left out, as in the notes folder)."""
    top = outlines_dir(vault)
    found = []
    readable = lambda name: not name.startswith(".") and not bad_name(name)  # noqa: E731
    for folder, files in walk(str(top), readable):
        for name in files:
            if name.endswith(".md") and readable(name):
                found.append(vault.rel(Path(folder) / name))
    return sorted(found)


def load_outline(vault: Vault, rel: str, links: LinkResolver | None = None) -> OutlineFile:
    """Read and parse one outline; an unreadable file comes back with its problem."""
    return _read_outline(vault, rel, resolver(vault, rel, links))[0]


def outline_links(
    vault: Vault, rel: str
) -> tuple[tuple[Problem, ...], tuple[tuple[Link, int], ...], bool]:
    """One outline's own problems and its note links in outline order, each with its line,
    not yet resolved (whether a note exists is for the caller to judge, on every run); and
    whether this depends only on the file's content (false when it could not be read)."""
    calls: list[Link] = []

    def record(link: Link) -> tuple[str | None, bool]:
        calls.append(link)
        return str(len(calls) - 1), True

    outline, cacheable = _read_outline(vault, rel, record)
    found = tuple((calls[int(link.rel)], link.line) for link in outline.links if link.rel)
    return outline.problems, found, cacheable


def _read_outline(vault: Vault, rel: str, resolve: Resolver) -> tuple[OutlineFile, bool]:
    path, root = str(vault.path_of(rel)), os.path.realpath(vault.root)
    try:
        raw, problem = read_note_bytes(rel, path, root, vault.config.max_note_bytes)
    except OSError as error:
        unreadable = Problem(rel, None, "error", f"cannot read: {error.strerror or error}")
        return OutlineFile(rel, _stem(rel), problems=(unreadable,)), False
    if raw is None:
        return OutlineFile(rel, _stem(rel), problems=(problem,) if problem else ()), False
    text, problem = decode(raw, rel)
    if problem or text is None:
        return OutlineFile(rel, _stem(rel), problems=(problem,) if problem else ()), False
    return parse_outline(text, rel, resolve), True


def load_outlines(vault: Vault) -> list[OutlineFile]:
    links = LinkResolver(vault)
    return [load_outline(vault, rel, links) for rel in outline_files(vault)]


def find_outline(vault: Vault, outlines: Sequence[OutlineFile], name: str) -> OutlineFile:
    """The outline ``name`` means: a path, a file name, a title, or a unique part of one."""
    prefix = vault.config.outlines_dir.rstrip("/") + "/"
    wanted = name.strip().casefold().removesuffix(".md")

    def keys(o: OutlineFile) -> set[str]:
        rel = o.rel.casefold().removesuffix(".md")
        return {
            rel,
            rel.removeprefix(prefix.casefold()),
            _stem(o.rel).casefold(),
            o.title.casefold(),
        }

    for match in (lambda o: wanted in keys(o), lambda o: any(wanted in k for k in keys(o))):
        found = [o for o in outlines if match(o)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(o.rel for o in found)
            raise StudycardsError(f"{name!r} matches {len(found)} outlines: {names}")
    raise StudycardsError(f"no outline matches {name!r} (try 'studycards outline')")


def notes_linked_by(outlines: Sequence[OutlineFile]) -> dict[str, tuple[str, ...]]:
    """For each note, the outlines that link it (vault paths)."""
    linked: dict[str, list[str]] = {}
    for outline in outlines:
        for rel in outline.note_rels:
            linked.setdefault(rel, []).append(outline.rel)
    return {rel: tuple(paths) for rel, paths in linked.items()}


# ---------------------------------------------------------------------------------------------
# numbers


@dataclass(frozen=True)
class OutlineStats:
    """How an outline's notes stand: linked notes, dead links, due today, mean mastery."""

    rel: str
    title: str
    notes: int
    missing: int
    due: int
    mean_mastery: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.rel,
            "title": self.title,
            "notes": self.notes,
            "missing": self.missing,
            "due": self.due,
            "mean_mastery": self.mean_mastery,
        }


def outline_stats(
    outline: OutlineFile, notes: Mapping[str, NoteSummary], today: dt.date
) -> OutlineStats:
    """The numbers of one outline, from the summaries of the vault's notes by path."""
    linked = [notes[rel] for rel in outline.note_rels if rel in notes]
    due = sum(1 for note in linked if note.due_on(today) <= today)
    mean = round(sum(n.mastery_level for n in linked) / len(linked), 2) if linked else None
    missing = len({link.target for link in outline.dead_links})
    return OutlineStats(outline.rel, outline.title, len(linked), missing, due, mean)


def link_json(link: OutlineLink, notes: Mapping[str, NoteSummary], today: dt.date) -> dict:
    note = notes.get(link.rel) if link.rel else None
    return {
        "text": link.text,
        "target": link.target,
        "path": link.rel,
        "exists": link.exists,
        "line": link.line,
        "mastery_level": note.mastery_level if note else None,
        "due": note.due_on(today).isoformat() if note else None,
    }


def item_json(item: OutlineItem, notes: Mapping[str, NoteSummary], today: dt.date) -> dict:
    return {
        "label": item.label,
        "line": item.line,
        "heading": item.heading,
        "links": [link_json(link, notes, today) for link in item.links],
        "children": [item_json(child, notes, today) for child in item.children],
    }
