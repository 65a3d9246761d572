"""Split note text into search and similarity terms: CJK character bigrams and Latin words.

Chinese has no spaces, so a run of CJK characters becomes its overlapping two-character pairs
("注意力" -> "注意", "意力"); a lone CJK character stays a term of its own. Latin text becomes
lower-case words. Terms get a stable 64-bit hash so that cached term lists survive between runs.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9\u00df-\u024f]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from has have how in into is it its of on or "
    "so than that the their then there these this to was we what when where which while who why "
    "will with you your".split()
)


def is_cjk(text: str) -> bool:
    """Whether ``text`` holds at least one CJK character."""
    return _IS_CJK.search(text) is not None


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """The terms of ``text`` in order: CJK bigrams (or lone characters) and Latin words."""
    found: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token[0] >= "\u3400":
            if len(token) == 1:
                found.append(token)
            else:
                found.extend(token[i : i + 2] for i in range(len(token) - 1))
        elif keep_stopwords or (len(token) > 1 and token not in STOPWORDS and not token.isdigit()):
            found.append(token)
    return found


def term_counts(text: str) -> Counter[str]:
    """How often each similarity term occurs in ``text`` (stop words and numbers left out)."""
    return Counter(terms(text))


@lru_cache(maxsize=262_144)
def term_hash(term: str) -> int:
    """A stable 63-bit id for a term, the same in every process (unlike ``hash``)."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1
