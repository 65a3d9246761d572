"""What PyYAML accepts silently or chokes on is refused with a line: duplicate keys, alias bombs."""

from __future__ import annotations

from pathlib import Path

import pytest

from studycards.errors import ConfigError
from studycards.notes._yaml import MAX_VALUES, RefusedYAML, error_line, error_text, load_yaml
from studycards.notes.config import load_config
from studycards.notes.summary import parse_summary

REL = "notes/T/x.md"


def bomb(levels: int) -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        name, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def problems(frontmatter: str) -> list[str]:
    return [str(p) for p in parse_summary(f"---\n{frontmatter}---\n# T\n", REL).problems]


def test_duplicate_key_names_both_lines():
    found = problems("created: '2025-10-19'\nreview_count: 1\nreview_count: 2\n")
    assert found == [f"{REL}:4: duplicate key 'review_count' (also on line 3): YAML keeps only one"]


def test_duplicate_key_quoted_and_in_flow_and_nested():
    assert problems("a: 1\n'a': 2\n") == [
        f"{REL}:3: duplicate key 'a' (also on line 2): YAML keeps only one"
    ]
    assert problems("tags: {x: 1, x: 2}\n") == [
        f"{REL}:2: duplicate key 'x' (also on line 2): YAML keeps only one"
    ]


def test_keys_that_differ_in_type_or_merge_keys_are_fine():
    assert load_yaml("a: 1\n1: 2\n'1': 3\n") == {"a": 1, 1: 2, "1": 3}
    assert load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")["other"] == {"x": 1, "y": 2}


def test_billion_laughs_is_refused_quickly_with_a_short_message():
    found = problems(bomb(9) + "tags: *i\n")
    assert found == [f"{REL}:6: YAML aliases expand to more than {MAX_VALUES} values: not loaded"]


def test_small_aliases_still_load():
    assert load_yaml(bomb(2))["b"] == [["x"] * 9] * 9


def test_an_alias_inside_its_own_anchor_is_refused():
    with pytest.raises(RefusedYAML) as caught:
        load_yaml("a: &a [1, *a]\n")
    assert error_text(caught.value) == "YAML alias refers to itself: not loaded"
    assert error_line(caught.value) == 0


def test_deep_nesting_is_a_clean_error():
    assert problems("a: " + "[" * 5000 + "]" * 5000 + "\n") == [
        f"{REL}:2: bad YAML: while increasing flow level; exceeded maximum nesting depth"
    ]
    deep = "tags: " + "[" * 900 + "]" * 900 + "\n"
    assert problems(deep) == [f"{REL}:2: tags: expected a list of strings, got [[[...]]]"]


def test_long_bad_values_are_shortened_in_messages():
    (message,) = problems("difficulty: " + "x" * 500 + "\n")
    assert message.startswith(f"{REL}:2: difficulty: expected easy, medium or hard, got 'xxx")
    assert len(message) < 120


def test_config_duplicate_key_is_a_config_error(tmp_path: Path):
    (tmp_path / "studycards.yaml").write_text("fuzz: true\nfuzz: false\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'studycards.yaml'}:2: duplicate key 'fuzz' (also on line 1): "
        "YAML keeps only one"
    )
