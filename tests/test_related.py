"""Related-note similarity, the generated block and the ``link`` core."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studycards.errors import VaultLocked
from studycards.lock import vault_lock
from studycards.notes.body import parse_note
from studycards.notes.corpus import NoteText, extract, load_corpus
from studycards.notes.terms import term_counts, terms
from studycards.notes.vault import open_vault
from studycards.upkeep import similarity
from studycards.upkeep.link import link
from studycards.upkeep.related import fields_of, related
from studycards.upkeep.related_block import BlockError, link_line, write_block
from studycards.upkeep.segment import segmenter
from studycards.upkeep.similarity import Fields, rank, tokens_of, vectorise

# The real note in ../shared beside the repository (as CI lays it out), when present.
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_83427f9bfff05a25.txt"


def note(title: str, answer: str, topic: str, followups: str = "", en: bool = False) -> str:
    """A small note in the seed format."""
    name = title.replace(" ", "_")
    heads = (
        ("## Short answer", "## Follow-up questions")
        if en
        else ("## 面试标准答案", "## 常见面试追问")
    )
    return (
        "---\ncreated: '2025-10-01'\nnext_review: '2025-10-02'\nreview_count: 0\n"
        f"difficulty: medium\nmastery_level: 0.0\ntags:\n- {topic}\n- {topic}/{name}.md\n---\n"
        f"# {title}\n\n{heads[0]}\n\n{answer}\n\n{heads[1]}\n\n{followups}\n"
    )


ATTENTION = {
    "notes/Attention/scaled.md": note(
        "缩放点积注意力", "注意力分数除以根号dk，防止softmax饱和，梯度稳定。", "Attention",
        "### Q1: 为什么除以根号dk？\n**A:** 点积方差随维度增长，softmax会饱和。",
    ),
    "notes/Attention/multihead.md": note(
        "多头注意力", "多头注意力把查询、键、值投影到多个子空间，每个头做缩放点积注意力。",
        "Attention", "### Q1: 头数越多越好吗？\n**A:** 不是，每个头的维度会变小。",
    ),
    "notes/Attention/additive.md": note(
        "加法注意力", "加法注意力用前馈网络打分，点积注意力直接做点积，softmax归一化。",
        "Attention",
    ),
    "notes/Inference/kv.md": note(
        "KV cache", "The KV cache keeps keys and values of past tokens during decoding.",
        "Inference", "### Q1: Why not cache queries?\n**A:** Each query is used once.", en=True,
    ),
    "notes/Inference/batching.md": note(
        "Continuous batching", "Continuous batching adds new requests to the decoding batch "
        "every step, so the KV cache of finished requests is freed at once.", "Inference", en=True,
    ),
    "notes/Inference/speculative.md": note(
        "Speculative decoding", "A small draft model proposes tokens and the large model "
        "verifies them in one decoding step.", "Inference", en=True,
    ),
}  # fmt: skip


def text_of(text: str, rel: str = "notes/T/x.md") -> NoteText:
    return extract(parse_note(text, rel, Path(rel)))


# ---------------------------------------------------------------------------------------------
# terms


def test_terms_split_cjk_into_bigrams_and_latin_into_words() -> None:
    assert terms("多头注意力 uses Softmax") == ["多头", "头注", "注意", "意力", "uses", "softmax"]


def test_terms_keep_a_lone_cjk_character_and_drop_stopwords_and_numbers() -> None:
    assert terms("树，the tree of 2024") == ["树", "tree"]
    assert terms("the a 1", keep_stopwords=True) == ["the", "a", "1"]


def test_term_counts_count_repeats() -> None:
    assert term_counts("注意力 注意力")["注意"] == 2


# ---------------------------------------------------------------------------------------------
# similarity


@pytest.fixture
def corpus(make_vault):
    return load_corpus(open_vault(make_vault(ATTENTION)))


def test_related_prefers_notes_of_the_same_topic(corpus) -> None:
    found = related(corpus, 5, 0.1)
    rels = [n.rel for n in corpus.notes]
    for row, picks in found.items():
        topic = corpus.notes[row].topic
        assert all(p.rel.split("/")[1] == topic for p in picks)
        assert all(p.rel != rels[row] for p in picks)
    assert sum(1 for picks in found.values() if picks) >= 4


def test_related_respects_top_k_and_threshold(corpus) -> None:
    assert all(len(picks) <= 1 for picks in related(corpus, 1, 0.1).values())
    assert all(not picks for picks in related(corpus, 5, 0.99).values())
    assert all(not picks for picks in related(corpus, 0, 0.1).values())
    best = related(corpus, 5, 0.0)
    assert all(p.score > 0 for picks in best.values() for p in picks)


def test_related_is_sorted_best_first_and_symmetric(corpus) -> None:
    found = related(corpus, 5, 0.0)
    score = {(corpus.notes[r].rel, p.rel): p.score for r, picks in found.items() for p in picks}
    for (a, b), value in score.items():
        assert score.get((b, a), value) == value
    for picks in found.values():
        assert [p.score for p in picks] == sorted((p.score for p in picks), reverse=True)


def test_one_row_scores_exactly_as_in_the_whole_run(corpus, monkeypatch) -> None:
    whole = related(corpus, 3, 0.0)
    for row in range(len(corpus.notes)):
        assert related(corpus, 3, 0.0, rows=[row]) == {row: whole[row]}
    monkeypatch.setattr("studycards.upkeep._topk.BLOCK_CELLS", 1)  # one row per block
    assert related(corpus, 3, 0.0) == whole


def test_vectors_are_unit_length_and_links_carry_their_shared_terms(corpus) -> None:
    vectors = vectorise([tokens_of(fields_of(n)) for n in corpus.notes])
    matrix = vectors.matrix
    for row in range(matrix.rows):
        part = matrix.values[matrix.indptr[row] : matrix.indptr[row + 1]]
        assert abs(float((part * part).sum()) - 1.0) < 1e-9
    rels = [n.rel for n in corpus.notes]
    picks = related(corpus, 5, 0.0)[rels.index("notes/Inference/kv.md")]
    batching = next(p for p in picks if p.rel == "notes/Inference/batching.md")
    assert {"kv", "cache"} <= set(batching.shared)
    assert len(batching.shared) >= similarity.MIN_SHARED


def test_identical_notes_tie_by_path(make_vault) -> None:
    body = note("同一个问题", "完全相同的答案文字，讲缓存淘汰和内存回收。", "Same")
    files = {f"notes/Same/{name}.md": body for name in ("c", "a", "b")}
    corpus = load_corpus(open_vault(make_vault(files)))
    found = related(corpus, 5, 0.3)
    assert [p.rel for p in found[2]] == ["notes/Same/a.md", "notes/Same/b.md"]


def test_shared_tags_and_topic_alone_never_link(make_vault) -> None:
    files = {
        "notes/Cache/lru.md": note("LRU缓存", "容量满时删除最久未访问的数据。", "Cache"),
        "notes/Cache/copy.md": note("随机链表的复制", "先在每个节点后插入副本，再拆分。", "Cache"),
        "notes/Cache/bloom.md": note("布隆过滤器", "多个散列函数映射到位数组，有假阳性。", "Cache"),
    }
    corpus = load_corpus(open_vault(make_vault(files)))
    assert all(picks == [] for picks in related(corpus, 5, 0.15).values())


def test_the_same_question_in_two_folders_finds_its_twin(make_vault) -> None:
    answer = (
        "KV Cache把已算过的键和值存起来，解码时每步只算新token的注意力，显存随序列长度线性增长。"
    )
    files = dict(ATTENTION)
    files["notes/Transformer/kv_cache.md"] = note("KV Cache的原理与作用", answer, "Transformer")
    files["notes/LLM推理/kv_cache.md"] = note("KV Cache的原理与作用", answer, "LLM推理")
    corpus = load_corpus(open_vault(make_vault(files)))
    rels = [n.rel for n in corpus.notes]
    picks = related(corpus, 5, 0.15)[rels.index("notes/Transformer/kv_cache.md")]
    assert picks[0].rel == "notes/LLM推理/kv_cache.md"
    assert picks[0].score > 0.9


def test_blocks_vary_in_length_from_none_to_top_k(make_vault) -> None:
    files = {
        f"notes/Attn/{i}.md": note(
            f"多头注意力变体{i}",
            "多头注意力把查询键值投影到子空间，每个头做缩放点积注意力。",
            "Attn",
        )
        for i in range(7)
    }
    files["notes/Attn/alone.md"] = note("红黑树", "红黑树是自平衡二叉查找树，旋转和变色。", "Attn")
    corpus = load_corpus(open_vault(make_vault(files)))
    found = related(corpus, 5, 0.15)
    lengths = {corpus.notes[row].rel: len(picks) for row, picks in found.items()}
    assert lengths["notes/Attn/alone.md"] == 0
    assert lengths["notes/Attn/0.md"] == 5


def test_the_title_weighs_more_than_the_deep_dive(monkeypatch) -> None:
    monkeypatch.setattr(similarity, "RELATIVE", 0.0)  # keep the weaker link to compare
    note = Fields("缓存淘汰", "", "内存回收")
    same_title = Fields("缓存淘汰策略", "", "网络协议")
    same_deep_dive = Fields("网络拥塞", "", "内存回收机制")
    filler = [Fields(f"其他笔记{c}", "", f"无关内容{c}讲述") for c in "子丑寅卯辰巳"]
    picks = rank([note, same_title, same_deep_dive, *filler], 5, 0.0)[0]
    assert [m.row for m in picks] == [1, 2]
    assert picks[0].score > picks[1].score


def test_the_glue_and_question_frame_pairs_are_not_terms() -> None:
    cut = segmenter("bigram")
    assert "力的" not in cut("注意力的作用")
    assert "常见" not in cut("负载因子常见面试题") and "负载" in cut("负载因子常见面试题")


# ---------------------------------------------------------------------------------------------
# the block

LINKS = [
    link_line("注意力解决的对齐问题和信息瓶颈", "notes/Transformer/注意力解决的对齐问题和信息瓶颈.md",
              39, ["Transformer", "Transformer/注意力解决的对齐问题和信息瓶颈.md"]),
    link_line("传统注意力机制回顾", "notes/Transformer/传统注意力机制回顾.md", 36,
              ["Transformer", "Transformer/传统注意力机制回顾.md"]),
]  # fmt: skip


# A seed-format note with a generated block, shipped with the tests.
SEED_LIKE = (
    Path(__file__).parent
    / "fixtures"
    / "notes"
    / "Transformer"
    / "Seq2Seq模型中注意力的引入动机.md"
)


def seed_text() -> str:
    """The real seed note when it is beside the repository, else a note of the same shape."""
    if SEED.exists():
        return SEED.read_bytes().decode("utf-8")
    return SEED_LIKE.read_bytes().decode("utf-8") + "\n"  # the seed ends with a blank line


def test_link_line_matches_the_seed_format() -> None:
    assert LINKS[1] == (
        "- [传统注意力机制回顾](notes/Transformer/传统注意力机制回顾.md) - 相似度: 36% | "
        "标签: Transformer, Transformer/传统注意力机制回顾.md"
    )
    assert (
        link_line("a [b]", "notes/x (1).md", 5, []) == r"- [a \[b\]](<notes/x (1).md>) - 相似度: 5%"
    )


@pytest.mark.skipif(not SEED.exists(), reason="the seed note is not available")
def test_the_seed_block_with_the_same_links_comes_back_unchanged() -> None:
    text = seed_text()
    assert write_block(text, LINKS) == text


def test_replacing_a_block_changes_only_its_lines() -> None:
    text = seed_text()
    marker = text.index("<!-- 自动生成 -->\n") + len("<!-- 自动生成 -->\n")
    new = write_block(text, LINKS[:1] + ["- [新](notes/X/新.md) - 相似度: 50%"])
    assert new.encode()[:marker] == text.encode()[:marker] or "<!-- 自动生成 -->" not in text
    assert new.endswith("- [新](notes/X/新.md) - 相似度: 50%\n\n")
    assert write_block(new, LINKS[:1] + ["- [新](notes/X/新.md) - 相似度: 50%"]) == new


def test_text_after_the_block_is_kept_byte_for_byte() -> None:
    text = (
        "# T\n\n## 相关笔记\n<!-- 自动生成 -->\n\n- old one\n- old two\n\n"
        "## 总结\n\nkeep ** this **\n"
    )
    new = write_block(text, ["- new"])
    assert new == "# T\n\n## 相关笔记\n<!-- 自动生成 -->\n\n- new\n\n## 总结\n\nkeep ** this **\n"


def test_crlf_line_endings_are_kept() -> None:
    text = seed_text().replace("\n", "\r\n")
    new = write_block(text, ["- one"])
    assert "\n" not in new.replace("\r\n", "")
    assert new.endswith("<!-- 自动生成 -->\r\n\r\n- one\r\n\r\n")


def test_a_note_without_a_block_gets_one_after_a_rule() -> None:
    zh = "---\ntags: [a]\n---\n# 标题\n\n## 面试标准答案\n文字\n"
    assert write_block(zh, ["- L"]) == zh + "\n---\n\n## 相关笔记\n<!-- 自动生成 -->\n\n- L\n"
    en = "# Title\n\n## Short answer\nText"
    assert (
        write_block(en, ["- L"]) == en + "\n\n---\n\n## Related notes\n<!-- 自动生成 -->\n\n- L\n"
    )
    ruled = "# 标题\n\n文字\n\n---\n"
    assert write_block(ruled, ["- L"]) == ruled + "\n## 相关笔记\n<!-- 自动生成 -->\n\n- L\n"


def test_a_crlf_note_gets_its_blank_line_before_the_rule() -> None:
    # "text\r\n---" would turn the last paragraph into a setext heading
    text = "# Title\r\n\r\nBody.\r\n"
    expected = text + "\r\n---\r\n\r\n## Related notes\r\n<!-- 自动生成 -->\r\n\r\n- L\r\n"
    assert write_block(text, ["- L"]) == expected


def test_no_links_and_no_block_leaves_the_note_alone() -> None:
    text = "# 标题\n\n文字\n"
    assert write_block(text, []) is text


def test_a_hand_written_related_section_gets_the_marker_after_its_text() -> None:
    text = "# 标题\n\n## 相关笔记\n- 手写的链接\n\n## 总结\n总结\n"
    new = write_block(text, ["- L"])
    assert (
        new == "# 标题\n\n## 相关笔记\n- 手写的链接\n\n<!-- 自动生成 -->\n\n- L\n\n## 总结\n总结\n"
    )
    assert write_block(new, ["- L"]) == new


def test_headings_inside_code_fences_do_not_count() -> None:
    text = "# T\n\n```md\n## 相关笔记\n<!-- 自动生成 -->\n```\n\n## Answer\nx\n"
    new = write_block(text, ["- L"])
    assert new.startswith(text) and new.endswith("## Related notes\n<!-- 自动生成 -->\n\n- L\n")


def test_a_note_ending_in_an_open_fence_is_refused() -> None:
    with pytest.raises(BlockError, match="unclosed"):
        write_block("# T\n\n```\ncode\n", ["- L"])


LINE = st.sampled_from(
    ["", "text", "## 总结", "### Q1: 问题", "```", "---", "- item", "## 相关笔记",
     "<!-- 自动生成 -->", "# Title", "**A:** 回答", "  "]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(LINE, max_size=14),
    st.sampled_from(["\n", "\r\n"]),
    st.lists(st.sampled_from(["- [a](notes/a.md) - 相似度: 40%", "- [b](b.md) - 相似度: 31%"]),
             max_size=2),
)  # fmt: skip
def test_writing_twice_changes_nothing_the_second_time(lines, nl, links) -> None:
    text = nl.join(lines) + (nl if lines else "")
    try:
        once = write_block(text, links)
    except BlockError:
        return
    assert write_block(once, links) == once
    if "<!-- 自动生成 -->" not in lines:  # without a block, lines are only ever added
        written = iter(once.splitlines())
        assert all(any(line == out for out in written) for line in text.splitlines())


# ---------------------------------------------------------------------------------------------
# link


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((root / "notes").rglob("*.md"))
    }


def test_second_link_run_writes_nothing(make_vault) -> None:
    root = make_vault(ATTENTION)
    vault = open_vault(root)
    first = link(vault)
    assert first.count("updated") == len(ATTENTION)
    before = snapshot(root)
    second = link(vault)
    assert second.count("updated") == 0 and second.count("unchanged") == len(ATTENTION)
    assert snapshot(root) == before


def test_link_dry_run_writes_nothing(make_vault) -> None:
    root = make_vault(ATTENTION)
    before = snapshot(root)
    report = link(open_vault(root), dry_run=True)
    assert report.dry_run and report.count("updated") == len(ATTENTION)
    assert snapshot(root) == before


def test_link_one_note_touches_only_that_note(make_vault) -> None:
    root = make_vault(ATTENTION)
    before = snapshot(root)
    report = link(open_vault(root), "多头注意力")
    assert [n.rel for n in report.notes] == ["notes/Attention/multihead.md"]
    after = snapshot(root)
    changed = [rel for rel in before if before[rel] != after[rel]]
    assert changed == ["notes/Attention/multihead.md"]
    old, new = before[changed[0]][0], after[changed[0]][0]
    assert (
        new.startswith(old) and b"<!-- \xe8\x87\xaa\xe5\x8a\xa8\xe7\x94\x9f\xe6\x88\x90 -->" in new
    )


def test_link_replaces_a_block_without_touching_the_rest(make_vault) -> None:
    text = ATTENTION["notes/Attention/scaled.md"]
    head = text + "\n---\n\n## 相关笔记\n<!-- 自动生成 -->\n\n"
    tail = "\n## 面试技巧提示\n\n先说结论。\r\n"
    files = dict(ATTENTION)
    files["notes/Attention/scaled.md"] = (
        head + "- [旧](notes/旧.md) - 相似度: 10%\n" + tail
    ).encode()
    root = make_vault(files)
    link(open_vault(root), "notes/Attention/scaled.md")
    data = (root / "notes/Attention/scaled.md").read_bytes()
    assert data.startswith(head.encode()) and data.endswith(tail.encode())
    middle = data[len(head.encode()) : -len(tail.encode())].decode()
    assert middle.startswith("- [多头注意力](notes/Attention/multihead.md) - 相似度: ")
    assert "旧" not in middle


def test_link_keeps_crlf_and_the_bom(make_vault) -> None:
    files = dict(ATTENTION)
    crlf = "\ufeff" + ATTENTION["notes/Attention/additive.md"].replace("\n", "\r\n")
    files["notes/Attention/additive.md"] = crlf.encode()
    root = make_vault(files)
    link(open_vault(root))
    data = (root / "notes/Attention/additive.md").read_bytes()
    assert data.startswith(crlf.encode()) and b"\n" not in data.replace(b"\r\n", b"")


def test_link_refuses_while_another_writer_holds_the_lock(make_vault) -> None:
    vault = open_vault(make_vault(ATTENTION))
    with vault_lock(vault.state_dir), pytest.raises(VaultLocked):
        link(vault)


def test_link_keeps_the_text_cache_warm(make_vault, monkeypatch) -> None:
    vault = open_vault(make_vault(ATTENTION))
    link(vault)

    def refuse(*args, **kwargs):
        raise AssertionError("a note was parsed again")

    monkeypatch.setattr("studycards.notes.corpus.parse_note", refuse)
    assert link(vault).count("unchanged") == len(ATTENTION)


def test_the_cache_notices_an_edited_note(make_vault) -> None:
    root = make_vault(ATTENTION)
    vault = open_vault(root)
    load_corpus(vault)
    path = root / "notes/Inference/kv.md"
    path.write_text(path.read_text(encoding="utf-8").replace("KV cache", "Paged KV"), "utf-8")
    os.utime(path, ns=(1, 1))
    titles = {n.rel: n.title for n in load_corpus(vault).notes}
    assert titles["notes/Inference/kv.md"] == "Paged KV"


def test_a_symlinked_note_is_skipped_not_replaced(make_vault) -> None:
    root = make_vault(ATTENTION)
    alias = root / "notes/Attention/alias.md"
    alias.symlink_to(root / "notes/Attention/additive.md")
    report = link(open_vault(root))
    (skipped,) = [n for n in report.notes if n.status == "skipped"]
    assert skipped.rel == "notes/Attention/alias.md" and "symlink" in skipped.reason
    assert alias.is_symlink()


def test_a_warm_link_cuts_only_the_notes_whose_text_changed(make_vault, monkeypatch) -> None:
    from studycards.upkeep import _token_cache

    root = make_vault(ATTENTION)
    vault = open_vault(root)
    cold = link(vault, dry_run=True)
    calls: list[str] = []
    real = _token_cache.tokens_of
    monkeypatch.setattr(_token_cache, "tokens_of", lambda f: calls.append(f.title) or real(f))
    assert link(vault, dry_run=True) == cold
    assert calls == []
    path = root / "notes/Inference/speculative.md"
    text = path.read_text(encoding="utf-8").replace("verifies them", "verifies them, KV cache")
    path.write_text(text, encoding="utf-8")
    link(vault, dry_run=True)
    assert calls == ["Speculative decoding"]
    (root / ".studycards" / _token_cache.CACHE_NAME).unlink()
    uncached = related(load_corpus(vault), 5, vault.config.link_threshold)
    assert related(load_corpus(vault), 5, vault.config.link_threshold, vault=vault) == uncached


def test_twins_with_different_answers_still_find_each_other_first(make_vault) -> None:
    files = dict(ATTENTION)
    files["notes/Transformer/kv.md"] = note(
        "KV Cache的原理与作用", "缓存每层的键和值，解码时只算新token的查询。", "Transformer"
    )
    files["notes/LLM推理/kv.md"] = note(
        "KV Cache的原理与作用", "推理框架里它决定能同时服务多少请求，是吞吐的上限。", "LLM推理"
    )
    corpus = load_corpus(open_vault(make_vault(files)))
    rels = [n.rel for n in corpus.notes]
    found = related(corpus, 5, 0.15)
    first = found[rels.index("notes/Transformer/kv.md")][0]
    assert first.rel == "notes/LLM推理/kv.md" and first.shared[0] == "same title"
    assert found[rels.index("notes/LLM推理/kv.md")][0].rel == "notes/Transformer/kv.md"


_MIXED = st.text(
    st.sampled_from(
        list("注意力的和机制缩放点积头了是 ABCkv cache the 12 ß\u00e9\u3400\uf900\u4dbf,.\n")
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_bigram_counts_count_exactly_the_bigram_terms(text: str) -> None:
    from collections import Counter

    from studycards.upkeep.segment import bigram_counts

    assert bigram_counts(text) == Counter(segmenter("bigram")(text))


def test_vectors_do_not_depend_on_the_chunk_size(corpus, monkeypatch) -> None:
    whole = related(corpus, 5, 0.0)
    monkeypatch.setattr("studycards.upkeep._vectors.CHUNK", 2)
    assert related(corpus, 5, 0.0) == whole
    monkeypatch.setattr("studycards.upkeep._vectors.CHUNK", 1)
    assert related(corpus, 5, 0.0) == whole
