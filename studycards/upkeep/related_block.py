"""The generated related-notes block of a note, rewritten without touching anything else.

The block is a ``## 相关笔记`` (or ``## Related notes``) heading, the marker line
``<!-- 自动生成 -->``, then one link line per related note. Everything between the marker and
the next heading of level 1 or 2 (or the end of the file) belongs to the generator; nothing else
does. The blank lines that open and close that region are kept as they are, so a block whose
links do not change comes back byte for byte, whatever spacing the file uses. A note without a
block gets one appended after a ``---`` rule, the way existing vaults end their notes.

Headings are found by a line scan that skips fenced code; it runs once per note on every
``link``, so it looks only at lines that start with ``#``, backticks or tildes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from studycards.notes._document import UnclosedFrontmatter, markdown_lines, split_document
from studycards.notes.links import destination
from studycards.notes.sections import RELATED_MARKER, classify, compile_patterns
from studycards.notes.terms import is_cjk

HEADING_ZH = "## 相关笔记"
HEADING_EN = "## Related notes"
_CANDIDATE = r" {0,3}(?:##?(?![^ \t\r\n])|```|~~~)[^\r\n]*"  # H1, H2 and fences
_CANDIDATES = re.compile("^" + _CANDIDATE, re.M)
_CANDIDATE_AT = re.compile(_CANDIDATE)
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_LINE_END = re.compile(r"\r\n|\n|\r")


class BlockError(ValueError):
    """The block cannot be written without risking the note's other text."""


def link_line(title: str, rel: str, percent: int, tags: Sequence[str]) -> str:
    """One generated line, without its line ending.

    ``- [Title](notes/Topic/File.md) - 相似度: 39% | 标签: Topic, Topic/File.md``
    """
    before, after = _line_parts(title, rel, tuple(tags))
    return f"{before}{percent}%{after}"


@lru_cache(maxsize=65_536)
def _line_parts(title: str, rel: str, tags: tuple[str, ...]) -> tuple[str, str]:
    shown = _one_line(title).replace("[", "\\[").replace("]", "\\]")
    target = destination(rel)
    names = [_one_line(tag) for tag in tags if tag.strip()]
    return f"- [{shown}]({target}) - 相似度: ", f" | 标签: {', '.join(names)}" if names else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class _Heading:
    start: int  # offset of the heading line
    after: int  # offset of the line after it
    level: int
    text: str


def write_block(text: str, links: Sequence[str], extra_patterns: tuple = ()) -> str:
    """``text`` with its generated block holding exactly ``links`` (lines without endings).

    Returns ``text`` itself when nothing would change; a note with no block and no links is
    left alone. Raises :class:`BlockError` when a block cannot be placed safely.
    """
    start = _body_start(text)
    headings, open_fence, fences = _scan(text, start)
    related = [h for h in headings if h.level == 2 and _is_related(h.text, extra_patterns)]
    for heading in related:
        end = _section_end(heading, headings, len(text))
        marker = _marker_line(text, heading.after, end, fences)
        if marker is not None:
            return _replace_region(text, marker, end, links)
    if not links:
        return text
    if open_fence:
        raise BlockError("the note ends inside an unclosed ``` code block: close it first")
    if related:
        return _insert_marker(
            text, related[0], _section_end(related[0], headings, len(text)), links
        )
    return _append(text, start, links, _is_english(headings, text[start:]))


def _body_start(text: str) -> int:
    try:
        return len(text) - len(split_document(text).body)
    except UnclosedFrontmatter:
        raise BlockError("the frontmatter is never closed: fix the note first") from None


@lru_cache(maxsize=4096)
def _is_related(heading: str, extra_patterns: tuple) -> bool:
    return classify(heading, 2, compile_patterns(extra_patterns)) == "related"


# ---------------------------------------------------------------------------------------------
# scanning


def _scan(text: str, start: int) -> tuple[list[_Heading], bool, list[tuple[int, int]]]:
    """ATX headings outside fenced code, whether the text ends inside a fence, and the fences."""
    headings: list[_Heading] = []
    fences: list[tuple[int, int]] = []
    fence, fence_start = "", 0
    for match in _candidate_lines(text, start):
        line = match.group(0)
        if fence:
            if _closes(line, fence):
                fence = ""
                fences.append((fence_start, match.end()))
            continue
        opened = _FENCE.fullmatch(line)
        if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)):
            fence, fence_start = opened.group(1), match.start()
            continue
        heading = _ATX.fullmatch(line)
        if heading:
            title = (heading.group(2) or "").strip()
            headings.append(_Heading(match.start(), _next_line(text, match.end()),
                                     len(heading.group(1)), title))  # fmt: skip
    if fence:
        fences.append((fence_start, len(text)))
    return headings, bool(fence), fences


