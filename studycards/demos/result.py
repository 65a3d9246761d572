"""What a demo returns: named steps with their arrays, the checks it ran, and optional figures.

Everything here is plain data. ``to_dict`` turns a result into JSON-safe values (arrays become
nested lists plus their shape; infinities become the strings ``"inf"`` and ``"-inf"``, NaN the
string ``"nan"``). Together, the steps' arrays and each check's ``inputs`` are every number a
demo used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

Cell = str | int | float


@dataclass(frozen=True)
class Step:
    """One step of a worked answer: its arrays (by name) and a one-line explanation."""

    title: str
    explanation: str
    arrays: Mapping[str, np.ndarray] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "explanation": self.explanation,
            "arrays": {name: array_to_dict(value) for name, value in self.arrays.items()},
            "note": self.note,
        }


@dataclass(frozen=True)
class Check:
    """An invariant checked at run time; ``max_abs_error`` is None for exact yes/no checks.

    ``inputs`` holds every array the check used that no step shows (fresh weights, samples, a
    permutation), so that anyone can recompute the check from the JSON alone.
    """

    description: str
    passed: bool
    max_abs_error: float | None = None
    inputs: Mapping[str, np.ndarray] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "passed": bool(self.passed),
            "max_abs_error": None if self.max_abs_error is None else float(self.max_abs_error),
            "inputs": {name: array_to_dict(value) for name, value in self.inputs.items()},
        }


@dataclass(frozen=True)
class Heatmap:
    """A 2-D array of weights with a label for each row and column."""

    title: str
    weights: np.ndarray
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]

    def __post_init__(self) -> None:
        rows, cols = self.weights.shape
        if (rows, cols) != (len(self.row_labels), len(self.col_labels)):
            raise ValueError(f"heatmap {self.title!r}: labels do not match shape {(rows, cols)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "weights": array_to_dict(self.weights),
            "row_labels": list(self.row_labels),
            "col_labels": list(self.col_labels),
        }


@dataclass(frozen=True)
class Table:
    """A small table of figures, such as memory in bytes or error against length."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        rows = [[_json_number(cell) for cell in row] for row in self.rows]
        return {"title": self.title, "columns": list(self.columns), "rows": rows}


@dataclass(frozen=True)
class Outcome:
    """What a demo module computes; the registry adds the name, parameters and seed."""

    steps: tuple[Step, ...]
    checks: tuple[Check, ...]
    heatmap: Heatmap | None = None
    table: Table | None = None


@dataclass(frozen=True)
class DemoResult:
    """A finished demo run: the steps, the checks and the figures, under its name and params."""

    name: str
    params: Mapping[str, int]
    seed: int
    steps: tuple[Step, ...]
    checks: tuple[Check, ...]
    heatmap: Heatmap | None = None
    table: Table | None = None

    def __post_init__(self) -> None:
        names = [name for step in self.steps for name in step.arrays]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"demo {self.name!r} repeats array names: {', '.join(duplicates)}")

    @property
    def passed(self) -> bool:
        """True when every check held."""
        return all(check.passed for check in self.checks)

    def array(self, name: str) -> np.ndarray:
        """The array called ``name`` in whichever step holds it."""
        for step in self.steps:
            if name in step.arrays:
                return step.arrays[name]
        raise KeyError(f"demo {self.name!r} has no array {name!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": dict(self.params),
            "seed": self.seed,
            "passed": self.passed,
            "steps": [step.to_dict() for step in self.steps],
            "checks": [check.to_dict() for check in self.checks],
            "heatmap": self.heatmap.to_dict() if self.heatmap is not None else None,
            "table": self.table.to_dict() if self.table is not None else None,
        }


def array_to_dict(array: np.ndarray) -> dict[str, Any]:
    """An array as its shape, dtype and values, the values as JSON-safe nested lists."""
    return {
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "values": _json_values(array.tolist()),
    }


def _json_values(values: Any) -> Any:
    if isinstance(values, list):
        return [_json_values(item) for item in values]
    return _json_number(values)


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value
