"""A vault shaped like real ones (tests/fixtures/realshapes): every answer-heading variant, notes
with no answer heading, tool files, templates, a dot-named note, a nested repository, paths with
``()``, ``%``, spaces and full-width punctuation, wikilinks. Each command is held to exact
expectations on it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import sys
import zipfile
from pathlib import Path

import pexpect
import pytest
from conftest import FIXTURES

from studycards.notes.vault import iter_note_files, load_note, open_vault
from studycards.review.session_backend import note_card
from studycards.upkeep.outlines import load_outline

SELECT = "notes/C++/select()、poll()、epoll()的工作原理和区别.md"
DOT = "notes/C++/._和->的区别.md"
CPU = "notes/Linux/100%CPU排查思路.md"
PROCESS = "notes/操作系统/进程 与 线程（区别）.md"
DPDK = "notes/网络编程/DPDK为什么快.md"
GO = "notes/Go/goroutine调度.md"
MATH = "notes/Math/softmax的数值稳定性.md"

# note -> (where its answer comes from, the heading, the answer's first line)
ANSWERS = {
    DOT: ("short_answer", "答案", "`.`是成员访问运算符，`->`通过指针访问成员，口诀「对象用点，指针用箭头」。"),
    SELECT: ("thirty_seconds", "核心要点（30秒版本）",
             "三者都是IO多路复用，口诀「select拷贝加扫描」：select用位图，poll用数组，epoll用红黑树加就绪链表。"),
    GO: ("opening", "", "GMP模型：G是goroutine，M是线程，P是处理器，口诀「P持有本地队列」。"),
    CPU: ("short_answer", "面试标准答案：", "先定位进程，再定位线程，最后定位代码，口诀「进程线程调用栈」。"),
    MATH: ("short_answer", "面试标准答案",
           "减去最大值再取指数：$\\mathrm{softmax}(x)_i = e^{x_i - m} / \\sum_j e^{x_j - m}$，"
           "其中 $m = \\max_j x_j$，避免 $e^{x}$ 溢出。"),
    **{
        f"notes/Variants/{stem}.md": ("short_answer", heading, f"{stem} 的答案：口诀「{stem}」。")
        for stem, heading in [
            ("Answer", "Answer"), ("Short answer", "Short answer"), ("Summary", "Summary"),
            ("TLDR", "TL;DR"), ("半角冒号", "面试标准答案:"), ("半角括号", "面试标准答案(可背诵)"),
            ("标准答案", "标准答案"), ("标准面试答案", "标准面试答案（可背诵）"),
            ("核心要点", "核心要点"), ("概述", "概述"), ("精简版", "面试标准答案（精简版）"),
            ("精简答案", "精简答案"), ("编号概述", "1. 概述："), ("面试标准回答", "面试标准回答"),
            ("面试标准表述", "面试标准表述（精炼版）"),
        ]
    },
    PROCESS: ("short_answer", "一、面试标准答案",
              "进程是资源分配的基本单位，线程是CPU调度的基本单位，口诀「进程独立地址空间」。"),
    DPDK: ("opening", "", "DPDK快的根本原因是内核旁路：数据包不经过内核协议栈，轮询模式驱动直接收包。"),
}  # fmt: skip
NOTES = sorted(ANSWERS)


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture vault, its vendor-notes folder a git submodule (a ``.git`` file)."""
    root = tmp_path / "vault"
    shutil.copytree(FIXTURES / "realshapes", root)
    (root / "notes/vendor-notes/.git").write_text("gitdir: ../../.git/modules/vendor-notes\n")
    monkeypatch.setenv("STUDYCARDS_VAULT", str(root))
    return root


def test_exactly_the_notes_are_read(real):
    assert [e.rel for e in iter_note_files(open_vault(real))] == NOTES


@pytest.mark.parametrize("rel", NOTES)
def test_every_note_has_its_answer_from_the_right_place(real, rel):
    note = load_note(open_vault(real), rel)
    kind, heading, first_line = ANSWERS[rel]
    section = note.short_answer_section
    assert (section.kind, section.heading) == (kind, heading)
    assert note_card(note).answer.splitlines()[0] == first_line


def test_the_opening_stops_at_the_first_heading_or_after_three_paragraphs(real):
    vault = open_vault(real)
    assert load_note(vault, DPDK).short_answer == (
        "DPDK快的根本原因是内核旁路：数据包不经过内核协议栈，轮询模式驱动直接收包。\n\n"
        "在此基础上还有大页内存、无锁队列和CPU绑核。"
    )
    assert load_note(vault, GO).short_answer.split("\n\n") == [
        "GMP模型：G是goroutine，M是线程，P是处理器，口诀「P持有本地队列」。",
        "每个P有一个本地运行队列，空了就从全局队列或其他P偷。",
        "系统调用阻塞时，M和P分离，P被另一个M接走。",
    ]
    assert "关键展开" not in load_note(vault, "notes/Variants/面试标准表述.md").short_answer


