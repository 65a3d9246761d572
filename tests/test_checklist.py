"""reviewsToday.md: the checklist written from the queue, and its ticked boxes logged back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SAMPLE_TODAY, SEQ2SEQ, TWO_SUM

from studycards.errors import StudycardsError
from studycards.notes.summary import parse_summary
from studycards.notes.vault import open_vault
from studycards.progress.checklist import (
    CHECKLIST_NAME,
    HOW_TO,
    LineProblem,
    Tick,
    escape_title,
    link_target,
    mark_done,
    parse_ticks,
    sync_checklist,
    ticked_lines,
    untick,
    write_checklist,
)
from studycards.scheduling.grading import grade_note
from studycards.scheduling.schedule import Rating
from studycards.scheduling.writes import ledger_of

NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
EXACT_CONFIG = "notes_dir: notes\nfuzz: false\nchecklist_language: en\n"

EXPECTED = f"""\
# Reviews for 2025-11-01

{HOW_TO}

## Overdue

- [ ] [Seq2Seq模型中注意力的引入动机](notes/Transformer/Seq2Seq模型中注意力的引入动机.md) · reviews 0 · medium
- [ ] [beam search](notes/Inference/beam_search.md) · reviews 2 · medium

## Today

- [ ] [两数之和](notes/Coding/two_sum.md) · reviews 1 · easy

## This week

- [ ] [多头注意力为什么有效](notes/Attention/多头注意力.md) · reviews 3 · hard · due 2025-11-05

## Done today

_Nothing yet._

## Overview

