"""Which note a link points at: Markdown links by path, wikilinks by name.

A Markdown link is tried relative to the file it is in, then from the vault root
(``notes/Topic/x.md``); its ``%xx`` escapes are decoded, and the path as written is tried too
(a file may really be called ``100%25.md``). A wikilink ``[[name]]`` names a note by its file
name without ``.md`` (or by the end of its path, ``[[Topic/name]]``), as Obsidian does; when two
notes share the name, the one in the linking file's folder wins, else the first by path.
"""

from __future__ import annotations

import posixpath
import re
from functools import cached_property
from pathlib import PurePosixPath

from studycards.errors import PathEscapesVault
from studycards.notes.links import Link, decoded, wiki_matches
from studycards.notes.vault import Vault, iter_note_files

_EXTERNAL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def note_path(target: str) -> str | None:
    """The file path a Markdown link target names when it is a ``.md`` file, else ``None``."""
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    path = decoded(target)
    if not path or _EXTERNAL.match(path) or not path.lower().endswith(".md"):
        return None
    return path


class LinkResolver:
    """Resolves links found in the files of one vault.

    ``notes``, when given, are the vault paths of its notes as :func:`iter_note_files` lists
    them (saving a second walk); ``files`` are vault paths known to be files just now, taken as
    existing without a look at the disk. Any other path is looked up.
    """

    def __init__(
        self, vault: Vault, notes: list[str] | None = None, files: frozenset[str] = frozenset()
    ):
        self.vault = vault
        self.files = files
        if notes is not None:
            self.__dict__["_notes"] = notes

    def is_note_link(self, link: Link) -> bool:
        """Whether the link means a note at all (not a web page, an image or a heading here)."""
        return bool(link.target) if link.wiki else note_path(link.target) is not None

    def resolve(self, link: Link, from_rel: str) -> tuple[str | None, bool]:
        """The vault path the link names (``None`` if it names none) and whether it exists."""
        if link.wiki:
            return self._wiki(link.target, from_rel)
        path = note_path(link.target)
        if path is None:
            return None, False
        raw = link.target.split("#", 1)[0].strip()
        base = PurePosixPath(from_rel).parent
        candidates = []
        for written in dict.fromkeys((path, raw)):
            if written.startswith("/"):
                candidates.append(posixpath.normpath(written.lstrip("/")))
                continue
            candidates.append(posixpath.normpath(str(base / written)))
            candidates.append(posixpath.normpath(written))
        inside = [c for c in dict.fromkeys(candidates) if self._inside(c)]
        for rel in inside:
            if rel in self.files or self.vault.path_of(rel).is_file():
                return rel, True
        return (inside[0] if inside else None), False

    def _wiki(self, target: str, from_rel: str) -> tuple[str | None, bool]:
        found = wiki_matches(target, self._notes)
        if not found:
            return None, False
        folder = str(PurePosixPath(from_rel).parent)
        near = [rel for rel in found if str(PurePosixPath(rel).parent) == folder]
        return (near or found)[0], True

    @cached_property
    def _notes(self) -> list[str]:
        return [entry.rel for entry in iter_note_files(self.vault)]

    def _inside(self, rel: str) -> bool:
        try:
            self.vault.path_of(rel)
        except PathEscapesVault:
            return False
        return True
