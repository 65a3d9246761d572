"""The vault config: defaults, the bundled file, and every bad setting reported at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from studycards.errors import ConfigError
from studycards.notes.config import CONFIG_NAME, Config, load_config
from studycards.upkeep.init import template_text

REPO_ROOT = Path(__file__).resolve().parent.parent


def write_config(root: Path, text: str) -> Path:
    path = root / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return path


def config_error(root: Path, text: str) -> str:
    path = write_config(root, text)
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.path == path
    return str(caught.value)


def test_repo_config_is_the_bundled_template():
    repo = (REPO_ROOT / CONFIG_NAME).read_text(encoding="utf-8")
    assert repo == template_text("config.yaml")


def test_repo_config_loads_to_the_defaults():
    assert load_config(REPO_ROOT) == Config()


def test_template_loads_to_the_defaults(tmp_path: Path):
    write_config(tmp_path, template_text("config.yaml"))
    assert load_config(tmp_path) == Config()


def test_every_default_is_in_the_template():
    text = template_text("config.yaml")
    for name in Config.__dataclass_fields__:
        assert f"\n{name}:" in text, name


@pytest.mark.parametrize("text", [None, "", "# only a comment\n", "---\n"])
def test_missing_or_empty_config_means_defaults(tmp_path: Path, text):
    if text is not None:
        write_config(tmp_path, text)
    assert load_config(tmp_path) == Config()


def test_settings_are_read(tmp_path: Path):
    write_config(
        tmp_path,
        "notes_dir: cards\ntimezone: Asia/Shanghai\ndesired_retention: 0.85\nfuzz: false\n"
        "interview_date: 2026-12-15\nparameters: [0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1]\nsections:\n  short_answer: ['^速答']\n",
    )
    config = load_config(tmp_path)
    assert config.notes_dir == "cards"
    assert config.timezone == "Asia/Shanghai"
    assert config.desired_retention == 0.85
    assert config.fuzz is False
    assert config.interview_date == dt.date(2026, 12, 15)
    assert config.parameters == [0.1, 2.0] * 10 + [0.1]
    assert config.sections == {"short_answer": ["^速答"]}


def test_bad_settings_are_reported_together_in_one_line(tmp_path: Path):
    message = config_error(
        tmp_path,
        "desired_retention: 2\nfuzz: maybe\nbogus: 1\norder: random\nnew_per_day: -3\n",
    )
    assert message == (
        f"{tmp_path / CONFIG_NAME}: unknown setting 'bogus'; "
        "desired_retention: expected a number between 0 and 1, got 2; "
        "fuzz: expected true or false, got 'maybe'; "
        "order: expected one of due, risk, easy-first, weighted, got 'random'; "
        "new_per_day: expected a whole number from 0 to 1,000,000, got -3"
    )
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "max_note_bytes: 1.5",
            "max_note_bytes: expected a whole number from 1 to 1,000,000,000, got 1.5",
        ),
        (
            "interview_date: 2026-13-01",
            "interview_date: expected a date like 2026-12-01, got '2026-13-01'",
        ),
        ("parameters: [1, x]", "parameters: expected a list of numbers"),
        ("sections: [a]", "sections: expected a mapping of section kind to a list of patterns"),
        ("notes_dir: 5", "notes_dir: expected a folder inside the vault like 'notes', got 5"),
        (
            "notes_dir: ../elsewhere",
            "notes_dir: expected a folder inside the vault like 'notes', got '../elsewhere'",
        ),
        (
            "outlines_dir: /abs",
            "outlines_dir: expected a folder inside the vault like 'notes', got '/abs'",
        ),
        ("timezone: 5", "timezone: expected 'local' or a time zone name like Asia/Shanghai, got 5"),
        ("timezone: Mars/Olympus", "timezone: unknown time zone 'Mars/Olympus'"),
        (
            "sections: {bogus: ['x']}",
            "sections: unknown section kind 'bogus' (one of short_answer, thirty_seconds,"
            " two_minutes, deep_dive, followups, problem, approach, oral, code, summary, tips,"
            " related)",
        ),
        (
            "sections: {short_answer: ['[unclosed']}",
            "sections: bad pattern '[unclosed' for short_answer: unterminated character set at position 0",
        ),
    ],
)
def test_each_bad_setting(tmp_path: Path, text: str, problem: str):
    assert config_error(tmp_path, text + "\n") == f"{tmp_path / CONFIG_NAME}: {problem}"


def test_bad_yaml_names_the_line(tmp_path: Path):
    message = config_error(tmp_path, "fuzz: true\nnew_per_day: [\n")
    assert message.startswith(f"{tmp_path / CONFIG_NAME}:3: bad YAML: ")


def test_config_that_is_not_a_mapping(tmp_path: Path):
    message = config_error(tmp_path, "- fuzz\n- order\n")
    assert message == f"{tmp_path / CONFIG_NAME}: config must be a mapping of settings"


def test_python_tags_are_refused_in_the_config(tmp_path: Path):
    marker = tmp_path / "pwned"
    message = config_error(tmp_path, f"fuzz: !!python/object/apply:os.system ['touch {marker}']\n")
    assert "refused YAML tag !!python/object/apply:os.system" in message
    assert not marker.exists()


def test_a_bad_config_is_one_line_on_the_command_line(make_vault, use_vault, cli):
    root = use_vault(make_vault(config="desired_retention: 2\nnotes_dir: 5\nbogus: 1\n"))
    result = cli("list")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {root / CONFIG_NAME}: unknown setting 'bogus'; "
        "desired_retention: expected a number between 0 and 1, got 2; "
        "notes_dir: expected a folder inside the vault like 'notes', got 5\n"
    )


@pytest.mark.parametrize("command", [["list"], ["check"], ["show", "x"]])
def test_no_command_crashes_on_bad_setting_types(make_vault, use_vault, cli, command):
    use_vault(make_vault(config="timezone: 5\noutlines_dir: [a]\nsections: {x: ['(']}\n"))
    result = cli(*command)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_a_bad_heading_pattern_is_a_config_error_not_a_crash(make_vault, use_vault, cli):
    root = use_vault(make_vault(config="sections:\n  short_answer: ['(速答', '[x']\n"))
    result = cli("show", "两数之和")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {root / CONFIG_NAME}: sections: bad pattern '(速答' for short_answer:"
        " missing ), unterminated subpattern at position 0; bad pattern '[x' for short_answer:"
        " unterminated character set at position 0\n"
    )
