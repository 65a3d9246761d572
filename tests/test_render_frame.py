"""Full-screen frames: the header and question stay in view, the pane scrolls, and the painter
rewrites only what changed and never clears the screen."""

from __future__ import annotations

from studycards.render.frame import Look
from studycards.render.interview import interview_frame
from studycards.render.painter import Painter
from studycards.render.session import session_frame
from studycards.review.interview import SHORT_REF, InterviewScreen
from studycards.review.session import ANSWER, DETAIL, FRONT, Card, Screen
from studycards.scheduling.schedule import Rating

LABELS = {Rating.AGAIN: 1, Rating.HARD: 3, Rating.GOOD: 12, Rating.EASY: 30}
LONG_ANSWER = "\n\n".join(f"Answer line {i}." for i in range(60))
DETAIL_TEXT = (
    "## 深度讲解\n\n"
    + "\n\n".join(f"Deep {i}." for i in range(40))
    + ("\n\n## 代码实现\n\n```python\n# not a heading\nprint(1)\n```\n")
)
PROBLEM = "\n\n".join(f"Problem line {i}: given nums and target." for i in range(40))


def card(question: str = "Why scale by sqrt(d)?", answer: str = LONG_ANSWER) -> Card:
    title = "Why scale by sqrt(d)?" if question.startswith("Why") else "Two sum (coding)"
    return Card("c1", "notes/T/a.md", title, question, answer, DETAIL_TEXT, "Attention", "hard")


def screen(phase: str, c: Card, scroll: int = 0) -> Screen:
    labels = LABELS if phase != FRONT else {}
    return Screen(phase, c, 3, 17, 65.0, labels, "", None, scroll, counts=(2, 1, 12))


def test_after_reveal_at_80x24_header_question_pane_and_keys_all_fit() -> None:
    frame = session_frame(screen(ANSWER, card()), 80, 24)
    lines = frame.text.split("\n")
    assert len(frame.lines) == 24
    assert lines[0].startswith("3/17  new 2 · learning 1 · review 12  Attention · hard  1:05")
    assert lines[1] == "Why scale by sqrt(d)?"
    assert lines[2].startswith("── Answer · lines 1-19 of 119 (15%)")
    assert lines[3] == "Answer line 0."
    assert lines[22].startswith("1 Again · 1d   2 Hard · 3d   3 Good · 12d   4 Easy · 30d")
    assert all(line.cells < 80 for line in frame.lines)
    assert (frame.pane_total, frame.pane_page) == (119, 19)


def test_scrolled_pane_keeps_the_question_and_says_where_it_is() -> None:
    frame = session_frame(screen(ANSWER, card(), scroll=100), 80, 24)
    lines = frame.text.split("\n")
    assert lines[1] == "Why scale by sqrt(d)?"
    assert lines[2].startswith("── Answer · lines 101-119 of 119 (100%)")
    assert lines[21] == "Answer line 59."
    # an offset past the end shows the last page, not blank lines
    assert session_frame(screen(ANSWER, card(), scroll=10_000), 80, 24).text == frame.text


def test_details_have_sections_and_fences_are_not_headings() -> None:
    frame = session_frame(screen(DETAIL, card(answer="Short.")), 100, 30)
    assert len(frame.sections) == 3  # Answer, 深度讲解, 代码实现: "Details" has no text of its own
    assert "Answer · 1/3" in frame.text
    last = session_frame(screen(DETAIL, card(answer="Short."), frame.sections[-1]), 100, 30)
    assert "代码实现 · 3/3" in last.text
    assert "# not a heading" in last.text


def test_a_question_taller_than_the_screen_starts_at_its_beginning() -> None:
    tall = card(question=PROBLEM)
    front = session_frame(screen(FRONT, tall), 80, 24).text.split("\n")
    assert front[1].startswith("── Question · lines 1-")
    assert front[2:4] == ["Two sum (coding)", "Problem line 0: given nums and target."]
    revealed = session_frame(screen(ANSWER, tall), 80, 24).text.split("\n")
    assert revealed[1] == "Two sum (coding)"
    assert revealed[2] == "Problem line 0: given nums and target."
    assert any(line.startswith("… the question goes on for") for line in revealed)
    assert any(line.startswith("── Answer") for line in revealed)


def test_interview_reference_starts_at_the_top_and_scrolls() -> None:
    view = InterviewScreen(SHORT_REF, card(), 1, 2, 10.0, 30.0)
    lines = interview_frame(view, 80, 24).text.split("\n")
    assert lines[1] == "Why scale by sqrt(d)?"
    assert lines[2].startswith("── Reference: short answer · lines 1-")
    assert lines[3] == "Answer line 0."
    scrolled = InterviewScreen(SHORT_REF, card(), 1, 2, 10.0, 30.0, scroll=50)
    assert "Answer line 25." in interview_frame(scrolled, 80, 24).text


def test_painter_rewrites_only_changed_lines_and_never_clears() -> None:
    written: list[str] = []
    painter = Painter(written.append, 80)
    first = session_frame(screen(ANSWER, card()), 80, 24, Look())
    assert painter.paint(first) == 24
    later = session_frame(
        Screen(ANSWER, card(), 3, 17, 66.0, LABELS, "", None, 0, counts=(2, 1, 12)), 80, 24
    )
    assert painter.paint(later) == 1  # the clock's line only
    assert "1:06" in written[-1] and "Answer line" not in written[-1]
    assert painter.paint(later) == 0
    assert not any("\x1b[2J" in w or "\x1b[H\x1b[J" in w for w in written)


def test_dumb_terminal_is_reprinted_only_when_more_than_the_clock_changes() -> None:
    written: list[str] = []
    painter = Painter(written.append, 80, dumb=True)
    first = session_frame(screen(FRONT, card()), 80, 24)
    ticked = session_frame(
        Screen(FRONT, card(), 3, 17, 99.0, {}, "", None, 0, counts=(2, 1, 12)), 80, 24
    )
    key = "\n".join(line.plain for line in first.lines[1:])
    assert painter.paint(first, key) == 24
    assert painter.paint(ticked, "\n".join(line.plain for line in ticked.lines[1:])) == 0
    assert len(written) == 1 and "\x1b[" not in written[0]
