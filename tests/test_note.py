"""Parsing notes: title, sections with their lines, follow-ups, related links, config patterns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM, sample_notes

from studycards.notes.body import parse_note
from studycards.notes.note import FollowUp, Note, RelatedLink
from studycards.notes.sections import outline
from studycards.notes.summary import parse_summary
from studycards.notes.vault import load_note, open_vault

SAMPLES = sample_notes()


def parse(rel: str, text: str | None = None, extra: tuple = ()) -> Note:
    return parse_note(SAMPLES[rel] if text is None else text, rel, Path(rel), "notes", extra)


def lines_of(note: Note) -> dict[str, int]:
    return {kind: section.line for kind, section in note.sections.items()}


# ---------------------------------------------------------------------------------------------
# title


def test_title_is_the_h1():
    assert parse(SEQ2SEQ).title == "Seq2Seq模型中注意力的引入动机"
    assert parse(KV_CACHE).title == "What does the KV cache store?"


def test_title_is_the_h1_not_a_title_key_in_the_frontmatter():
    assert parse(KV_CACHE).summary.title == "What does the KV cache store?"


def test_missing_h1_uses_the_file_name_with_underscores_as_spaces():
    # beam_search.md has no H1 but opens with a code block whose first line is '# keep ...'.
    assert parse(BEAM_SEARCH).title == "beam search"


def test_missing_h1_in_a_note_without_frontmatter():
    text = "## Short answer\nIt is.\n"
    assert parse("notes/A/why_not_this_one.md", text).title == "why not this one"


def test_title_after_a_code_block_with_comment_lines():
    text = "---\nreview_count: 0\n---\n```bash\n# not a title\n```\n\n# Real title\n"
    assert parse("notes/A/x.md", text).title == "Real title"


def test_topic_is_the_first_folder_under_notes():
    assert parse(TWO_SUM).summary.topic == "Coding"
    assert parse_summary("# T\n", "notes/top.md").topic == ""


# ---------------------------------------------------------------------------------------------
# sections and their 1-based file lines


def test_seed_shaped_note_sections_and_lines():
    assert lines_of(parse(SEQ2SEQ)) == {
        "short_answer": 15,
        "thirty_seconds": 17,
        "two_minutes": 20,
        "deep_dive": 23,
        "followups": 33,
        "summary": 41,
        "tips": 45,
        "related": 51,
    }


def test_section_heading_text_line_and_end():
    section = parse(SEQ2SEQ).sections["thirty_seconds"]
    assert section.heading == "核心要点（30秒版本）"
    assert section.text_line == 18
    assert section.end_line == 20
    assert section.text.startswith("传统Seq2Seq把整个输入压缩成一个固定长度的上下文向量")
    assert section.text.endswith("让解码器在每一步动态关注输入的不同位置。")


def test_thirty_second_answer_is_the_short_answer():
    note = parse(SEQ2SEQ)
    assert note.short_answer_section is note.sections["thirty_seconds"]
    assert note.long_answer.startswith("编码器保留所有隐藏状态")
    assert note.question == "Seq2Seq模型中注意力的引入动机"


def test_recitable_suffix_on_the_answer_heading():
    note = parse(MULTI_HEAD)
    assert note.sections["short_answer"].heading == "面试标准答案（可背诵）"
    assert lines_of(note) == {
        "short_answer": 13,
        "thirty_seconds": 15,
        "two_minutes": 18,
        "deep_dive": 21,
        "followups": 25,
        "summary": 30,
    }
    assert note.short_answer.startswith("多头注意力把Q、K、V投影到多个子空间")


@pytest.mark.parametrize(
    "heading",
    [
        "面试标准答案（可背诵）",
        "面试标准答案（精简版）",
        "精简答案",
        "标准答案与要点",
        "Short answer",
    ],
)
def test_answer_heading_variants(heading):
    text = f"# T\n\n## {heading}\n\nSay this.\n"
    note = parse("notes/A/t.md", text)
    assert note.sections["short_answer"].line == 3
    assert note.short_answer == "Say this."


def test_english_sections_and_lines():
    assert lines_of(parse(KV_CACHE)) == {
        "short_answer": 18,
        "thirty_seconds": 20,
        "two_minutes": 24,
        "deep_dive": 27,
        "followups": 31,
        "summary": 40,
    }


def test_short_answer_without_sub_split_is_the_whole_section():
    note = parse(BEAM_SEARCH)
    assert lines_of(note) == {"short_answer": 18, "deep_dive": 23}
    assert note.short_answer == (
        "Beam search keeps the k most probable partial sequences at each step instead of only"
        " the best\none, trading compute for a better approximation of the most likely output."
    )
    assert note.problems == ()


def test_coding_note_sections_and_lines():
    note = parse(TWO_SUM)
    assert note.title == "两数之和"
    assert lines_of(note) == {
        "problem": 16,
        "approach": 20,
        "oral": 24,
        "code": 28,
        "summary": 42,
    }


def test_coding_note_question_is_the_problem_statement():
    note = parse(TWO_SUM)
    assert note.question == "给定整数数组 nums 和目标值 target，找出和为 target 的两个数的下标。"
    assert note.short_answer.startswith("遍历数组，对每个数查哈希表")
    assert note.long_answer == "用哈希表记录每个数的下标，一次遍历即可，时间复杂度 O(n)。"
    assert note.problems == ()


def test_comment_lines_in_fenced_code_are_never_headings():
    body = parse(TWO_SUM).document.body
    texts = [heading.text for heading in outline(body).headings]
    assert "哈希表解法" not in texts and "遍历数组" not in texts
    assert texts == ["两数之和", "题目描述", "思路讲解", "面试时的快速口述讲解", "代码实现", "总结"]


def test_code_section_keeps_its_comment_lines():
    code = parse(TWO_SUM).sections["code"]
    assert code.text.startswith("```python\n# 哈希表解法\n")
    assert "\n# 遍历数组\n" in code.text
    assert code.text.endswith("    return []\n```")
    assert code.end_line == 42


def test_comment_lines_in_a_deep_dive_code_block_do_not_split_the_section():
    deep = parse(SEQ2SEQ).sections["deep_dive"]
    assert "# 能量函数" in deep.text and "# 归一化权重" in deep.text
    assert deep.end_line == 33


def test_h1_inside_unclosed_fence_is_not_a_heading():
    text = "```\n# inside\n"
    assert parse("notes/A/open_fence.md", text).title == "open fence"


def test_section_text_survives_form_feeds_and_line_separators():
    # str.splitlines() also breaks at \x0c and U+2028; Markdown (and the line numbers) do not.
    text = (
        "# T\n\nintro\x0cwith a page break and a line\u2028separator\n\n"
        "## Short answer\nthe answer\n\n## Deep dive\ndeep\n"
    )
    note = parse("notes/A/t.md", text)
    assert note.sections["short_answer"].line == 5
    assert note.short_answer == "the answer"
    assert note.sections["deep_dive"].text == "deep"


def test_crlf_note_parses_like_lf():
    lf = parse(SEQ2SEQ)
    crlf = parse(SEQ2SEQ, SAMPLES[SEQ2SEQ].replace("\n", "\r\n"))
    assert lines_of(crlf) == lines_of(lf)
    assert crlf.followups == lf.followups
    assert crlf.related == lf.related
    assert crlf.short_answer.replace("\r\n", "\n") == lf.short_answer


def test_bom_note_parses():
    note = parse(SEQ2SEQ, "\ufeff" + SAMPLES[SEQ2SEQ])
    assert note.title == "Seq2Seq模型中注意力的引入动机"
    assert note.summary.review_count == 0
    assert lines_of(note) == lines_of(parse(SEQ2SEQ))


# ---------------------------------------------------------------------------------------------
# frontmatter values


def test_quoted_and_bare_dates_both_parse():
    quoted = parse(SEQ2SEQ).summary
    bare = parse(MULTI_HEAD).summary
    assert quoted.created == dt.date(2025, 10, 19)
    assert quoted.last_reviewed is None
    assert bare.created == dt.date(2025, 9, 1)
    assert bare.last_reviewed == dt.date(2025, 10, 25)
    assert bare.next_review == dt.date(2025, 11, 5)


def test_summary_fields():
    summary = parse(MULTI_HEAD).summary
    assert summary.review_count == 3
    assert summary.difficulty == "hard"
    assert summary.mastery_level == 0.6
    assert summary.tags == ("Attention", "Attention/多头注意力.md", "面试高频")
    assert summary.related_outlines == ()
    assert summary.problems == ()
    assert parse(KV_CACHE).summary.related_outlines == ("outlines/Inference.md",)


def test_summary_round_trips_through_its_dict():
    summary = parse(MULTI_HEAD).summary
    assert type(summary).from_dict(summary.to_dict()) == summary


# ---------------------------------------------------------------------------------------------
# follow-ups


def test_heading_style_followups_with_their_lines():
    assert parse(SEQ2SEQ).followups == (
        FollowUp(
            "注意力机制如何解决梯度消失问题？",
            "建立解码器与编码器所有位置的直接连接，梯度路径长度为1。",
            35,
        ),
        FollowUp('为什么叫"注意力"机制？', "类比人类的选择性注意能力。", 38),
    )
    assert parse(MULTI_HEAD).followups == (
        FollowUp("头数越多越好吗？", "不是，头数过多时每个头的维度太小，表达能力下降。", 27),
    )


def test_bold_style_followups_with_their_lines():
    assert parse(KV_CACHE).followups == (
        FollowUp(
            "Why are queries not cached?",
            "A past query is never used again: only the newest token attends.",
            33,
        ),
        FollowUp(
            "How big is the cache for a 7B model?",
            "Roughly 2 × layers × heads × head_dim × tokens values,\n"
            "about half a megabyte per token in fp16.",
            36,
        ),
    )


def test_followup_section_without_pairs_is_a_warning():
    text = "# T\n\n## Short answer\nyes\n\n## Follow-up questions\n\nJust prose.\n"
    note = parse("notes/A/t.md", text)
    assert note.followups == ()
    assert [str(p) for p in note.problems] == [
        "notes/A/t.md:6: warning: follow-up section holds no recognisable Q&A pairs"
    ]


def test_note_without_an_answer_heading_says_its_answer_is_the_opening():
    note = parse("notes/A/t.md", "# T\n\n## Deep dive\ntext\n")
    assert note.short_answer == "text"
    assert [str(p) for p in note.problems] == [
        "notes/A/t.md:4: warning: no answer section found: answer taken from the note's opening"
        " (add '## 面试标准答案' or '## Short answer' to choose it)"
    ]


def test_note_without_any_text_is_warned_of_a_missing_short_answer():
    note = parse("notes/A/t.md", "# T\n\n## Deep dive\n")
    assert note.short_answer == ""
    assert [str(p) for p in note.problems] == [
        "notes/A/t.md: warning: no short answer section found"
        " (e.g. '## 面试标准答案' or '## Short answer')"
    ]


# ---------------------------------------------------------------------------------------------
# related links


def test_related_links_with_their_lines():
    assert parse(SEQ2SEQ).related == (
        RelatedLink("多头注意力", "notes/Attention/多头注意力.md", 54),
        RelatedLink("What does the KV cache store?", "notes/Inference/KV_cache.md", 55),
    )


def test_links_above_the_generated_marker_are_not_related_links():
    text = (
        "# T\n\n## Short answer\nyes\n\n## 相关笔记\n- [Mine](notes/A/mine.md)\n"
        "<!-- 自动生成 -->\n- [Generated](notes/A/gen.md) - 相似度: 40%\n"
    )
    assert parse("notes/A/t.md", text).related == (RelatedLink("Generated", "notes/A/gen.md", 9),)


def test_related_section_without_marker_has_no_generated_links():
    text = "# T\n\n## Short answer\nyes\n\n## 相关笔记\n- [Mine](notes/A/mine.md)\n"
    assert parse("notes/A/t.md", text).related == ()


# ---------------------------------------------------------------------------------------------
# extra heading patterns from the vault config


QUICK_NOTE = "---\nreview_count: 0\n---\n# 快问\n\n## 速答\n\n一句话答案。\n\n### 一句话版\n短。\n"


def test_config_extra_patterns_are_recognised(make_vault):
    config = "sections:\n  short_answer: ['^速答']\n  thirty_seconds: ['一句话版']\n"
    root = make_vault({"notes/A/quick.md": QUICK_NOTE}, config=config)
    note = load_note(open_vault(root), "notes/A/quick.md")
    assert lines_of(note) == {"short_answer": 6, "thirty_seconds": 10}
    assert note.short_answer == "短。"


def test_without_the_config_patterns_the_heading_is_not_recognised(make_vault):
    root = make_vault({"notes/A/quick.md": QUICK_NOTE})
    note = load_note(open_vault(root), "notes/A/quick.md")
    assert list(note.sections) == ["opening"]
    assert note.short_answer == "一句话答案。\n\n### 一句话版\n短。"
