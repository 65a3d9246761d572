"""Anki field HTML as Markdown: paragraphs and line breaks, bold, italics, code, lists, links
and images; every other tag dropped with its text kept. Scripts and styles are left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"div", "p", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_SKIP = {"script", "style"}
_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "del": "~~"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.in_pre = 0
        self.lists: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in _BLOCKS:
            self._block()
            if tag in ("ul", "ol"):
                self.lists.append(tag)
            elif tag.startswith("h") and len(tag) == 2:
                self.out.append("#" * (int(tag[1]) + 1) + " ")
        elif tag == "li":
            self.out.append("\n" + "  " * max(0, len(self.lists) - 1))
            self.out.append("1. " if self.lists and self.lists[-1] == "ol" else "- ")
        elif tag == "pre":
            self._block()
            self.out.append("```\n")
            self.in_pre += 1
        elif tag == "code" and not self.in_pre:
            self.out.append("`")
        elif tag in _MARKS:
            self.out.append(_MARKS[tag])
        elif tag == "img" and values.get("src"):
            self.out.append(f"![]({_destination(values['src'])})")
        elif tag == "a":
            self.links.append(values.get("href", ""))
            self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            self._block()
        elif tag == "pre" and self.in_pre:
            self.in_pre -= 1
            self.out.append("\n```")
            self._block()
        elif tag == "code" and not self.in_pre:
            self.out.append("`")
        elif tag in _MARKS:
            self.out.append(_MARKS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            self.out.append(f"]({_destination(href)})" if href else "]")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.out.append(data if self.in_pre else re.sub(r"\s+", " ", data))

    def _block(self) -> None:
        self.out.append("\n\n")


def _destination(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def html_to_markdown(text: str) -> str:
    """The field's HTML as tidy Markdown (at most one blank line in a row, no edge spaces)."""
    converter = _Converter()
    converter.feed(text)
    converter.close()
    joined = "".join(converter.out)
    lines = [line.rstrip() for line in joined.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(text: str) -> str:
    """The field as one line of plain text (a title)."""
    plain = re.sub(r"[*`~]|!\[\]\([^)]*\)", "", html_to_markdown(text))
    return " ".join(plain.split())
