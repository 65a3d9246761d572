"""The review ledger: append, read, torn lines, duplicates, newer schemas, garbage; replay."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from studycards.errors import LedgerError
from studycards.scheduling.events import Event, live_events, utc_stamp
from studycards.scheduling.history import replay
from studycards.scheduling.ledger import TORN_NAME, Ledger


def event(kind: str = "review", card: str = "sc_a", day: str = "2025-11-01", **fields) -> Event:
    base: dict = {"ts": f"{day}T08:00:00Z", "path": f"notes/{card}.md", "note": card}
    if kind == "review":
        base.update(rating=3, due="2025-11-05", stability=4.0, difficulty=5.0, interval=4)
    base.update(fields)
    return Event(kind=kind, card=card, day=day, **base)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / ".studycards" / "reviews.jsonl")


def test_a_missing_ledger_reads_as_empty(ledger):
    read = ledger.read()
    assert read.events == () and read.notices == () and read.torn_tail == b""


def test_append_then_read_round_trips(ledger):
    events = [event(), event("manual", due="2025-12-01", reason="next_review edited by hand")]
    ledger.append(events)
    ledger.append([])
    assert ledger.read().events == tuple(events)
    lines = ledger.path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    assert json.loads(lines[0])["v"] == 1
    assert "prev" not in json.loads(lines[0])  # None fields are not written


def test_event_json_keeps_unicode_and_sorts_keys():
    line = event(path="notes/注意力.md").to_json()
    assert "注意力" in line
    assert list(json.loads(line)) == sorted(json.loads(line))


def test_utc_stamp():
    zone = dt.timezone(dt.timedelta(hours=8))
    assert (
        utc_stamp(dt.datetime(2025, 11, 1, 9, 30, 15, 999, tzinfo=zone)) == "2025-11-01T01:30:15Z"
    )


# ---------------------------------------------------------------------------------------------
# damaged ledgers: each problem is one clear notice, and nothing is lost


def test_a_torn_last_line_is_reported_once_ignored_and_set_aside_by_the_next_append(ledger):
    first, second = event(card="sc_a"), event(card="sc_b")
    ledger.append([first, second])
    torn = second.to_json().encode()[:37]
    with open(ledger.path, "ab") as handle:
        handle.write(torn)
    before = ledger.path.read_bytes()

    read = ledger.read()
    assert read.events == (first, second)
    assert read.torn_tail == torn
    assert len(read.notices) == 1
    assert read.notices[0] == (
        f"{ledger.path}: last line is incomplete (torn by a crash?): ignored; "
        f"the next write moves it to {TORN_NAME}"
    )
    assert ledger.path.read_bytes() == before  # reading never writes

    third = event(card="sc_c")
    ledger.append([third])
    assert (ledger.path.parent / TORN_NAME).read_bytes() == torn + b"\n"
    after = ledger.read()
    assert after.events == (first, second, third)
    assert after.notices == ()
    assert ledger.path.read_bytes() == before[: -len(torn)] + third.to_json().encode() + b"\n"


def test_a_ledger_that_is_only_a_torn_line(ledger):
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_bytes(b'{"card":"sc_a","da')
    assert ledger.read().events == ()
    assert len(ledger.read().notices) == 1
    review = event()
    ledger.append([review])
    assert ledger.read() == type(ledger.read())((review,))
    assert (ledger.path.parent / TORN_NAME).read_bytes() == b'{"card":"sc_a","da\n'


def test_a_complete_last_line_without_a_newline_is_kept(ledger):
    """A hand edit or merge may drop the final newline; the event is whole and still counts."""
    first, second, third = event(card="sc_a"), event(card="sc_b"), event(card="sc_c")
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_text(first.to_json() + "\n" + second.to_json(), encoding="utf-8")
    read = ledger.read()
    assert read.events == (first, second)
    assert read.notices == ()
    ledger.append([third])
    assert ledger.read().events == (first, second, third)
    assert not (ledger.path.parent / TORN_NAME).exists()


def test_the_same_event_twice_counts_once(ledger):
    review = event()
    ledger.append([review, review, event(card="sc_b")])
    read = ledger.read()
    assert [e.card for e in read.events] == ["sc_a", "sc_b"]
    assert read.notices == (f"{ledger.path}:2: duplicate of event {review.id}: ignored",)
    assert replay(read.events)["sc_a"].reviews == 1


def test_a_newer_schema_version_is_skipped_with_a_notice_naming_the_line(ledger):
    future = json.loads(event(card="sc_future").to_json()) | {"v": 99, "shiny": [1, 2]}
    ledger.append([event()])
    with open(ledger.path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(future) + "\n")
    ledger.append([event(card="sc_b")])
    read = ledger.read()
    assert [e.card for e in read.events] == ["sc_a", "sc_b"]
    assert read.notices == (
        f"{ledger.path}:2: schema version 99 is newer than this studycards (1): ignored; "
        "upgrade studycards",
    )


GARBAGE = [
    (b"this is not json", "not a JSON event"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b"\xff\xfe\x00garbage", "not a JSON event"),
    (b'{"kind": "review"}', "bad event ("),
    (b'{"kind":"teleport","card":"c","note":"c","path":"p","day":"2025-11-01","ts":"t"}', "bad event (unknown kind 'teleport')"),
    (b'{"kind":"review","card":"c","note":"c","path":"p","day":"2025-11-01","ts":"t","rating":7}', "bad event (rating must be 1-4, got 7)"),
    (b'{"kind":"manual","card":"c","note":"c","path":"p","day":"yesterday","ts":"t"}', "bad event (Invalid isoformat string"),
    (b'{"kind":"manual","card":"c","note":"c","path":"p","day":"2025-11-01","ts":"t","due":"soon"}', "bad event (Invalid isoformat string"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), GARBAGE)
def test_garbage_lines_are_skipped_with_a_clear_notice_and_kept_in_the_file(ledger, line, message):
    ledger.append([event()])
    with open(ledger.path, "ab") as handle:
        handle.write(line + b"\n\n")
    ledger.append([event(card="sc_b")])
    read = ledger.read()
    assert [e.card for e in read.events] == ["sc_a", "sc_b"]
    assert len(read.notices) == 1
    assert read.notices[0].startswith(f"{ledger.path}:2: {message}")
    assert read.notices[0].endswith(": ignored")
    assert line + b"\n" in ledger.path.read_bytes()  # nothing is lost


def test_unknown_fields_of_the_current_version_are_ignored(ledger):
    data = json.loads(event().to_json()) | {"from_the_future": True}
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    assert ledger.read().events == (event(id=data["id"]),)


def test_an_unreadable_ledger_is_a_ledger_error(ledger):
    ledger.path.mkdir(parents=True)
    with pytest.raises(LedgerError, match="cannot read the ledger"):
        ledger.read()


# ---------------------------------------------------------------------------------------------
# undo and replay


def test_live_events_leave_out_undos_and_what_they_undo():
    a, b = event(card="sc_a"), event(card="sc_b")
    undo = event("undo", card="sc_b", undoes=[b.id])
    assert live_events([a, b, undo]) == [a]


def test_replay_builds_each_cards_state_in_time_order():
    early = event(day="2025-11-01", stability=3.0, difficulty=6.0, due="2025-11-04", rating=1)
    late = event(day="2025-11-04", stability=9.0, difficulty=5.5, due="2025-11-13")
    moved = event("manual", day="2025-11-05", due="2025-11-20", reason="next_review edited by hand")
    other = event(card="sc_b")
    cards = replay([moved, late, other, early])  # file order differs from time order
    history = cards["sc_a"]
    assert history.reviews == 2 and history.lapses == 1
    assert history.state is not None
    assert (history.state.stability, history.state.difficulty) == (9.0, 5.5)
    assert history.state.last_review == dt.date(2025, 11, 4)
    assert history.due == dt.date(2025, 11, 20)
    assert history.last == moved
    assert set(cards) == {"sc_a", "sc_b"}


def test_replay_of_an_import_gives_the_imported_state():
    imported = event("import", stability=7.0, difficulty=6.0, due="2025-11-10")
    history = replay([imported])["sc_a"]
    assert history.state is not None and history.state.stability == 7.0
    assert history.reviews == 0 and history.due == dt.date(2025, 11, 10)


def test_undone_reviews_do_not_count_in_replay():
    first = event(day="2025-11-01", due="2025-11-03")
    second = event(day="2025-11-03", due="2025-11-10", stability=8.0)
    undo = event("undo", day="2025-11-03", undoes=[second.id])
    history = replay([first, second, undo])["sc_a"]
    assert history.reviews == 1 and history.due == dt.date(2025, 11, 3)
    assert history.state is not None and history.state.stability == 4.0
