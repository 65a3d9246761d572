"""Every command's --json: one top-level object with its command and schema version, in the shape
docs/json.md documents (generated from studycards.cli._schemas, checked here against real output)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studycards.cli._schemas import INTERACTIVE, SCHEMAS, validate

REPO = Path(__file__).resolve().parents[1]

# Each documented command, run as a person would on a copy of the bundled vault, in an order
# where each has something to report (grade before undo, today before sync).
RUNS: list[tuple[str, list[str]]] = [
    ("list", ["list"]),
    ("list", ["list", "--due", "--topic", "attention"]),
    ("show", ["show", "RoPE旋转"]),
    ("check", ["check"]),
    ("due", ["due"]),
    ("due", ["due", "--until", "2099-01-01"]),
    ("grade", ["grade", "RoPE旋转", "good"]),
    ("undo", ["undo"]),
    ("grade", ["grade", "RoPE旋转", "hard"]),
    ("reschedule", ["reschedule", "--dry-run"]),
    ("mv", ["mv", "RoPE旋转", "notes/Transformer/RoPE.md"]),
    ("new", ["new", "What is ALiBi", "--topic", "Transformer"]),
    ("fix", ["fix", "--dry-run"]),
    ("tags", ["tags"]),
    ("topics", ["topics"]),
    ("outline", ["outline"]),
    ("outline", ["outline", "Inference outline"]),
    ("stats", ["stats"]),
    ("optimize", ["optimize", "--dry-run"]),
    ("today", ["today"]),
    ("sync", ["sync"]),
    ("export anki", ["export", "anki", "{tmp}/prep.apkg"]),
    ("export csv", ["export", "csv", "{tmp}/prep.csv"]),
    ("link", ["link", "--dry-run"]),
    ("search", ["search", "KV cache"]),
    ("doctor", ["doctor"]),
    ("demo list", ["demo", "list"]),
    ("demo explain", ["demo", "explain", "rope"]),
    ("demo run", ["demo", "run", "scaled-dot-product"]),
    ("import anki", ["import", "anki", "{tmp}/prep.apkg"]),
    ("init", ["init", "--sample", "{tmp}/sample"]),
]


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "vault"
    for part in ("notes", "outlines"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "studycards.yaml", root / "studycards.yaml")
    monkeypatch.setenv("STUDYCARDS_VAULT", str(root))
    return root


def test_every_command_prints_its_documented_shape(bundled, cli, tmp_path):
    seen = set()
    for command, args in RUNS:
        args = [a.replace("{tmp}", str(tmp_path)) for a in args]
        result = cli(*args, "--json")
        assert result.exit_code == 0, (args, result.output)
        data = json.loads(result.stdout)
        assert data["command"] == command and data["schema"] == SCHEMAS[command].version
        payload = {k: v for k, v in data.items() if k not in ("command", "schema")}
        assert validate(payload, SCHEMAS[command].shape) == [], (args, payload)
        seen.add(command)
    assert seen == set(SCHEMAS)


def test_one_vocabulary_across_commands(bundled, cli):
    listed = json.loads(cli("list", "--json").stdout)["notes"]
    queued = json.loads(cli("due", "--all", "--json").stdout)["study"]
    found = json.loads(cli("search", "RoPE", "--json").stdout)["results"]
    assert {"path", "topic", "due"} <= set(listed[0]) & set(queued[0])
    assert "path" in found[0] and "rel" not in found[0]
    by_path = {row["path"]: row["due"] for row in listed}
    assert all(by_path[item["path"]] == item["due"] for item in queued)
    topics = json.loads(cli("topics", "--json").stdout)["topics"]
    assert {row["topic"] for row in topics} == {row["topic"] for row in listed}


def test_the_validator_catches_what_differs():
    shape = SCHEMAS["list"].shape
    assert validate({"today": "2026-01-01", "total": 0, "notes": []}, shape) == []
    assert validate({"today": "soon", "total": 0, "notes": []}, shape)
    assert validate({"today": "2026-01-01", "total": 0}, shape)
    assert validate({"today": "2026-01-01", "total": 0, "notes": [], "extra": 1}, shape)
    assert validate({"today": "2026-01-01", "total": True, "notes": []}, shape)


def test_docs_json_md_is_generated_from_the_shapes():
    generated = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_json_docs.py"), "--stdout"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (REPO / "docs" / "json.md").read_text(encoding="utf-8") == generated
    for name in SCHEMAS:
        assert f"## `{name}`" in generated
    for name in INTERACTIVE:
        assert f"`{name}`" in generated
