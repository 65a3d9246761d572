"""The vault's settings, read from ``studycards.yaml`` at the vault root.

Every setting has a default, so a vault needs no config file at all. The bundled
``studycards.yaml`` at the repository root shows each one with a comment.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studycards.notes._yaml import YAMLError, error_line, error_text, load_yaml
from studycards.errors import ConfigError

CONFIG_NAME = "studycards.yaml"
ORDERS = ("due", "risk", "easy-first", "weighted")
NEW_ORDERS = ("oldest", "newest", "random")
CHECKLIST_LANGUAGES = ("auto", "zh", "en")
ORDER_WEIGHTS = ("created_new", "review_count", "difficulty_easy", "tags_count")
SCHEDULERS = ("efficient", "retention")


@dataclass(frozen=True)
class Config:
    """Settings of one vault; field names are the keys of ``studycards.yaml``."""

    notes_dir: str = "notes"
    outlines_dir: str = "outlines"
    timezone: str = "local"
    max_note_bytes: int = 4_000_000
    sections: dict[str, list[str]] = field(default_factory=dict)
    desired_retention: float = 0.9
    scheduler: str = "efficient"
    maximum_interval: int = 365
    fuzz: bool = True
    parameters: list[float] | None = None
    new_per_day: int = 20
    reviews_per_day: int = 200
    order: str = "due"
    interview_date: dt.date | None = None
    interview_target: float = 0.9
    followups: bool = False
    again_repeats: int = 2
    link_top_k: int = 5
    link_threshold: float = 0.3
    template: str | None = None
    exclude: list[str] = field(default_factory=list)
    include_nested_repos: bool = False
    # Which new notes fill the day's new slots: oldest or newest ``created`` first, or random.
    new_order: str = "oldest"
    # ``order: weighted``: the old scripts' weights (higher = earlier).
    order_weights: dict[str, float] = field(default_factory=dict)
    # The daily checklist: its language, where yesterday's file is archived (None: not kept),
    # and the most lines listed per section (0 = no cap).
    checklist_language: str = "auto"
    checklist_archive: str | None = "reviewsArchived"
    checklist_max_overdue: int = 0
    checklist_max_today: int = 0
    checklist_max_week: int = 0
    day_starts_at: int = 4
    grade_mix: list[float] | None = None
    recall_floor: float | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any], path: Path | None = None) -> Config:
        """Build a config from parsed YAML, reporting every bad key at once."""
        known = {f.name: f for f in fields(cls)}
        problems = [f"unknown setting {key!r}" for key in data if key not in known]
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in known:
                try:
                    values[key] = _coerce(key, value)
                except ValueError as error:
                    problems.append(f"{key}: {error}")
        if problems:
            raise ConfigError("; ".join(problems), path)
        return cls(**values)


def _coerce(key: str, value: Any) -> Any:
    checker = _CHECKS.get(key)
    return value if checker is None else checker(value)


def _probability(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise ValueError(f"expected a number between 0 and 1, got {value!r}")
    return float(value)




def _optional_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"expected a date like 2026-12-01, got {value!r}") from None


def _one_of(choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    return check


def _sections(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise ValueError("expected a mapping of section kind to a list of patterns")
    sections = {str(k): [str(p) for p in v] for k, v in value.items()}
    problems = [
        problem
        for kind, patterns in sections.items()
        for problem in _pattern_problems(kind, patterns)
    ]
    if problems:
        raise ValueError("; ".join(problems))
    return sections


def _pattern_problems(kind: str, patterns: list[str]) -> list[str]:
    """What is wrong with one kind's extra heading patterns."""
    from studycards.notes.section_patterns import KINDS

    if kind not in KINDS:
        return [f"unknown section kind {kind!r} (one of {', '.join(KINDS)})"]
    problems = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(f"bad pattern {pattern!r} for {kind}: {error}")
            continue
        if len(pattern) > _PATTERN_CHARS or _nested_repeat(_parse_pattern(pattern)):
            problems.append(
                f"pattern {pattern!r} for {kind} repeats a repeated group (like (a+)+): "
                "it can take hours on one heading; write it without the nesting"
            )
    return problems


