"""The search index: the same hits as scanning every note, kept honest as notes change."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from studycards.notes.corpus import load_corpus
from studycards.notes.vault import open_vault
from studycards.upkeep import _search_build, search_index
from studycards.upkeep._search_terms import field_tokens, note_postings, unpack
from studycards.upkeep.indexed_search import search_vault
from studycards.upkeep.search import search


def note(title: str, answer: str, followups: str = "", deep: str = "", tags: str = "T") -> str:
    return (
        f"---\ncreated: '2025-10-19'\nnext_review: '2025-10-19'\ntags: [{tags}]\n---\n"
        f"# {title}\n\n## 面试标准答案\n\n### 核心要点（30秒版本）\n{answer}\n\n"
        f"## 深度讲解\n\n{deep}\n\n## 常见面试追问\n\n{followups}\n"
    )


# Shapes of real vaults: paths with (), %, spaces and full-width punctuation, a tool file in
# notes/, a note with no known heading, one with no frontmatter, a broken one, doubled
# characters, a term repeated past what packs into the index, code, the generated block.
VAULT = {
    "notes/Transformer/Seq2Seq模型中注意力的引入动机.md": note(
        "Seq2Seq模型中注意力的引入动机",
        "编码器将整个输入序列压缩成一个固定长度的上下文向量，这会导致**信息瓶颈问题**。",
        "### Q1: 为什么需要注意力？\n**A:** 动态关注相关信息，缓解长序列的信息丢失。",
        "c_t = Σ(α_ti × h_i)，其中α_ti是注意力权重。Bahdanau et al. (2015) 的实验。Café Straße CAFÉ",
    ),
    "notes/C++/select()、poll()、epoll()的工作原理和区别.md": note(
        "select()、poll()、epoll()的工作原理和区别",
        "epoll 用红黑树管理描述符，就绪列表回调通知；select 每次拷贝 fd_set。",
        "**Q: epoll 是线程安全的吗？**\nA: epoll_ctl 可以在多线程里调用。",
    ),
    "notes/C++/._和->的区别.md": note(
        "._和->的区别", "点访问对象成员，箭头访问指针所指对象的成员。"
    ),
    "notes/Inference/KV cache 100% 命中率 (paged).md": note(
        "KV cache 100% 命中率 (paged)",
        "The KV cache keeps keys and values of past tokens; caching avoids recomputation.",
        "### Q1: Why not cache queries?\n**A:** A query is used once and never again.",
        "Paged attention splits the KV-cache into blocks. 哈哈哈哈哈 一一对应 谢谢谢",
    ),
    "notes/Inference/decode.md": note(
        "Autoregressive decoding",
        "Decoding runs one token at a time; without a cache the prefix is recomputed.",
        deep="The KV cache grows with the sequence length, which is why paged attention exists.",
    ),
    "notes/Inference/spam.md": note("Repeated words", "cache " * 5000, deep="注意" * 4200),
    "notes/网络编程/DPDK为什么快.md": (
        "---\ntags: [网络编程]\n---\n# DPDK为什么快\n\n数据包绕过内核协议栈，轮询驱动直接收包。\n\n"
        "## 原理\n\n网卡队列映射给用户态，这就是内核旁路。\n\n"
        "## 实现细节\n\n```c\n// 大页内存 hugepage\nrte_eal_init(argc, argv);\n```\n\n"
        "## 相关笔记\n<!-- 自动生成 -->\n\n- [环形队列](notes/A/ring.md) - 相似度: 40%\n"
    ),
    "notes/A/ring.md": note("无锁环形队列", "生产者和消费者各自推进下标。栈和队列。"),
    "notes/A/plain_note.md": "没有任何标题的笔记：讲 unordered_map 的哈希冲突和 rehash。\n",
    "notes/A/broken.md": "---\ntags: [A\n---\n# 坏的\n\n注意力 cache\n",
    "notes/CLAUDE.md": "# Tool file\n\ncache 注意力 everywhere\n",
    "notes/Leetcode/两数之和.md": (
        "---\ntags: [Leetcode]\n---\n# 两数之和\n\n## 题目描述\n\n给定数组和目标值，找出和为目标的两个数。\n\n"
        "## 思路讲解\n\n用哈希表记录见过的数。\n\n## 代码实现\n\n```python\nseen = {}\n```\n"
    ),
}

QUERIES = [
    "注意力", "注意", "意", "栈", "哈哈", "谢谢", "一一", "KV cache", "cache", "cach", "c",
    '"KV cache"', '"kv cache" 注意力', "「注意力」", "epoll()", "fd_set", "100%", "paged attention",
    "unordered_map", "the", "a", "rehash 哈希", "hugepage", "zzz", "α_ti", "2015", "ß", "café", "never again",
]  # fmt: skip


def brute(root: Path, query: str, limit: int | None, topic: str | None = None) -> dict:
    corpus = load_corpus(open_vault(root), use_cache=False)
    return search(corpus, query, len(corpus.notes) if limit is None else limit, topic).to_dict()


def indexed(root: Path, query: str, limit: int | None, topic: str | None = None) -> dict:
    return search_vault(open_vault(root), query, limit, topic).to_dict()


def assert_same(root: Path, queries=QUERIES, limits=(10, 2, None)) -> None:
    for query in queries:
        for limit in limits:
            assert indexed(root, query, limit) == brute(root, query, limit), (query, limit)


def test_the_index_finds_what_a_scan_of_every_note_finds(make_vault) -> None:
    root = make_vault(VAULT)
    assert_same(root)  # the first query builds the index, the rest use it warm
    assert (root / ".studycards" / search_index.INDEX_NAME).exists()
    for topic in ("inference", "C++", "A"):
        assert indexed(root, "cache 注意", 5, topic) == brute(root, "cache 注意", 5, topic)


def test_warm_results_equal_results_without_an_index(make_vault) -> None:
    root = make_vault(VAULT)
    cold = [indexed(root, q, 10) for q in QUERIES]
    warm = [indexed(root, q, 10) for q in QUERIES]
    assert cold == warm
    (root / ".studycards" / search_index.INDEX_NAME).unlink()
    assert [indexed(root, q, 10) for q in QUERIES] == cold


def test_counts_too_large_to_pack_are_kept_exactly(make_vault) -> None:
    root = make_vault(VAULT)
    assert_same(root, ["cache", "注意", "repeated cache"], (3,))
    db = sqlite3.connect(root / ".studycards" / search_index.INDEX_NAME)
    kept = db.execute("SELECT term, field, count FROM overflow ORDER BY term").fetchall()
    db.close()
    assert kept == [("cache", 1, 5000), ("意注", 3, 4199), ("注意", 3, 4200)]


def test_tokens_count_what_a_regular_expression_scan_counts() -> None:
    assert field_tokens("哈哈哈") == ["哈哈", "哈", "哈"]
    assert field_tokens("一一对应") == ["一一", "一对", "对应", "应"]
    assert field_tokens("KV-Cache 注意力") == ["kv", "cache", "注意", "意力", "力"]
    packed, large = note_postings("Cache", ("cache cache", "", "", "", "caches"))
    assert unpack(packed["cache"]) == (1, 2, 0, 0, 0, 0) and large == []
    assert unpack(packed["caches"]) == (0, 0, 0, 0, 0, 1)


def rewrite(path: Path, text: str) -> None:
    """Write ``text`` so that the file's size or mtime surely changes."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_an_edited_note_is_found_by_its_new_words_only(make_vault) -> None:
    root = make_vault(VAULT)
    assert indexed(root, "flashattention", 10)["total"] == 0
    ring = root / "notes/A/ring.md"
    rewrite(ring, note("无锁环形队列", "FlashAttention 分块计算注意力。"))
    assert [h["rel"] for h in indexed(root, "flashattention", 10)["results"]] == ["notes/A/ring.md"]
    assert indexed(root, "生产者", 10)["total"] == 0
    assert_same(root, ["注意力", "flashattention", "队列"])


