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
from studycards.upkeep import related as related_module
from studycards.upkeep.link import link
from studycards.upkeep.related import build_vectors, related
from studycards.upkeep.related_block import BlockError, link_line, write_block

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
    return load_corpus(open_vault(make_vault(ATTENTION)), with_text=False)


def test_related_prefers_notes_of_the_same_topic(corpus) -> None:
    found = related(corpus, 5, 0.3)
    rels = [n.rel for n in corpus.notes]
    for row, picks in found.items():
        topic = corpus.notes[row].topic
        assert picks, rels[row]
        assert all(p.rel.split("/")[1] == topic for p in picks)
        assert all(p.rel != rels[row] for p in picks)


def test_related_respects_top_k_and_threshold(corpus) -> None:
    assert all(len(picks) <= 1 for picks in related(corpus, 1, 0.3).values())
    assert all(not picks for picks in related(corpus, 5, 0.99).values())
    assert all(not picks for picks in related(corpus, 0, 0.3).values())
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


def test_text_part_is_a_cosine_tag_part_adds_its_share(corpus) -> None:
    matrix = build_vectors(corpus.notes)
    values = matrix.values
    for row in range(matrix.rows):
        part = values[matrix.indptr[row] : matrix.indptr[row + 1]]
        assert abs(float((part * part).sum()) - 1.0) < 1e-9
    same_topic_floor = related_module.TAG_WEIGHT
    picks = related(corpus, 5, 0.0)[0]
    assert all(p.score >= same_topic_floor - 1e-9 for p in picks if "/Attention/" in p.rel)


def test_identical_notes_tie_by_path(make_vault) -> None:
    body = note("同一个问题", "完全相同的答案文字。", "Same")
    files = {f"notes/Same/{name}.md": body for name in ("c", "a", "b")}
    corpus = load_corpus(open_vault(make_vault(files)), with_text=False)
    found = related(corpus, 5, 0.3)
    assert [p.rel for p in found[2]] == ["notes/Same/a.md", "notes/Same/b.md"]


def test_a_tag_on_most_notes_says_nothing(make_vault) -> None:
    names = ["red", "green", "blue", "gray"]
    files = {
        f"notes/t{i}.md": f"---\ntags: [interview]\n---\n# {names[i]}\n\n## Answer\n\n"
        + ("alpha beta" if i < 2 else f"unique{i} words{i}")
        for i in range(4)
    }
    corpus = load_corpus(open_vault(make_vault(files)), with_text=False)
    found = related(corpus, 5, 0.3)
    assert [p.rel for p in found[0]] == ["notes/t1.md"]
    assert found[2] == [] and found[3] == []


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
