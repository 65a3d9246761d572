"""``benchmarks/bench_scale.py`` on a tiny generated vault: the report's shape, never its times."""

from __future__ import annotations

import importlib
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPT = BENCHMARKS / "bench_scale.py"
COMMANDS = "version,due,search-cjk,link-first,link,grade"
EXPECTED_ROWS = [
    ("--version", "-", "-"),
    ("grade NOTE good", "bundled", "cold"),
    ("grade NOTE good", "bundled", "warm"),
    ("due --json", "30", "cold"),
    ("due --json", "30", "warm"),
    ("search 投机解码", "30", "cold"),
    ("search 投机解码", "30", "warm"),
    ("link (first run)", "30", "first"),
    ("link (nothing changed)", "30", "cold"),
    ("link (nothing changed)", "30", "warm"),
    ("grade NOTE good", "30", "cold"),
    ("grade NOTE good", "30", "warm"),
]


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("bench_scale")
    finally:
        sys.path.remove(str(BENCHMARKS))


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    json_file = folder / "out.json"
    done = run_script(
        "--sizes", "30", "--repeat", "1", "--vaults", str(folder), "--commands", COMMANDS,
        "--markdown", "--json-file", str(json_file), "--keep", "--timeout", "300",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder, done, json.loads(json_file.read_text(encoding="utf-8"))


def table(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_markdown_table_has_every_row_with_figures(tiny_run):
    _, done, _ = tiny_run
    rows = table(done.stdout)
    assert rows[0] == [
        "command", "notes", "state", "CPU s", "wall s", "peak MB", "floor s", "x floor", "goal",
        "result",
    ]  # fmt: skip
    body = rows[1:]
    assert [tuple(r[:3]) for r in body] == EXPECTED_ROWS
    for row in body:
        cpu, wall, peak, floor, ratio = (float(x) for x in row[3:8])
        assert cpu > 0 and wall > 0 and peak > 0 and floor > 0 and ratio > 0
    # the goals are quoted where they apply: --version against the floor, grade on the sample
    assert body[0][8:] == ["<= 1.6x", "pass" if float(body[0][7]) <= 1.6 else "miss"]
    assert body[2][8] == "<= 3x" and body[2][9] in {"pass", "miss"}
    assert all(r[8:] == ["-", "-"] for r in body[3:])  # no goal is set at 30 notes


def test_header_names_load_command_and_floors(tiny_run):
    _, done, _ = tiny_run
    head = done.stdout.split("\n\n")[0]
    assert re.search(
        r"load average at start [\d.]+ [\d.]+ [\d.]+, at end [\d.]+ [\d.]+ [\d.]+", head
    )
    assert f"--commands {COMMANDS}" in head
    assert re.search(r"`import typer` \d\.\d{3} s, `pass` \d\.\d{3} s CPU", head)
    assert "load average at start" in done.stderr and "load average at end" in done.stderr


def test_json_matches_the_table(tiny_run):
    _, done, data = tiny_run
    rows = data["rows"]
    assert [(r["command"], str(r["size"]), r["state"]) for r in rows] == EXPECTED_ROWS
    for r in rows:
        assert r["status"] == "ok" and len(r["runs"]) == 1
        assert r["floor_typer_runs"] and r["floor_pass_runs"]
        assert r["cpu"] == r["runs"][0]["cpu"] and r["rss_mb"] > 0
        assert r["floor_typer"] == r["floor_typer_runs"][0]
        assert r["ratio"] == pytest.approx(r["cpu"] / r["floor_typer"])
    assert rows[3]["notes"] == 30 and rows[1]["notes"] > 0
    assert rows[-1]["args"][0] == "grade" and rows[-1]["args"][1].startswith("notes/")
    assert len(data["load_start"]) == 3 and len(data["load_end"]) == 3


def test_vault_is_generated_once_and_grades_land_in_the_copy(tiny_run):
    folder, _, _ = tiny_run
    vault = folder / "v30"
    assert len(list((vault / "notes").rglob("*.md"))) == 30
    assert not (vault / ".studycards" / "reviews.jsonl").exists()  # writes go to the copy
    ledger = (folder / "v30-work" / ".studycards" / "reviews.jsonl").read_text(encoding="utf-8")
    events = [json.loads(line) for line in ledger.splitlines()]
    assert sum(e.get("kind") == "review" for e in events) == 3  # cold, warm-up, warm
    again = run_script(
        "--sizes", "30", "--repeat", "1", "--vaults", str(folder), "--commands", "due",
        "--states", "warm", "--no-bundled",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"reusing {vault}" in again.stderr
    assert [tuple(r[:3]) for r in table_text(again.stdout)] == [("due --json", "30", "warm")]


def table_text(text: str) -> list[list[str]]:
    lines = text.split("\n\n")[1].splitlines()[1:]
    return [re.split(r"\s{2,}", line) for line in lines]


def test_a_command_over_the_timeout_is_skipped_with_a_line(tiny_run):
    folder, _, _ = tiny_run
    done = run_script(
        "--sizes", "30", "--repeat", "1", "--vaults", str(folder), "--commands", "due,stats",
        "--states", "warm", "--no-bundled", "--timeout", "0.001", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "skip: due --json warm at 30 notes: exceeded --timeout 0.001 s" in done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [(r["key"], r["status"]) for r in rows] == [("due", "skipped"), ("stats", "skipped")]
    assert "cpu" not in rows[0]


def test_bad_options_are_refused_in_one_line():
    done = run_script("--sizes", "1k,ten")
    assert done.returncode == 2 and "not a number of notes: 'ten'" in done.stderr
    done = run_script("--commands", "due,dance")
    assert done.returncode == 2 and "unknown: dance" in done.stderr


def test_growth_exponent_is_the_least_squares_slope(bench):
    assert bench.fit_exponent([1000, 10000, 50000], [2.0, 20.0, 100.0]) == pytest.approx(1.0)
    assert bench.fit_exponent([1000, 10000], [1.0, 100.0]) == pytest.approx(2.0)
    # three points off a line: the slope through their means, (1 + 0.5) / 2 here
    assert bench.fit_exponent([1, 10, 100], [1.0, 10.0, math.sqrt(10) * 10]) == pytest.approx(0.75)
    n_log_n = bench.n_log_n_exponent([1000, 10000, 50000])
    assert 1.0 < n_log_n < 1.2
    with pytest.raises(ValueError):
        bench.fit_exponent([10, 10], [1.0, 2.0])


def test_growth_rows_give_links_an_n_log_n_goal(bench):
    options = bench.parse_args(["--sizes", "1k,10k"])
    fake = bench.Bench(options, runner=None, log=lambda line: None)
    link = next(c for c in bench.commands("q", "c") if c.key == "link")
    for size, cpu in ((1000, 1.0), (10000, 30.0)):
        row = bench.Row(link, "warm", size, size, runs=[bench.Run(cpu, cpu, 50.0)])
        row.floor_typer, row.floor_pass = [0.1], [0.02]
        fake.rows.append(row)
    (entry,) = bench.growth(fake)
    assert entry["exponent"] == pytest.approx(math.log10(30), abs=1e-3)
    assert entry["result"] == "miss" and entry["goal"].startswith("<= 1.")


def test_cold_deletes_caches_but_keeps_the_ledger(bench, tmp_path):
    state = tmp_path / ".studycards"
    (state / "cachedir").mkdir(parents=True)
    keep = ["reviews.jsonl", "reviews-before-reset-20260101T000000.jsonl", "imported.json",
            ".gitignore", "extra.keep"]  # fmt: skip
    for name in [*keep, "index.sqlite", "text.sqlite", "activity.json", "policy-ab.npz"]:
        (state / name).write_text("x", encoding="utf-8")
    (state / ".gitignore").write_text("*\n!.gitignore\n!reviews.jsonl\n!extra.keep\n")
    bench.drop_caches(tmp_path)
    assert sorted(p.name for p in state.iterdir()) == sorted(keep)


def test_a_failing_command_is_reported_not_fatal(bench):
    class Broken:
        def floor(self, code):
            return 0.05

        def studycards(self, args, vault, ok_codes=(0,)):
            raise bench.Failed("exit 2: Error: no vault")

    options = bench.parse_args(["--sizes", "30", "--repeat", "1"])
    fake = bench.Bench(options, Broken(), log=lambda line: None)
    due = next(c for c in bench.commands("q", "c") if c.key == "due")
    row = fake.measure(bench.Row(due, "cold", 30, 30), ["due", "--json"], Path("."))
    assert (row.status, row.detail) == ("failed", "exit 2: Error: no vault")
    out = bench.report(
        fake, {**_meta(), "floor_import_typer_cpu": None, "floor_pass_cpu": None}, True
    )
    assert "| due --json | 30 | cold | failed | exit 2: Error: no vault |" in out
    assert out.rstrip().endswith("failed: due --json cold at 30 notes: exit 2: Error: no vault")


def _meta() -> dict:
    return {"date": "d", "cores": 2, "python_version": "3", "studycards": "s",
            "load_start": [0.0] * 3, "load_end": [0.0] * 3, "command": "c", "repeat": 1,
            "cold_repeat": 1, "stat": "best"}  # fmt: skip


def test_merge_reports_earlier_runs_together_with_their_growth(tiny_run, tmp_path):
    folder, _, data = tiny_run
    first = folder / "out.json"
    bigger = dict(data, command="a later run")
    bigger["rows"] = [
        dict(r, size=300, runs=[dict(x, cpu=x["cpu"] * 10) for x in r["runs"]])
        for r in data["rows"]
        if r["key"] == "due"
    ]
    second = tmp_path / "later.json"
    second.write_text(json.dumps(bigger), encoding="utf-8")
    done = run_script("--merge", str(first), str(second), "--markdown")
    assert done.returncode == 0, done.stderr
    assert "merged from 2 runs" in done.stdout and "command: `a later run`" in done.stdout
    rows = table(done.stdout)
    body = [tuple(r[:3]) for r in rows[1:] if len(r) == 10]
    assert body == EXPECTED_ROWS + [("due --json", "300", "cold"), ("due --json", "300", "warm")]
    growth = [r for r in rows if len(r) == 6 and r[0] == "due --json"]
    assert [(r[1], r[2], r[3]) for r in growth] == [
        ("cold", "30, 300", "1.00"),
        ("warm", "30, 300", "1.00"),
    ]


def test_merge_refuses_a_file_that_is_not_its_output(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"rows": [{"key": "due"}]}', encoding="utf-8")
    done = run_script("--merge", str(bad))
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"error: {bad}: not a bench_scale.py --json output")
