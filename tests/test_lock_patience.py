"""The session's lock patience: a busy lock is retried for a while instead of failing at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from studycards.errors import VaultLocked
from studycards.lock import patience, vault_lock


def hold_for(state_dir: Path, seconds: float) -> threading.Thread:
    taken = threading.Event()

    def holder() -> None:
        with vault_lock(state_dir):
            taken.set()
            time.sleep(seconds)

    thread = threading.Thread(target=holder)
    thread.start()
    taken.wait(5)
    return thread


def test_without_patience_a_busy_lock_fails_at_once(tmp_path: Path) -> None:
    thread = hold_for(tmp_path, 0.5)
    start = time.monotonic()
    with pytest.raises(VaultLocked), vault_lock(tmp_path):
        pass
    assert time.monotonic() - start < 0.4
    thread.join()


def test_with_patience_the_lock_is_taken_once_free(tmp_path: Path) -> None:
    thread = hold_for(tmp_path, 0.3)
    with patience(5.0), vault_lock(tmp_path):
        acquired = True
    assert acquired
    thread.join()


def test_patience_runs_out(tmp_path: Path) -> None:
    thread = hold_for(tmp_path, 1.0)
    with pytest.raises(VaultLocked), patience(0.2), vault_lock(tmp_path):
        pass
    thread.join()
