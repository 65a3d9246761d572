"""Words for similarity and search: Chinese cut into words or character pairs, Latin words.

Two segmenters give the same shape of output, lower-case terms in text order:

* ``bigram``: a run of CJK characters becomes its overlapping pairs ("注意力" -> "注意", "意力"),
  a lone character stays itself (:func:`studycards.notes.terms.terms`); pairs holding a glue
  character such as 的 or 和 (which mostly straddle two words) are dropped;
* ``jieba``: a run of CJK characters is cut into dictionary words by the jieba segmenter
  (loaded lazily, only when chosen), and words of one character, mostly particles such as
  的 and 是, are dropped.

Both drop the words that frame a question rather than say what it is about (常见, 区别,
为什么, 原理...). Latin text becomes words with English stop words, words that say nothing
about a topic (would, like, first...) and bare numbers left out in both.
:data:`DEFAULT` is the one that scores better on ``benchmarks/bench_link_quality.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from studycards.notes.terms import STOPWORDS, terms

DEFAULT = "bigram"
VERSION = "2"  # change when the word lists below change: cached tokens are then cut again
SEGMENTERS = ("bigram", "jieba")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9\u00df-\u024f]+")
_PAIR = re.compile(rf"(?=([{_CJK}]{{2}}))")  # every overlapping pair inside a CJK run
_LONE = re.compile(rf"(?<![{_CJK}])[{_CJK}](?![{_CJK}])")  # a run of one character
_LATIN = re.compile(r"[a-z0-9\u00df-\u024f]+")


# Characters that glue words together: a pair holding one mostly straddles two words ("力的").
_GLUE = frozenset("的了和与及或是在吗呢把被就都也而之其所以为着")
# Pairs of the phrases that frame a question rather than say what it is about.
_FRAMES = frozenset(
    "面试 试题 常见 见面 问题 题目 什么 为什 怎么 如何 区别 原理 作用 介绍 聊聊 详解 理解 一下 "
    "哪些 有哪 优缺 缺点 优点 场景 使用 可以 一个 我们 这个 那个 需要".split()
)


# English words that say nothing about a topic (the short function words are in STOPWORDS).
_PLAIN = frozenset(
    "about after all also always any because before being both could each either even every "
    "first get gets good got however just least less like lot many may might more most much "
    "must need needs never no not now often once one only other others our own rather really "
    "roughly same should since some such them they thing things those though through too two "
    "under until up use used uses using very way ways well were would yes yet".split()
)


_SKIP = STOPWORDS | _PLAIN


def segmenter(name: str | None = None) -> Callable[[str], list[str]]:
    """The term function called ``name`` (see :data:`SEGMENTERS`; default :data:`DEFAULT`)."""
    name = name or DEFAULT
    if name == "bigram":
        return _bigram_terms
    if name == "jieba":
        return _jieba_terms
    raise ValueError(f"unknown segmenter {name!r}: use one of {', '.join(SEGMENTERS)}")


def counter(name: str | None = None) -> Callable[[str], Counter[str]]:
    """Each term of segmenter ``name`` in a text, counted: ``Counter(segmenter(name)(text))``."""
    if (name or DEFAULT) == "bigram":
        return bigram_counts
    cut = segmenter(name)
    return lambda text: Counter(cut(text))


def bigram_counts(text: str) -> Counter[str]:
    """``Counter(_bigram_terms(text))``, counted by regular expressions, not term by term."""
    low = text.lower()
    found = Counter(_PAIR.findall(low))
    for pair in [p for p in found if p[0] in _GLUE or p[1] in _GLUE or p in _FRAMES]:
        del found[pair]
    found.update(_LONE.findall(low))
    skip = _SKIP
    found.update(w for w in _LATIN.findall(low) if len(w) > 1 and w not in skip and not w.isdigit())
    return found


def _bigram_terms(text: str) -> list[str]:
    glue, frames, plain = _GLUE, _FRAMES, _PLAIN
    return [
        term
        for term in terms(text)
        if not (
            (len(term) == 2 and term[0] >= "\u3400")
            and (term[0] in glue or term[1] in glue or term in frames)
        )
        and term not in plain
    ]


def _jieba_terms(text: str) -> list[str]:
    cut = _jieba_cut()
    found: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token[0] >= "\u3400":
            found.extend(word for word in cut(token) if len(word) > 1 and word not in _FRAMES)
        elif len(token) > 1 and token not in STOPWORDS | _PLAIN and not token.isdigit():
            found.append(token)
    return found


@lru_cache(maxsize=1)
def _jieba_cut() -> Callable[[str], list[str]]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut
