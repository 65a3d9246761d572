"""The review screen as a person sees it, through a terminal emulator on a real pty: it never
blanks, every key of a burst acts, the question stays in view, and each grade key's label is
the interval the ledger records."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from _pty_screen import PtyScreen

from studycards.render.session import interval_label

TODAY = dt.date.today()


def note(title: str, *, due: dt.date, reviews: int = 0, body: str = "") -> str:
    last = "null" if reviews == 0 else f"'{(due - dt.timedelta(days=4)).isoformat()}'"
    return (
        "---\n"
        f"created: '{(due - dt.timedelta(days=30)).isoformat()}'\n"
        f"last_reviewed: {last}\n"
        f"next_review: '{due.isoformat()}'\n"
        f"review_count: {reviews}\n"
        "difficulty: medium\n"
        "mastery_level: 0.0\n"
        "tags:\n- C++\n"
        "related_outlines: []\n"
        "---\n"
        f"# {title}\n\n" + (body or _answer(title))
    )


def _answer(title: str) -> str:
    deep = "\n\n".join(f"Deep dive paragraph {i} about {title}." for i in range(30))
    follow = "\n\n".join(f"### Q{i}: Why {i}?\n**A:** Because {i}." for i in range(1, 4))
    return (
        "## 面试标准答案（可背诵）\n\n### 核心要点（30秒版本）\n"
        f"The short answer to {title}.\n\n"
        "### 详细技术答案（2-3分钟版本）\nThe two-minute answer.\n\n"
        f"## 深度讲解\n\n{deep}\n\n## 常见面试追问\n\n{follow}\n\n"
        "## 相关笔记\n<!-- 自动生成 -->\n\n- [x](notes/C++/other.md) - 相似度: 39% | 标签: C++\n"
    )


def _coding(lines: int) -> str:
    problem = "\n\n".join(
        f"Problem line {i}: given an array nums and a target." for i in range(lines)
    )
    return (
        f"## 题目描述\n\n{problem}\n\n## 思路讲解\n\nUse a hash map.\n\n"
        "## 面试时的快速口述讲解\n\nOne pass with a dict from value to index.\n\n"
        "## 代码实现\n\n```python\n# 哈希表解法\ndef two_sum(nums, target):\n    return []\n```\n"
    )


SELECT = "notes/C++/select()、poll()、epoll()的工作原理和区别.md"
PERCENT = "notes/C++/100% 覆盖率.md"
OLD = "notes/C++/虚函数表.md"
CODING = "notes/Coding/两数之和 (two sum).md"


@pytest.fixture
def vault(make_vault) -> Path:
    yesterday = TODAY - dt.timedelta(days=1)
    return make_vault(
        {
            SELECT: note("select、poll 和 epoll 的区别", due=yesterday),
            PERCENT: note("100% 覆盖率有意义吗", due=TODAY),
            OLD: note("虚函数表", due=yesterday, reviews=3),  # an old checklist note
            CODING: note("两数之和", due=TODAY - dt.timedelta(days=2), body=_coding(40)),
        }
    )


def ledger(vault: Path) -> list[dict]:
    path = vault / ".studycards" / "reviews.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def labels_on(screen: PtyScreen) -> dict[int, str]:
    bar = next(line for line in screen.lines if line.startswith("1 Again"))
    return {int(k): v for k, v in re.findall(r"([1-4]) \w+ · (\S+)", bar)}


@pytest.mark.slow
def test_each_grade_label_is_the_interval_recorded_on_a_first_review(vault: Path) -> None:
    screen = PtyScreen(vault, "review", "--order", "due", columns=120, lines=40)
    seen = []
    for grade in (3, 2, 4, 1):  # first reviews (new and old-scheme notes), every grade
        screen.wait_for("space reveal")
        title = screen.lines[1]
        screen.send(" ")
        screen.wait_for("1 Again")
        label = labels_on(screen)[grade]
        before = len(ledger(vault)) if (vault / ".studycards/reviews.jsonl").exists() else 0
        screen.send(str(grade))
        screen.wait_for(": " + ["again", "hard", "good", "easy"][grade - 1] + ", next in")
        review = [e for e in ledger(vault)[before:] if e["kind"] == "review"][-1]
        assert interval_label(review["interval"]) == label, (title, grade, review)
        assert review["rating"] == grade
        seen.append(review["path"])
    screen.send("q")
    screen.finish()
    assert set(seen) == {CODING, SELECT, OLD, PERCENT}


@pytest.mark.slow
def test_idle_screen_never_blanks_and_writes_only_the_clock(vault: Path) -> None:
    screen = PtyScreen(vault, "review")
    screen.wait_for("space reveal")
    screen.send(" ")
    screen.wait_for("1 Again")
    screen.sync()
    screen.samples.clear()
    written = screen.bytes_read
    screen.pump(3.2)
    assert screen.samples, "the clock did not tick"
    for sample in screen.samples:
        assert sample[0].startswith("1/4") and "两数之和" in sample[1]
        assert any(line.startswith("1 Again") for line in sample)
    per_second = (screen.bytes_read - written) / 3.2
    assert per_second < 400  # one header line a second, not a screen (a full screen is ~2 kB)
    screen.send("q")
    screen.finish()


def without_grades(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("1 Again")]


def _keys_slowly(screen: PtyScreen, keys: list[str]) -> None:
    for key in keys:
        screen.send(key)
        screen.sync()


@pytest.mark.slow
def test_a_burst_of_keys_gives_the_screen_slow_typing_gives(vault: Path) -> None:
    keys = [" ", "d", *["j"] * 10, "\x1b[6~", "n", "n", "\x1b[A", "k", "\t", "\x1b[Z", "j", "j"]
    slow = PtyScreen(vault, "review", "--order", "due")
    slow.wait_for("space reveal")
    slow.send("s")  # past the coding note, to one with a long deep dive
    _keys_slowly(slow, keys)
    slow_body = slow.body()
    slow.send("q")
    slow.finish()

    fast = PtyScreen(vault, "review", "--order", "due")
    fast.wait_for("space reveal")
    fast.send("s" + "".join(keys))
    fast.sync()
    # the grade bar differs: a first review's id, and so the fuzz on its intervals, is new in
    # each session; the test above checks those labels against the ledger
    assert without_grades(fast.body()) == without_grades(slow_body)
    assert re.search(r"lines (\d+)-", "\n".join(slow_body)).group(1) != "1"  # it did scroll
    fast.send("q")
    fast.finish()
    assert not (vault / ".studycards" / "reviews.jsonl").exists()  # no key graded anything


@pytest.mark.slow
def test_ten_j_in_one_write_move_ten_lines(vault: Path) -> None:
    screen = PtyScreen(vault, "review", "--order", "due")
    screen.wait_for("space reveal")
    screen.send("s d")  # past the coding note, to a long deep dive
    screen.wait_for("lines 1-")
    screen.send("j" * 10)
    screen.wait_for("lines 11-")
    screen.send("q")
    screen.finish()


@pytest.mark.slow
def test_a_tall_coding_question_stays_on_screen_at_80x24(vault: Path) -> None:
    screen = PtyScreen(vault, "review", "--order", "due")
    screen.wait_for("space reveal")
    assert screen.lines[1].startswith("── Question · lines 1-")
    assert screen.lines[2] == "两数之和"
    assert screen.lines[3].startswith("Problem line 0")
    screen.send(" ")
    screen.wait_for("1 Again")
    assert screen.lines[0].startswith("1/4  new 3 · learning 0 · review 1")
    assert screen.lines[1] == "两数之和" and screen.lines[2].startswith("Problem line 0")
    assert any(line.startswith("── Answer") for line in screen.lines)
    assert "One pass with a dict" in screen.text
    screen.send("3")  # the next card: an ordinary note, revealed, with its deep dive
    screen.wait_for("space reveal")
    title = screen.lines[1]
    screen.send(" d")
    screen.wait_for("Deep dive paragraph 0")
    assert screen.lines[1] == title and screen.lines[0].startswith("2/4")
    screen.send("G")
    screen.wait_for("(100%)")
    assert screen.lines[1] == title
    screen.send("q")
    out = screen.finish()
    assert "Session done" in out and "left today" in out and "tomorrow" in out


@pytest.mark.slow
def test_a_resized_window_is_laid_out_again_at_its_new_size(vault: Path) -> None:
    screen = PtyScreen(vault, "review", "--order", "due")
    screen.wait_for("space reveal")
    screen.send(" ")
    screen.wait_for("1 Again")
    screen.screen.resize(30, 100)
    screen.child.setwinsize(30, 100)
    screen.wait_for("u undo · d details · ? help")  # the whole grade bar fits at 100 columns
    assert screen.lines[1] == "两数之和"
    assert any(line.startswith("1 Again") for line in screen.lines[25:])
    screen.send("q")
    screen.finish()