def test_check_reports_the_skipped_files_the_openings_and_the_one_dead_link(cli, real):
    result = cli("check")
    assert result.exit_code == 1
    opening = (
        "warning: no answer section found: answer taken from the note's opening"
        " (add '## 面试标准答案' or '## Short answer' to choose it)"
    )
    assert result.stdout.splitlines() == [
        f"{GO}:15: {opening}",
        f"{DPDK}:15: {opening}",
        "outlines/复习大纲.md:16: link to a missing note: ../notes/网络编程/RDMA原理.md",
    ]
    assert result.stderr.splitlines() == [
        "skipped 9 files under notes/ that are not notes (4 tool files, 2 templates,"
        " 2 in the nested git repository notes/vendor-notes, 1 excluded by 'exclude:');"
        " dot-folders not read: notes/.obsidian",
        "22 notes checked: 1 error, 2 warnings",
    ]


def test_related_links_with_parentheses_spaces_and_percent_signs_resolve(real):
    note = load_note(open_vault(real), SELECT)
    assert [(link.title, link.target) for link in note.related] == [
        ("进程 与 线程（区别）", PROCESS),
        ("线上服务CPU 100%怎么排查", CPU),
        (". 和 -> 的区别", DOT),
    ]


def test_outline_links_of_every_style(real):
    outline = load_outline(open_vault(real), "outlines/复习大纲.md")
    assert [(link.text, link.rel, link.exists) for link in outline.links] == [
        ("select/poll/epoll", SELECT, True),
        ("进程vs线程", PROCESS, True),
        ("CPU 100%", CPU, True),
        ("同一篇编码", CPU, True),
        (". 和 ->", DOT, True),
        ("DPDK为什么快", DPDK, True),
        ("DPDK（带路径）", DPDK, True),
        ("调度", GO, True),
        ("空格未编码", "notes/Variants/Short answer.md", True),
        ("空格编码", "notes/Variants/Short answer.md", True),
        ("还没写", "notes/网络编程/RDMA原理.md", False),
    ]


def test_outline_command_shows_titles_not_markup(cli, real):
    result = cli("outline", "复习大纲")
    assert result.exit_code == 0
    assert "](" not in result.stdout and "[[" not in result.stdout
    for label in ("select/poll/epoll", "进程vs线程", "DPDK（带路径）", "调度", "空格编码"):
        assert label in result.stdout


def test_sync_logs_ticks_on_unencoded_paths_and_wikilinks(cli, real):
    result = cli("sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "logged 2 reviews"
    ledger = (real / ".studycards/reviews.jsonl").read_text(encoding="utf-8")
    events = [json.loads(line) for line in ledger.splitlines()]
    assert [(e["path"], e["rating"]) for e in events] == [(SELECT, 2), (DPDK, 3)]


def test_link_writes_links_that_read_back_and_check_finds_none_missing(cli, real):
    assert cli("link").exit_code == 0
    for rel in NOTES:
        for related in load_note(open_vault(real), rel).related:
            assert (real / related.target).is_file(), (rel, related.target)
    text = (real / "notes/Variants/Answer.md").read_text(encoding="utf-8")
    assert "(<notes/Variants/Short answer.md>) - 相似度: " in text
    written = json.loads(cli("check", "--json").stdout)["problems"]
    assert [p["message"] for p in written if p["severity"] == "error"] == [
        "link to a missing note: ../notes/网络编程/RDMA原理.md"
    ]


def test_search_reads_the_whole_body(cli, real):
    found = json.loads(cli("search", "内核旁路", "--json").stdout)
    assert found["results"][0]["path"] == DPDK
    deep = json.loads(cli("search", "零拷贝环形队列", "--json").stdout)
    assert (deep["results"][0]["path"], deep["results"][0]["field"]) == (DPDK, "body")


def test_export_csv_has_an_answer_for_every_note_and_no_path_tags(cli, real, tmp_path):
    out = tmp_path / "cards.csv"
    result = cli("export", "csv", str(out))
    assert result.stdout == f"wrote {out}: 22 notes and 2 follow-ups\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [row["path"] for row in rows if row["card"] == "note"] == NOTES
    assert all(row["short_answer"].strip() for row in rows)
    assert all(".md" not in row["tags"] for row in rows)


def test_export_anki_packages_the_image_and_writes_mathjax(cli, real, tmp_path):
    out = tmp_path / "cards.apkg"
    result = cli("export", "anki", str(out))
    assert result.stdout == f"wrote {out}: 22 notes and 2 follow-ups in 7 decks, 1 image\n"
    with zipfile.ZipFile(out) as archive:
        (name,) = json.loads(archive.read("media")).values()
        image = (real / "notes/Math/images/softmax curve.png").read_bytes()
        assert archive.read("0") == image and name.endswith("-softmax curve.png")
        archive.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    backs = {
        f.split("\x1f")[2]: f.split("\x1f")[1] for (f,) in db.execute("SELECT flds FROM notes")
    }
    assert "\\(m = \\max_j x_j\\)" in backs[MATH] and "<em>" not in backs[MATH]
    assert "\\[\\log \\sum_j e^{x_j} = m + \\log \\sum_j e^{x_j - m}\\]" in backs[MATH]
    assert f'src="{name}"' in backs[MATH]
    assert backs[DPDK].startswith("<p>DPDK快的根本原因是内核旁路")


@pytest.mark.slow
def test_review_session_shows_the_opening_of_a_note_without_an_answer_heading(real):
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1", COLUMNS="100", LINES="40")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(real), "review", "--topic", "网络编程"],
        env=env, dimensions=(40, 100), encoding="utf-8", timeout=15,
    )  # fmt: skip
    child.expect("DPDK为什么快")
    child.send(" ")
    child.expect("内核旁路")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
