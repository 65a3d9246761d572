"""Reading ``reviewsToday.md`` back: which boxes are ticked, the note each links, its grade.

Every shape of checklist line people have is read: studycards' own (``- [x] [Title](<path>)``),
the old scripts' (numbered ``**1.** - [x] [Title](notes/C++/select()、poll().md)`` with ``()``,
``%``, spaces and full-width punctuation left unencoded, an indented ``- 已复习: 3次`` line after
it), and lines already done (``[✓]``), which are a record and never logged again.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from studycards.errors import StudycardsError
from studycards.scheduling.schedule import Rating

CHECKLIST_NAME = "reviewsToday.md"
DONE = "\u2713"  # ✓: a box whose review is logged

# ``- [x] rest`` with an optional ``**1.**`` number before the bullet, as the old scripts wrote.
_ITEM = re.compile(
    r"^\ufeff?[ \t]*(?:\*\*\d+\.\*\*[ \t]*)?[-*+][ \t]+\[(?P<box>[ xX\u2713\u2714])\]"
    r"(?P<rest>.*?)\r?$"
)
_GRADE = re.compile(r"\((again|hard|good|easy|[1-4])\)", re.IGNORECASE)


@dataclass(frozen=True)
class Tick:
    """A ticked box with a note link: its 1-based line, the note, the grade, where the ``x`` is,
    and where the link ends (a grade is written there when the box is marked done)."""

    line: int
    rel: str
    rating: Rating
    offset: int
    link_end: int = -1
    graded: bool = False
    raw: str = ""  # the link's path as written, before percent-escapes are decoded


@dataclass(frozen=True)
class LineProblem:
    """A ticked line that cannot be logged; printed as ``reviewsToday.md:LINE: message``."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"{CHECKLIST_NAME}:{self.line}: {self.message}"


def read_checklist(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StudycardsError(
            f"no {CHECKLIST_NAME} in the vault: run 'studycards today' first"
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise StudycardsError("not valid UTF-8: save it as UTF-8", CHECKLIST_NAME, line) from None


def ticked_lines(text: str) -> list[int]:
    """1-based numbers of every line holding a ticked box, with or without a link."""
    return [n for n, line in enumerate(text.split("\n"), 1) if _ticked(line)]


def _ticked(line: str) -> bool:
    match = _ITEM.match(line)
    return match is not None and match["box"] in "xX"


def parse_ticks(text: str) -> tuple[list[Tick], list[LineProblem]]:
    """Every ticked box with a note link and a grade, and the ticked lines that have neither."""
    ticks: list[Tick] = []
    problems: list[LineProblem] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        match = _ITEM.match(line)
        if match and match["box"] in "xX":
            found = _tick(match, number, start)
            (ticks if isinstance(found, Tick) else problems).append(found)
        start += len(line) + 1
    return ticks, problems


def _tick(match: re.Match[str], number: int, start: int) -> Tick | LineProblem:
    rest = match["rest"]
    link = scan_link(rest)
    if link is None:
        return LineProblem(number, "ticked box without a note link after it: left ticked")
    target, end = link
    grades = {Rating.parse(g) for g in _GRADE.findall(rest[end:])}
    if len(grades) > 1:
        shown = ", ".join(f"({g.name.lower()})" for g in sorted(grades))
        return LineProblem(number, f"more than one grade ({shown}): keep one")
    rating = grades.pop() if grades else Rating.GOOD
    link_end = start + match.start("rest") + end
    wiki = target.startswith(WIKI_PREFIX)
    raw = target if wiki else _normal(target.split("#", 1)[0].strip())
    rel = target if wiki else _normal(unquote(target.split("#", 1)[0].strip()))
    return Tick(
        number,
        rel,
        rating,
        start + match.start("box"),
        link_end,
        bool(_GRADE.search(rest[end:])),
        raw,
    )


_WIKI = re.compile(r"[ \t]*\[\[(?P<target>[^\]|#\n]+)(?:#[^\]|\n]*)?(?:\|[^\]\n]*)?\]\]")
WIKI_PREFIX = "[["  # a tick's ``rel`` for a wikilink: ``[[name]]``, resolved by sync


def scan_link(text: str) -> tuple[str, int] | None:
    """``[label](target)`` or ``[[name|alias]]`` at the start of ``text`` (after blanks): the
    target (a wikilink as ``[[name]]``) and where the link ends. Unencoded parentheses in the target are matched in pairs, as the old scripts
    wrote them (``notes/C++/select()、poll().md``); ``<...>`` targets and titles are read too."""
    wiki = _WIKI.match(text)
    if wiki:
        return f"[[{wiki['target'].strip()}]]", wiki.end()
    i = len(text) - len(text.lstrip(" \t"))
    if not text.startswith("[", i):
        return None
    i = _after_label(text, i)
    if i is None or not text.startswith("(", i):
        return None
    if text.startswith("<", i + 1):
        close = text.find(">", i + 2)
        if close < 0 or not text.startswith(")", close + 1):
            return None
        return text[i + 2 : close], close + 2
    depth, j = 0, i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return _drop_title(text[i + 1 : j]), j + 1
            depth -= 1
        j += 1
    return None


def _after_label(text: str, i: int) -> int | None:
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


def _drop_title(target: str) -> str:
    """``path "title"`` -> ``path``."""
    match = re.fullmatch(r'(.*?)[ \t]+"[^"]*"[ \t]*', target)
    return (match[1] if match else target).strip()


def _normal(path: str) -> str:
    """A link path as a vault path: ``./`` and doubled slashes gone."""
    return posixpath.normpath(path) if path else ""


def untick(text: str, tick: Tick) -> str:
    """The text with only this tick's ``x`` turned back into a space."""
    assert text[tick.offset] in "xX", "the checklist changed under the tick"
    return text[: tick.offset] + " " + text[tick.offset + 1 :]


def mark_done(text: str, tick: Tick, rating: Rating) -> str:
    """The text with this tick's box turned into ``[✓]`` and, when no grade was written, the
    grade it was logged with written after the link: a record of what was done today."""
    assert text[tick.offset] in "xX", "the checklist changed under the tick"
    if not tick.graded and tick.link_end >= 0:
        text = text[: tick.link_end] + f" ({rating.name.lower()})" + text[tick.link_end :]
    return text[: tick.offset] + DONE + text[tick.offset + 1 :]
