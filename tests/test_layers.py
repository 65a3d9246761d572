"""The package layout is the architecture: imports only run downwards."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "studycards"
BASE = {"errors", "lock", "_atomic", "_parallel", "_statefile", "__init__", "__main__"}

# Each layer and the layers it may import (besides itself and the base modules).
ALLOWED = {
    "notes": set(),
    "demos": set(),
    "scheduling": {"notes"},
    "review": {"scheduling", "notes", "demos"},
    "upkeep": {"scheduling", "notes", "demos"},
    "progress": {"upkeep", "scheduling", "notes"},  # import anki writes notes as `new` does
    "render": {"review", "upkeep", "progress", "scheduling", "notes", "demos"},
    "cli": {"render", "review", "upkeep", "progress", "scheduling", "notes", "demos"},
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("studycards.")}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downwards(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    layer = rel.parts[0] if len(rel.parts) > 1 else ""
    bad = []
    for name in _imports(path):
        target = _layer(name)
        if target in BASE | {"__version__"} or target == layer or rel.name == "__main__.py":
            continue
        if layer == "" or target not in ALLOWED.get(layer, set()):
            bad.append(name)
    assert not bad, f"{rel} imports upwards: {sorted(bad)}"


def test_few_modules_at_the_top() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 9, top
    assert set(top) <= BASE, top


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_modules_stay_small(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    if rel.parts[0] in {"cli", "render", "demos"}:
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{rel} has {lines} lines; split it along a seam"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_says_what_it_is_for(package: str) -> None:
    init = PACKAGE / package / "__init__.py"
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), package
