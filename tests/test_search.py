"""Full-text search: ranking, CJK-aware matching, snippets and the JSON shape."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from studycards.errors import UsageError
from studycards.notes.corpus import load_corpus
from studycards.notes.vault import open_vault
from studycards.render.search import search_view
from studycards.upkeep.search import search


def note(title: str, answer: str, followups: str = "", deep: str = "") -> str:
    return (
        f"---\ntags: [T]\n---\n# {title}\n\n## 面试标准答案\n\n{answer}\n\n"
        f"## 深度讲解\n\n{deep}\n\n## 常见面试追问\n\n{followups}\n"
    )


NOTES = {
    "notes/A/body.md": note(
        "Transformer 的整体结构", "编码器和解码器都由多层堆叠而成，每层里有多头注意力和前馈网络。"
    ),
    "notes/A/title.md": note("多头注意力的作用", "把表示投影到多个子空间，分别计算后拼接。"),
    "notes/A/none.md": note("位置编码", "正弦函数给每个位置一个独特的向量。"),
    "notes/B/kv.md": note(
        "What the KV cache stores",
        "Keys and values of past tokens are **kept** so each step only computes new ones.",
        "### Q1: Why not cache queries?\n**A:** A query is used once and never again.",
    ),
    "notes/B/decode.md": note(
        "Autoregressive decoding",
        "Decoding runs one token at a time; without a cache the prefix is recomputed.",
        deep="The KV cache grows with the sequence length, which is why paged attention exists.",
    ),
    "notes/B/rope.md": note("Properties of sinusoidal encodings", "A property of the sine."),
}


@pytest.fixture
def corpus(make_vault):
    return load_corpus(open_vault(make_vault(NOTES)))


def test_chinese_query_ranks_a_title_hit_above_a_body_hit(corpus) -> None:
    result = search(corpus, "多头注意力")
    assert [h.rel for h in result.hits] == ["notes/A/title.md", "notes/A/body.md"]
    assert result.terms == ("多头", "头注", "注意", "意力")
    assert result.hits[0].title_matches == ((0, 5),)


def test_english_query_ranks_a_title_hit_above_a_body_hit(corpus) -> None:
    result = search(corpus, "KV cache")
    assert [h.rel for h in result.hits] == ["notes/B/kv.md", "notes/B/decode.md"]
    assert result.hits[1].field == "deep_dive"


def test_a_latin_term_matches_at_word_starts_only(corpus) -> None:
    assert [h.rel for h in search(corpus, "rope").hits] == []
    assert [h.rel for h in search(corpus, "prop").hits] == ["notes/B/rope.md"]
    assert [h.rel for h in search(corpus, "CACHES").hits] == []
    assert {h.rel for h in search(corpus, "cach").hits} == {"notes/B/kv.md", "notes/B/decode.md"}


def test_follow_ups_are_searched(corpus) -> None:
    hit = search(corpus, "never again").hits[0]
    assert hit.rel == "notes/B/kv.md" and hit.field == "followups"


def test_snippet_spans_point_at_the_matched_text(corpus) -> None:
    hit = search(corpus, "tokens kept").hits[0]
    assert "**" not in hit.snippet
    assert [hit.snippet[s:e].lower() for s, e in hit.matches] == ["tokens", "kept"]


def test_merged_cjk_spans_cover_the_whole_word(corpus) -> None:
    hit = next(h for h in search(corpus, "多头注意力").hits if h.rel == "notes/A/body.md")
    assert [hit.snippet[s:e] for s, e in hit.matches] == ["多头注意力"]


def test_limit_and_total(corpus) -> None:
    result = search(corpus, "注意", limit=1)
    assert len(result.hits) == 1 and result.total == 2


def test_a_query_without_terms_is_an_error(corpus) -> None:
    with pytest.raises(UsageError, match="nothing to search for in '!!!'"):
        search(corpus, "!!!")


def test_json_shape(corpus) -> None:
    data = search(corpus, "KV cache", limit=1).to_dict()
    assert set(data) == {"query", "terms", "total", "results"}
    assert data["query"] == "KV cache" and data["terms"] == ["kv", "cache"] and data["total"] == 2
    (hit,) = data["results"]
    assert set(hit) == {"rel", "title", "topic", "score", "field", "snippet", "matches",
                        "title_matches"}  # fmt: skip
    assert hit["rel"] == "notes/B/kv.md" and hit["topic"] == "B"
    assert hit["title_matches"] == [[9, 11], [12, 17]]


def test_rendered_results_show_title_path_and_snippet(corpus) -> None:
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(search_view(search(corpus, "位置")))
    assert out.getvalue().splitlines() == [
        " 1. 位置编码  notes/A/none.md",
        "    正弦函数给每个位置一个独特的向量。  [answer]",
        "",
        "1 notes match",
    ]


def test_rendered_no_match_line(corpus) -> None:
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(search_view(search(corpus, "zzz")))
    assert out.getvalue() == "no notes match 'zzz'\n"


# ---------------------------------------------------------------------------------------------
# the whole body is searched, not only the recognised sections

BODY_ONLY = {
    "notes/网络编程/DPDK为什么快.md": (
        "---\ntags: [网络编程]\n---\n# DPDK为什么快\n\n数据包绕过内核协议栈，轮询驱动直接收包。\n\n"
        "## 原理\n\n网卡队列映射给用户态，这就是内核旁路。\n\n"
        "## 实现细节\n\n```c\n// 大页内存 hugepage\nrte_eal_init(argc, argv);\n```\n\n"
        "---\n\n## 相关笔记\n<!-- 自动生成 -->\n\n- [无锁环形队列](notes/A/ring.md) - 相似度: 40%\n"
    ),
    "notes/A/ring.md": note("无锁环形队列", "生产者和消费者各自推进下标。"),
}


@pytest.fixture
def body_corpus(make_vault):
    return load_corpus(open_vault(make_vault(BODY_ONLY)))


def test_a_phrase_under_an_unrecognised_heading_is_found(body_corpus) -> None:
    result = search(body_corpus, "内核旁路")
    assert [h.rel for h in result.hits] == ["notes/网络编程/DPDK为什么快.md"]
    assert result.hits[0].field == "body"
    assert "内核旁路" in result.hits[0].snippet


def test_code_in_the_body_is_searched_and_the_generated_block_is_not(body_corpus) -> None:
    assert [h.rel for h in search(body_corpus, "hugepage").hits] == [
        "notes/网络编程/DPDK为什么快.md"
    ]
    assert [h.rel for h in search(body_corpus, "无锁环形").hits] == ["notes/A/ring.md"]


def test_the_opening_is_the_answer_field(body_corpus) -> None:
    (hit,) = search(body_corpus, "轮询驱动").hits
    assert hit.field == "answer"
