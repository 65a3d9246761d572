"""A few seconds of ``benchmarks/fuzz.py``: each target, a small fixed-seed run, no failure.

The long run is ``python benchmarks/fuzz.py --minutes 10``. The minimal inputs it found are
pinned here so they stay fixed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
fuzz = importlib.import_module("fuzz")
sys.path.remove(str(BENCHMARKS))


@pytest.mark.parametrize("name", [target.name for target in fuzz.TARGETS])
def test_a_short_fixed_seed_run_finds_nothing(name: str):
    target = next(t for t in fuzz.TARGETS if t.name == name)
    tally = fuzz.Tally()
    report = fuzz.run_round(target, tally, examples=30, seed=20251101)
    assert report is None
    assert tally.examples >= 30


def test_the_script_prints_examples_and_failures(capsys):
    assert fuzz.main(["--minutes", "0.01", "--round", "3", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"fuzzed for 0\.\d minutes: \d+ examples, 0 failures\n", out)
    for target in fuzz.TARGETS:
        assert re.search(rf"^  {target.name} +\d+ examples +\d+ runs +0 failures$", out, re.M)


# What the long runs found (all fixed): pinned so they stay fixed.

FOUND_LEDGER_LINES = [
    # replay crashed on an unhashable card id
    b'{"card":[],"day":"0001-01-01","":0,"":"","":"","kind":"import","note":"","path":"",'
    b'"":0,"ts":"","":0}',
    # an id-less line got a new random id on every read, so undo could never name it
    b'{"card":"","day":"0002-01-01","":0,"":"--00000122","":0,"kind":"review","note":"",'
    b'"path":"","rating":1,"":0,"ts":"","":1}',
    # stability without difficulty tripped an assertion in replay
    b'{"card":"c1","day":"2000-01-01","kind":"review","note":"c1","path":"notes/x.md",'
    b'"rating":1,"stability":1.0,"ts":"2000-01-01T00:00:00Z","due":"2000-01-02"}',
]


@pytest.mark.parametrize("raw", FOUND_LEDGER_LINES)
def test_found_ledger_lines(raw: bytes):
    fuzz.check_ledger_bytes(raw + b"\n")


@pytest.mark.parametrize(
    "text",
    [
        "---\n _: [null, y]\n---\n",  # keys indented: a new key at the margin broke the YAML
        "---\n{a: 1}\n---\n",
        "---\nnull\n---\n",
    ],
)
def test_found_frontmatter_a_review_could_not_update_is_now_broken(text: str):
    day = dt.date(2000, 1, 1)
    updates = {"last_reviewed": day, "next_review": day, "review_count": 0, "mastery_level": 0.0}
    fuzz.check_update(text, updates, strict=True)


def test_found_duplicate_quoted_key_is_no_longer_a_clean_note():
    """PyYAML kept the last of two ``last_reviewed`` keys; a review's edit then failed."""
    text = "---\nlast_reviewed:\n- null\n- x\n'last_reviewed': null\n---\n"
    day = dt.date(2000, 1, 1)
    updates = {"last_reviewed": day, "next_review": day, "review_count": 0, "mastery_level": 0.0}
    fuzz.check_update(text, updates, strict=True)