def _globs(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("expected a list of gitignore-style patterns like 'notes/drafts/'")
    return list(value)


_PATTERN_CHARS = 500


def _parse_pattern(pattern: str):
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser
    return parser.parse(pattern)


_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _nested_repeat(items) -> bool:
    """Whether a repeated group holds another repeat: the shape of catastrophic backtracking."""
    for op, argument in items:
        name = str(op)
        if name in _REPEATS and argument[1] > 1 and _has_repeat(argument[2]):
            return True
        body = [argument[2]] if name in _REPEATS else _subpatterns(name, argument)
        if any(_nested_repeat(sub) for sub in body):
            return True
    return False


def _has_repeat(items) -> bool:
    for op, argument in items:
        name = str(op)
        if name in _REPEATS and argument[1] > 1:
            return True
        body = [argument[2]] if name in _REPEATS else _subpatterns(name, argument)
        if any(_has_repeat(sub) for sub in body):
            return True
    return False


def _subpatterns(name: str, argument) -> list:
    if name == "SUBPATTERN":
        return [argument[-1]]
    if name == "BRANCH":
        return list(argument[1])
    if name in ("ASSERT", "ASSERT_NOT"):
        return [argument[1]]
    if name == "ATOMIC_GROUP":
        return [argument]
    return []


# FSRS-4.5, FSRS-5 and FSRS-6 weights: the engine takes any of the three.
PARAMETER_COUNTS = (17, 19, 21)


def _parameters(value: Any) -> list[float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        raise ValueError("expected a list of numbers")
    if len(value) not in PARAMETER_COUNTS:
        raise ValueError(f"expected 17, 19 or 21 FSRS weights, got {len(value)}")
    bad = [i for i, v in enumerate(value) if not math.isfinite(v) or not 0 <= v <= 100]
    if bad:
        raise ValueError(f"weight {bad[0]} is {value[bad[0]]!r}: each must be a number from 0 to 100")
    return [float(v) for v in value]


def _int_in(low: int, high: int) -> Any:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high:,}, got {value!r}")
        return value

    return check


def _hour(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
        raise ValueError(f"expected an hour from 0 to 23, got {value!r}")
    return value


def _grade_mix(value: Any) -> list[float] | None:
    if value is None:
        return None
    numbers = isinstance(value, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in value
    )
    if not numbers or len(value) != 3 or sum(value) <= 0:
        raise ValueError(f"expected three shares of hard, good, easy like [0.2, 0.6, 0.2], got {value!r}")
    total = float(sum(value))
    return [float(v) / total for v in value]


def _folder(value: Any) -> str:
    path = PurePosixPath(value) if isinstance(value, str) else None
    if path is None or not path.parts or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"expected a folder inside the vault like 'notes', got {value!r}")
    return str(value)


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        message = f"expected 'local' or a time zone name like Asia/Shanghai, got {value!r}"
        raise ValueError(message)
    if value != "local":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r}") from None
    return value


def _weights(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping of {', '.join(ORDER_WEIGHTS)} to numbers")
    bad = [str(k) for k in value if k not in ORDER_WEIGHTS]
    if bad:
        raise ValueError(f"unknown weight {bad[0]!r} (one of {', '.join(ORDER_WEIGHTS)})")
    if not all(_finite_number(v) for v in value.values()):
        raise ValueError("every weight must be a number")
    return {str(k): float(v) for k, v in value.items()}


def _finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _optional_folder(value: Any) -> str | None:
    return None if value is None or value is False else _folder(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


_CHECKS = {
    "notes_dir": _folder,
    "outlines_dir": _folder,
    "timezone": _timezone,
    "desired_retention": _probability,
    "interview_target": _probability,
    "link_threshold": lambda v: _probability(v) if v != 0 else 0.0,
    "maximum_interval": _int_in(1, 36_500),  # a hundred years
    "max_note_bytes": _int_in(1, 1_000_000_000),
    "new_per_day": _int_in(0, 1_000_000),
    "reviews_per_day": _int_in(0, 1_000_000),
    "again_repeats": _int_in(0, 100),
    "link_top_k": _int_in(0, 1_000),
    "interview_date": _optional_date,
    "day_starts_at": _hour,
    "grade_mix": _grade_mix,
    "recall_floor": lambda v: None if v is None else (0.0 if v == 0 else _probability(v)),
    "order": _one_of(ORDERS),
    "scheduler": _one_of(SCHEDULERS),
    "sections": _sections,
    "parameters": _parameters,
    "fuzz": _bool,
    "followups": _bool,
    "include_nested_repos": _bool,
    "exclude": _globs,
    "new_order": _one_of(NEW_ORDERS),
    "order_weights": _weights,
    "checklist_language": _one_of(CHECKLIST_LANGUAGES),
    "checklist_archive": _optional_folder,
    "checklist_max_overdue": _int_in(0, 1_000_000),
    "checklist_max_today": _int_in(0, 1_000_000),
    "checklist_max_week": _int_in(0, 1_000_000),
}


def load_config(root: Path) -> Config:
    """Read ``root/studycards.yaml``; a missing file means all defaults."""
    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config: {error}", path) from None
    try:
        data = load_yaml(text)
    except YAMLError as error:
        line = error_line(error)
        raise ConfigError(error_text(error), path, None if line is None else line + 1) from None
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise ConfigError("config must be a mapping of settings", path)
    return Config.from_mapping(data, path)
