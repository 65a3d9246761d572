"""Every kind of hostile input (``tests/_hostile.py``) under the commands a person runs first.

The long run over every command variant is ``python benchmarks/hostile.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _hostile import COMMANDS, HOSTILE, Report, kinds, run_kind

FIRST = [("list",), ("show", "{note}"), ("grade", "{note}", "good"), ("doctor",)]


def test_the_hostile_corpus_holds_the_findings():
    names = {kind.name for kind in kinds()}
    assert {p.name for p in HOSTILE.iterdir()} <= names
    for finding in ("symlink out of the vault", "fifo", "copied id", "lock symlink",
                    "ledger symlink", "state folder symlinked out", "1,100 nested folders"):  # fmt: skip
        assert finding in names
    assert len(names) >= 70
    assert all(command in COMMANDS for command in FIRST)


@pytest.mark.parametrize("kind", kinds(), ids=lambda kind: kind.name)
def test_no_kind_breaks_the_first_commands(kind, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    report = Report()
    run_kind(tmp_path / "k", kind, FIRST, report)
    assert sum(report.runs.values()) == len(FIRST)
    assert report.failures == {}, report.examples