- Notes: 5
- Overdue: 2 (2 listed)
- Due today: 1
- This week: 1
- Reviewed today: 0
- Mean mastery: 0.45
"""


@pytest.fixture
def root(make_vault) -> Path:
    return make_vault(config=EXACT_CONFIG)


def checklist(root: Path) -> Path:
    return root / CHECKLIST_NAME


def reviews(root: Path) -> list[tuple[str, int]]:
    events = ledger_of(open_vault(root)).read().events
    return [(e.path, e.rating) for e in events if e.kind == "review"]


def written(root: Path, text: str) -> Path:
    path = checklist(root)
    path.write_bytes(text.encode("utf-8"))
    return path


# ---------------------------------------------------------------------------------------------
# today


def test_today_writes_the_expected_checklist(root):
    result = write_checklist(open_vault(root), SAMPLE_TODAY)
    assert checklist(root).read_text(encoding="utf-8") == EXPECTED
    assert result.counts == {"overdue": 2, "today": 1, "week": 1, "done": 0}
    assert result.left_out == 0


def test_daily_limits_cut_the_due_part_and_say_so(make_vault):
    root = make_vault(config=EXACT_CONFIG + "new_per_day: 0\nreviews_per_day: 1\n")
    result = write_checklist(open_vault(root), SAMPLE_TODAY)
    text = checklist(root).read_text(encoding="utf-8")
    assert result.left_out == 2
    assert "[beam search](notes/Inference/beam_search.md)" in text
    assert SEQ2SEQ not in text and TWO_SUM not in text
    assert (
        "_Daily limits: 2 more due notes left for later (new_per_day 0, reviews_per_day 1 in "
        "studycards.yaml; `studycards today --all` lists every one)._"
    ) in text
    write_checklist(open_vault(root), SAMPLE_TODAY, force=True, use_limits=False)
    assert "Daily limits" not in checklist(root).read_text(encoding="utf-8")


def test_empty_sections_say_so(make_vault):
    root = make_vault({KV_CACHE: (Path(__file__).parent / "fixtures" / KV_CACHE).read_text()})
    write_checklist(open_vault(root), SAMPLE_TODAY)
    text = checklist(root).read_text(encoding="utf-8")
    assert "_Nothing overdue._" in text and "_Nothing due today._" in text
    assert "_Nothing else._" in text


def test_rewrite_refused_while_ticked_boxes_are_not_synced(root):
    vault = open_vault(root)
    write_checklist(vault, SAMPLE_TODAY)
    ticked = EXPECTED.replace("- [ ] [beam", "- [x] [beam").replace("- [ ] [两数", "- [X] [两数")
    written(root, ticked)
    with pytest.raises(StudycardsError) as caught:
        write_checklist(vault, SAMPLE_TODAY)
    assert str(caught.value) == (
        "reviewsToday.md has 2 ticked boxes not yet synced (lines 8, 12): run 'studycards sync' "
        "first, or 'studycards today --force' to drop them"
    )
    assert checklist(root).read_text(encoding="utf-8") == ticked
    write_checklist(vault, SAMPLE_TODAY, force=True)
    assert checklist(root).read_text(encoding="utf-8") == EXPECTED


def test_rewrite_without_ticks_replaces_the_file(root):
    written(root, "# old list\n\n- [ ] [x](notes/x.md)\n")
    write_checklist(open_vault(root), SAMPLE_TODAY)
    assert checklist(root).read_text(encoding="utf-8") == EXPECTED


# ---------------------------------------------------------------------------------------------
# links and parsing


@pytest.mark.parametrize(
    "rel",
    [
        "notes/Topic/a b (draft).md",
        "notes/Topic/100% [x]#1?.md",
        "notes/主题/注意力.md",
    ],
)
def test_link_targets_round_trip(rel):
    line = f"- [x] [{escape_title('t')}]({link_target(rel)}) · reviews 0"
    ticks, problems = parse_ticks(line)
    assert problems == [] and [t.rel for t in ticks] == [rel]


def test_titles_are_escaped_inside_the_brackets():
    assert escape_title("a [b] *c* __init__ <x>") == r"a \[b\] \*c\* \_\_init\_\_ \<x>"
    line = f"- [x] [{escape_title('[weird] title')}](notes/a.md)"
    assert [t.rel for t in parse_ticks(line)[0]] == ["notes/a.md"]


def test_grade_markers_and_problems():
    text = "\n".join(
        [
            "# list",  # 1
            "- [x] [A](notes/a.md) · reviews 3 · hard",  # 2: difficulty is not a grade
            "- [x] [B](notes/b.md) (again) · reviews 1",  # 3
            "  * [X] [C](<notes/c c.md>) (Easy)",  # 4
            "- [x] [D](notes/d.md#part) (2)",  # 5
            "- [ ] [E](notes/e.md) (again)",  # 6: not ticked
            "- [x] no link here",  # 7
            "- [x] [F](notes/f.md) (again) (easy)",  # 8
            "- [x] [G](./notes/g.md) (good) (3)\r",  # 9: the same grade twice is fine
        ]
    )
    ticks, problems = parse_ticks(text)
    assert [(t.line, t.rel, t.rating) for t in ticks] == [
        (2, "notes/a.md", Rating.GOOD),
        (3, "notes/b.md", Rating.AGAIN),
        (4, "notes/c c.md", Rating.EASY),
        (5, "notes/d.md", Rating.HARD),
        (9, "notes/g.md", Rating.GOOD),
    ]
    assert [str(p) for p in problems] == [
        "reviewsToday.md:7: ticked box without a note link after it: left ticked",
        "reviewsToday.md:8: more than one grade ((again), (easy)): keep one",
    ]
    assert ticked_lines(text) == [2, 3, 4, 5, 7, 8, 9]


def test_untick_changes_one_character():
    text = "a\n- [x] [A](notes/a.md) (again)\n"
    (tick,), _ = parse_ticks(text)
    assert untick(text, tick) == "a\n- [ ] [A](notes/a.md) (again)\n"
    assert tick == Tick(2, "notes/a.md", Rating.AGAIN, 5, 23, True, "notes/a.md")


def test_mark_done_keeps_a_record_with_the_grade():
    text = "a\n- [x] [A](notes/a.md) · reviews 3\n- [x] [B](notes/b.md) (again)\n"
    first, second = parse_ticks(text)[0]
    assert mark_done(text, second, second.rating) == (
        "a\n- [x] [A](notes/a.md) · reviews 3\n- [✓] [B](notes/b.md) (again)\n"
    )
    assert mark_done(text, first, Rating.GOOD) == (
        "a\n- [✓] [A](notes/a.md) (good) · reviews 3\n- [x] [B](notes/b.md) (again)\n"
    )
    assert [t.line for t in parse_ticks(mark_done(text, first, Rating.GOOD))[0]] == [3]


# ---------------------------------------------------------------------------------------------
# sync


def _ticked_copy() -> tuple[str, list[int]]:
    """EXPECTED with three boxes ticked (plain, ``(again)``, ``(4)``) and the offsets of the x's."""
    text = EXPECTED
    for old, new in [
        ("- [ ] [Seq2Seq", "- [x] [Seq2Seq"),
        ("- [ ] [beam", "- [X] [beam"),
        ("beam_search.md) ·", "beam_search.md) (again) ·"),
        ("- [ ] [多头", "- [x] [多头"),
        ("多头注意力.md) ·", "多头注意力.md) (4) ·"),
    ]:
        text = text.replace(old, new)
    offsets = [i + 3 for i in range(len(text)) if text.startswith(("- [x]", "- [X]"), i)]
    return text, offsets


