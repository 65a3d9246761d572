"""A card's Markdown as HTML for Anki: safe, with maths for MathJax and images as media.

Raw HTML in a note is escaped, not passed through, and unsafe link schemes are refused.
``$...$`` and ``$$...$$`` are read by mdit-py-plugins' dollarmath before emphasis, so the ``*``
and ``_`` inside a formula stay as written, and become MathJax's ``\\(...\\)`` and ``\\[...\\]``
(a price like ``$5 and $6`` stays text). An image whose file is inside the vault (its path may hold spaces, as
people write them) is renamed to a media file name of its own and collected, so the package can carry it.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from studycards.errors import PathEscapesVault
from studycards.notes.links import decoded, spaced_image
from studycards.notes.vault import Vault


@dataclass
class Media:
    """The image files the cards refer to: media name -> file."""

    files: dict[str, Path] = field(default_factory=dict)

    def add(self, vault: Vault, note_rel: str, src: str) -> str | None:
        """The media name for an image ``src`` of the note, or None if it is not a vault file."""
        if not src or ":" in src.split("/", 1)[0]:
            return None  # a web address or a data: URL stays as it is
        relative = decoded(src)
        rel = str(PurePosixPath(note_rel).parent / relative)
        try:
            path = vault.path_of(rel)
        except PathEscapesVault:
            return None
        if not path.is_file():
            return None
        digest = hashlib.sha256(vault.rel(path).encode("utf-8")).hexdigest()[:8]
        name = f"studycards-{digest}-{path.name}"
        self.files[name] = path
        return name


def card_html(text: str, vault: Vault | None = None, note_rel: str = "", media=None) -> str:
    """``text`` (Markdown) as card HTML; images found in the vault are renamed into ``media``."""
    md = _markdown()
    tokens = md.parse(text)
    if vault is not None and media is not None:
        for token in _images(tokens):
            name = media.add(vault, note_rel, str(token.attrs.get("src", "")))
            if name:
                token.attrs["src"] = name
    return md.renderer.render(tokens, md.options, {})


def _images(tokens: list[Any]) -> list[Any]:
    found = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                found.append(child)
    return found


def _math(content: str, options: dict[str, Any]) -> str:
    escaped = html.escape(content.strip(), quote=False)
    return f"\\[{escaped}\\]" if options.get("display_mode") else f"\\({escaped}\\)"


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.inline.ruler.after("image", "spaced_image", spaced_image)
    return md.use(
        dollarmath_plugin,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
        renderer=_math,
    )
