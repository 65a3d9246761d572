"""The review session as a state machine: keys in, screens out. No terminal here.

A :class:`Session` holds the queue of cards for this sitting and reacts to one key at a time
(:meth:`Session.press`), returning the :class:`Screen` to draw. Everything that touches files goes
through a :class:`Backend`, so the machine is tested with a fake one and driven for real by the
terminal loop in ``studycards.cli.review`` with :class:`studycards.review.session_backend.VaultBackend`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from studycards.errors import StudycardsError
from studycards.review.pane import SCROLL_KEYS, Scroll
from studycards.scheduling.schedule import Rating

FRONT, ANSWER, DETAIL, HELP, DONE = "front", "answer", "detail", "help", "done"
KEY_RATINGS = {"1": Rating.AGAIN, "2": Rating.HARD, "3": Rating.GOOD, "4": Rating.EASY}
HELP_TEXT = (
    ("space / enter", "reveal the 30-second answer"),
    ("d", "show the 2-3 minute answer and the deep dive"),
    ("j k ↓ ↑", "scroll the pane a line; PgDn / PgUp a page; g / G top / end"),
    ("n p tab", "next / previous section of the pane"),
    ("1 2 3 4", "grade Again / Hard / Good / Easy (each labelled with its next interval)"),
    ("u", "undo the last grade and go back to that card"),
    ("s", "skip: leave the card due, move on"),
    ("b", "bury until tomorrow"),
    ("e", "edit the note in $EDITOR, then reload it"),
    ("?", "this help"),
    ("q", "quit (every grade is already saved)"),
)


@dataclass(frozen=True)
class Card:
    """One thing to recall: a whole note, or one follow-up question of a note."""

    card_id: str
    note_rel: str
    title: str
    question: str
    answer: str
    detail: str
    topic: str = ""
    difficulty: str | None = None
    followup: bool = False
    loaded: bool = True  # False: only the title is known; the backend reloads it when shown
    is_new: bool = False  # never reviewed before this sitting
    learning: bool = False  # came back after "again" in this sitting
    due: dt.date | None = None  # its due day, when known (a later one makes an early review)


@dataclass(frozen=True)
class Graded:
    """What a backend reports after writing a grade."""

    card: Card
    rating: Rating
    interval: int
    due: dt.date
    event_id: str


class Backend(Protocol):
    """The session's access to the vault: previews, grades, undo, bury, reload."""

    def preview(self, card: Card) -> dict[Rating, int]: ...

    def grade(self, card: Card, rating: Rating, seconds: float) -> Graded: ...

    def undo(self, graded: Graded) -> None: ...

    def bury(self, card: Card) -> None: ...

    def reload(self, card: Card) -> Card: ...

    def due_tomorrow(self) -> int: ...

    def left_today(self) -> int: ...

    def streak(self) -> int: ...


@dataclass(frozen=True)
class Screen:
    """Everything the renderer needs to draw one frame."""

    phase: str
    card: Card | None
    position: int
    total: int
    elapsed: float
    labels: dict[Rating, int] = field(default_factory=dict)
    message: str = ""
    timed: float | None = None
    scroll: int = 0
    summary: Summary | None = None
    counts: tuple[int, int, int] = (0, 0, 0)  # new, learning, review cards left (this one too)


@dataclass(frozen=True)
class Summary:
    """The end screen's numbers."""

    reviewed: int
    seconds: float
    again: int
    streak: int
    due_tomorrow: int
    left_today: int = 0
    skipped: int = 0
    buried: int = 0

    @property
    def again_rate(self) -> float:
        return self.again / self.reviewed if self.reviewed else 0.0


