"""The search index's tokens: per note and term, how often the term occurs in each field.

Counts follow what :mod:`studycards.upkeep.search` matches, so that a term's count read from the
index equals the count a scan of the text finds:

- A Latin query term matches at the start of a word, so the index keeps whole lower-case words
  and a query term sums the counts of every word it begins ("cach" -> "cache", "caches").
- A CJK run gives one token per character: the character and the next one (a bigram), or the
  character alone at the end of the run. A bigram query term is then an exact token, and a lone
  CJK character sums every token it begins, which counts each of its occurrences once.
  A doubled character ("哈哈哈") is paired left to right without overlap, as a regular
  expression scan finds it; the characters not paired become lone tokens.

The counts of one note and term are packed into one integer: bit 0 says whether the title holds
the term, then :data:`BITS` bits per body field. A count too large for its bits is stored as
:data:`FULL` with the true counts kept aside (see :func:`pack`).
"""

from __future__ import annotations

import re
from collections import Counter

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9\u00df-\u024f]+")  # as studycards.notes.terms splits
_DOUBLED = re.compile(rf"([{_CJK}])\1")
BODY_FIELDS = 5  # question, answer, follow-ups, deep dive, the rest (search.FIELD_WEIGHTS order)
BITS = 12
FULL = (1 << BITS) - 1


def field_tokens(text: str) -> list[str]:
    """The index tokens of one field's text (see the module docstring)."""
    found: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token[0] < "\u3400" or len(token) == 1:
            found.append(token)
        elif _DOUBLED.search(token) is None:
            found.extend(map(str.__add__, token[:-1], token[1:]))
            found.append(token[-1])
        else:
            found.extend(_doubled_run(token))
    return found


def _doubled_run(run: str) -> list[str]:
    """A CJK run holding a doubled character: one token per character, pairs never overlapping."""
    found: list[str] = []
    paired = False  # whether this character is the second of a doubled pair
    for position, char in enumerate(run):
        following = run[position + 1] if position + 1 < len(run) else ""
        if not following or (following == char and paired):
            found.append(char)
            paired = False
        else:
            found.append(char + following)
            paired = following == char
    return found


def note_postings(title: str, body: tuple[str, ...]) -> tuple[dict[str, int], list[tuple]]:
    """Every token of a note with its packed counts, and ``(token, field, count)`` for each
    count too large to pack (``field`` numbers the body fields from 0)."""
    packed: dict[str, int] = dict.fromkeys(field_tokens(title), 1)
    overflow: list[tuple] = []
    for field, text in enumerate(body):
        if not text:
            continue
        shift = 1 + BITS * field
        for token, count in Counter(field_tokens(text)).items():
            if count >= FULL:
                overflow.append((token, field, count))
                count = FULL
            packed[token] = packed.get(token, 0) | (count << shift)
    return packed, overflow


def unpack(value: int) -> tuple[int, ...]:
    """``(in title, question, answer, follow-ups, deep, rest)`` counts of a packed value."""
    return (
        value & 1,
        (value >> 1) & FULL,
        (value >> 13) & FULL,
        (value >> 25) & FULL,
        (value >> 37) & FULL,
        (value >> 49) & FULL,
    )


def prefix_end(term: str) -> str:
    """The least string above every string starting with ``term``: its range's upper bound."""
    return term[:-1] + chr(ord(term[-1]) + 1)