def test_sync_logs_ratings_and_marks_exactly_those_lines_done(root):
    vault = open_vault(root)
    text, offsets = _ticked_copy()
    path = written(root, text)
    result = sync_checklist(vault, NOW)
    assert [(s.line, s.rel, s.rating) for s in result.logged] == [
        (7, SEQ2SEQ, Rating.GOOD),
        (8, BEAM_SEARCH, Rating.AGAIN),
        (16, MULTI_HEAD, Rating.EASY),
    ]
    assert result.problems == ()
    assert reviews(root) == [(SEQ2SEQ, 3), (BEAM_SEARCH, 1), (MULTI_HEAD, 4)]
    expected = (
        text.replace("- [x] [Seq2Seq", "- [✓] [Seq2Seq")
        .replace("引入动机.md) ·", "引入动机.md) (good) ·")
        .replace("- [X] [beam", "- [✓] [beam")
        .replace("- [x] [多头", "- [✓] [多头")
    )
    assert path.read_text(encoding="utf-8") == expected
    assert ticked_lines(expected) == []


def test_sync_writes_the_frontmatter_projection(root):
    written(root, _ticked_copy()[0])
    sync_checklist(open_vault(root), NOW)
    summary = parse_summary((root / SEQ2SEQ).read_text(encoding="utf-8"), SEQ2SEQ)
    assert summary.review_count == 1 and summary.last_reviewed == NOW.date()
    assert summary.id is not None


def test_second_sync_changes_nothing(root):
    path = written(root, _ticked_copy()[0])
    sync_checklist(open_vault(root), NOW)
    ledger = root / ".studycards" / "reviews.jsonl"
    files = {p: p.read_bytes() for p in [path, ledger, *(root / "notes").rglob("*.md")]}
    result = sync_checklist(open_vault(root), NOW)
    assert result.logged == () and result.problems == ()
    assert {p: p.read_bytes() for p in files} == files


def test_dead_link_is_reported_with_its_line_and_left_ticked(root):
    text = "# list\n\n- [x] [Gone](notes/Gone/missing.md)\n- [x] [Old](outlines/x.md)\n"
    (root / "outlines").mkdir()
    (root / "outlines" / "x.md").write_text("# outline\n", encoding="utf-8")
    path = written(root, text + "- [x] [Out](../secret.md)\n")
    result = sync_checklist(open_vault(root), NOW)
    assert result.logged == ()
    assert [str(p) for p in result.problems] == [
        "reviewsToday.md:3: no note at notes/Gone/missing.md",
        "reviewsToday.md:4: outlines/x.md is not a note under notes/",
        "reviewsToday.md:5: link '../secret.md' is not a note in the vault",
    ]
    assert path.read_text(encoding="utf-8") == text + "- [x] [Out](../secret.md)\n"
    assert reviews(root) == []


def test_a_note_reviewed_today_is_logged_again_and_flagged(root):
    vault = open_vault(root)
    grade_note(vault, TWO_SUM, Rating.GOOD, NOW - dt.timedelta(hours=1))
    written(root, f"- [x] [两数之和]({TWO_SUM})\n- [x] [两数之和]({TWO_SUM}) (hard)\n")
    result = sync_checklist(vault, NOW)
    assert [(s.rating, s.again_today) for s in result.logged] == [
        (Rating.GOOD, True),
        (Rating.HARD, True),
    ]
    assert reviews(root) == [(TWO_SUM, 3), (TWO_SUM, 3), (TWO_SUM, 2)]


def test_first_review_of_the_day_is_not_flagged(root):
    written(root, f"- [x] [两数之和]({TWO_SUM})\n- [x] [多头]({MULTI_HEAD})\n")
    result = sync_checklist(open_vault(root), NOW)
    assert [s.again_today for s in result.logged] == [False, False]


def test_crlf_and_bom_survive_a_sync(root):
    raw = f"\ufeff- [x] [两数之和]({TWO_SUM}) (easy)\r\n\r\n- [ ] [B]({BEAM_SEARCH})\r\n"
    path = written(root, raw)
    result = sync_checklist(open_vault(root), NOW)
    assert [s.rating for s in result.logged] == [Rating.EASY]
    assert path.read_bytes() == raw.replace("[x]", "[✓]").encode("utf-8")


def test_a_broken_note_is_reported_not_logged(make_vault):
    root = make_vault({"notes/T/bad.md": "---\ntags: [unclosed\n---\n# Bad\n"})
    path = written(root, "- [x] [Bad](notes/T/bad.md)\n")
    result = sync_checklist(open_vault(root), NOW)
    assert result.logged == ()
    (problem,) = result.problems
    assert isinstance(problem, LineProblem) and problem.line == 1
    assert str(problem).startswith("reviewsToday.md:1: cannot log a review of a broken note: ")
    assert path.read_text(encoding="utf-8") == "- [x] [Bad](notes/T/bad.md)\n"


def test_sync_without_a_checklist_says_what_to_do(root):
    with pytest.raises(StudycardsError) as caught:
        sync_checklist(open_vault(root), NOW)
    assert str(caught.value) == "no reviewsToday.md in the vault: run 'studycards today' first"