@dataclass
class Session:
    """A sitting of reviews over ``cards``; ``clock`` returns seconds (monotonic)."""

    cards: list[Card]
    backend: Backend
    clock: Callable[[], float]
    again_repeats: int = 2
    timed: float | None = None
    index: int = 0
    phase: str = FRONT
    message: str = ""
    view: Scroll = field(default_factory=Scroll)
    shown_at: float = 0.0
    started_at: float = 0.0
    history: list[Graded] = field(default_factory=list)
    graded_at: list[int] = field(default_factory=list)
    again_counts: dict[str, int] = field(default_factory=dict)
    _labels: dict[Rating, int] | None = None
    _previous_phase: str = FRONT
    skipped: int = 0
    buried: int = 0

    def __post_init__(self) -> None:
        self.started_at = self.shown_at = self.clock()
        if not self.cards:
            self.phase = DONE

    # -- reading ---------------------------------------------------------------------------

    @property
    def card(self) -> Card | None:
        if self.index >= len(self.cards):
            return None
        card = self.cards[self.index]
        if not card.loaded:
            card = self.cards[self.index] = _marked(self.backend.reload(card), card)
        return card

    def screen(self) -> Screen:
        card = self.card
        if self.phase == DONE or card is None:
            return Screen(DONE, None, self.index, len(self.cards), 0.0, summary=self.summary())
        labels = self._preview() if self.phase in (ANSWER, DETAIL) else {}
        elapsed = self.clock() - self.shown_at
        return Screen(
            self.phase,
            card,
            self.index + 1,
            len(self.cards),
            elapsed,
            labels,
            self.message,
            self.timed,
            self.view.offset,
            counts=self.counts(),
        )

    def counts(self) -> tuple[int, int, int]:
        """New, learning and review cards left in this sitting, the one on screen included."""
        left = self.cards[self.index :]
        learning = sum(1 for c in left if c.learning)
        new = sum(1 for c in left if c.is_new and not c.learning)
        return new, learning, len(left) - new - learning

    def summary(self) -> Summary:
        reviewed = len(self.history)
        again = sum(1 for g in self.history if g.rating == Rating.AGAIN)
        seconds = self.clock() - self.started_at
        backend = self.backend
        return Summary(
            reviewed,
            seconds,
            again,
            backend.streak(),
            backend.due_tomorrow(),
            backend.left_today(),
            self.skipped,
            self.buried,
        )

    def prefetch(self) -> None:
        """Work out the card's intervals ahead of its reveal (called while the screen waits)."""
        if self.phase == FRONT and self.card is not None:
            try:
                self._preview()
            except StudycardsError:
                self._labels = None  # the reveal will try again and say what went wrong

    def _preview(self) -> dict[Rating, int]:
        if self._labels is None and self.card is not None:
            self._labels = self.backend.preview(self.card)
        return self._labels or {}

    # -- keys ------------------------------------------------------------------------------

    def press(self, key: str) -> Screen:
        """React to one key and return the screen to draw."""
        self.message = ""
        handler = self._handlers().get(key)
        if self.phase == HELP:
            self.phase = self._previous_phase
        elif self.phase == DONE:
            pass
        elif key in SCROLL_KEYS:
            self.view.press(key)
        elif handler is not None:
            try:
                handler(key)
            except StudycardsError as error:
                self.message = f"not saved: {error}"
        return self.screen()

    def _handlers(self) -> dict[str, Callable[[str], None]]:
        handlers: dict[str, Callable[[str], None]] = {
            " ": self._reveal,
            "enter": self._reveal,
            "\r": self._reveal,
            "\n": self._reveal,
            "d": self._detail,
            "u": self._undo,
            "s": self._skip,
            "b": self._bury,
            "?": self._help,
            "q": self._quit,
        }
        for key in KEY_RATINGS:
            handlers[key] = self._grade
        return handlers

    def _reveal(self, _key: str) -> None:
        if self.phase == FRONT:
            self.phase = ANSWER
            self.view.reset()

    def _detail(self, _key: str) -> None:
        if self.phase != DETAIL:
            self.phase = DETAIL
            self.view.reset()

    def _help(self, _key: str) -> None:
        self._previous_phase, self.phase = self.phase, HELP

    def _quit(self, _key: str) -> None:
        self.phase = DONE

    def _grade(self, key: str) -> None:
        card = self.card
        if card is None or self.phase == FRONT:
            self.message = "reveal the answer first (space)"
            return
        rating = KEY_RATINGS[key]
        graded = self.backend.grade(card, rating, self.clock() - self.shown_at)
        self.history.append(graded)
        self.graded_at.append(self.index)
        if rating == Rating.AGAIN:
            self._requeue(card)
        self.message = f"{card.title}: {rating.name.lower()}, next in {graded.interval}d"
        self._advance()

    def _requeue(self, card: Card) -> None:
        """An again-card comes back later in this sitting, at most ``again_repeats`` times."""
        seen = self.again_counts.get(card.card_id, 0)
        if seen >= self.again_repeats:
            return
        self.again_counts[card.card_id] = seen + 1
        position = min(len(self.cards), self.index + 4)
        self.cards.insert(position, replace(card, learning=True))

    def _undo(self, _key: str) -> None:
        if not self.history:
            self.message = "nothing to undo in this session"
            return
        graded = self.history[-1]
        self.backend.undo(graded)  # when it is refused, the session stays as it was
        self.history.pop()
        self._drop_requeued(graded)
        self.index = self.graded_at.pop()
        self.phase = FRONT
        self._reset_card_state()
        self.message = f"undid {graded.rating.name.lower()} on {graded.card.title}"

    def _drop_requeued(self, graded: Graded) -> None:
        if graded.rating != Rating.AGAIN:
            return
        card_id = graded.card.card_id
        self.again_counts[card_id] = max(0, self.again_counts.get(card_id, 0) - 1)
        for position in range(len(self.cards) - 1, self.graded_at[-1], -1):
            if self.cards[position].card_id == card_id:
                del self.cards[position]
                return

    def _skip(self, _key: str) -> None:
        card = self.card
        if card is None:
            return
        self.message = f"skipped {card.title}: still due"
        self.skipped += 1
        self._remove_current()

    def _bury(self, _key: str) -> None:
        card = self.card
        if card is None:
            return
        self.backend.bury(card)
        self.message = f"buried {card.title} until tomorrow"
        self.buried += 1
        self._remove_current()

    def _remove_current(self) -> None:
        del self.cards[self.index]
        self.phase = FRONT
        self._reset_card_state()
        if self.index >= len(self.cards):
            self.phase = DONE

    def _advance(self) -> None:
        self.index += 1
        self.phase = FRONT if self.index < len(self.cards) else DONE
        self._reset_card_state()

    def _reset_card_state(self) -> None:
        self._labels = None
        self.view.reset()
        self.shown_at = self.clock()

    def edit_reloaded(self) -> None:
        """After the note was edited outside: reload the card's text from disk."""
        card = self.card
        if card is None:
            return
        fresh = self.backend.reload(card)
        self.cards = [_marked(fresh, c) if c.card_id == card.card_id else c for c in self.cards]
        self._labels = None
        self.message = f"reloaded {fresh.title}"

    def notify(self, message: str) -> None:
        """Show ``message`` on the next frame (e.g. why the editor did not start)."""
        self.message = message


def _marked(fresh: Card, old: Card) -> Card:
    """A reloaded card keeps what the sitting knows about it (new, learning, due day)."""
    return replace(fresh, is_new=old.is_new, learning=old.learning, due=old.due)
