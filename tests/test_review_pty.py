"""End to end: the review session and the mock interview in a real pseudo-terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from studycards.scheduling.ledger import Ledger

TIMEOUT = 15


def note(title: str, due: dt.date, answer: str) -> str:
    return (
        "---\n"
        f"created: '{due.isoformat()}'\n"
        "last_reviewed: null\n"
        f"next_review: '{due.isoformat()}'\n"
        "review_count: 0\n"
        "difficulty: medium\n"
        "mastery_level: 0.0\n"
        "tags:\n- Attention\n"
        "related_outlines: []\n"
        "---\n"
        f"# {title}\n\n"
        "## 面试标准答案\n\n"
        "### 核心要点（30秒版本）\n"
        f"{answer}\n\n"
        "### 详细技术答案（2-3分钟版本）\n"
        "The long answer, with more words.\n\n"
        "## 深度讲解\n"
        "Deep dive text.\n\n"
        "## 常见面试追问\n\n"
        "### Q1: Why?\n**A:** Because.\n\n"
        "### Q2: How?\n**A:** Like this.\n\n"
        "### Q3: When?\n**A:** Always.\n"
    )


FIRST = "notes/Attention/first.md"
SECOND = "notes/Attention/second.md"


@pytest.fixture
def pty_vault(make_vault) -> Path:
    today = dt.date.today()
    return make_vault(
        {
            FIRST: note("First question", today - dt.timedelta(days=1), "ALPHA answer text"),
            SECOND: note("Second question", today, "BETA answer text"),
        }
    )


def spawn(vault: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1", COLUMNS="100", LINES="40")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(vault), *args],
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    return child


def ledger_events(vault: Path) -> list[dict]:
    path = vault / ".studycards" / "reviews.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def frontmatter_value(vault: Path, rel: str, key: str) -> str:
    for line in (vault / rel).read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"{key} not in {rel}")


def test_review_reveal_grade_undo_grade_quit(pty_vault: Path) -> None:
    original = (pty_vault / FIRST).read_bytes()
    child = spawn(pty_vault, "review")
    child.expect("1/2")
    child.expect("First question")
    child.expect("space reveal")

    child.send(" ")
    child.expect("ALPHA answer text")
    child.expect("3 Good")
    assert ledger_events(pty_vault) == []

    child.send("3")
    child.expect("2/2")
    child.expect("Second question")
    events = ledger_events(pty_vault)
    assert [(e["kind"], e["rating"], e["path"]) for e in events] == [("review", 3, FIRST)]
    assert frontmatter_value(pty_vault, FIRST, "review_count") == "1"
    assert frontmatter_value(pty_vault, FIRST, "last_reviewed") == f"'{dt.date.today()}'"

    child.send("u")
    child.expect("undid good on First question")
    child.expect("1/2")
    assert (pty_vault / FIRST).read_bytes() == original
    assert [e["kind"] for e in ledger_events(pty_vault)] == ["review", "undo"]

    child.send(" ")
    child.expect("ALPHA answer text")
    child.send("4")
    child.expect("2/2")
    events = ledger_events(pty_vault)
    assert [(e["kind"], e.get("rating")) for e in events] == [
        ("review", 3),
        ("undo", None),
        ("review", 4),
    ]
    assert frontmatter_value(pty_vault, FIRST, "review_count") == "1"

    child.send("q")
    child.expect("Session done")
    child.expect("cards reviewed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (pty_vault / SECOND).read_text(encoding="utf-8").count("review_count: 0") == 1
    read = Ledger(pty_vault / ".studycards" / "reviews.jsonl").read()
    assert read.notices == ()


def test_review_again_card_returns_and_details_page(pty_vault: Path) -> None:
    child = spawn(pty_vault, "review")
    child.expect("1/2")
    child.send(" ")
    child.expect("ALPHA")
    child.send("d")
    child.expect("The long answer")
    child.expect("Deep dive text")
    child.send("1")
    child.expect("2/3")
    child.send("?")
    child.expect("bury until tomorrow")
    child.send("x")
    child.expect("Second question")
    child.send("b")
    child.expect("First question")  # the next card's line is painted above the message line
    child.expect("buried Second question until tomorrow")
    child.send(" ")
    child.send("3")
    child.expect("Session done")
    child.expect(pexpect.EOF)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert frontmatter_value(pty_vault, SECOND, "next_review") == f"'{tomorrow}'"
    kinds = [(e["kind"], e.get("rating")) for e in ledger_events(pty_vault)]
    assert kinds == [("review", 1), ("manual", None), ("review", 3)]


def test_review_followups_become_cards(pty_vault: Path) -> None:
    child = spawn(pty_vault, "review", "--followups", "--limit", "1")
    child.expect("1/4")
    child.send(" ")
    child.send("3")
    child.expect("2/4")
    child.expect("Why")
    child.send(" ")
    child.expect("Because")
    child.send("2")
    child.expect("3/4")
    child.send("q")
    child.expect(pexpect.EOF)
    events = ledger_events(pty_vault)
    assert len(events) == 2
    note_id = frontmatter_value(pty_vault, FIRST, "id")
    assert events[0]["card"] == note_id
    assert events[1]["card"].startswith(note_id + "#") and events[1]["note"] == note_id


def test_review_without_a_terminal_says_so(pty_vault: Path, cli) -> None:
    result = cli("--vault", str(pty_vault), "review")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: review needs an interactive terminal; in scripts use "
        "'studycards grade NOTE again|hard|good|easy'\n"
    )


def test_interview_with_short_countdown(pty_vault: Path) -> None:
    child = spawn(pty_vault, "interview", "--n", "2", "--short-seconds", "1", "--seed", "1")
    child.expect("Question 1/2")
    child.expect("grade yourself", timeout=5)  # the prompt's line is painted above the message
    child.expect("time is up")
    child.send("3")
    child.expect("Question 2/2")
    child.send(" ")
    child.expect("grade yourself")
    child.send("2")
    child.expect("Mock interview")
    child.expect(pexpect.EOF)
    events = ledger_events(pty_vault)
    assert sorted(e["rating"] for e in events) == [2, 3]
    assert all(e["kind"] == "review" for e in events)
