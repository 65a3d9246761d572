"""A scrolling pane's position, and a card's text cut into the sections it jumps between.

The pane knows lines, not characters: the renderer lays the text out at the terminal's width,
then tells the pane how many lines it holds, how many fit and where each section starts
(:meth:`Scroll.fit`). Keys move the window within those bounds, so ``G`` then ``k`` is one line
above the end, whatever the width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What each scroll key does: a step in lines, or a page, a jump to an end or to a section.
SCROLL_KEYS = frozenset(
    {"j", "k", "down", "up", "pgdn", "pgup", "g", "G", "home", "end", "n", "p", "tab", "shift-tab"}
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass
class Scroll:
    """Where a pane's window is: ``offset`` is its first line."""

    offset: int = 0
    total: int = 0
    page: int = 1
    sections: tuple[int, ...] = ()

    @property
    def last_offset(self) -> int:
        return max(0, self.total - self.page)

    def fit(self, total: int, page: int, sections: tuple[int, ...] = ()) -> None:
        """The pane was laid out: ``total`` lines, ``page`` of them visible."""
        self.total, self.page, self.sections = total, max(1, page), sections
        self.offset = min(self.offset, self.last_offset)

    def reset(self) -> None:
        self.offset = 0

    def press(self, key: str) -> bool:
        """Move for a scroll key; False when ``key`` is not one."""
        if key not in SCROLL_KEYS:
            return False
        step = max(1, self.page - 1)
        moves = {
            "j": self.offset + 1,
            "down": self.offset + 1,
            "k": self.offset - 1,
            "up": self.offset - 1,
            "pgdn": self.offset + step,
            "pgup": self.offset - step,
            "g": 0,
            "home": 0,
            "G": self.last_offset,
            "end": self.last_offset,
        }
        target = moves[key] if key in moves else self._section_target(key)
        self.offset = max(0, min(target, self.last_offset))
        return True

    def _section_target(self, key: str) -> int:
        forward = key in ("n", "tab")
        if forward:
            later = [s for s in self.sections if s > self.offset]
            return later[0] if later else self.last_offset
        earlier = [s for s in self.sections if s < self.offset]
        return earlier[-1] if earlier else 0


def split_sections(text: str, first_title: str) -> list[tuple[str, str]]:
    """``text`` cut at its Markdown headings (not inside code fences): ``(title, text)`` pairs.

    The text before the first heading is titled ``first_title``; empty parts are left out.
    """
    parts: list[tuple[str, list[str]]] = [(first_title, [])]
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            parts.append((heading.group(2), [line]))
        else:
            parts[-1][1].append(line)
    return [
        (title, "\n".join(lines).strip("\n")) for title, lines in parts if "".join(lines).strip()
    ]
