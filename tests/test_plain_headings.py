"""The line scanner for plain notes gives exactly the Markdown parser's headings, or declines.

``sections.headings`` trusts the scanner when it answers, so every answer it gives must equal
what markdown-it finds. Hypothesis builds documents from line shapes chosen to trip a line
scanner (fences of every kind, setext underlines, lists, quotes, HTML, tabs, closing hashes,
CR LF and lone CR line ends) and compares the two.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studycards.notes._document import split_document
from studycards.notes.sections import _plain_headings, headings, outline

ROOT = Path(__file__).resolve().parent.parent

LINES = [
    "", " ", "\t", "text", "中文段落", "  indented text", "    code line", "#hashtag",
    "# Title", "## Short answer", "### 30秒版本 ###", "#### x #", "##### #", "###### six",
    "####### seven", "#\ttab heading", "   # three spaces", "    # four spaces", "# ", "#",
    "## closing ##   ", "## trailing#", "# # #", "```", "```python", "``` `odd`", "````",
    "~~~", "~~~ info `ok`", "  ```", "   ~~~", "    ```", "```   ", "~~~~~", "\t```",
    "---", "- - -", "***", "===", "  ===", "--", "-", "- item", "- # heading in list",
    "* item", "+ item", "1. item", "2) item", "10. # not plain", "- ```", "- > quote",
    "  - nested", "    - deeper", "> quote", "> # quoted heading", "<div>", "</div>",
    "<!-- comment -->", "<!-- open comment", "-->", "<!-- 自动生成 -->", "  <!-- x -->",
    "<br>", "[ref]: /url", "- <b>x</b>", "\\# escaped", "  #  spaced  ", "# a\u3000b",
    "\u3000# fullwidth space", "a\x00b", "-\t tab after marker", "1.", "- ", "#5 bolt", "-\t#", "1.\t# x", "- -\t#",
]  # fmt: skip


def parser_headings(body: str) -> list[tuple[int, str, int]]:
    return [(h.level, h.text, h.line) for h in outline(body).headings]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(LINES), max_size=25),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
def test_the_scanner_agrees_with_the_parser_or_declines(lines, newline, final):
    body = newline.join(lines) + (newline if final else "")
    found = _plain_headings(body)
    if found is not None:
        assert found == parser_headings(body)
    assert headings(body) == outline(body).headings


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("#`~-=>< \t\n\r*+1.x中"), max_size=80))
def test_random_markdown_punctuation_never_fools_the_scanner(body):
    found = _plain_headings(body)
    if found is not None:
        assert found == parser_headings(body)


def bodies(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found.append((path.name, split_document(text).body))
    return found


@pytest.mark.parametrize(
    ("name", "body"), bodies(ROOT / "notes") + bodies(ROOT / "tests" / "fixtures" / "notes")
)
def test_every_bundled_and_sample_note_is_plain_and_agrees(name, body):
    assert _plain_headings(body) == parser_headings(body), name


def test_notes_the_scanner_is_unsure_of_go_to_the_parser():
    quoted = "> # Quoted\n\n## After\n"
    assert _plain_headings(quoted) is None
    assert [h.text for h in headings(quoted)] == ["Quoted", "After"]
    setext = "Title\n-----\n\n# Real\n"
    assert _plain_headings(setext) is None
    assert [(h.level, h.text) for h in headings(setext)] == [(2, "Title"), (1, "Real")]
