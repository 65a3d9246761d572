"""What a person expects of any command: one exit-code rule, shell completion, examples in
--help, --vault anywhere, clear answers to natural mistakes, tables that never cut a figure."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MULTI_HEAD, TWO_SUM
from typer.testing import CliRunner

from studycards.cli import app

STUDYCARDS = Path(sys.executable).with_name("studycards")
BROKEN = {"notes/Bad/broken.md": "---\nreview_count: -1\n---\n# Broken\n\n## Answer\nx\n"}


# ---------------------------------------------------------------------------------------------
# exit codes: 0 success; 1 ran and found problems or could not complete; 2 bad usage

EXIT_CODES = [
    # success
    (["list"], 0, ""),
    (["list", "--due", "--json"], 0, ""),
    (["check"], 0, ""),
    (["doctor"], 0, ""),
    (["demo", "run", "dot"], 0, ""),
    # ran and found problems / could not complete
    (["check"], 1, "broken"),
    (["undo"], 1, "error: nothing to undo"),
    (["show", "zzzq"], 1, "error: no note matches 'zzzq'"),
    (["mv", TWO_SUM, MULTI_HEAD], 1, "already exists"),
    (["stats", "--svg", "{tmp}/no/such/folder/s.svg"], 1, "cannot write the --svg image"),
    (["export", "csv", "{tmp}/no/such/folder/x.csv"], 1, "error:"),
    (["--vault", "{vault}/notes", "list"], 1, "is a notes folder, not a vault"),
    (["review"], 1, "needs an interactive terminal"),
    # bad usage
    (["list", "--bogus"], 2, "No such option"),
    (["list", "--difficulty", "super"], 2, "Invalid value"),
    (["list", "--topic", "no-such"], 2, "error: --topic: no topic 'no-such'"),
    (["due", "--tag", "no-such"], 2, "error: --tag: no tag 'no-such'"),
    (["due", "--until", "tomorrow"], 2, "expected a date"),
    (["grade"], 2, "Missing argument"),
    (["grade", TWO_SUM, "great"], 2, "error:"),
    (["search", "!!!"], 2, "nothing to search for"),
    (["demo", "run", "multi-head", "--d-model", "10", "--heads", "4"], 2, "must be divisible"),
    (["demo", "run", "no-such-demo"], 2, "unknown demo"),
    (["demo", "explain", "no-such-demo"], 2, "unknown demo"),
    (["init", "--reset", "{tmp}/x"], 2, "--reset only goes with --sample"),
]


@pytest.mark.parametrize(("args", "code", "says"), EXIT_CODES)
def test_exit_codes_follow_one_rule(make_vault, use_vault, today, args, code, says, tmp_path):
    files = BROKEN if says == "broken" else None
    vault = use_vault(make_vault(files, samples=True))
    args = [a.replace("{tmp}", str(tmp_path)).replace("{vault}", str(vault)) for a in args]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, (args, result.output)
    assert says in result.output
    if code == 1 and says != "broken":
        assert len(result.stderr.splitlines()) == 1  # one clear line, no traceback


# ---------------------------------------------------------------------------------------------
# shell completion


def _complete(env: dict[str, str]) -> str:
    run = subprocess.run(
        [str(STUDYCARDS)], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return run.stdout


@pytest.mark.skipif(not STUDYCARDS.exists(), reason="the studycards script is not installed")
def test_completion_for_bash_zsh_and_fish():
    bash = {
        "_STUDYCARDS_COMPLETE": "complete_bash",
        "COMP_WORDS": "studycards li",
        "COMP_CWORD": "1",
    }
    assert _complete(bash).split() == ["list", "link"]
    zsh = {"_STUDYCARDS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "studycards demo run mu"}
    assert '"multi-head"' in _complete(zsh)
    fish = {
        "_STUDYCARDS_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_ARGS": "studycards demo explain kv",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
    }
    assert _complete(fish).split() == ["kv-cache"]


def test_completion_is_offered_in_help(cli):
    out = cli("--help").stdout
    assert "--install-completion" in out and "--show-completion" in out


# ---------------------------------------------------------------------------------------------
# --help: one or two examples for every command


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_command_help_has_examples(cli):
    import typer.main

    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) > 25
    for words in commands:
        out = cli(*words, "--help").stdout
        assert "Examples:" in out, words
        assert f"studycards {' '.join(words)}" in out, words


# ---------------------------------------------------------------------------------------------
# natural mistakes


def test_vault_pointing_at_the_notes_folder_names_the_root(make_vault, cli):
    vault = make_vault()
    result = cli("--vault", str(vault / "notes"), "list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {vault / 'notes'} is a notes folder, not a vault: the vault root would be "
        f"{vault} (pass --vault {vault})\n"
    )
    assert not (vault / "notes" / ".studycards").exists()


def test_a_folder_of_notes_under_another_name(tmp_path, cli, monkeypatch):
    prep = tmp_path / "prep"
    (prep / "Attention").mkdir(parents=True)
    (prep / "Attention" / "a.md").write_text("# A\n", encoding="utf-8")
    monkeypatch.setenv("STUDYCARDS_VAULT", str(prep))
    result = cli("due")
    assert result.exit_code == 1
    assert "the vault root would be" in result.stderr and "notes_dir: prep" in result.stderr
    assert not (prep / ".studycards").exists()


def test_an_empty_folder_is_no_vault(tmp_path, cli):
    result = cli("--vault", str(tmp_path), "grade", "x", "good")
    assert result.exit_code == 1
    assert "has no notes/ folder and no studycards.yaml" in result.stderr
    assert "studycards init" in result.stderr
    assert not (tmp_path / ".studycards").exists()


def test_vault_after_the_command_name(make_vault, cli):
    vault = make_vault()
    before = cli("--vault", str(vault), "list", "--json")
    after = cli("list", "--vault", str(vault), "--json")
    equals = cli("list", f"--vault={vault}", "--json")
    assert after.exit_code == 0 and after.stdout == before.stdout == equals.stdout
    assert cli("demo", "list", "--vault", str(vault)).exit_code == 0


@pytest.mark.parametrize("command", [["list"], ["due"]])
def test_a_partial_topic_names_the_close_ones(vault_env, cli, command):
    result = cli(*command, "--topic", "Infer")
    assert result.exit_code == 2
    assert result.stderr == "error: --topic: no topic 'Infer'; did you mean Inference?\n"


def test_an_unknown_topic_lists_the_topics(vault_env, cli):
    result = cli("list", "--topic", "qqq")
    assert result.stderr == (
        "error: --topic: no topic 'qqq'; topics: Attention, Coding, Inference, Transformer\n"
    )
    assert cli("list", "--topic", "inference").exit_code == 0  # case does not matter


def test_show_falls_back_to_search(cli, monkeypatch, tmp_path):
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("STUDYCARDS_VAULT", str(_copy_bundled(repo, tmp_path)))
    result = cli("show", "scaled dot")
    assert result.exit_code == 1
    first = "notes/Attention/缩放点积注意力为什么要除以根号dk.md (缩放点积注意力为什么要除以根号dk)"
    # the search reads whole notes, so the notes that use scaled dot-product attention rank too
    assert result.stderr.startswith("error: no note is named 'scaled dot'; search finds: notes/")
    assert first in result.stderr
    single = cli("show", "sinusoidal")  # the title is 正弦位置编码的设计
    assert single.exit_code == 0, single.output
    assert single.stderr == (
        "warning: no note is named 'sinusoidal'; showing the only search match, "
        "notes/Transformer/正弦位置编码的设计.md\n"
    )
    assert "正弦位置编码的设计" in single.stdout


# ---------------------------------------------------------------------------------------------
# tables never cut a figure


LATE = (
    "---\nnext_review: '2025-01-27'\nreview_count: 4\ndifficulty: hard\nmastery_level: 0.12\n"
    "---\n# 一个非常非常长的标题用来测试在八十列的终端里表格如何换行而不截断数字\n\n## 面试标准答案\nx\n"
)


@pytest.mark.parametrize("columns", ["80", "60", "45"])
def test_list_wraps_titles_and_never_cuts_dates(make_vault, use_vault, today, monkeypatch, columns):
    use_vault(make_vault({"notes/Transformer/long.md": LATE}))
    today(dt.date(2026, 12, 1))
    monkeypatch.setenv("COLUMNS", columns)
    out = CliRunner().invoke(app, ["list"]).stdout
    assert "2025-01-27 (673d late)" in out
    assert all(len(line) <= int(columns) for line in out.splitlines())
    if columns == "80":
        assert "0.12" in out and "hard" in out and "│       4 │" in out


# ---------------------------------------------------------------------------------------------
# the sample vault: init --sample, and putting it back


def _copy_bundled(repo: Path, tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "bundled"
    for part in ("notes", "outlines"):
        shutil.copytree(repo / part, root / part)
    shutil.copy(repo / "studycards.yaml", root / "studycards.yaml")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".studycards" not in p.parts
    }


def test_init_sample_writes_the_bundled_vault_and_keeps_what_exists(cli, tmp_path):
    repo = Path(__file__).resolve().parents[1]
    target = tmp_path / "study"
    result = cli("init", "--sample", str(target))
    assert result.exit_code == 0
    assert _files(target) == _files(_copy_bundled(repo, tmp_path))
    again = cli("init", "--sample", str(target))
    assert "created" not in again.stdout and "kept existing notes/" in again.stdout
    listed = cli("--vault", str(target), "list", "--json")
    assert listed.exit_code == 0 and '"total": 24' in listed.stdout


def test_reset_sample_puts_notes_and_history_back(cli, tmp_path):
    target = tmp_path / "study"
    cli("init", "--sample", str(target))
    shipped = _files(target)
    first, second = sorted(p for p in shipped if p.startswith("notes/"))[:2]
    assert cli("--vault", str(target), "grade", first, "good").exit_code == 0
    assert _files(target) != shipped
    result = cli("init", "--sample", "--reset", str(target))
    assert result.exit_code == 0, result.output
    assert f"restored {first}" in result.stdout
    assert _files(target) == shipped
    kept = list((target / ".studycards").glob("reviews-before-reset-*.jsonl"))
    assert len(kept) == 1 and first in kept[0].read_text(encoding="utf-8")  # nothing lost
    assert cli("--vault", str(target), "doctor").exit_code == 0
    assert cli("--vault", str(target), "grade", second, "good").exit_code == 0
    changed = {p for p, data in _files(target).items() if shipped.get(p) != data}
    assert changed == {second}


def test_reset_refuses_a_vault_of_ones_own(cli, make_vault):
    vault = make_vault()
    before = _files(vault)
    result = cli("init", "--sample", "--reset", str(vault))
    assert result.exit_code == 1
    assert "not a note of the sample vault; nothing was reset" in result.stderr
    assert _files(vault) == before


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                    reason="git is not installed")  # fmt: skip
def test_the_readme_advice_resets_the_bundled_vault(cli, tmp_path):
    repo = Path(__file__).resolve().parents[1]
    root = _copy_bundled(repo, tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for step in (["init", "-q"], ["add", "."], ["commit", "-qm", "sample"]):
        subprocess.run([*git, *step], cwd=root, check=True)
    notes = sorted(p.relative_to(root).as_posix() for p in (root / "notes").rglob("*.md"))
    assert cli("--vault", str(root), "grade", notes[0], "good").exit_code == 0
    advice = "git checkout notes outlines studycards.yaml && rm -rf .studycards"
    assert advice in (repo / "README.md").read_text(encoding="utf-8")
    subprocess.run(advice, shell=True, cwd=root, check=True)
    assert cli("--vault", str(root), "doctor").exit_code == 0
    assert cli("--vault", str(root), "grade", notes[1], "good").exit_code == 0
    status = subprocess.run(
        ["git", "-c", "core.quotepath=off", "status", "--porcelain", "-uno"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert status.splitlines() == [f" M {notes[1]}"]  # only the note graded since
