"""``studycards-demo`` blocks inside notes: refused aliases, bounded messages, and ``check``
validating every block with the file line of its fence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studycards.demos import check_block, run_block
from studycards.errors import DemoError

REPO = Path(__file__).resolve().parents[1]

FRONTMATTER = (
    "---\ncreated: '2025-10-19'\nlast_reviewed: null\nnext_review: '2025-10-19'\n"
    "review_count: 0\ndifficulty: medium\nmastery_level: 0.0\ntags:\n- Attention\n"
    "related_outlines: []\n---\n"
)


def bomb(levels: int = 9) -> str:
    """A block whose nested aliases expand to 9**levels values ("billion laughs")."""
    lines = ["name: dot", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"seq_len: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def note(title: str, block: str) -> str:
    return (
        f"{FRONTMATTER}# {title}\n\n## 面试标准答案\n\n### 核心要点（30秒版本）\n"
        f"答案。\n\n```studycards-demo\n{block}```\n\n## 深度讲解\n\n更多。\n"
    )


def test_aliases_in_a_block_are_refused_with_their_line() -> None:
    with pytest.raises(DemoError) as caught:
        run_block(bomb())
    assert str(caught.value) == (
        "studycards-demo block may not use YAML anchors or aliases: anchor &a0 (line 2)"
    )
    assert check_block("name: dot\nseq_len: *x\n") is not None


def test_an_alias_without_anchor_is_refused_too() -> None:
    message = check_block("name: dot\nseq_len: *nowhere\n")
    assert message is not None and message.startswith("studycards-demo block")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "name: dot\nseq_len: " + "[" * 30 + "1" + "]" * 30 + "\n",
            "demo 'dot': seq_len must be an integer, got [[[...]]]",
        ),
        (
            "name: dot\nseq_len: [" + ", ".join(["12345"] * 5000) + "]\n",
            "demo 'dot': seq_len must be an integer, got [12345, 12345, 12345, 12345, ...]",
        ),
        (
            "name: dot\nseq_len: " + "y" * 5000 + "\n",
            "demo 'dot': seq_len must be an integer, got 'yyyyyyyyyyyyyyyyy...yyyyyyyyyyyyyyyyyy'",
        ),
        (
            "name: [" + ", ".join(["n"] * 5000) + "]\n",
            "studycards-demo block: name must be a string, got ['n', 'n', 'n', 'n', ...]",
        ),
        ("name: " + "z" * 5000 + "\n", "unknown demo 'zzzzzzzzzzzzzzzzz...zzzzzzzzzzzzzzzzzz'; "),
        (
            "name: dot\n" + "k" * 300 + ": 1\n",
            "demo 'dot': unknown parameter 'kkkkkkkkkkkkkkkkk...kkkkkkkkkkkkkkkkkk'",
        ),
    ],
)
def test_every_value_in_a_message_is_bounded(block: str, message: str) -> None:
    problem = check_block(block)
    assert problem is not None and problem.startswith(message)
    assert len(problem) < 200


def test_show_of_a_note_with_an_alias_bomb_returns_at_once(tmp_path: Path) -> None:
    """Before, this hung for minutes and died with a MemoryError; a hang now fails the
    generous timeout instead of blocking the suite."""
    vault = tmp_path / "vault"
    path = vault / "notes" / "Attention" / "炸弹.md"
    path.parent.mkdir(parents=True)
    path.write_text(note("别名炸弹", bomb()), encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    command = [sys.executable, "-m", "studycards", "--vault", str(vault), "show", "别名炸弹"]
    shown = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "may not use YAML anchors or aliases: anchor &a0" in shown.stdout
    assert "Traceback" not in shown.stderr
    checked = subprocess.run(command[:5] + ["check"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1
    assert checked.stdout == (
        "notes/Attention/炸弹.md:19: studycards-demo block may not use YAML anchors or "
        "aliases: anchor &a0 (line 2)\n"
    )


def test_check_reports_every_bad_block_at_its_fence_line(cli, make_vault, use_vault) -> None:
    files = {
        "notes/C++/select()、poll()、epoll()的区别.md": note(
            "select", "name: kv-cache\nheads: 2\n"
        ),
        "notes/Attention/100% masked rows.md": note("masked", "name: masking\npad: 9\n")
        + "\n```studycards-demo\nname: attn\n```\n",
        "notes/Attention/good.md": note("good", "name: masking\npad: 1\n"),
    }
    use_vault(make_vault(files))
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "notes/Attention/100% masked rows.md:19: demo 'masking': pad (9) must be less than "
        "seq_len (5)",
        "notes/Attention/100% masked rows.md:28: unknown demo 'attn'; see 'studycards demo list'",
        "notes/C++/select()、poll()、epoll()的区别.md:19: demo 'kv-cache': unknown parameter "
        "'heads' (parameters: seq_len, d_model)",
    ]
    assert result.stderr == "3 notes checked: 3 errors, 0 warnings\n"
    problems = json.loads(cli("check", "--json").stdout)["problems"]
    assert [p["line"] for p in problems] == [19, 28, 19]


def test_the_bundled_vault_checks_clean(cli) -> None:
    result = cli("--vault", str(REPO), "check")
    assert result.stdout == ""
    assert result.exit_code == 0, result.stdout


def test_every_demo_is_used_by_a_bundled_note_and_every_bundled_block_passes() -> None:
    from studycards.demos import list_demos
    from studycards.notes.sections import demo_blocks

    used = set()
    for path in sorted((REPO / "notes").rglob("*.md")):
        for _, _, source in demo_blocks(path.read_text(encoding="utf-8")):
            result = run_block(source)
            assert result.passed, (
                path.name,
                [c.description for c in result.checks if not c.passed],
            )
            used.add(result.name)
    assert used == {info.name for info in list_demos()}
