"""Links read with markdown-it as real notes and outlines write them, and written so they
read back: parentheses, percent signs, spaces, full-width punctuation and wikilinks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studycards.notes.links import (
    Link,
    destination,
    leading_link,
    links_in,
    plain_text,
    wiki_matches,
)
from studycards.notes.vault import open_vault
from studycards.upkeep.link_targets import LinkResolver

SELECT = "notes/C++/select()、poll()、epoll()的工作原理和区别.md"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"- [select/poll/epoll]({SELECT})", [Link("select/poll/epoll", SELECT)]),
        (f"- [x](../{SELECT}) 和 [y](../notes/A/b.md)", [Link("x", f"../{SELECT}"),
                                                       Link("y", "../notes/A/b.md")]),
        ("[CPU](../notes/Linux/100%CPU排查思路.md)", [Link("CPU", "../notes/Linux/100%CPU排查思路.md")]),
        ("[p](<../notes/操作系统/进程 与 线程（区别）.md>)",
         [Link("p", "../notes/操作系统/进程 与 线程（区别）.md")]),
        ("[s](../notes/System Design/Designing a URL shortener.md)",
         [Link("s", "../notes/System Design/Designing a URL shortener.md")]),
        ("[e](../notes/A/x%20y.md)", [Link("e", "../notes/A/x%20y.md")]),
        ('[t](notes/A/dot.md "title")', [Link("t", "notes/A/dot.md")]),
        ("[**bold** `code`](a.md)", [Link("bold code", "a.md")]),
        ("[[KV Cache的原理与作用]]", [Link("KV Cache的原理与作用", "KV Cache的原理与作用", True)]),
        ("[[C++/._和->的区别|. 和 ->]]", [Link(". 和 ->", "C++/._和->的区别", True)]),
        ("[[进程 与 线程（区别）#一、面试标准答案]]",
         [Link("进程 与 线程（区别）", "进程 与 线程（区别）", True, "一、面试标准答案")]),
        ("[[a#h|alias]]", [Link("alias", "a", True, "h")]),
        ("![图](images/a.png) and ![[images/b.png]]x", []),
        ("[web](https://example.com/a b)", []),
        ("`[x](a.md)` in code", []),
        ("[[]] and [[|x]]", []),
    ],
)  # fmt: skip
def test_links_in_real_lines(line, expected):
    assert links_in(line) == expected


def test_a_percent_escape_is_decoded_for_the_path_but_kept_as_written():
    (link,) = links_in("[e](../notes/A/x%20y.md#part)")
    assert link.target == "../notes/A/x%20y.md#part"
    assert link.path == "../notes/A/x y.md"
    (lone,) = links_in("[c](100%CPU.md)")
    assert lone.path == "100%CPU.md"


def test_plain_text_keeps_the_link_text():
    line = f"Scoring: [additive]({SELECT}) vs [[dot|点积]] ![img](a.png)"
    assert plain_text(line) == "Scoring: additive vs 点积 "


def test_leading_link_and_what_follows():
    found = leading_link(" [T](<notes/A/a b.md>) (hard) · reviews 3")
    assert found == (Link("T", "notes/A/a b.md"), " (hard) · reviews 3")
    assert leading_link("text [T](a.md)") is None


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("notes/A/b.md", "notes/A/b.md"),
        (SELECT, f"<{SELECT}>"),
        ("notes/操作系统/进程 与 线程（区别）.md", "<notes/操作系统/进程 与 线程（区别）.md>"),
        ("notes/Linux/100%CPU排查思路.md", "notes/Linux/100%CPU排查思路.md"),
        ("notes/A/100%25.md", "notes/A/100%2525.md"),
        ("notes/A/C# (x)?.md", "<notes/A/C%23 (x)%3F.md>"),
        ("notes/A/a<b>.md", r"<notes/A/a\<b\>.md>"),
    ],
)
def test_destination_writes_what_commonmark_obsidian_and_docsify_resolve(path, written):
    assert destination(path) == written
    (link,) = links_in(f"- [t]({written}) - 相似度: 5%")
    assert link.path == path


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30))
def test_any_path_round_trips_through_a_written_link(name):
    path = f"notes/T/{name.strip() or 'x'}.md"
    (link,) = links_in(f"[t]({destination(path)})")
    assert link.path == path


def test_wiki_matches_by_name_or_end_of_path():
    rels = ["notes/A/KV Cache.md", "notes/B/kv cache.md", "notes/C/x.md"]
    assert wiki_matches("KV Cache", rels) == ["notes/A/KV Cache.md", "notes/B/kv cache.md"]
    assert wiki_matches("B/KV Cache.md", rels) == ["notes/B/kv cache.md"]
    assert wiki_matches("nothing", rels) == []


def test_resolver_prefers_the_linking_files_folder_and_reads_paths_both_ways(make_vault):
    root = make_vault(
        {
            "notes/A/同名.md": "# a\n",
            "notes/B/同名.md": "# b\n",
            "notes/Linux/100%CPU排查思路.md": "# c\n",
            "notes/A/100%25.md": "# d\n",
        }
    )
    resolver = LinkResolver(open_vault(root))
    assert resolver.resolve(Link("", "同名", True), "notes/B/x.md") == ("notes/B/同名.md", True)
    assert resolver.resolve(Link("", "同名", True), "outlines/o.md") == ("notes/A/同名.md", True)
    assert resolver.resolve(Link("", "缺", True), "outlines/o.md") == (None, False)
    cpu = Link("", "../notes/Linux/100%CPU排查思路.md")
    assert resolver.resolve(cpu, "outlines/o.md") == ("notes/Linux/100%CPU排查思路.md", True)
    literal = Link("", "100%25.md")
    assert resolver.resolve(literal, "notes/A/y.md") == ("notes/A/100%25.md", True)
