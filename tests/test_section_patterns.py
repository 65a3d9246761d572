"""The heading table: every row recognises the real headings it was written for."""

from __future__ import annotations

import pytest

from studycards.notes.section_patterns import (
    PATTERNS,
    assign,
    classify,
    compile_patterns,
    matches,
    normalize,
)

ROWS = [
    pytest.param(row, example, id=f"{row.kind}:{example}")
    for row in PATTERNS
    for example in row.examples
]
PATTERN_SET = compile_patterns()


def level_and_text(heading: str) -> tuple[int, str]:
    marks = heading.split(" ", 1)[0]
    return len(marks), heading[len(marks) :].strip()


@pytest.mark.parametrize(("row", "example"), ROWS)
def test_each_row_recognises_its_examples(row, example):
    import re

    level, text = level_and_text(example)
    assert level in row.levels
    assert re.search(row.pattern, normalize(text), re.I), (row.pattern, normalize(text))
    assert classify(text, level, PATTERN_SET) == row.kind


ISSUE_HEADINGS = [
    "## 概述",
    "## 标准面试答案（可背诵）",
    "## 面试标准回答",
    "### 面试标准表述（精炼版）",
    "## 答案",
    "## 核心要点",
    "## Answer",
    "## TL;DR",
    "## Summary",
    "## 一、面试标准答案",
    "## 1. 概述：",
    "## 面试标准答案（可背诵）",
    "## 面试标准答案（精简版）",
    "## 面试标准答案:",
    "## 面试标准答案：",
    "## 面试标准答案(可背诵)",
    "## 精简答案",
    "## 标准答案",
    "## Short answer",
    "## **面试标准答案**",
    "## 2. 面试标准答案",
    "## （一）面试标准答案",
]


@pytest.mark.parametrize("heading", ISSUE_HEADINGS)
def test_every_answer_heading_seen_in_real_vaults_is_a_short_answer(heading):
    level, text = level_and_text(heading)
    assert classify(text, level, PATTERN_SET) == "short_answer"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("1. 概述：", "概述"),
        ("一、面试标准答案", "面试标准答案"),
        ("面试标准答案（可背诵）", "面试标准答案(可背诵)"),
        ("3.1 一个具体例子", "一个具体例子"),
        ("（二）总结", "总结"),
        ("2-3 minute version", "2-3 minute version"),
        ("30秒版本", "30秒版本"),
        ("二分查找", "二分查找"),
    ],
)
def test_normal_form_drops_numbering_and_colons_and_makes_brackets_half_width(text, normal):
    assert normalize(text) == normal


def test_a_deep_dive_subheading_named_overview_is_not_the_answer():
    assert classify("1. 概述", 3, PATTERN_SET) is None


def test_the_surer_heading_wins_and_the_loser_takes_its_next_kind():
    heads = [("概述", 2), ("面试标准答案", 2), ("Summary", 2)]
    chosen = assign([matches(text, level, PATTERN_SET) for text, level in heads])
    assert chosen == {"short_answer": 1, "summary": 2}


def test_config_patterns_are_tried_first_at_their_kinds_levels():
    extra = compile_patterns((("short_answer", ("^口诀",)),))
    assert classify("口诀", 2, extra) == "short_answer"
    assert classify("口诀", 3, extra) is None
    assert classify("口诀", 2, PATTERN_SET) is None
