"""The list, show, check and init commands, --version, and every command's --help."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer.main
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM

from studycards import __version__
from studycards.cli import app
from studycards.upkeep.init import EXAMPLE_NOTE, template_text

TITLES = {
    SEQ2SEQ: "Seq2Seq模型中注意力的引入动机",
    MULTI_HEAD: "多头注意力为什么有效",
    TWO_SUM: "两数之和",
    KV_CACHE: "What does the KV cache store?",
    BEAM_SEARCH: "beam search",
}


@pytest.fixture(autouse=True)
def _sample_vault(vault_env, today) -> None:
    """Every test here runs against the sample vault on the pinned day, 2025-11-01."""


def rstripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def paths(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [row["path"] for row in json.loads(result.stdout)["notes"]]


# ---------------------------------------------------------------------------------------------
# list


def test_list_table(cli):
    result = cli("list")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert rstripped(result.stdout) == (
        "Title                         ┃ Topic       ┃ Diff.  ┃ Reviews ┃ Mastery ┃ Next review\n"
        "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━\n"
        "Seq2Seq模型中注意力的引入动机 │ Transformer │ medium │       0 │    0.00 │ 2025-10-19 (13d late)\n"
        "beam search                   │ Inference   │ medium │       2 │    0.75 │ 2025-10-31 (1d late)\n"
        "两数之和                      │ Coding      │ easy   │       1 │    0.65 │ 2025-11-01 (today)\n"
        "多头注意力为什么有效          │ Attention   │ hard   │       3 │    0.80 │ 2025-11-05\n"
        "What does the KV cache store? │ Inference   │ medium │       5 │    0.90 │ 2025-12-01\n"
        "5 of 5 notes\n"
    )


def test_list_json_fields(cli):
    result = cli("list", "--json", "--topic", "Coding")
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)["notes"]
    assert {
        key: row[key]
        for key in (
            "path",
            "title",
            "topic",
            "difficulty",
            "review_count",
            "mastery_level",
            "next_review",
            "due",
        )
    } == {
        "path": TWO_SUM,
        "title": "两数之和",
        "topic": "Coding",
        "difficulty": "easy",
        "review_count": 1,
        "mastery_level": 0.65,  # today, from its memory state
        "next_review": "2025-11-01",
        "due": "2025-11-01",
    }
    assert row["mastery_recorded"] == 0.3  # the frontmatter's value
    assert row["tags"] == ["Coding", "Coding/two_sum.md", "面试高频"]
    assert row["created"] == "2025-10-01" and row["last_reviewed"] == "2025-10-30"


def test_list_json_is_a_list_of_every_note(cli):
    data = json.loads(cli("list", "--json").stdout)
    rows, today = data["notes"], data["today"]
    assert isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
    assert {row["path"]: row["title"] for row in rows} == TITLES
    assert {row["path"]: row["due"] <= today for row in rows} == {
        SEQ2SEQ: True,
        BEAM_SEARCH: True,
        TWO_SUM: True,
        MULTI_HEAD: False,
        KV_CACHE: False,
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tag", "面试高频"], [TWO_SUM, MULTI_HEAD]),
        (["--tag", "inference"], [BEAM_SEARCH, KV_CACHE]),
        (["--tag", "Inference/KV_cache.md"], [KV_CACHE]),
        (["--topic", "Inference"], [BEAM_SEARCH, KV_CACHE]),
        (["--topic", "coding"], [TWO_SUM]),
        (["--difficulty", "hard"], [MULTI_HEAD]),
        (["--difficulty", "medium"], [SEQ2SEQ, BEAM_SEARCH, KV_CACHE]),
        (["--due"], [SEQ2SEQ, BEAM_SEARCH, TWO_SUM]),
        (["--due", "--difficulty", "medium", "--topic", "Inference"], [BEAM_SEARCH]),
    ],
)
def test_list_filters(cli, args, expected):
    assert paths(cli("list", "--json", *args)) == expected


def test_list_due_follows_the_day(cli, today):
    today(dt.date(2025, 11, 5))
    assert paths(cli("list", "--json", "--due")) == [SEQ2SEQ, BEAM_SEARCH, TWO_SUM, MULTI_HEAD]
    today(dt.date(2025, 10, 1))
    assert paths(cli("list", "--json", "--due")) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("next", [SEQ2SEQ, BEAM_SEARCH, TWO_SUM, MULTI_HEAD, KV_CACHE]),
        ("title", [BEAM_SEARCH, SEQ2SEQ, KV_CACHE, TWO_SUM, MULTI_HEAD]),
        ("topic", [MULTI_HEAD, TWO_SUM, BEAM_SEARCH, KV_CACHE, SEQ2SEQ]),
        ("difficulty", [TWO_SUM, KV_CACHE, BEAM_SEARCH, SEQ2SEQ, MULTI_HEAD]),
        ("mastery", [SEQ2SEQ, TWO_SUM, BEAM_SEARCH, MULTI_HEAD, KV_CACHE]),
        ("reviews", [SEQ2SEQ, TWO_SUM, BEAM_SEARCH, MULTI_HEAD, KV_CACHE]),
        ("created", [MULTI_HEAD, TWO_SUM, KV_CACHE, BEAM_SEARCH, SEQ2SEQ]),
        ("path", [MULTI_HEAD, TWO_SUM, KV_CACHE, BEAM_SEARCH, SEQ2SEQ]),
    ],
)
def test_list_sort(cli, sort, expected):
    assert paths(cli("list", "--json", "--sort", sort)) == expected


def test_list_table_with_a_filter(cli):
    result = cli("list", "--topic", "Inference", "--sort", "path")
    assert rstripped(result.stdout) == (
        "Title                         ┃ Topic     ┃ Diff.  ┃ Reviews ┃ Mastery ┃ Next review\n"
        "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━\n"
        "What does the KV cache store? │ Inference │ medium │       5 │    0.90 │ 2025-12-01\n"
        "beam search                   │ Inference │ medium │       2 │    0.75 │ 2025-10-31 (1d late)\n"
        "2 of 5 notes\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--difficulty", "super"], "super"), (["--sort", "random"], "random")],
)
def test_list_bad_option_values_are_usage_errors(cli, args, message):
    result = cli("list", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------
# show


def test_show_title_answer_then_the_rest(cli):
    result = cli("show", "beam")
    assert result.exit_code == 0
    assert rstripped(result.stdout) == (
        "beam search ────────────────────────────────────────────────────────────────────────────────────────\n"
        "Inference · medium · 2 reviews · mastery 0.45 · next 2025-10-31 (1d late)\n"
        "notes/Inference/beam_search.md\n"
        "╭─ 30-second answer ───────────────────────────────────────────────────────────────────────────────╮\n"
        "│ Beam search keeps the k most probable partial sequences at each step instead of only the best    │\n"
        "│ one, trading compute for a better approximation of the most likely output.                       │\n"
        "╰──────────────────────────────────────────────────────────────────────────────────────────────────╯\n"
        "\n"
        " # keep the k best partial sequences\n"
        " beams = [([], 0.0)]\n"
        "\n"
        "\n"
        "Deep dive\n"
        "\n"
        "Length normalisation stops it from preferring short outputs.\n"
    )


def test_show_short_is_only_the_answer(cli):
    result = cli("show", "beam", "--short")
    assert result.exit_code == 0
    assert rstripped(result.stdout).endswith(
        "│ one, trading compute for a better approximation of the most likely output.                       │\n"
        "╰──────────────────────────────────────────────────────────────────────────────────────────────────╯\n"
    )
    assert "Deep dive" not in result.stdout


def test_show_the_thirty_second_version_once(cli):
    result = cli("show", SEQ2SEQ)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Seq2Seq模型中注意力的引入动机 ─")
    assert out.count("信息瓶颈和长序列性能下降") == 1  # the 30-second answer, in its panel
    assert out.index("30-second answer") < out.index("详细技术答案") < out.index("深度讲解")
    assert "# 能量函数" in out and "常见面试追问" in out


def test_show_coding_note_says_the_oral_answer_once(cli):
    result = cli("show", "two_sum")
    assert result.exit_code == 0
    out = result.stdout
    assert out.count("遍历数组，对每个数查哈希表") == 1
    assert out.index("30-second answer") < out.index("题目描述") < out.index("代码实现")
    assert "# 遍历数组" in out


def test_show_short_for_a_coding_note(cli):
    out = cli("show", "两数之和", "--short").stdout
    assert "遍历数组，对每个数查哈希表" in out
    assert "题目描述" not in out and "代码实现" not in out


def test_show_ambiguous_name(cli):
    result = cli("show", "注意力")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: '注意力' matches 2 notes: {MULTI_HEAD}, {SEQ2SEQ}\n"


def test_show_unknown_name(cli):
    result = cli("show", "transformer xl")
    assert result.exit_code == 1
    assert result.stderr == "error: no note matches 'transformer xl' (try 'studycards list')\n"


def test_show_a_path_outside_the_vault(cli, vault: Path):
    result = cli("show", "../../etc/passwd.md")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# check


# The outline a sample note names in related_outlines (the sample vault leaves it out).
SAMPLE_OUTLINE = {
    "outlines/Inference.md": "# Inference\n\n- [KV](../notes/Inference/KV_cache.md)\n"
}
MISSING_OUTLINE = (
    "notes/Inference/KV_cache.md:14: warning: related outline not found: outlines/Inference.md\n"
)


def test_check_clean_vault(cli, make_vault, use_vault):
    use_vault(make_vault(SAMPLE_OUTLINE, samples=True))
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "5 notes checked: 0 errors, 0 warnings\n"


def test_check_json_clean_vault(cli, make_vault, use_vault):
    use_vault(make_vault(SAMPLE_OUTLINE, samples=True))
    result = cli("check", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["problems"] == []


def test_check_warns_of_a_related_outline_that_does_not_exist(cli):
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == MISSING_OUTLINE
    assert result.stderr == "5 notes checked: 0 errors, 1 warning\n"


BROKEN_NOTES = {
    "notes/Bad/a.md": "---\nreview_count: -1\ndifficulty: super\n---\n# A\n\n## Answer\nx\n",
    "notes/Bad/b.md": "# B\n\n## Deep dive\nno answer\n",
    "notes/Bad/c.md": "---\ncreated: '2025-10-19'\n",
}


def test_check_lists_every_problem(cli, make_vault, use_vault):
    use_vault(make_vault({**BROKEN_NOTES, **SAMPLE_OUTLINE}, samples=True))
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout == (
        "notes/Bad/a.md:2: review_count: expected a whole number >= 0, got -1\n"
        "notes/Bad/a.md:3: difficulty: expected easy, medium or hard, got 'super'\n"
        "notes/Bad/b.md:1: warning: no frontmatter: treated as a new note\n"
        "notes/Bad/b.md:4: warning: no answer section found: answer taken from the note's"
        " opening (add '## 面试标准答案' or '## Short answer' to choose it)\n"
        "notes/Bad/c.md:1: frontmatter opened with '---' on line 1 is never closed\n"
    )
    assert result.stderr == "8 notes checked: 3 errors, 2 warnings\n"


def test_check_json_lists_every_problem(cli, make_vault, use_vault):
    use_vault(make_vault({**BROKEN_NOTES, **SAMPLE_OUTLINE}, samples=True))
    result = cli("check", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert problems[0] == {
        "path": "notes/Bad/a.md",
        "line": 2,
        "severity": "error",
        "message": "review_count: expected a whole number >= 0, got -1",
    }
    assert [(p["path"], p["line"], p["severity"]) for p in problems] == [
        ("notes/Bad/a.md", 2, "error"),
        ("notes/Bad/a.md", 3, "error"),
        ("notes/Bad/b.md", 1, "warning"),
        ("notes/Bad/b.md", 4, "warning"),
        ("notes/Bad/c.md", 1, "error"),
    ]


def test_check_with_only_warnings_exits_zero(cli, make_vault, use_vault):
    use_vault(make_vault({"notes/A/b.md": BROKEN_NOTES["notes/Bad/b.md"]}))
    result = cli("check")
    assert result.exit_code == 0
    assert result.stderr == "1 note checked: 0 errors, 2 warnings\n"


# ---------------------------------------------------------------------------------------------
# init


def test_init_creates_a_vault(cli, tmp_path: Path):
    target = tmp_path / "new-vault"
    result = cli("init", str(target))
    assert result.exit_code == 0
    attributes = (target / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert attributes[1:] == [
        ".studycards/reviews.jsonl merge=union",
        "notes/**/*.md merge=studycards-note",
    ]
    assert result.stdout == (
        "created studycards.yaml\n"
        f"created {EXAMPLE_NOTE.as_posix()}\n"
        "created .gitattributes\n"
        f"vault ready at {target}: try 'studycards --vault {target} list'\n"
    )
    assert (target / "studycards.yaml").read_text(encoding="utf-8") == template_text("config.yaml")
    example = (target / EXAMPLE_NOTE).read_text(encoding="utf-8")
    assert "{{DATE}}" not in example
    checked = cli("--vault", str(target), "check")
    assert checked.exit_code == 0
    assert checked.stderr == "1 note checked: 0 errors, 0 warnings\n"


def test_init_twice_overwrites_nothing(cli, tmp_path: Path):
    target = tmp_path / "new-vault"
    cli("init", str(target))
    (target / "studycards.yaml").write_text("fuzz: false\n", encoding="utf-8")
    (target / EXAMPLE_NOTE).write_text("# Mine now\n", encoding="utf-8")
    result = cli("init", str(target))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "kept existing studycards.yaml",
        f"kept existing {EXAMPLE_NOTE.as_posix()}",
    ]
    assert (target / "studycards.yaml").read_text(encoding="utf-8") == "fuzz: false\n"
    assert (target / EXAMPLE_NOTE).read_text(encoding="utf-8") == "# Mine now\n"
    assert sorted(p.name for p in target.iterdir()) == [
        ".gitattributes",
        "notes",
        "studycards.yaml",
    ]
    assert (target / ".gitattributes").read_text(encoding="utf-8").count("merge=union") == 1


def test_init_into_the_working_folder(cli, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    assert result.exit_code == 0
    assert (tmp_path / "studycards.yaml").is_file()
    assert (tmp_path / EXAMPLE_NOTE).is_file()


def test_init_on_a_file(cli, tmp_path: Path):
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    result = cli("init", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"error: {target} exists and is not a folder\n"


# ---------------------------------------------------------------------------------------------
# version and help


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"studycards {__version__}\n"


def test_no_arguments_shows_help(cli):
    result = cli()
    assert "Usage" in result.output
    assert result.exit_code in (0, 2)


def _command_paths(group=None, prefix=()) -> list[tuple[str, ...]]:
    group = group or typer.main.get_command(app)
    found = [prefix]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found += (
            _command_paths(command, (*prefix, name))
            if hasattr(command, "commands")
            else [(*prefix, name)]
        )
    return found


def test_the_notes_commands_are_registered():
    assert {("list",), ("show",), ("check",), ("init",)} <= set(_command_paths())


@pytest.mark.parametrize("command", _command_paths(), ids=lambda p: " ".join(p) or "studycards")
def test_every_command_has_help(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    assert "Traceback" not in result.output
