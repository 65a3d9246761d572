"""The authoring commands end to end: new, edit, fix, tags, topics, outline."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from studycards.notes.summary import parse_summary

TODAY_TEXT = "2025-11-01"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _editor(tmp_path: Path, name: str, body: str) -> Path:
    """A small executable 'editor' written in Python; it gets the note path as its last argument."""
    script = tmp_path / name
    script.write_text(f"#!{sys.executable}\nimport sys\npath = sys.argv[-1]\n{body}\n", "utf-8")
    script.chmod(0o755)
    return script


APPEND = "open(path, 'a', encoding='utf-8').write('\\nextra line\\n')"
BREAK_YAML = (
    "text = open(path, encoding='utf-8').read()\n"
    "open(path, 'w', encoding='utf-8').write(text.replace('review_count: 0', 'review_count: [', 1))"
)


# ---------------------------------------------------------------------------------------------
# new


def test_new_creates_the_note_and_prints_its_path(make_vault, use_vault, today, cli):
    root = use_vault(make_vault({}))
    result = cli("new", "多头注意力的作用", "--topic", "Attention", "--difficulty", "hard")
    assert result.exit_code == 0, result.stderr
    path = root / "notes" / "Attention" / "多头注意力的作用.md"
    assert result.stdout == f"{path}\n"
    summary = parse_summary(path.read_text("utf-8"), "notes/Attention/多头注意力的作用.md")
    assert (summary.difficulty, summary.created.isoformat()) == ("hard", TODAY_TEXT)
    assert "## 面试标准答案" in path.read_text("utf-8")
    check = cli("check")
    assert check.exit_code == 0
    assert "0 errors" in check.stderr


def test_new_english_template(make_vault, use_vault, today, cli):
    root = use_vault(make_vault({}))
    result = cli("new", "Why scale by sqrt(d)?", "-t", "Attention", "--lang", "en")
    assert result.exit_code == 0
    text = (root / "notes/Attention/Why scale by sqrt(d).md").read_text("utf-8")
    assert "# Why scale by sqrt(d)?\n\n## Short answer\n" in text


def test_new_never_overwrites(make_vault, use_vault, today, cli):
    root = use_vault(make_vault({"notes/T/x.md": "# mine\n"}))
    result = cli("new", "x", "--topic", "T")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: notes/T/x.md: a note with this name already exists; not overwritten\n"
    )
    assert (root / "notes/T/x.md").read_text("utf-8") == "# mine\n"


@pytest.mark.parametrize("title", ["../x", "a/../../b", "/tmp/abs", "CON"])
def test_new_paths_never_leave_the_vault(make_vault, use_vault, today, cli, title):
    root = use_vault(make_vault({}))
    result = cli("new", title, "--topic", "../../up")
    assert result.exit_code == 0, result.stderr
    created = Path(result.stdout.strip())
    assert (root / "notes").resolve() in created.resolve().parents
    assert created.parent == root / "notes" / "up"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "error: the title is empty\n"),
        ("bad\x07bell", "error: the title contains a control character (U+0007): refused\n"),
        ("..", "error: the title '..' leaves no usable file name\n"),
    ],
)
def test_new_refuses_bad_titles(make_vault, use_vault, today, cli, title, message):
    root = use_vault(make_vault({}))
    result = cli("new", title, "--topic", "T")
    assert (result.exit_code, result.stderr) == (2, message)
    assert not (root / "notes" / "T").exists()


def test_new_needs_a_topic(make_vault, use_vault, cli):
    use_vault(make_vault({}))
    result = cli("new", "x")
    assert result.exit_code == 2
    assert "--topic" in result.stderr


def test_new_edit_opens_the_editor_then_checks(
    make_vault, use_vault, today, cli, tmp_path, monkeypatch
):
    root = use_vault(make_vault({}))
    monkeypatch.setenv("EDITOR", str(_editor(tmp_path, "ed.py", APPEND)))
    monkeypatch.delenv("VISUAL", raising=False)
    result = cli("new", "t", "--topic", "T", "--edit")
    assert result.exit_code == 0
    assert (root / "notes/T/t.md").read_text("utf-8").endswith("\nextra line\n")
    assert "notes/T/t.md: 0 errors" in result.stderr


# ---------------------------------------------------------------------------------------------
# edit


def test_edit_runs_editor_with_arguments_and_checks(vault_env, cli, tmp_path, monkeypatch):
    script = _editor(tmp_path, "my editor.py", f"assert sys.argv[1] == '--flag'\n{APPEND}")
    monkeypatch.setenv("VISUAL", f"'{script}' --flag")
    monkeypatch.setenv("EDITOR", "false")
    result = cli("edit", "two_sum")
    assert result.exit_code == 0, result.stderr
    assert (vault_env / "notes/Coding/two_sum.md").read_text("utf-8").endswith("\nextra line\n")
    assert result.stderr.startswith("notes/Coding/two_sum.md: 0 errors")


def test_edit_reports_yaml_the_editor_broke(make_vault, use_vault, cli, tmp_path, monkeypatch):
    root = use_vault(make_vault({}))
    cli("new", "t", "--topic", "T")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(_editor(tmp_path, "break.py", BREAK_YAML)))
    result = cli("edit", "notes/T/t.md")
    assert result.exit_code == 1
    assert result.stdout.startswith("notes/T/t.md:")
    assert ": bad YAML: " in result.stdout
    assert result.stderr == "notes/T/t.md: 1 errors, 0 warnings\n"
    assert "review_count: [" in (root / "notes/T/t.md").read_text("utf-8")


def test_edit_warns_when_the_editor_fails(vault_env, cli, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    result = cli("edit", "two_sum")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: the editor exited with status 1\n")


def test_edit_with_a_missing_editor(vault_env, cli, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-here --wait")
    result = cli("edit", "two_sum")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: cannot run the editor 'no-such-editor-here': No such file or directory "
        "(set $VISUAL or $EDITOR)\n"
    )


def test_edit_unknown_note(vault_env, cli):
    result = cli("edit", "no such note")
    assert result.exit_code == 1
    assert result.stderr == "error: no note matches 'no such note' (try 'studycards list')\n"


# ---------------------------------------------------------------------------------------------
# fix

GOOD = """---
created: '2025-10-01'
last_reviewed: null
next_review: '2025-10-19'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- T
- T/a.md
related_outlines: []
---
# A
"""

MESSY = {
    "notes/T/a.md": GOOD.replace("'2025-10-19'", "20251019").replace("medium", "Medium"),
    "notes/T/b.md": GOOD.replace("created: '2025-10-01'\n", ""),
    "notes/T/bad.md": GOOD.replace("'2025-10-19'", "2025-13-45"),
    "notes/T/good.md": GOOD.replace("T/a.md", "T/good.md"),
    "notes/T/yaml.md": "---\ntags: [a\n---\n# y\n",
}


def test_fix_dry_run_writes_nothing_and_shows_the_changes(make_vault, use_vault, today, cli):
    root = use_vault(make_vault(MESSY))
    before = _snapshot(root)
    result = cli("fix", "--dry-run")
    assert _snapshot(root) == before
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "notes/T/a.md:4: next_review: 20251019 -> '2025-10-19'",
        "notes/T/a.md:6: difficulty: Medium -> medium",
    ]
    assert lines[2] == f"notes/T/b.md:11: + created: '{TODAY_TEXT}'"
    assert lines[3:5] == [
        "cannot fix:",
        "  notes/T/bad.md:4: next_review: not a real date: '2025-13-45'",
    ]
    assert lines[5].startswith("  notes/T/yaml.md:3: bad YAML: while parsing a flow sequence")
    assert len(lines) == 6
    assert result.stderr == (
        "5 notes checked: 2 would change, 2 problems left (dry run: nothing written)\n"
    )
    assert result.exit_code == 1


def test_fix_writes_only_the_touched_lines(make_vault, use_vault, today, cli):
    root = use_vault(make_vault(MESSY))
    before = _snapshot(root)
    result = cli("fix")
    assert result.stderr == "5 notes checked: 2 changed, 2 problems left\n"
    after = _snapshot(root)
    changed = {rel for rel in before if before[rel] != after[rel]}
    assert changed == {"notes/T/a.md", "notes/T/b.md"}
    assert after["notes/T/a.md"] == before["notes/T/a.md"].replace(
        b"20251019", b"'2025-10-19'"
    ).replace(b"Medium", b"medium")
    assert after["notes/T/b.md"] == before["notes/T/b.md"].replace(
        b"related_outlines: []\n", f"related_outlines: []\ncreated: '{TODAY_TEXT}'\n".encode()
    )
    again = cli("fix")
    assert again.stdout.splitlines()[0] == "cannot fix:"


def test_fix_adds_a_whole_block_on_one_line(make_vault, use_vault, today, cli):
    use_vault(make_vault({"notes/T/plain.md": "# Plain\n"}))
    result = cli("fix")
    assert result.exit_code == 0
    assert result.stdout == (
        f"notes/T/plain.md: + frontmatter: created: '{TODAY_TEXT}', last_reviewed: null, "
        f"next_review: '{TODAY_TEXT}', review_count: 0, difficulty: medium, mastery_level: 0.0, "
        "tags: [T, T/plain.md], related_outlines: []\n"
    )


def test_fix_json(make_vault, use_vault, today, cli):
    use_vault(make_vault(MESSY))
    result = cli("fix", "--dry-run", "--json")
    data = json.loads(result.stdout)
    assert data["dry_run"] is True
    assert [n["path"] for n in data["changed"]] == ["notes/T/a.md", "notes/T/b.md"]
    assert data["changed"][0]["changes"][0] == {
        "key": "next_review",
        "line": 4,
        "before": "20251019",
        "after": "'2025-10-19'",
    }
    assert [p["path"] for p in data["problems"]] == ["notes/T/bad.md", "notes/T/yaml.md"]


# ---------------------------------------------------------------------------------------------
# tags and topics


def _note(tags: str, due: str, mastery: float, reviews: int) -> str:
    return (
        f"---\nnext_review: '{due}'\nmastery_level: {mastery}\nreview_count: {reviews}\n"
        f"tags: [{tags}]\n---\n# x\n"
    )


SMALL = {
    "notes/A/1.md": _note("A, A/1.md, rnn", "2025-10-01", 0.2, 1),
    "notes/A/2.md": _note("A, A/2.md", "2025-11-01", 0.4, 2),
    "notes/A/3.md": _note("A, A/3.md", "2025-12-01", 0.9, 3),
    "notes/B/4.md": _note("B, rnn", "2025-11-02", 0.0, 0),
    "notes/B/broken.md": "---\ntags: [\n---\n",
}


def test_topics_table(make_vault, use_vault, today, cli):
    use_vault(make_vault(SMALL))
    result = cli("topics")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Topic        ┃ Notes ┃ Due ┃ New ┃ Mastery",
        "━━━━━━━━━━━━━╇━━━━━━━╇━━━━━╇━━━━━╇━━━━━━━━",
        "A            │     3 │   2 │   0 │    0.50",
        "B            │     1 │   0 │   1 │    0.00",
        "2 topics, 4 notes",
    ]
    assert result.stderr.startswith("warning: notes/B/broken.md:")


def test_topics_and_tags_json(make_vault, use_vault, today, cli):
    use_vault(make_vault(SMALL))
    topics = json.loads(cli("topics", "--json").stdout)["topics"]
    assert topics == [
        {"topic": "A", "notes": 3, "due_count": 2, "new_count": 0, "mean_mastery": 0.5},
        {"topic": "B", "notes": 1, "due_count": 0, "new_count": 1, "mean_mastery": 0.0},
    ]
    tags = json.loads(cli("tags", "--json").stdout)["tags"]
    rows = [(t["tag"], t["notes"], t["due_count"], t["new_count"], t["mean_mastery"]) for t in tags]
    assert rows == [
        ("A", 3, 2, 0, 0.5),
        ("B", 1, 0, 1, 0.0),
        ("rnn", 2, 1, 1, 0.1),
    ]
    every = json.loads(cli("tags", "--all", "--json").stdout)["tags"]
    assert [t["tag"] for t in every] == ["A", "A/1.md", "A/2.md", "A/3.md", "B", "rnn"]


def test_tags_table(make_vault, use_vault, today, cli):
    use_vault(make_vault(SMALL))
    lines = cli("tags").stdout.splitlines()
    assert lines[2] == "A            │     3 │   2 │   0 │    0.50"
    assert lines[-1] == "3 tags, 4 notes"


# ---------------------------------------------------------------------------------------------
# outline

OUTLINE_FILES = {
    "notes/A/1.md": _note("A", "2025-10-01", 0.2, 1),
    "notes/A/2.md": _note("A", "2025-11-20", 0.6, 2),
    "outlines/plan.md": (
        "# Plan\n\n## Part one\n- [One](../notes/A/1.md)\n  - [Two](notes/A/2.md)\n"
        "- [Gone](../notes/A/gone.md)\n"
    ),
    "outlines/empty.md": "# Nothing yet\n",
}


def test_outline_lists_the_outlines(make_vault, use_vault, today, cli):
    use_vault(make_vault(OUTLINE_FILES))
    result = cli("outline")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Outline      ┃ Notes ┃ Missing ┃ Due ┃ Mastery",
        "━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━╇━━━━━╇━━━━━━━━",
        "Nothing yet  │     0 │       0 │   0 │       -",
        "Plan         │     2 │       1 │   1 │    0.40",
    ]


def test_outline_shows_the_tree_and_the_dead_link(make_vault, use_vault, today, cli):
    use_vault(make_vault(OUTLINE_FILES))
    result = cli("outline", "plan")
    assert result.exit_code == 0
    assert result.stdout == (
        "Plan  outlines/plan.md\n"
        "└── Part one\n"
        "    ├── One  mastery 0.20  2025-10-01 (31d late)\n"
        "    │   └── Two  mastery 0.60  2025-11-20\n"
        "    └── Gone  missing\n"
        "\n"
        "Missing notes (1):\n"
        "outlines/plan.md:6: ../notes/A/gone.md\n"
    )


def test_outline_json(make_vault, use_vault, today, cli):
    use_vault(make_vault(OUTLINE_FILES))
    [data] = json.loads(cli("outline", "Plan", "--json").stdout)["outlines"]
    assert (data["notes"], data["missing"], data["due_count"], data["mean_mastery"]) == (
        2,
        1,
        1,
        0.4,
    )
    assert [link["path"] for link in data["dead_links"]] == ["notes/A/gone.md"]
    one = data["items"][0]["children"][0]
    assert one["links"][0]["mastery_level"] == 0.2
    assert one["children"][0]["links"][0]["due"] == "2025-11-20"


def test_outline_unknown_name(make_vault, use_vault, cli):
    use_vault(make_vault(OUTLINE_FILES))
    result = cli("outline", "nope")
    assert result.exit_code == 1
    assert result.stderr == "error: no outline matches 'nope' (try 'studycards outline')\n"


def test_outline_without_outlines(make_vault, use_vault, cli):
    use_vault(make_vault({"notes/A/1.md": "# x\n"}))
    result = cli("outline")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no outlines in outlines/\n")


def test_outline_on_the_bundled_vault(cli, today, tmp_path):
    repo = Path(__file__).resolve().parent.parent
    if not (repo / "outlines").is_dir() or not (repo / "notes").is_dir():
        pytest.skip("the repository has no bundled vault")
    for folder in ("notes", "outlines"):
        shutil.copytree(repo / folder, tmp_path / "copy" / folder)
    listing = cli("--vault", str(tmp_path / "copy"), "outline", "--json")
    rows = json.loads(listing.stdout)["outlines"]
    assert rows and all(row["missing"] == 0 and row["notes"] > 0 for row in rows)