def test_a_note_edited_without_changing_its_size_is_read_again(make_vault) -> None:
    root = make_vault(VAULT)
    assert indexed(root, "gamma", 10)["total"] == 0
    ring = root / "notes/A/ring.md"
    rewrite(ring, ring.read_text(encoding="utf-8").replace("生产者", "gamma\u00a0"))
    assert indexed(root, "gamma", 10)["results"][0]["rel"] == "notes/A/ring.md"


def test_added_deleted_and_renamed_notes(make_vault) -> None:
    root = make_vault(VAULT)
    assert indexed(root, "bloom", 10)["total"] == 0
    rewrite(root / "notes/A/bloom.md", note("Bloom filter", "位数组和多个哈希函数。"))
    assert [h["rel"] for h in indexed(root, "bloom", 10)["results"]] == ["notes/A/bloom.md"]
    (root / "notes/A/bloom.md").unlink()
    assert indexed(root, "bloom", 10)["total"] == 0
    (root / "notes/Inference/decode.md").rename(root / "notes/A/解码 (new).md")
    found = [h["rel"] for h in indexed(root, "autoregressive", 10)["results"]]
    assert found == ["notes/A/解码 (new).md"]
    assert_same(root, ["autoregressive", "cache", "哈希"])


def test_a_note_broken_then_repaired(make_vault) -> None:
    root = make_vault(VAULT)
    broken = root / "notes/A/broken.md"
    assert "notes/A/broken.md" not in {h["rel"] for h in indexed(root, "注意力", None)["results"]}
    rewrite(broken, "---\ntags: [A]\n---\n# 修好了\n\n注意力 cache\n")
    assert "notes/A/broken.md" in {h["rel"] for h in indexed(root, "注意力", None)["results"]}
    rewrite(broken, "---\ntags: [A\n---\n# 又坏了\n")
    assert_same(root, ["注意力", "修好了"])


