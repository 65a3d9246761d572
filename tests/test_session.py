"""The review session and mock interview state machines, driven without any terminal."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

from rich.console import Console

from studycards.errors import StudycardsError
from studycards.render.session import interval_label, screen_view
from studycards.review.interview import FINISHED, LONG, LONG_REF, SHORT, SHORT_REF, Interview
from studycards.review.session import ANSWER, DETAIL, DONE, FRONT, HELP, Card, Graded, Session
from studycards.scheduling.schedule import Rating

TODAY = dt.date(2026, 11, 24)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeBackend:
    """Records what the session asks for; intervals grow with the rating."""

    def __init__(self) -> None:
        self.grades: list[tuple[str, Rating, float]] = []
        self.undone: list[str] = []
        self.buried: list[str] = []
        self.reloaded: list[str] = []
        self.previews = 0

    def preview(self, card: Card) -> dict[Rating, int]:
        self.previews += 1
        return {Rating.AGAIN: 1, Rating.HARD: 3, Rating.GOOD: 12, Rating.EASY: 30}

    def grade(self, card: Card, rating: Rating, seconds: float) -> Graded:
        self.grades.append((card.card_id, rating, seconds))
        days = self.preview(card)[rating]
        return Graded(card, rating, days, TODAY + dt.timedelta(days=days), f"ev{len(self.grades)}")

    def undo(self, graded: Graded) -> None:
        self.undone.append(graded.event_id)

    def bury(self, card: Card) -> None:
        self.buried.append(card.card_id)

    def reload(self, card: Card) -> Card:
        self.reloaded.append(card.card_id)
        return Card(card.card_id, card.note_rel, card.title + " (edited)", card.question, "new", "")

    def due_tomorrow(self) -> int:
        return 7

    def left_today(self) -> int:
        return 4

    def streak(self) -> int:
        return 3


def cards(count: int) -> list[Card]:
    return [
        Card(
            f"c{i}", f"notes/T/n{i}.md", f"Note {i}", f"Question {i}?", f"Answer {i}", f"Detail {i}"
        )
        for i in range(count)
    ]


def session(count: int = 3, **options) -> tuple[Session, FakeBackend, FakeClock]:
    backend, clock = FakeBackend(), FakeClock()
    return Session(cards(count), backend, clock, **options), backend, clock


def test_reveal_then_grade_moves_on_and_reports_interval() -> None:
    s, backend, clock = session()
    assert s.screen().phase == FRONT and s.screen().position == 1
    assert s.screen().labels == {}  # no intervals before reveal
    clock.now += 12
    screen = s.press(" ")
    assert screen.phase == ANSWER
    assert screen.labels[Rating.GOOD] == 12
    screen = s.press("3")
    assert backend.grades == [("c0", Rating.GOOD, 12.0)]
    assert screen.phase == FRONT and screen.position == 2
    assert screen.message == "Note 0: good, next in 12d"


def test_grade_before_reveal_is_refused() -> None:
    s, backend, _ = session()
    screen = s.press("3")
    assert backend.grades == []
    assert screen.message == "reveal the answer first (space)"
    assert screen.phase == FRONT


def test_enter_reveals_and_d_shows_details_with_scrolling() -> None:
    s, _, _ = session()
    assert s.press("enter").phase == ANSWER
    screen = s.press("d")
    assert screen.phase == DETAIL and screen.scroll == 0
    s.view.fit(total=40, page=11, sections=(0, 15, 30))  # what the renderer reports
    assert s.press("j").scroll == 1
    assert s.press("pgdn").scroll == 11
    assert s.press("k").scroll == 10
    assert s.press("n").scroll == 15
    assert s.press("tab").scroll == 29  # the last section starts past the last full page
    assert s.press("p").scroll == 15
    assert s.press("G").scroll == 29
    assert s.press("j").scroll == 29
    assert s.press("g").scroll == 0
    assert s.press("pgup").scroll == 0
    assert s.press("up").scroll == 0


def test_scroll_keys_work_on_a_tall_question_before_reveal() -> None:
    s, _, _ = session()
    s.view.fit(total=30, page=10)
    assert s.press("pgdn").scroll == 9 and s.phase == FRONT
    assert s.press(" ").scroll == 0  # the answer pane starts at its top


def test_counts_of_new_learning_and_review_cards_left() -> None:
    backend, clock = FakeBackend(), FakeClock()
    deck = [replace(c, is_new=i == 0) for i, c in enumerate(cards(3))]
    s = Session(deck, backend, clock)
    assert s.screen().counts == (1, 0, 2)
    s.press(" ")
    s.press("1")  # the new card comes back later as a learning card
    assert s.screen().counts == (0, 1, 2)


def test_undo_returns_to_the_graded_card() -> None:
    s, backend, _ = session()
    s.press(" ")
    s.press("4")
    s.press(" ")
    s.press("2")
    assert s.screen().position == 3
    screen = s.press("u")
    assert backend.undone == ["ev2"]
    assert screen.position == 2 and screen.phase == FRONT
    assert screen.card is not None and screen.card.card_id == "c1"
    assert screen.message == "undid hard on Note 1"
    s.press("u")
    assert backend.undone == ["ev2", "ev1"]
    assert s.screen().position == 1
    assert s.press("u").message == "nothing to undo in this session"


def test_a_refused_undo_leaves_the_grade_to_undo_later() -> None:
    s, backend, _ = session()
    s.press(" ")
    s.press("3")

    def refuse(graded: Graded) -> None:
        raise StudycardsError("reviewed again since")

    backend.undo = refuse  # type: ignore[method-assign]
    assert s.press("u").message == "not saved: reviewed again since"
    assert s.screen().position == 2
    del backend.undo
    screen = s.press("u")
    assert backend.undone == ["ev1"] and screen.position == 1


def test_again_cards_come_back_at_most_again_repeats_times() -> None:
    s, backend, _ = session(count=2, again_repeats=1)
    s.press(" ")
    s.press("1")  # c0 again: requeued once
    assert [c.card_id for c in s.cards] == ["c0", "c1", "c0"]
    s.press(" ")
    s.press("3")  # c1
    s.press(" ")
    s.press("1")  # c0 again a second time: not requeued any more
    assert s.screen().phase == DONE
    assert [g[0] for g in backend.grades] == ["c0", "c1", "c0"]


def test_undo_of_again_removes_the_requeued_copy() -> None:
    s, _, _ = session(count=2)
    s.press(" ")
    s.press("1")
    assert len(s.cards) == 3
    s.press("u")
    assert [c.card_id for c in s.cards] == ["c0", "c1"]
    assert s.index == 0


def test_skip_and_bury_remove_the_card_from_this_sitting() -> None:
    s, backend, _ = session()
    screen = s.press("s")
    assert screen.message == "skipped Note 0: still due"
    assert [c.card_id for c in s.cards] == ["c1", "c2"]
    screen = s.press("b")
    assert backend.buried == ["c1"]
    assert screen.message == "buried Note 1 until tomorrow"
    s.press("b")
    assert s.screen().phase == DONE


def test_help_shows_and_any_key_returns() -> None:
    s, _, _ = session()
    s.press(" ")
    assert s.press("?").phase == HELP
    assert s.press("x").phase == ANSWER


def test_quit_ends_with_summary() -> None:
    s, _, clock = session()
    s.press(" ")
    s.press("1")
    s.press(" ")
    s.press("3")
    clock.now += 65
    screen = s.press("q")
    assert screen.phase == DONE
    summary = screen.summary
    assert summary is not None
    assert (summary.reviewed, summary.again, summary.streak, summary.due_tomorrow) == (2, 1, 3, 7)
    assert summary.again_rate == 0.5
    assert summary.seconds == 65


def test_edit_reload_replaces_the_card() -> None:
    s, backend, _ = session()
    s.edit_reloaded()
    assert backend.reloaded == ["c0"]
    assert s.screen().card.title == "Note 0 (edited)"


def test_empty_queue_is_done_at_once() -> None:
    s, _, _ = session(count=0)
    assert s.screen().phase == DONE


def test_timed_screen_counts_down_and_reports_overrun() -> None:
    s, _, clock = session(timed=30.0)
    clock.now += 10
    assert "20s left" in render(s.screen())
    clock.now += 25
    assert "over by 5s" in render(s.screen())
    s.press(" ")
    assert "overran by 5s" in render(s.screen())


def render(screen) -> str:
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(screen_view(screen, height=30, width=80))
    return out.getvalue()


def test_answer_screen_labels_each_grade_with_its_interval() -> None:
    s, _, _ = session()
    text = render(s.press(" "))
    assert "1 Again · 1d" in text and "3 Good · 12d" in text and "4 Easy · 30d" in text
    assert "Answer 0" in text


def test_interval_labels() -> None:
    assert [interval_label(d) for d in (1, 59, 91, 400)] == ["1d", "59d", "3.0mo", "1.1y"]


def test_interview_countdown_reveals_and_logs_grades() -> None:
    backend, clock = FakeBackend(), FakeClock()
    iv = Interview(cards(2), backend, clock, short_limit=5, long_limit=20)
    assert iv.screen().phase == SHORT
    clock.now += 6
    screen = iv.screen()
    assert screen.phase == SHORT_REF and screen.message == "time is up"
    assert iv.press("l").phase == LONG
    clock.now += 8
    assert iv.press(" ").phase == LONG_REF
    iv.press("3")
    assert backend.grades == [("c0", Rating.GOOD, 13.0)]
    clock.now += 2
    iv.press(" ")
    iv.press("1")
    assert iv.phase == FINISHED
    assert [(r.short_seconds, r.long_seconds, r.rating) for r in iv.results] == [
        (5, 8, Rating.GOOD),
        (2, None, Rating.AGAIN),
    ]


def test_a_failed_save_is_shown_and_the_card_stays() -> None:
    from studycards.errors import VaultLocked

    s, backend, _ = session()

    def locked(card, rating, seconds):
        raise VaultLocked("another studycards process (pid 42) is writing to this vault")

    backend.grade = locked
    s.press(" ")
    screen = s.press("3")
    assert (
        screen.message == "not saved: another studycards process (pid 42) is writing to this vault"
    )
    assert screen.position == 1 and screen.phase == ANSWER
    assert s.history == []


def test_prefetch_works_out_the_intervals_before_reveal_once() -> None:
    s, backend, _ = session()
    s.prefetch()
    assert backend.previews == 1 and s.screen().labels == {}
    assert s.press(" ").labels[Rating.GOOD] == 12
    s.prefetch()  # revealed: nothing more to do
    assert backend.previews == 1


def test_interview_reference_scrolls_and_each_question_starts_at_the_top() -> None:
    backend, clock = FakeBackend(), FakeClock()
    iv = Interview(cards(2), backend, clock, short_limit=30, long_limit=60)
    iv.press(" ")
    iv.view.fit(total=50, page=10, sections=(0, 20))
    assert iv.press("k").scroll == 0
    assert iv.press("pgdn").scroll == 9
    assert iv.press("up").scroll == 8
    assert iv.press("n").scroll == 20
    assert iv.press("G").scroll == 40
    iv.press("3")
    assert iv.screen().scroll == 0 and iv.screen().position == 2
