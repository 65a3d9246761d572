"""Which heading stands for which section: a table of patterns, matched by meaning.

Notes are written by people and by LLMs, so one section turns up under many headings. Each row
of :data:`PATTERNS` is one way of writing a section's heading: the section kind, a regular
expression, the heading levels it counts at and a real heading it was written for (the tests
check each row against its examples). Headings are compared in a normal form: full-width
brackets and colons made half-width, outline numbering (``一、``, ``1.``, ``(2)``) and a trailing
colon dropped. The vault config's ``sections:`` adds patterns in front of the built-in ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

TOP, SUB = (2,), (3, 4)  # top sections are H2 in the seed format; their sub-parts H3 (or H4)


@dataclass(frozen=True)
class HeadingPattern:
    """One way a section's heading is written."""

    kind: str
    pattern: str
    levels: tuple[int, ...]
    examples: tuple[str, ...]  # real headings (with their ``#`` marks) this row recognises


def _row(kind: str, pattern: str, levels: tuple[int, ...], *examples: str) -> HeadingPattern:
    return HeadingPattern(kind, pattern, levels, examples)


PATTERNS: tuple[HeadingPattern, ...] = (
    # the short answer to say out loud
    _row("short_answer", r"面试标准答案", TOP, "## 面试标准答案", "## 面试标准答案（可背诵）",
         "## 一、面试标准答案", "## 面试标准答案：", "## 面试标准答案(可背诵)"),
    _row("short_answer", r"标准面试答案", TOP, "## 标准面试答案（可背诵）"),
    _row("short_answer", r"标准回答", TOP, "## 面试标准回答"),
    _row("short_answer", r"面试标准表述|标准表述", (2, 3), "### 面试标准表述（精炼版）"),
    _row("short_answer", r"精简答案|精简回答", TOP, "## 精简答案"),
    _row("short_answer", r"标准答案", TOP, "## 标准答案", "## 面试标准答案（精简版）"),
    _row("short_answer", r"^(?:参考)?答案$|^回答$", TOP, "## 答案", "## 参考答案"),
    _row("short_answer", r"^简答", TOP, "## 简答"),
    _row("short_answer", r"^概述|^概要", TOP, "## 概述", "## 1. 概述："),
    _row("short_answer", r"^核心要点|^要点$", TOP, "## 核心要点"),
    _row("short_answer", r"^short answer", TOP, "## Short answer"),
    _row("short_answer", r"^(?:the )?answer\b", TOP, "## Answer"),
    _row("short_answer", r"^tl\s*;?\s*dr\b", TOP, "## TL;DR", "## TLDR"),
    _row("short_answer", r"^summary\b", TOP, "## Summary"),
    _row("short_answer", r"^overview\b", TOP, "## Overview"),
    # inside the short answer: the 30-second and the 2-3 minute versions
    _row("thirty_seconds", r"30\s*秒", SUB, "### 核心要点（30秒版本）", "### 30秒回答"),
    _row("thirty_seconds", r"核心要点", SUB, "### 核心要点"),
    _row("thirty_seconds", r"30[- ]?second|elevator", SUB, "### 30-second version"),
    _row("two_minutes", r"2\s*[-~–—到]\s*3\s*分钟", SUB, "### 详细技术答案（2-3分钟版本）"),
    _row("two_minutes", r"详细技术答案", SUB, "### 详细技术答案"),
    _row("two_minutes", r"2\s*[-–]\s*3[- ]?minute|detailed answer", SUB, "### 2-3 minute version"),
    # the long explanation
    _row("deep_dive", r"深度讲解|详细讲解|详细技术解析|详细解析|深入", TOP, "## 深度讲解",
         "## 详细讲解", "## 详细技术解析", "## 二、详细解析"),
    _row("deep_dive", r"deep[- ]?dive", TOP, "## Deep dive"),
    # follow-up questions
    _row("followups", r"常见面试追问|面试常见问题|追问", TOP, "## 常见面试追问",
         "## 面试常见问题与回答"),
    _row("followups", r"follow[- ]?up|interview questions", TOP, "## Follow-up questions"),
    # coding-question notes
    _row("problem", r"题目描述|^题目|^problem", TOP, "## 题目描述", "## Problem"),
    _row("approach", r"思路讲解|解题思路|^思路|^approach", TOP, "## 思路讲解", "## Approach"),
    _row("oral", r"快速口述|口述讲解|oral|say it out loud", TOP, "## 面试时的快速口述讲解"),
    _row("code", r"代码实现|^code\b|implementation|^solution", TOP, "## 代码实现", "## Code"),
    # closing parts
    _row("summary", r"^总结|^小结|^summary\b", TOP, "## 总结", "## 三、总结"),
    _row("summary", r"^(?:key )?takeaways|^conclusion|^wrap[- ]?up", TOP, "## Key takeaways",
         "## Conclusion", "## Wrap-up"),
    _row("tips", r"面试技巧|^tips|delivery", TOP, "## 面试技巧提示"),
    _row("related", r"相关笔记|related notes", TOP, "## 相关笔记", "## Related notes"),
)  # fmt: skip

