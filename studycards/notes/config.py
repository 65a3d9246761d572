"""The vault's settings, read from ``studycards.yaml`` at the vault root.

Every setting has a default, so a vault needs no config file at all. The bundled
``studycards.yaml`` at the repository root shows each one with a comment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studycards.notes._yaml import YAMLError, error_line, error_text, load_yaml
from studycards.errors import ConfigError

CONFIG_NAME = "studycards.yaml"
ORDERS = ("due", "risk", "easy-first")
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
    link_threshold: float = 0.2
    template: str | None = None

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


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number >= 0, got {value!r}")
    return value


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
    from studycards.notes.sections import DEFAULT_PATTERNS

    if kind not in DEFAULT_PATTERNS:
        return [f"unknown section kind {kind!r} (one of {', '.join(DEFAULT_PATTERNS)})"]
    problems = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(f"bad pattern {pattern!r} for {kind}: {error}")
    return problems


def _parameters(value: Any) -> list[float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) for v in value):
        raise ValueError("expected a list of numbers")
    return [float(v) for v in value]


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
    "maximum_interval": _positive_int,
    "max_note_bytes": _positive_int,
    "new_per_day": _positive_int,
    "reviews_per_day": _positive_int,
    "again_repeats": _positive_int,
    "link_top_k": _positive_int,
    "interview_date": _optional_date,
    "order": _one_of(ORDERS),
    "scheduler": _one_of(SCHEDULERS),
    "sections": _sections,
    "parameters": _parameters,
    "fuzz": _bool,
    "followups": _bool,
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
