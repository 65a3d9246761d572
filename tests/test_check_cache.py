"""``check`` with its per-file cache: the same report warm, cold and without a cache, and a
fresh answer after any change to a note, an outline, another note it links or a setting."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studycards.notes._document import _MARKDOWN_LINE, markdown_lines
from studycards.notes.sections import _parser, demo_blocks
from studycards.notes.vault import open_vault
from studycards.upkeep import check as check_module
from studycards.upkeep.check import check_vault
from studycards.upkeep.check_cache import CACHE_NAME

FM = (
    "---\ncreated: '2025-10-19'\nnext_review: '2025-10-20'\nreview_count: 0\n"
    "difficulty: medium\ntags: [C++]\nrelated_outlines: {outlines}\n---\n"
)


def note(title: str, related: str = "", outlines: str = "[]", body: str = "") -> str:
    block = f"\n## 相关笔记\n<!-- 自动生成 -->\n\n{related}" if related else ""
    answer = f"## 面试标准答案\n\n{title}的答案。\n\n"
    return f"{FM.format(outlines=outlines)}# {title}\n\n{answer}{body}{block}"


SELECT = "notes/C++/select()、poll()、epoll()的工作原理和区别.md"
CPU = "notes/Linux/100%CPU排查思路.md"
SPACED = "notes/Linux/x y 空格.md"
WIKI = "notes/Linux/wiki目标.md"

RELATED = (
    f"- [select](<{SELECT}>) - 相似度: 39% | 标签: C++\n"
    f"- [cpu]({CPU}) - 相似度: 20%\n"
    f"- [spaced]({SPACED}) - 相似度: 12%\n"
    "- [[wiki目标]] - 相似度: 10%\n"
    "- [gone](notes/Linux/gone.md) - 相似度: 5%\n"
)

OUTLINE = (
    "# C++ 大纲\n\n## IO\n\n"
    f"- [select](../{SELECT})\n"
    "  - [cpu](<../notes/Linux/100%CPU排查思路.md>)\n"
    "  - [[wiki目标|维基]] and [[没有这篇]]\n"
    "- [missing](../notes/C++/没有.md)\n\n"
    "```\n- [in a fence](../notes/C++/not-a-link.md)\n```\n"
)

BAD_DEMO = "```studycards-demo\nname: no-such-demo\n```\n\n"


def realistic_vault(make_vault) -> Path:
    """Paths with ``()``, ``%`` and spaces, wikilinks, tool files in notes/, broken notes, a bad
    demo block, a missing related outline, outlines with dead links."""
    return make_vault(
        {
            SELECT: note("select、poll、epoll", related=RELATED),
            CPU: note("100%CPU排查", outlines="[outlines/C++ 大纲.md, 不存在的大纲]"),
            SPACED: note("空格", body=BAD_DEMO),
            WIKI: note("维基目标"),
            "notes/Linux/opening.md": "---\ncreated: 2025-10-19\n---\n# 只有开头\n\n一段话。\n",
            "notes/Linux/bad yaml.md": "---\ncreated: [oops\n---\n# 坏\n",
            "notes/Linux/latin1.md": b"---\ncreated: 2025-10-19\n---\n# caf\xe9\n",
            "notes/CLAUDE.md": "# tool file\n",
            "notes/README.md": "# readme\n",
            "outlines/C++ 大纲.md": OUTLINE,
            "outlines/broken.md": "---\ntitle: x\n",
            "reviewsToday.md": "# 今日复习\n\n- [ ] [select](notes/C++/select.md)\n",
        }
    )


def report(root: Path, use_cache: bool = True):
    found = check_vault(open_vault(root), use_cache=use_cache)
    return [str(p) for p in found.problems], found.notes_checked, found.skipped_line


def run_cli(cli, root: Path) -> tuple:
    text = cli("--vault", str(root), "check")
    data = cli("--vault", str(root), "check", "--json")
    return text.exit_code, text.stdout, text.stderr, data.exit_code, data.stdout


def cache_file(root: Path) -> Path:
    return root / ".studycards" / CACHE_NAME


def test_warm_cold_and_no_cache_give_the_same_output(cli, make_vault) -> None:
    root = realistic_vault(make_vault)
    uncached = report(root, use_cache=False)
    assert not cache_file(root).exists()
    cold = run_cli(cli, root)
    assert cache_file(root).exists()
    warm = run_cli(cli, root)
    assert warm == cold
    assert report(root) == uncached
    problems = uncached[0]
    assert cold[0] == 1
    assert problems == cold[1].splitlines()
    expected = [
        "notes/C++/select()、poll()、epoll()的工作原理和区别.md:23:"
        " related link to a missing note: notes/Linux/gone.md",
        f"{CPU}:7: warning: related outline not found: 不存在的大纲",
        f"{SPACED}:15: unknown demo 'no-such-demo'",
        "outlines/C++ 大纲.md:7: link to a missing note: [[没有这篇]]",
        "outlines/C++ 大纲.md:8: link to a missing note: ../notes/C++/没有.md",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), line
    assert any(p.startswith("notes/Linux/bad yaml.md:") for p in problems)
    assert any(p.startswith("notes/Linux/latin1.md:4: not valid UTF-8") for p in problems)
    assert any(p.startswith("outlines/broken.md:1:") for p in problems)
    assert "2 tool files" in cold[2]


def test_a_warm_run_reads_no_unchanged_file(make_vault, monkeypatch) -> None:
    root = realistic_vault(make_vault)
    (root / "notes/Linux/latin1.md").unlink()  # undecodable: read on every run, never stored
    cold = report(root)

    def no_parsing(*_args):
        raise AssertionError("a file was parsed on a warm run")

    monkeypatch.setattr(check_module, "facts_of_entry", no_parsing)
    monkeypatch.setattr("studycards.upkeep.outlines.outline_links", no_parsing)
    assert report(root) == cold
    (root / WIKI).write_text(note("改过的"), encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed on a warm run"):
        report(root)
    monkeypatch.undo()
    report(root)
    monkeypatch.setattr("studycards.upkeep.outlines.outline_links", no_parsing)
    (root / "outlines/C++ 大纲.md").write_text("# 改过的大纲\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed on a warm run"):
        report(root)


def test_a_deleted_note_breaks_the_links_to_it_on_a_warm_run(make_vault) -> None:
    root = realistic_vault(make_vault)
    before = report(root)[0]
    assert not any("100%CPU" in p and "missing note" in p for p in before)
    (root / CPU).unlink()
    after = report(root)[0]
    assert after == report(root, use_cache=False)[0]
    assert f"{SELECT}:20: related link to a missing note: {CPU}" in after
    assert (
        "outlines/C++ 大纲.md:6: link to a missing note: ../notes/Linux/100%CPU排查思路.md" in after
    )


def test_a_renamed_note_breaks_its_wikilinks_and_the_new_name_mends_them(make_vault) -> None:
    root = realistic_vault(make_vault)
    report(root)
    os.rename(root / WIKI, root / "notes/Linux/改名了.md")
    after = report(root)[0]
    assert after == report(root, use_cache=False)[0]
    assert f"{SELECT}:22: related link to a missing note: [[wiki目标]]" in after
    assert "outlines/C++ 大纲.md:7: link to a missing note: [[wiki目标]]" in after
    os.rename(root / "notes/Linux/改名了.md", root / WIKI)
    assert report(root)[0] == report(root, use_cache=False)[0]
    assert not any("[[wiki目标]]" in p for p in report(root)[0])


def test_a_note_created_later_mends_the_links_to_it(make_vault) -> None:
    root = realistic_vault(make_vault)
    assert any("notes/Linux/gone.md" in p for p in report(root)[0])
    (root / "notes/Linux/gone.md").write_text(note("回来了"), encoding="utf-8")
    after = report(root)[0]
    assert not any("notes/Linux/gone.md" in p for p in after)
    assert after == report(root, use_cache=False)[0]


def test_an_outline_created_later_mends_related_outlines(make_vault) -> None:
    root = realistic_vault(make_vault)
    assert any("不存在的大纲" in p for p in report(root)[0])
    (root / "outlines/不存在的大纲.md").write_text("# 新大纲\n", encoding="utf-8")
    assert not any("不存在的大纲" in p for p in report(root)[0])


def test_an_edit_of_the_same_size_is_seen(make_vault) -> None:
    root = realistic_vault(make_vault)
    report(root)
    path = root / WIKI
    text = path.read_text(encoding="utf-8")
    edited = text.replace("difficulty: medium", "difficulty: mediux")
    assert len(edited.encode()) == len(text.encode())
    info = path.stat()
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    after = report(root)[0]
    assert any(p.startswith(f"{WIKI}:5:") and "mediux" in p for p in after)
    assert after == report(root, use_cache=False)[0]


def test_a_changed_outline_is_read_again(make_vault) -> None:
    root = realistic_vault(make_vault)
    report(root)
    outline = root / "outlines/C++ 大纲.md"
    outline.write_text(OUTLINE + "- [new](../notes/C++/新的.md)\n", encoding="utf-8")
    after = report(root)[0]
    assert any("../notes/C++/新的.md" in p for p in after)
    outline.unlink()
    assert not any(p.startswith("outlines/C++ 大纲.md") for p in report(root)[0])


def test_changed_settings_give_the_fresh_answer(make_vault) -> None:
    root = realistic_vault(make_vault)
    own = "notes/Linux/own heading.md"
    (root / own).write_text("---\ncreated: 2025-10-19\n---\n# 自己的\n\n## 我的说法\n\n一段话。\n")
    warning = f"{own}:"
    assert any(p.startswith(warning) and "answer" in p for p in report(root)[0])
    config = root / "studycards.yaml"
    config.write_text("notes_dir: notes\nsections:\n  short_answer: ['^我的说法$']\n")
    after = report(root)[0]
    assert after == report(root, use_cache=False)[0]
    assert not any(p.startswith(warning) for p in after)
    config.write_text("notes_dir: notes\nmax_note_bytes: 300\n")
    limited = report(root)[0]
    assert f"{SELECT}: too large (0.0 MB, limit 0.0 MB)" in limited
    assert limited == report(root, use_cache=False)[0]


def test_a_new_exclude_setting_drops_the_notes_it_names(make_vault) -> None:
    root = realistic_vault(make_vault)
    report(root)
    (root / "studycards.yaml").write_text(
        "notes_dir: notes\nexclude: ['notes/Linux/bad yaml.md']\n"
    )
    after = report(root)
    assert not any("bad yaml" in p for p in after[0])
    assert after == report(root, use_cache=False)


@pytest.mark.parametrize("damage", ["garbage", "rows", "symlink", "folder"])
def test_a_damaged_cache_means_no_cache(make_vault, damage: str, tmp_path: Path) -> None:
    root = realistic_vault(make_vault)
    expected = report(root, use_cache=False)
    report(root)
    path = cache_file(root)
    if damage == "garbage":
        path.write_bytes(b"not a database" * 100)
    elif damage == "rows":
        import sqlite3

        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE notes SET facts = x'00ff00'")
            connection.execute("UPDATE outlines SET facts = ?", (b"\xe9\x01",))
    elif damage == "symlink":
        path.unlink()
        other = tmp_path / "elsewhere.sqlite"
        other.write_bytes(b"")
        path.symlink_to(other)
    else:
        path.unlink()
        path.mkdir()
    assert report(root) == expected
    assert report(root) == expected
    if damage == "symlink":
        assert other.read_bytes() == b""  # never written through


def test_a_locked_cache_means_no_cache(make_vault) -> None:
    import sqlite3

    root = realistic_vault(make_vault)
    expected = report(root, use_cache=False)
    report(root)
    (root / WIKI).write_text(note("维基目标", related="- [x](notes/Linux/nope.md)\n"))
    expected = report(root, use_cache=False)
    blocker = sqlite3.connect(cache_file(root), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert report(root) == expected
    finally:
        blocker.rollback()
        blocker.close()
    assert report(root) == expected


def test_a_deleted_cache_is_built_again(make_vault) -> None:
    root = realistic_vault(make_vault)
    first = report(root)
    shutil.rmtree(root / ".studycards")
    assert report(root) == first
    assert cache_file(root).exists()


def test_a_permission_problem_is_not_remembered(make_vault) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    root = realistic_vault(make_vault)
    path = root / WIKI
    path.chmod(0)
    try:
        assert any(p.startswith(f"{WIKI}: cannot read") for p in report(root)[0])
    finally:
        path.chmod(0o644)
    assert not any(p.startswith(f"{WIKI}: cannot read") for p in report(root)[0])


@pytest.mark.parametrize(
    "text",
    [
        "# no fences at all\n",
        "```python\nprint(1)\n```\n",
        "```studycards-demo\nname: dot\n```\n",
        "~~~ studycards-demo \nname: dot\n~~~\n",
        "```studycards\\-demo\nname: dot\n```\n",
        "```studycards&#45;demo\nname: dot\n```\n",
        "> ```studycards-demo\n> name: dot\n> ```\n",
        "- item\n\n  ```studycards-demo\n  name: dot\n  ```\n",
        "````\n```studycards-demo\nname: dot\n```\n````\n",
        "    ```studycards-demo\n    name: dot\n    ```\n",
        "text ```studycards-demo``` inline\n",
        "```\r\nstudycards-demo\r\n```\r\n",
        "``` studycards-demo\nname: dot\n",
    ],
)
def test_demo_blocks_are_found_as_the_parser_finds_them(text: str) -> None:
    parsed = [
        (t.map[0], t.map[1], t.content)
        for t in _parser().parse(text)
        if t.type == "fence" and t.info.strip() == "studycards-demo" and t.map
    ]
    assert demo_blocks(text) == parsed


_LINE_PIECES = ["a", "中", " ", "\n", "\r", "\r\n", "\x0c", "\u2028", "\x85", ""]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=12), st.booleans())
def test_markdown_lines_split_as_the_parser_counts_lines(pieces, keepends) -> None:
    text = "".join(pieces)
    lines = _MARKDOWN_LINE.findall(text)
    expected = lines if keepends else [line.rstrip("\r\n") for line in lines]
    assert markdown_lines(text, keepends) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("`~&\\ \nstudycards-demo:x"), max_size=60))
def test_random_fences_never_hide_a_demo_block(text) -> None:
    parsed = [
        (t.map[0], t.map[1], t.content)
        for t in _parser().parse(text)
        if t.type == "fence" and t.info.strip() == "studycards-demo" and t.map
    ]
    assert demo_blocks(text) == parsed