KINDS: dict[str, tuple[int, ...]] = {}
for _pattern in PATTERNS:
    KINDS.setdefault(_pattern.kind, _pattern.levels)

_NUMBERING = re.compile(
    r"^(?:第?[一二三四五六七八九十百]+[、.:)\s]|[(]?[一二三四五六七八九十]+[)]"
    r"|[(]?\d+(?:\.\d+)*[.、:)]?(?=\s)|[(]?\d+(?:\.\d+)*[.、)]|[(]\d+[)])\s*"
)
_EMPHASIS = re.compile(r"^[*_]{1,3}(.*?)[*_]{1,3}$")


def normalize(text: str) -> str:
    """A heading's text as patterns see it: half-width, without numbering or a final colon."""
    text = unicodedata.normalize("NFKC", text).strip()
    emphasis = _EMPHASIS.match(text)
    if emphasis:
        text = emphasis.group(1).strip()
    text = _NUMBERING.sub("", text, count=1)
    return text.rstrip(" :").strip()


Compiled = tuple[tuple[str, tuple[int, ...], re.Pattern[str]], ...]


class _Patterns(tuple):
    """The compiled rows, hashed once: :func:`matches` is looked up by them for every heading,
    and hashing a tuple of compiled patterns anew each time cost more than the match."""

    _hash: int

    def __new__(cls, rows: Iterable) -> _Patterns:
        patterns = super().__new__(cls, rows)
        patterns._hash = tuple.__hash__(patterns)
        return patterns

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return tuple.__eq__(self, other)


@lru_cache(maxsize=16)
def compile_patterns(extra: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> Compiled:
    """The config's extra patterns (at their kind's levels, tried first), then the table."""
    rows = [(kind, KINDS[kind], pattern) for kind, patterns in extra for pattern in patterns]
    rows += [(row.kind, row.levels, row.pattern) for row in PATTERNS]
    return _Patterns((kind, levels, re.compile(pattern, re.I)) for kind, levels, pattern in rows)


def freeze_extra(sections: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A hashable form of the config's ``sections`` mapping, for :func:`compile_patterns`."""
    return tuple(sorted((kind, tuple(patterns)) for kind, patterns in sections.items()))


def classify(text: str, level: int, patterns: Compiled) -> str | None:
    """The section kind a heading of this level and text stands for, if any."""
    found = matches(text, level, patterns)
    return found[0][0] if found else None


@lru_cache(maxsize=65_536)
def matches(text: str, level: int, patterns: Compiled) -> tuple[tuple[str, int], ...]:
    """Every kind the heading could stand for, surest first, with the rank of its row.

    A lower rank is a surer match: of ``## 概述`` and a later ``## 面试标准答案`` the second is
    the short answer. A heading that loses its first kind may still be its second
    (``## Summary`` after a ``## Short answer`` is the note's summary).
    """
    normal = normalize(text)
    found: dict[str, int] = {}
    for rank, (kind, levels, regex) in enumerate(patterns):
        if kind not in found and level in levels and regex.search(normal):
            found[kind] = rank
    return tuple(found.items())


def assign(candidates: Sequence[Sequence[tuple[str, int]]]) -> dict[str, int]:
    """Each kind's heading (by position in ``candidates``): surest row first, then earliest.

    Headings are offered their first kind, then the losers their next one, until settled.
    """
    chosen: dict[str, int] = {}
    placed: set[int] = set()
    for round_ in range(max((len(c) for c in candidates), default=0)):
        offers: dict[str, tuple[int, int]] = {}
        for position, options in enumerate(candidates):
            if position in placed or round_ >= len(options):
                continue
            kind, rank = options[round_]
            if kind not in chosen and (kind not in offers or rank < offers[kind][0]):
                offers[kind] = (rank, position)
        for kind, (_rank, position) in offers.items():
            chosen[kind] = position
            placed.add(position)
    return chosen
