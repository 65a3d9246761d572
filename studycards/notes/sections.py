"""Recognise a note's sections by meaning, from heading text in Chinese or English.

Headings are found with markdown-it-py, so a ``# comment`` line inside a fenced code block is
never taken for a heading. Most notes are plain enough (top-level fences, lists, ATX headings)
for a line scanner that gives exactly the parser's headings at a fraction of the cost;
:func:`headings` uses it where it is sure and the parser everywhere else. Patterns are regular
expressions matched against the heading text; the vault config (``sections:``) adds its own
patterns in front of the built-in ones; the table itself is in :mod:`section_patterns`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

from studycards.notes._document import markdown_lines
from studycards.notes.section_patterns import (  # noqa: F401  (re-exported)
    KINDS,
    PATTERNS,
    assign,
    classify,
    matches,
    compile_patterns,
    freeze_extra,
)

RELATED_MARKER = "<!-- 自动生成 -->"


@dataclass(frozen=True)
class Heading:
    """One ATX or setext heading: level, text, and 0-based line range within the body."""

    level: int
    text: str
    line: int
    end: int  # first body line after this heading's section (next heading of <= level)


@dataclass(frozen=True)
class Outline:
    """The heading structure of a body plus the fenced-code line ranges."""

    headings: tuple[Heading, ...]
    fences: tuple[tuple[int, int], ...]
    line_count: int


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def outline(body: str) -> Outline:
    """Parse ``body`` into headings (with section extents) and fenced-code ranges."""
    tokens = _parser().parse(body)
    raw: list[tuple[int, str, int]] = []
    fences: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            text = tokens[index + 1].content.strip()
            raw.append((int(token.tag[1]), text, token.map[0]))
        elif token.type in ("fence", "code_block") and token.map:
            fences.append((token.map[0], token.map[1]))
    return Outline(_with_extents(raw, body), tuple(fences), _line_count(body))


def _line_count(body: str) -> int:
    return body.count("\n") + (0 if body.endswith("\n") or not body else 1)


def _with_extents(raw: Sequence[tuple[int, str, int]], body: str) -> tuple[Heading, ...]:
    """Headings from (level, text, line), each with the line its section ends at."""
    ends = _section_ends(raw, _line_count(body))
    return tuple(
        Heading(level, text, line, end) for (level, text, line), end in zip(raw, ends, strict=True)
    )


def _section_ends(raw: Sequence[tuple[int, str, int]], line_count: int) -> list[int]:
    """Where each heading's section ends: at the next heading of the same or a higher level.

    One pass with a stack of open headings, so a note of many thousand headings stays fast.
    """
    ends = [line_count] * len(raw)
    open_headings: list[int] = []
    for position, (level, _text, line) in enumerate(raw):
        while open_headings and raw[open_headings[-1]][0] >= level:
            ends[open_headings.pop()] = line
        open_headings.append(position)
    return ends


def headings(body: str) -> tuple[Heading, ...]:
    """The headings of ``body`` with their section extents, as :func:`outline` finds them."""
    raw = _plain_headings(body)
    return outline(body).headings if raw is None else _with_extents(raw, body)


# The line scanner: what it understands, and what sends a note to the parser instead.
_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*$")
_LIST_MARKERS = re.compile(r"(?:(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))+")
_UNDERLINE = re.compile(r" *(?:=+|-+)[ \t]*$")
# what a line's first character (after spaces) must be for it to be more than paragraph text
_MAY_START_BLOCK = frozenset("#`~><-+*=\t0123456789")
# after list markers: a heading, a quote, HTML or a fence inside a list item
_NESTED_BLOCK = re.compile(r"#{1,6}(?:[ \t]|$)|[>`~<]")


def _plain_headings(body: str) -> list[tuple[int, str, int]] | None:
    """Headings as (level, text, line), or None when the note is not plain enough to be sure.

    Understood: ATX headings indented up to 3 spaces, top-level fences, single-line HTML
    comments, list items and paragraphs. Anything else the parser decides (block quotes, HTML
    blocks, indented fences, setext underlines, headings or blocks after list markers, tabs in
    indentation, 4-space-indented ``#`` lines, NUL characters).
    """
    if "\0" in body:
        return None
    found: list[tuple[int, str, int]] = []
    fence: tuple[str, int, str] | None = None  # character, length, the opening run
    paragraph = False  # the line before could carry a setext underline
    for number, line in enumerate(markdown_lines(body)):
        if fence is not None:
            if fence[2] not in line:
                continue  # no run of the fence's character long enough to close it
            close = _FENCE_CLOSE.match(line)
            if close and close[1][0] == fence[0] and len(close[1]) >= fence[1]:
                fence = None
            continue
        stripped = line.lstrip(" ")
        if not stripped.strip(" \t"):
            paragraph = False
            continue
        first = stripped[0]
        if first not in _MAY_START_BLOCK:
            paragraph = True  # plain text: a paragraph line, whatever its indent
            continue
        if first == "\t":
            return None
        indent = len(line) - len(stripped)
        if _UNDERLINE.match(line):
            if paragraph:
                return None
            paragraph = not (first == "-" and len(stripped.rstrip()) >= 3)  # "---" is a rule
            continue
        markers = _LIST_MARKERS.match(stripped)
        if markers:
            rest = stripped[markers.end() :]
            if "\t" in markers[0] or _NESTED_BLOCK.match(rest):
                return None
            paragraph = True
            continue
        if indent >= 4:
            if first in "#>`~<":
                return None
            paragraph = True
            continue
        if first == "#":
            heading = _atx(stripped)
            if heading is not None:
                found.append((heading[0], heading[1], number))
                paragraph = False
                continue
        elif first in "`~":
            opener = _FENCE_OPEN.match(stripped)
            if opener:
                if indent or (first == "`" and "`" in opener[2]):
                    return None
                fence, paragraph = (first, len(opener[1]), opener[1]), False
                continue
        elif first == ">":
            return None
        elif first == "<":
            if not stripped.startswith("<!--") or "-->" not in stripped:
                return None
            paragraph = False
            continue
        paragraph = True
    return found


def _atx(stripped: str) -> tuple[int, str] | None:
    """An ATX heading's level and text, trimmed as markdown-it trims it; None if not one."""
    level = len(stripped) - len(stripped.lstrip("#"))
    if not 1 <= level <= 6 or (len(stripped) > level and stripped[level] not in " \t"):
        return None
    end = len(stripped)
    while end > level and stripped[end - 1] in " \t":
        end -= 1
    cut = end
    while cut > level and stripped[cut - 1] == "#":
        cut -= 1
    if cut < end and cut > level and stripped[cut - 1] in " \t":
        end = cut
    return level, stripped[level:end].strip()


_H1_CANDIDATE = re.compile(r"^ {0,3}#[ \t]", re.M)
_LEADING_H1 = re.compile(r"(?:[ \t]*\r?\n)*[ ]{0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*\r?(?:\n|$)")


def first_h1(body: str) -> tuple[str, int] | None:
    """The first level-1 heading's text and 0-based line, parsing only as far as needed.

    A ``# `` line before any other content cannot sit inside a fence or a container, so that
    common case is read directly; anything else goes through the Markdown parser.
    """
    leading = _LEADING_H1.match(body)
    if leading:
        return leading.group(1).strip(), body.count("\n", 0, leading.start(1))
    search_from = 0
    while True:
        match = _H1_CANDIDATE.search(body, search_from)
        if match is None:
            return None
        line_end = body.find("\n", match.start())
        prefix = body if line_end < 0 else body[: line_end + 1]
        for heading in headings(prefix):
            if heading.level == 1:
                return heading.text, heading.line
        search_from = len(prefix)
        if line_end < 0:
            return None


DEMO_INFO = "studycards-demo"


def _may_hold_demo(markdown: str) -> bool:
    """Whether some fence's info string could read ``studycards-demo``: written so, or through
    a backslash escape or an entity, which the parser decodes. Most notes hold none, and
    saying so takes a few string searches instead of a parse."""
    if DEMO_INFO not in markdown and "\\" not in markdown and "&" not in markdown:
        return False
    for marker in ("```", "~~~"):
        start = markdown.find(marker)
        while start >= 0:
            end = markdown.find("\n", start)
            end = len(markdown) if end < 0 else end
            info = markdown[start:end]  # the rest of the line: the info string, and more
            if DEMO_INFO in info or "\\" in info or "&" in info:
                return True
            start = markdown.find(marker, end)
    return False


def demo_blocks(markdown: str) -> list[tuple[int, int, str]]:
    """Each ``studycards-demo`` fenced block: its first and end line (0-based) and its body."""
    if not _may_hold_demo(markdown):
        return []
    return [
        (token.map[0], token.map[1], token.content)
        for token in _parser().parse(markdown)
        if token.type == "fence" and token.info.strip() == DEMO_INFO and token.map
    ]


def split_demo_blocks(markdown: str) -> list[tuple[str, str]]:
    """Split Markdown into ``("markdown", text)`` and ``("demo", block body)`` parts.

    Only fenced blocks whose info string is ``studycards-demo`` become demo parts; their body is
    data naming a built-in demo, never code to run.
    """
    lines = markdown_lines(markdown, keepends=True)
    parts: list[tuple[str, str]] = []
    start = 0
    for first, last, content in demo_blocks(markdown):
        if first > start:
            parts.append(("markdown", "".join(lines[start:first])))
        parts.append(("demo", content))
        start = last
    if start < len(lines):
        parts.append(("markdown", "".join(lines[start:])))
    return [part for part in parts if part[0] == "demo" or part[1].strip()]
