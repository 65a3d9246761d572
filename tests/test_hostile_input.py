"""Input that was accepted and then hung or crashed: each finding with its exact input."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEQ2SEQ, TWO_SUM, invoke


def run(vault: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100")
    env.pop("STUDYCARDS_VAULT", None)
    command = [sys.executable, "-m", "studycards", "--vault", str(vault), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------
# settings


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "parameters: [" + ", ".join(["0.5"] * 20) + "]",
            "parameters: expected 17, 19 or 21 FSRS weights, got 20",
        ),
        (
            "parameters: [" + ", ".join(["0.5"] * 20 + [".nan"]) + "]",
            "parameters: weight 20 is nan: each must be a number from 0 to 100",
        ),
        (
            "parameters: [" + ", ".join(["1.0e+308"] * 21) + "]",
            "parameters: weight 0 is 1e+308: each must be a number from 0 to 100",
        ),
        (
            "maximum_interval: 1000000000",
            "maximum_interval: expected a whole number from 1 to 36,500, got 1000000000",
        ),
        (
            "desired_retention: .nan",
            "desired_retention: expected a number between 0 and 1, got nan",
        ),
        (
            "sections:\n  short_answer: ['^(a+)+$']",
            "sections: pattern '^(a+)+$' for short_answer repeats a repeated group (like (a+)+): "
            "it can take hours on one heading; write it without the nesting",
        ),
    ],
    ids=[
        "20-parameters",
        "nan-parameter",
        "huge-parameters",
        "huge-interval",
        "nan-retention",
        "backtracking-pattern",
    ],  # fmt: skip
)
def test_a_bad_setting_is_one_line_naming_the_file(make_vault, use_vault, setting, message):
    root = use_vault(make_vault(config=f"notes_dir: notes\n{setting}\n"))
    for args in (("list",), ("show", "two_sum"), ("grade", TWO_SUM, "good"), ("check",)):
        result = invoke(*args)
        no_traceback(result)
        assert result.exit_code == 1
        assert result.stderr == f"error: {root / 'studycards.yaml'}: {message}\n"


@pytest.mark.parametrize("count", [17, 19, 21])
def test_each_engine_generation_of_weights_is_accepted(make_vault, use_vault, count):
    from fsrs_rs_python import DEFAULT_PARAMETERS

    weights = ", ".join(str(w) for w in list(DEFAULT_PARAMETERS)[:count])
    use_vault(make_vault(config=f"notes_dir: notes\nparameters: [{weights}]\n"))
    result = invoke("grade", TWO_SUM, "good")
    assert result.exit_code == 0, result.stderr


def test_ordinary_heading_patterns_are_accepted(make_vault, use_vault):
    config = (
        "notes_dir: notes\nsections:\n  short_answer: ['^(?:一、)?速答.*', '^\\d+\\. Answer']\n"
    )
    use_vault(make_vault(config=config))
    assert invoke("list").exit_code == 0


# ---------------------------------------------------------------------------------------------
# the ledger: extreme numbers


EXTREME = {
    "stability": 1e308,
    "difficulty": -5.0,
    "duration": 1e300,
    "elapsed_days": 10**18,
    "interval": 10**18,
    "due": "9999-12-31",
    "day": "0001-01-01",
}


@pytest.mark.parametrize("field", sorted(EXTREME))
def test_extreme_ledger_values_are_skipped_with_a_notice(make_vault, use_vault, field):
    root = use_vault(make_vault())
    assert invoke("grade", SEQ2SEQ, "good").exit_code == 0
    ledger = root / ".studycards" / "reviews.jsonl"
    event = json.loads(ledger.read_text(encoding="utf-8").splitlines()[-1])
    event.update(id="extreme", **{field: EXTREME[field]})
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(event) + "\n")
    for args in (("stats",), ("stats", "--json"), ("due",), ("list",), ("doctor",)):
        result = invoke(*args)
        no_traceback(result)
        assert result.exit_code in (0, 1), (args, result.stderr)
    notice = invoke("doctor").stdout
    assert f"reviews.jsonl:2: warning: bad event ({field} must" in notice


# ---------------------------------------------------------------------------------------------
# the vault's shape


def test_a_thousand_nested_folders_are_walked(make_vault, use_vault):
    root = use_vault(make_vault())
    start = os.getcwd()
    try:
        os.mkdir(root / "notes" / "Deep")
        os.chdir(root / "notes" / "Deep")
        for _ in range(1_100):  # one level at a time: pathlib's mkdir recurses per level
            os.mkdir("d")
            os.chdir("d")
        Path("bottom.md").write_text("# Bottom\n\n## Short answer\n\nFound.\n", encoding="utf-8")
        os.chdir(start)
        listed = invoke("list", "--json")
        no_traceback(listed)
        paths = [row["path"] for row in json.loads(listed.stdout)["notes"]]
        assert any(p.endswith("/d/bottom.md") for p in paths)
        for args in (("check",), ("search", "Found"), ("doctor",), ("due",), ("outline",)):
            no_traceback(invoke(*args))
    finally:
        os.chdir(start)
        _remove_deep(root / "notes" / "Deep")


def _remove_deep(top: Path) -> None:
    """shutil.rmtree recurses per level too: pytest's clean-up would fail on this tree."""
    if not top.is_dir():
        return
    start = os.getcwd()
    os.chdir(top)
    try:
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(start)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE notes SET summary = x'00ff00' WHERE rel = ?",
        "UPDATE notes SET size = 'many', mtime_ns = NULL WHERE rel = ?",
        "UPDATE notes SET summary = NULL WHERE rel = ?",
        "INSERT INTO notes VALUES (NULL, NULL, NULL, ?)",
    ],
    ids=["garbage-blob", "wrong-columns", "null-blob", "null-row"],
)
def test_a_corrupt_index_row_never_breaks_a_command(make_vault, use_vault, damage):
    root = use_vault(make_vault())
    assert invoke("list").exit_code == 0
    index = root / ".studycards" / "index.sqlite"
    with sqlite3.connect(index) as connection:
        connection.execute(damage, (SEQ2SEQ,))
    for args in (("list",), ("due",), ("show", "two_sum"), ("search", "attention"), ("tags",),
                 ("stats",), ("check",), ("doctor",), ("grade", TWO_SUM, "good")):  # fmt: skip
        result = invoke(*args)
        no_traceback(result)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
    listed = json.loads(invoke("list", "--json").stdout)["notes"]
    assert SEQ2SEQ in {row["path"] for row in listed}


