"""The raw shape of a note file: BOM, line endings, the frontmatter block and the body.

Everything here works on exact text so that a rewrite can keep every byte it does not touch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOM = "\ufeff"
_FENCE_OPEN = re.compile(r"---[ \t]*\r?\n?")
_FENCE_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")


@dataclass(frozen=True)
class Document:
    """A note file split into its parts; ``bom + head + frontmatter + tail + body`` is the file.

    ``frontmatter`` is the YAML text between the fences (``None`` when the file has none);
    ``fm_first_line`` is the 1-based file line of the first YAML line; ``body_first_line`` the
    1-based line where the body starts.
    """

    bom: str
    newline: str
    head: str
    frontmatter: str | None
    tail: str
    body: str
    fm_first_line: int
    body_first_line: int

    @property
    def text(self) -> str:
        return self.bom + self.head + (self.frontmatter or "") + self.tail + self.body


class UnclosedFrontmatter(ValueError):
    """The file opens a frontmatter block with ``---`` and never closes it."""


def split_document(text: str) -> Document:
    """Split decoded file text into BOM, frontmatter and body.

    Raises :class:`UnclosedFrontmatter` when the opening fence has no closing fence.
    """
    bom = BOM if text.startswith(BOM) else ""
    rest = text[len(bom) :]
    newline = "\r\n" if "\r\n" in rest[: rest.find("\n") + 1 or len(rest)] else "\n"
    first_end = rest.find("\n")
    first_line = rest if first_end < 0 else rest[: first_end + 1]
    if not _FENCE_OPEN.fullmatch(first_line) or first_end < 0:
        return Document(bom, newline, "", None, "", rest, 1, 1)
    offset = first_end + 1
    line_no = 2
    while offset < len(rest):
        end = rest.find("\n", offset)
        line_end = len(rest) if end < 0 else end + 1
        line = rest[offset:line_end].rstrip("\r\n")
        if _FENCE_CLOSE.fullmatch(line):
            return Document(
                bom=bom,
                newline=newline,
                head=first_line,
                frontmatter=rest[first_end + 1 : offset],
                tail=rest[offset:line_end],
                body=rest[line_end:],
                fm_first_line=2,
                body_first_line=line_no + 1,
            )
        offset = line_end
        line_no += 1
    raise UnclosedFrontmatter("frontmatter opened with '---' on line 1 is never closed")


def split_lines(text: str) -> list[str]:
    """Split keeping line endings, so ``"".join`` gives the text back."""
    return text.splitlines(keepends=True) if text else []


_MARKDOWN_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def markdown_lines(text: str, keepends: bool = False) -> list[str]:
    """Split at line feeds, CR LF pairs and lone CRs only, as Markdown does.

    Unlike :meth:`str.splitlines`, a form feed or U+2028 inside a line does not split it, so
    the lines agree with the line numbers markdown-it reports.
    """
    if "\r" not in text:  # the common case, without the regular expression
        parts = text.split("\n")
        last = parts.pop()
        if keepends:
            parts = [part + "\n" for part in parts]
        return parts + [last] if last else parts
    lines = _MARKDOWN_LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]
