"""The cached ledger replay: the same states and day counts as a full replay, extended by
appended lines, and replayed afresh when the ledger was rewritten, undone or damaged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from synthetic_ledger import simulate_events, true_parameters

from studycards.scheduling.events import Event
from studycards.scheduling.history import day_counts, replay
from studycards.scheduling.ledger import Ledger
from studycards.scheduling.replay_cache import REPLAY_NAME, load_replay, replayed_from


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "reviews.jsonl", tmp_path / REPLAY_NAME


def _events(count: int = 40) -> list[Event]:
    return simulate_events(true_parameters(), cards=count, days=120, seed=3)


def _write(path: Path, events: list[Event], mode: str = "w") -> None:
    with path.open(mode, encoding="utf-8") as handle:
        handle.writelines(e.to_json() + "\n" for e in events)


def _expected(path: Path) -> tuple[dict, object, tuple]:
    read = Ledger(path).read()
    cards = replay(read.events)
    states = {c: h.state for c, h in cards.items() if h.state is not None}
    return states, day_counts(read.events), read.notices


def _got(path: Path, cache: Path, use_cache: bool = True) -> tuple[dict, object, tuple]:
    replayed = load_replay(path, cache, use_cache)
    states = {c: replayed.state(c) for c in replayed.memory}
    return states, replayed.days, tuple(replayed.notices)


def _undo(target: Event) -> Event:
    return Event(
        kind="undo", card=target.card, note=target.note, path=target.path, day=target.day,
        ts=target.ts, undoes=[target.id],
    )  # fmt: skip


def test_a_full_replay_gives_what_the_history_replay_gives(paths):
    ledger, cache = paths
    events = _events()
    out_of_order = dataclasses.replace(events[5], id="late-logged", ts="2024-01-01T00:00:00Z")
    _write(ledger, [*events, _undo(events[10]), out_of_order, events[3]])  # and a duplicate
    assert _got(ledger, cache, use_cache=False) == _expected(ledger)
    assert any("duplicate" in n for n in _got(ledger, cache)[2])


def test_appended_lines_extend_the_cached_replay(paths, monkeypatch):
    ledger, cache = paths
    events = _events()
    _write(ledger, events[:300])
    assert _got(ledger, cache) == _expected(ledger)
    assert cache.is_file()
    parsed = []
    real = __import__("studycards.scheduling.ledger", fromlist=["_parse_lines"])._parse_lines

    def counting(body, *args):
        parsed.append(body.count(b"\n"))
        return real(body, *args)

    monkeypatch.setattr("studycards.scheduling.ledger._parse_lines", counting)
    _write(ledger, [*events[300:], events[0]], mode="a")  # the repeat is a duplicate
    got = _got(ledger, cache)
    assert parsed == [len(events) - 300 + 1]  # only the new lines were parsed
    monkeypatch.undo()
    assert got == _expected(ledger)
    assert any(f"{ledger}:{len(events) + 1}: duplicate" in n for n in got[2])


def test_an_appended_undo_replays_afresh(paths):
    ledger, cache = paths
    events = _events()
    _write(ledger, events)
    _got(ledger, cache)
    _write(ledger, [_undo(events[-1]), _undo(events[2])], mode="a")
    assert _got(ledger, cache) == _expected(ledger)


def test_an_event_undone_before_it_was_appended_stays_undone(paths):
    ledger, cache = paths
    events = _events()
    last = events[-1]
    _write(ledger, [*events[:-1], _undo(last)])  # a merge can put the undo first
    _got(ledger, cache)
    _write(ledger, [last], mode="a")
    assert _got(ledger, cache) == _expected(ledger)
    assert _got(ledger, cache)[0].get(last.card) != replayed_from([last]).state(last.card)


def test_a_rewritten_ledger_is_replayed_afresh(paths):
    ledger, cache = paths
    events = _events()
    _write(ledger, events)
    _got(ledger, cache)
    later = dataclasses.replace(events[0], id="changed", stability=99.0, ts="2030-01-01T00:00:00Z")
    _write(ledger, [later, *events[1:]], mode="w")  # longer, but not an append
    assert _got(ledger, cache) == _expected(ledger)
    assert _got(ledger, cache)[0][later.card].stability == 99.0


def test_a_torn_last_line_is_read_as_the_ledger_reads_it(paths):
    ledger, cache = paths
    events = _events()
    _write(ledger, events)
    _got(ledger, cache)
    with ledger.open("ab") as handle:
        handle.write(events[0].to_json().encode()[:30])
    assert _got(ledger, cache) == _expected(ledger)
    assert any("incomplete" in n for n in _got(ledger, cache)[2])


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xe9\x03\x00\x00\x00", None])
def test_a_damaged_cache_means_a_full_replay(paths, damage):
    ledger, cache = paths
    events = _events()
    _write(ledger, events)
    _got(ledger, cache)
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2] if damage is None else damage)
    assert _got(ledger, cache) == _expected(ledger)


def test_no_ledger_is_an_empty_replay(paths):
    ledger, cache = paths
    replayed = load_replay(ledger, cache)
    assert replayed.memory == {} and replayed.days.on(dt.date(2025, 1, 1)) == (0, 0)
    assert not cache.exists()
