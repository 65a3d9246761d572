"""Parameter specs and their validation, in plain Python (no numpy), so listing stays fast."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxother = 2, 4, 4, 40


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr(value)`` bounded in depth, items and length, so a message never grows huge."""
    _REPR.maxstring = limit
    text = _REPR.repr(value)
    return text if len(text) <= limit + 10 else text[: limit + 7] + "..."


@dataclass(frozen=True)
class Param:
    """One integer parameter of a demo, with its default and inclusive range."""

    name: str
    default: int
    low: int
    high: int
    help: str

    @property
    def option(self) -> str:
        """The command-line spelling, e.g. ``--seq-len``."""
        return "--" + self.name.replace("_", "-")

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable, or None when it is."""
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{self.name} must be an integer, got {short_repr(value)}"
        if not self.low <= value <= self.high:
            return f"{self.name} must be between {self.low} and {self.high}, got {value}"
        return None


@dataclass(frozen=True)
class Divisible:
    """A rule between two parameters: ``dividend`` must be a multiple of ``divisor``."""

    dividend: str
    divisor: str

    def problem(self, params: Mapping[str, int]) -> str | None:
        top, bottom = params[self.dividend], params[self.divisor]
        if top % bottom == 0:
            return None
        return f"{self.dividend} ({top}) must be divisible by {self.divisor} ({bottom})"


@dataclass(frozen=True)
class Even:
    """A rule on one parameter: it must be even (for sin/cos or rotation pairs)."""

    name: str

    def problem(self, params: Mapping[str, int]) -> str | None:
        value = params[self.name]
        return None if value % 2 == 0 else f"{self.name} must be even, got {value}"


@dataclass(frozen=True)
class AtMost:
    """A rule between two parameters: ``small`` must not exceed ``large`` (or ``large - 1``)."""

    small: str
    large: str
    strict: bool = False

    def problem(self, params: Mapping[str, int]) -> str | None:
        small, large = params[self.small], params[self.large]
        if small < large or (small == large and not self.strict):
            return None
        relation = "less than" if self.strict else "at most"
        return f"{self.small} ({small}) must be {relation} {self.large} ({large})"


Rule = Divisible | Even | AtMost


def resolve(
    params: tuple[Param, ...], rules: tuple[Rule, ...], given: Mapping[str, Any]
) -> tuple[dict[str, int], list[str]]:
    """Fill defaults into ``given`` and list every problem found (all of them, not the first)."""
    known = {param.name: param for param in params}
    problems = [_unknown_key(key, known) for key in given if key not in known]
    values = {name: given.get(name, param.default) for name, param in known.items()}
    typed = [param.problem(values[param.name]) for param in params]
    problems += [problem for problem in typed if problem]
    if not problems:
        problems += [problem for rule in rules if (problem := rule.problem(values))]
    return values, problems


def _unknown_key(key: str, known: Mapping[str, Param]) -> str:
    names = ", ".join(known) or "none"
    return f"unknown parameter {short_repr(key)} (parameters: {names})"


def check_seed(seed: Any) -> str | None:
    """Why ``seed`` cannot seed a generator, or None when it can."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        return f"seed must be a non-negative integer, got {short_repr(seed)}"
    return None