def test_a_changed_section_setting_rebuilds_the_index(make_vault) -> None:
    root = make_vault(VAULT)
    assert indexed(root, "内核旁路", 1)["results"][0]["field"] == "body"
    (root / "studycards.yaml").write_text("sections:\n  deep_dive: ['^原理']\n", encoding="utf-8")
    assert indexed(root, "内核旁路", 1)["results"][0]["field"] == "deep_dive"
    assert_same(root, ["内核旁路", "注意力"], (10,))


def test_many_small_changes_are_merged_and_stay_right(make_vault, monkeypatch) -> None:
    monkeypatch.setattr(search_index, "MAX_SMALL", 2)
    root = make_vault(VAULT)
    indexed(root, "cache", 10)
    ring = root / "notes/A/ring.md"
    for step in range(6):
        rewrite(ring, note("无锁环形队列", f"第{step}版 cache 的说明 word{step}"))
        assert indexed(root, f"word{step}", 10)["total"] == 1
        if step:
            assert indexed(root, f"word{step - 1}", 10)["total"] == 0
    db = sqlite3.connect(root / ".studycards" / search_index.INDEX_NAME)
    assert db.execute("SELECT count(*) FROM segments").fetchone()[0] <= 3
    db.close()
    assert_same(root, ["cache", "队列", "word5"])


def test_a_big_build_runs_on_every_core_in_segments(make_vault, monkeypatch) -> None:
    monkeypatch.setattr(_search_build, "PARALLEL_FROM", 4)
    monkeypatch.setattr(_search_build, "SEGMENT", 3)
    root = make_vault(VAULT)
    assert_same(root, ["注意力", "cache", '"kv cache"'])
    db = sqlite3.connect(root / ".studycards" / search_index.INDEX_NAME)
    assert db.execute("SELECT count(*) FROM segments").fetchone()[0] >= 4
    db.close()


def test_a_damaged_index_file_is_rebuilt(make_vault) -> None:
    root = make_vault(VAULT)
    expected = indexed(root, "注意力", 10)
    path = root / ".studycards" / search_index.INDEX_NAME
    path.write_bytes(b"not a database at all" * 100)
    assert indexed(root, "注意力", 10) == expected
    assert indexed(root, "注意力", 10) == expected


def test_damaged_rows_mean_a_scan_and_a_fresh_index(make_vault) -> None:
    root = make_vault(VAULT)
    expected = indexed(root, "注意力 cache", 10)
    db = sqlite3.connect(root / ".studycards" / search_index.INDEX_NAME)
    db.execute("UPDATE texts SET body = x'00ff'")
    db.execute("UPDATE postings SET ids = x'0102' WHERE term = '注意'")
    db.execute("UPDATE snapshot SET value = x'00ff'")
    db.commit()
    db.close()
    assert indexed(root, "注意力 cache", 10) == expected
    assert indexed(root, "注意力 cache", 10) == expected


def test_a_locked_index_means_a_scan(make_vault, monkeypatch) -> None:
    monkeypatch.setattr(search_index, "TIMEOUT", 0.05)
    root = make_vault(VAULT)
    expected = indexed(root, "注意力", 10)
    rewrite(root / "notes/A/ring.md", note("无锁环形队列", "注意力 again"))
    db = sqlite3.connect(root / ".studycards" / search_index.INDEX_NAME, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        locked = indexed(root, "注意力", 10)
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert locked == brute(root, "注意力", 10) != expected
    assert indexed(root, "注意力", 10) == locked


def test_a_read_only_state_folder_means_a_scan(make_vault) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    root = make_vault(VAULT)
    (root / ".studycards").mkdir()
    (root / ".studycards").chmod(0o500)
    try:
        assert indexed(root, "注意力", 10) == brute(root, "注意力", 10)
    finally:
        (root / ".studycards").chmod(0o700)


def test_the_search_command_and_show_use_the_index(make_vault, use_vault, cli) -> None:
    root = use_vault(make_vault(VAULT))
    result = cli("search", "epoll", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["results"][0]["path"] == "notes/C++/select()、poll()、epoll()的工作原理和区别.md"
    assert (root / ".studycards" / search_index.INDEX_NAME).exists()
    rewrite(root / "notes/A/ring.md", note("无锁环形队列", "lockfree ring buffer"))
    shown = cli("show", "lockfree")
    assert shown.exit_code == 0, shown.stderr
    assert "showing the only search match, notes/A/ring.md" in shown.stderr


def test_a_file_name_that_is_not_utf8_is_left_out_by_index_and_scan_alike(make_vault) -> None:
    """Such a name can be neither stored, shown nor written back: every command leaves the
    file out (``check`` names it), search too, without failing."""
    root = make_vault(VAULT)
    name = os.fsencode(root / "notes" / "A") + b"/bad\xff name.md"
    try:
        with open(name, "wb") as handle:
            handle.write(note("Odd name", "the quokka lives here").encode("utf-8"))
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    found = indexed(root, "quokka", 10)
    assert found["results"] == []
    assert found == indexed(root, "quokka", 10) == brute(root, "quokka", 10)
