"""Links as notes, outlines and checklists write them, read with a Markdown parser.

Real paths hold ``()``, ``%``, spaces and full-width punctuation, usually unencoded:
``[x](notes/C++/select()、poll()、epoll()的工作原理和区别.md)``, ``[x](../notes/A/x y.md)``,
``[x](<../notes/A/x y.md>)``, ``[x](../notes/Linux/100%CPU排查思路.md)``. markdown-it reads
balanced parentheses and ``<...>`` destinations as CommonMark says; two small inline rules add
what CommonMark leaves out but people write: a destination with spaces that names a ``.md``
file, and Obsidian's ``[[target]]``, ``[[target|alias]]``, ``[[target#heading]]``. Links are
written back with :func:`destination`, which CommonMark, Obsidian and docsify all resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline


@dataclass(frozen=True)
class Link:
    """One link: its text, its destination as written (no ``<>``), and whether it is a wikilink.

    For a wikilink ``target`` is the note name or path (``.md`` optional) and ``heading`` the
    part after ``#``; for a Markdown link the fragment stays in ``target``.
    """

    text: str
    target: str
    wiki: bool = False
    heading: str | None = None

    @property
    def path(self) -> str:
        """The file path the link names: fragment and query dropped, percent-escapes decoded."""
        return decoded(self.target)


def decoded(target: str) -> str:
    """A link target as a path: fragment and query dropped, ``%xx`` escapes decoded."""
    path = target.split("#", 1)[0].split("?", 1)[0].strip()
    return unquote(path)


_NEEDS_ANGLE = re.compile(r"[\s()<>\[\]\\]")
_ENCODED = re.compile(r"[#?]|%(?=[0-9A-Fa-f]{2})")


def destination(path: str) -> str:
    """A vault path as a link destination: bare when it is plain, else in ``<...>``.

    Inside ``<...>`` spaces and parentheses are literal (CommonMark, Obsidian and docsify read
    them so); ``<``, ``>`` and ``\\`` are backslash-escaped. ``#`` and ``?`` (which would start a
    fragment or a query) are percent-encoded, and so is a ``%`` that looks like an escape; a
    lone ``%`` (``100%CPU.md``) stays, since decoding leaves it as it is.
    """
    path = _ENCODED.sub(lambda m: f"%{ord(m.group(0)):02X}", path)
    if not _NEEDS_ANGLE.search(path):
        return path
    escaped = re.sub(r"([<>\\])", r"\\\1", path)
    return f"<{escaped}>"


def links_in(text: str) -> list[Link]:
    """Every link in one line (or paragraph) of Markdown, in order; images are not links."""
    found = []
    for kind, link in _items(text):
        if kind == "link":
            found.append(link)
    return found


def wiki_matches(name: str, rels: Iterable[str]) -> list[str]:
    """The note paths a wikilink name means: same file name without ``.md`` (any case), or,
    for ``[[Topic/name]]``, the same end of the path; in the order given."""
    name = name.strip().strip("/")
    name = name[:-3] if name.lower().endswith(".md") else name
    wanted = name.casefold()
    stem = wanted.rsplit("/", 1)[-1]
    found = [rel for rel in rels if _stem(rel).casefold() == stem]
    if "/" in wanted:
        found = [rel for rel in found if ("/" + rel.casefold()).endswith("/" + wanted + ".md")]
    return found


def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def plain_text(text: str) -> str:
    """The line with each link replaced by its text (images dropped), as a reader sees it."""
    return "".join(value.text if kind == "link" else value for kind, value in _items(text))


def leading_link(text: str) -> tuple[Link, str] | None:
    """The link ``text`` starts with (after spaces) and the plain text after it, if any."""
    items = _items(text)
    if items and items[0][0] == "text" and not str(items[0][1]).strip():
        items = items[1:]
    if not items or items[0][0] != "link":
        return None
    rest = "".join(str(value) for kind, value in items[1:] if kind == "text")
    return items[0][1], rest


@lru_cache(maxsize=8192)
def _items(text: str) -> tuple[tuple[str, Any], ...]:
    """The line as a sequence of ("link", Link) and ("text", str) parts."""
    tokens = _parser().parseInline(text)
    children = tokens[0].children if tokens and tokens[0].children else []
    items: list[tuple[str, Any]] = []
    depth, label, href, image = 0, [], "", 0
    for token in children:
        if token.type == "wikilink":
            items.append(("link", Link(token.content, *token.meta["target"])))
        elif token.type == "link_open":
            depth, label, href = depth + 1, [], str(token.attrs.get("href", ""))
        elif token.type == "link_close":
            depth -= 1
            items.append(("link", Link("".join(label).strip(), href)))
        elif token.type == "image":
            image += 1
        elif depth:
            label.append(token.content)
        elif token.type in ("text", "code_inline", "softbreak"):
            items.append(("text", token.content if token.type != "softbreak" else " "))
    return tuple(items)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.normalizeLink = lambda url: url  # keep destinations as written; decoded() decodes
    md.inline.ruler.before("link", "wikilink", _wikilink)
    md.inline.ruler.after("link", "spaced_link", _spaced_link)
    return md


def _wikilink(state: StateInline, silent: bool) -> bool:
    """``[[target]]``, ``[[target|alias]]``, ``[[target#heading]]`` on one line."""
    src, start = state.src, state.pos
    if not src.startswith("[[", start) or (start and src[start - 1] == "!"):
        return False  # ``![[x.png]]`` embeds a file: not a link
    end = src.find("]]", start + 2)
    inner = src[start + 2 : end] if end >= 0 else ""
    if not inner.strip() or any(c in inner for c in "[]\n"):
        return False
    target, _bar, alias = inner.partition("|")
    path, _hash, heading = target.partition("#")
    if not path.strip() and not heading.strip():
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        shown = alias.strip() or (path.strip() or heading.strip())
        token.content = shown
        token.meta["target"] = (path.strip(), True, heading.strip() or None)
    state.pos = end + 2
    return True


def _spaced_destination(state: StateInline, start: int, ends: re.Pattern[str]) -> tuple | None:
    """``[label](a path with spaces.ext)`` from ``start`` (the ``[``): label end, target, close."""
    src = state.src
    if start >= state.posMax or src[start] != "[":
        return None
    label_end = state.md.helpers.parseLinkLabel(state, start, True)
    if label_end < 0 or not src.startswith("(", label_end + 1):
        return None
    close = _balanced_close(src, label_end + 2, state.posMax)
    if close < 0:
        return None
    target = src[label_end + 2 : close].strip()
    return (label_end, target, close) if " " in target and ends.search(target) else None


_MD_TARGET = re.compile(r"\.md(?:#[^()]*)?$", re.I)
_IMAGE_TARGET = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp)$", re.I)


def spaced_image(state: StateInline, silent: bool) -> bool:
    """``![alt](images/a diagram.png)``: an image path with spaces, as people write them."""
    src, start = state.src, state.pos
    if not src.startswith("![", start):
        return False
    found = _spaced_destination(state, start + 1, _IMAGE_TARGET)
    if found is None:
        return False
    label_end, target, close = found
    if not silent:
        from markdown_it.token import Token

        token = state.push("image", "img", 0)
        token.attrs = {"src": target, "alt": ""}
        token.content = src[start + 2 : label_end]
        alt = Token("text", "", 0)
        alt.content = token.content
        token.children = [alt]
    state.pos = close + 1
    return True


def _spaced_link(state: StateInline, silent: bool) -> bool:
    """``[text](path with spaces.md)``: what CommonMark refuses but people write and mean."""
    src, start = state.src, state.pos
    found = _spaced_destination(state, start, _MD_TARGET)
    if found is None:
        return False
    label_end, target, close = found
    if not silent:
        state.push("link_open", "a", 1).attrs = {"href": target}
        label = state.push("text", "", 0)
        label.content = src[start + 1 : label_end]
        state.push("link_close", "a", -1)
    state.pos = close + 1
    return True


def _balanced_close(src: str, pos: int, end: int) -> int:
    """The position of the ``)`` that closes a destination starting at ``pos``, or -1."""
    depth = 0
    while pos < end:
        char = src[pos]
        if char == "\n":
            return -1
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    return -1