def test_a_row_with_an_impossible_date_is_parsed_again(make_vault, use_vault):
    import marshal

    root = use_vault(make_vault())
    assert invoke("list").exit_code == 0
    index = root / ".studycards" / "index.sqlite"
    with sqlite3.connect(index) as connection:
        (blob,) = connection.execute(
            "SELECT summary FROM notes WHERE rel = ?", (SEQ2SEQ,)
        ).fetchone()
        row = list(marshal.loads(blob))
        row[5] = 10**12  # an ordinal no date has
        connection.execute(
            "UPDATE notes SET summary = ? WHERE rel = ?", (marshal.dumps(tuple(row)), SEQ2SEQ)
        )
    for args in (("list",), ("doctor",), ("doctor", "--repair")):
        result = invoke(*args)
        no_traceback(result)
        assert result.exit_code == 0, (args, result.stdout)


# ---------------------------------------------------------------------------------------------
# max_note_bytes, demo blocks, CR-only line ends


@pytest.mark.parametrize(
    "args", [("grade", "notes/big.md", "good"), ("mv", "notes/big.md", "notes/bigger.md")]
)
def test_grade_and_mv_honour_max_note_bytes(make_vault, use_vault, args):
    big = "---\ncreated: '2025-10-19'\n---\n# Big\n\n## Short answer\n\n" + "x" * 5_000 + "\n"
    root = use_vault(
        make_vault({"notes/big.md": big}, config="notes_dir: notes\nmax_note_bytes: 1000\n")
    )
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: notes/big.md: too large (0.0 MB, limit 0.0 MB): left unchanged\n"
    )
    assert (root / "notes" / "big.md").read_text(encoding="utf-8") == big


def test_show_runs_at_most_ten_demo_blocks_and_counts_the_rest(make_vault, use_vault):
    block = "```studycards-demo\nname: scaled-dot-product\nseq_len: 2\nd_model: 2\n```\n\n"
    body = "## Short answer\n\nDemos below.\n\n## Deep dive\n\n" + block * 300
    use_vault(make_vault({"notes/T/demos.md": "# Many demos\n\n" + body}))
    result = invoke("show", "demos")
    assert result.exit_code == 0, result.stderr
    assert "290 more demo blocks (at most 10 run per note)" in result.stdout
    assert result.stdout.count("demo: scaled-dot-product") == 10


MAC = (
    "---\rcreated: '2025-10-19'\rnext_review: '2025-10-19'\rreview_count: 0\rdifficulty: medium\r"
    "---\r# Old Mac note\r\r## Short answer\r\rYes.\r"
)


def test_a_cr_only_note_is_read_as_lines_and_keeps_its_line_ends(make_vault, use_vault):
    root = use_vault(make_vault({"notes/T/mac.md": MAC.encode()}))
    listed = json.loads(invoke("list", "--json").stdout)["notes"]
    (row,) = [r for r in listed if r["path"] == "notes/T/mac.md"]
    assert (row["title"], row["difficulty"]) == ("Old Mac note", "medium")
    assert invoke("grade", "notes/T/mac.md", "good").exit_code == 0
    raw = (root / "notes" / "T" / "mac.md").read_bytes()
    assert b"\n" not in raw and raw.count(b"---\r") == 2
    assert b"review_count: 1\r" in raw and raw.endswith(b"Yes.\r")
    assert invoke("undo").exit_code == 0
    assert (root / "notes" / "T" / "mac.md").read_bytes() == MAC.encode()
    assert invoke("fix").exit_code in (0, 1)
    fixed = (root / "notes" / "T" / "mac.md").read_bytes()
    assert b"\n" not in fixed and fixed.count(b"---\r") == 2


@pytest.mark.parametrize("damage", ["fifo", "garbage"])
def test_a_damaged_cached_policy_is_solved_again(make_vault, damage):
    root = make_vault(config="notes_dir: notes\nmaximum_interval: 300\n")
    assert run(root, "grade", TWO_SUM, "good").returncode == 0
    (policy,) = (root / ".studycards").glob("policy-*.npz")
    policy.unlink()
    if damage == "fifo":
        os.mkfifo(policy)
    else:
        policy.write_bytes(b"PK\x03\x04 not really a zip archive")
    result = run(root, "grade", SEQ2SEQ, "good", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