def _candidate_lines(text: str, start: int) -> Iterator[re.Match[str]]:
    """Lines that may be headings or fences; lone CR line ends take the slow, exact path."""
    if "\r" not in text or text.count("\r") == text.count("\r\n"):
        yield from _CANDIDATES.finditer(text, start)
        return
    lines = markdown_lines(text, keepends=True)
    for offset in accumulate((len(line) for line in lines[:-1]), initial=0):
        if offset >= start:
            match = _CANDIDATE_AT.match(text, offset)
            if match:
                yield match


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" "))
    return indent <= 3 and len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _next_line(text: str, offset: int) -> int:
    """The offset after the line ending at ``offset`` (the text's end if there is none)."""
    match = _LINE_END.match(text, offset)
    return match.end() if match else len(text)


def _section_end(heading: _Heading, headings: list[_Heading], size: int) -> int:
    """Where the next heading of level 1-2 after ``heading`` starts, or the end."""
    return next((h.start for h in headings if h.start > heading.start and h.level <= 2), size)


def _marker_line(
    text: str, begin: int, end: int, fences: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """(start, offset after) of the marker line between ``begin`` and ``end``, outside code."""
    at = text.find(RELATED_MARKER, begin, end)
    while at >= 0:
        if any(low <= at < high for low, high in fences):
            at = text.find(RELATED_MARKER, at + 1, end)
            continue
        line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
        line_end = _LINE_END.search(text, at)
        stop = line_end.start() if line_end else len(text)
        if text[line_start:stop].strip() == RELATED_MARKER:
            return line_start, _next_line(text, stop)
        at = text.find(RELATED_MARKER, at + 1, end)
    return None


# ---------------------------------------------------------------------------------------------
# writing


def _newline(text: str, near: int) -> str:
    """The line ending used at ``near`` (else the first one in the text, else LF)."""
    match = _LINE_END.search(text, near) or _LINE_END.search(text)
    return match.group(0) if match else "\n"


def _ends_line(line: str) -> bool:
    return line.endswith(("\n", "\r"))


def _replace_region(text: str, marker: tuple[int, int], end: int, links: Sequence[str]) -> str:
    """Swap the non-blank middle of the region after the marker; keep its edge blank lines."""
    region = markdown_lines(text[marker[1] : end], keepends=True)
    nl = _newline(text, marker[0])
    body = [link + nl for link in links]
    if not body and not region:
        return text
    filled = [i for i, line in enumerate(region) if line.strip()]
    lead = region[: filled[0]] if filled else region
    trail = region[filled[-1] + 1 :] if filled else []
    if body and not region:
        lead = [nl]
    if body and end < len(text) and not trail:
        trail = [nl]
    if body and end == len(text) and region and not _ends_line(region[-1]):
        body[-1] = body[-1][: -len(nl)]
    head = text[: marker[1]] + ("" if _ends_line(text[: marker[1]]) else nl)
    return head + "".join(lead + body + trail) + text[end:]


def _insert_marker(text: str, heading: _Heading, end: int, links: Sequence[str]) -> str:
    """Add the marker and links after the last text of a hand-written related section."""
    nl = _newline(text, heading.start)
    section = text[heading.after : end]
    filled = section.rstrip()
    cut = heading.after + len(filled)
    if filled:
        cut = _next_line(text, cut)
    head = text[:cut] + ("" if _ends_line(text[:cut]) else nl)
    gap = [nl] if filled else []
    tail = [nl] if end < len(text) and cut == end else []
    block = [*gap, RELATED_MARKER + nl, nl, *(link + nl for link in links), *tail]
    return head + "".join(block) + text[cut:]


def _append(text: str, start: int, links: Sequence[str], english: bool) -> str:
    """Append ``---``, the heading, the marker and the links at the end of the note."""
    nl = _newline(text, 0)
    out = text if not text or _ends_line(text) else text + nl
    body = out[start:].rstrip()
    last_line = body[max(body.rfind("\n"), body.rfind("\r")) + 1 :]
    parts: list[str] = []
    if out and not _ENDS_BLANK.search(out):
        parts.append(nl)
    if body and not _RULE.fullmatch(last_line):
        parts += ["---" + nl, nl]
    heading = HEADING_EN if english else HEADING_ZH
    parts += [heading + nl, RELATED_MARKER + nl, nl, *(link + nl for link in links)]
    return out + "".join(parts)


_ENDS_BLANK = re.compile(r"(?:^|\r\n|\n|\r(?!\n))[ \t]*(?:\r\n|\n|\r)\Z")  # CRLF is one end


def _is_english(headings: list[_Heading], body: str) -> bool:
    """Whether the note's level 1-2 headings (or, lacking any, its text) hold no CJK."""
    texts = [h.text for h in headings if h.level <= 2]
    return not is_cjk(" ".join(texts) if texts else body)
