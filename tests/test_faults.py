"""kill -9 during each writing command: no review lost or logged twice, no note corrupted.

A short run of the fault injection in ``tests/_faults.py``: a few kills per command, aimed at
its writes (the long run is ``python benchmarks/faults.py``, 200 kills per command). Then the
interruptions those runs found, made exact: a ``sync`` stopped between logging a ticked box and
unticking it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from _faults import SCENARIOS, run_scenario

from studycards.notes.vault import open_vault
from studycards.progress import sync
from studycards.progress.checklist import CHECKLIST_NAME, sync_checklist
from studycards.scheduling.writes import ledger_of

KILLS = 4


@pytest.mark.slow
@pytest.mark.parametrize("command", list(SCENARIOS))
def test_kill_9_during_a_command_loses_and_corrupts_nothing(command: str, tmp_path: Path) -> None:
    scenario = SCENARIOS[command](tmp_path / "vault", seed=3)
    tally = run_scenario(scenario, KILLS, random.Random(command))
    print(f"\n{command}: {tally.kills} kills, {dict(tally.outcomes)}")
    assert tally.failures == []
    assert tally.kills >= KILLS
    assert tally.outcomes["mid-write"] + tally.outcomes["after writes"] >= 1


NOTE = "notes/Coding/two_sum.md"
NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


def reviews_of(root: Path, rel: str) -> int:
    events = ledger_of(open_vault(root)).read().events
    return sum(1 for e in events if e.kind == "review" and e.path == rel)


def tick(root: Path) -> Path:
    path = root / CHECKLIST_NAME
    path.write_text(f"# Reviews\n\n- [x] [Two Sum]({NOTE}) (hard)\n", encoding="utf-8")
    return path


def test_sync_stopped_before_marking_done_logs_the_box_once(make_vault, monkeypatch) -> None:
    root = make_vault()
    path = tick(root)

    def killed(*_args) -> None:
        raise Killed

    monkeypatch.setattr(sync, "_save_done", killed)
    with pytest.raises(Killed):
        sync_checklist(open_vault(root), NOW)
    assert reviews_of(root, NOTE) == 1 and "[x]" in path.read_text(encoding="utf-8")
    monkeypatch.undo()
    result = sync_checklist(open_vault(root), NOW)
    assert [(s.rel, s.rating.name) for s in result.logged] == [(NOTE, "HARD")]
    assert reviews_of(root, NOTE) == 1
    assert path.read_text(encoding="utf-8") == f"# Reviews\n\n- [✓] [Two Sum]({NOTE}) (hard)\n"


def test_the_same_box_ticked_again_after_a_sync_is_a_new_review(make_vault) -> None:
    root = make_vault()
    path = tick(root)
    sync_checklist(open_vault(root), NOW)
    ticked_again = tick(root)  # the same bytes as the first time, saved later
    stamp = path.stat().st_mtime_ns
    os.utime(ticked_again, ns=(stamp + 10**9, stamp + 10**9))
    sync_checklist(open_vault(root), NOW + dt.timedelta(minutes=5))
    assert reviews_of(root, NOTE) == 2
