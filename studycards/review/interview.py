"""A mock interview: random questions against a countdown, then the reference and a self-grade.

Like :mod:`studycards.review.session`, a UI-free state machine driven by keys; grades go through the
same :class:`studycards.review.session.Backend` and are logged as reviews.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studycards.notes.catalog import NoteFilter, check_filter
from studycards.review.pane import SCROLL_KEYS, Scroll
from studycards.review.session import KEY_RATINGS, Backend, Card
from studycards.scheduling.schedule import Rating

if TYPE_CHECKING:
    from studycards.notes.vault import Vault

SHORT, SHORT_REF, LONG, LONG_REF, FINISHED = "short", "short_ref", "long", "long_ref", "finished"


@dataclass(frozen=True)
class Result:
    """One question's outcome: time taken on each part and the self-grade."""

    card: Card
    short_seconds: float
    long_seconds: float | None
    rating: Rating | None


@dataclass(frozen=True)
class InterviewScreen:
    phase: str
    card: Card | None
    position: int
    total: int
    elapsed: float
    limit: float
    message: str = ""
    scroll: int = 0


@dataclass
class Interview:
    cards: list[Card]
    backend: Backend
    clock: Callable[[], float]
    short_limit: float = 30.0
    long_limit: float = 150.0
    index: int = 0
    phase: str = SHORT
    results: list[Result] = field(default_factory=list)
    message: str = ""
    view: Scroll = field(default_factory=Scroll)
    _started: float = 0.0
    _short_taken: float = 0.0
    _long_taken: float | None = None

    def __post_init__(self) -> None:
        self._started = self.clock()
        if not self.cards:
            self.phase = FINISHED

    @property
    def finished(self) -> bool:
        return self.phase == FINISHED

    @property
    def card(self) -> Card | None:
        return self.cards[self.index] if self.index < len(self.cards) else None

    def _elapsed(self) -> float:
        return self.clock() - self._started

    def screen(self) -> InterviewScreen:
        """The current frame; a countdown that ran out reveals the reference by itself."""
        if self.phase in (SHORT, LONG) and self._elapsed() >= self._limit():
            self._reveal(timed_out=True)
            self.message = "time is up"
        limit = self._limit()
        return InterviewScreen(
            self.phase,
            self.card,
            self.index + 1,
            len(self.cards),
            self._elapsed(),
            limit,
            self.message,
            self.view.offset,
        )

    def _limit(self) -> float:
        return self.long_limit if self.phase in (LONG, LONG_REF) else self.short_limit

    def press(self, key: str) -> InterviewScreen:
        self.message = ""
        if key == "q":
            self.phase = FINISHED
        elif key in SCROLL_KEYS:
            self.view.press(key)
        elif key in (" ", "enter", "\r", "\n") and self.phase in (SHORT, LONG):
            self._reveal()
        elif key == "l" and self.phase == SHORT_REF and self.card and self.card.detail.strip():
            self.phase, self._started = LONG, self.clock()
            self.view.reset()
        elif key in KEY_RATINGS and self.phase in (SHORT_REF, LONG_REF):
            self._grade(KEY_RATINGS[key])
        return self.screen()

    def _reveal(self, timed_out: bool = False) -> None:
        taken = min(self._elapsed(), self._limit()) if timed_out else self._elapsed()
        if self.phase == SHORT:
            self._short_taken, self.phase = taken, SHORT_REF
        elif self.phase == LONG:
            self._long_taken, self.phase = taken, LONG_REF
        self.view.reset()

    def _grade(self, rating: Rating) -> None:
        card = self.card
        assert card is not None
        self.backend.grade(card, rating, self._short_taken + (self._long_taken or 0.0))
        self.results.append(Result(card, self._short_taken, self._long_taken, rating))
        self.index += 1
        self.phase = SHORT if self.index < len(self.cards) else FINISHED
        self._started, self._short_taken, self._long_taken = self.clock(), 0.0, None
        self.view.reset()


def pick_cards(vault: Vault, where: NoteFilter, count: int, rng: random.Random) -> list[Card]:
    """``count`` random questions from the kept notes, whole notes and follow-ups mixed.

    Follow-ups join the pool for notes that already have an id, so their card ids are stable.
    """
    from studycards.notes.vault import load_note, scan
    from studycards.review.session_backend import followup_card, note_card

    pool: list[Card] = []
    summaries = scan(vault).notes
    check_filter(where, summaries)
    for summary in summaries:
        if not where.keeps(summary, dt.date.min):
            continue
        note = load_note(vault, summary.rel)
        if note.summary.broken:
            continue
        pool.append(note_card(note))
        if summary.id:
            pool.extend(followup_card(note, f) for f in note.followups)
    rng.shuffle(pool)
    return pool[:count]
