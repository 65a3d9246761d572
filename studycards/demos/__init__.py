"""A catalog of small, exact NumPy attention demos, each a worked answer to an interview question.

Demos are looked up by name in the built-in catalog; nothing found in a note is ever imported or
executed. This module imports no numpy: a demo's module is loaded only when it runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

import yaml

from studycards.demos._catalog import CATALOG, Demo, DemoInfo
from studycards.demos._params import Param, check_seed, resolve, short_repr
from studycards.demos.result import Check, DemoResult, Heatmap, Outcome, Step, Table
from studycards.errors import DemoError

__all__ = [
    "Check",
    "Demo",
    "DemoInfo",
    "DemoResult",
    "Heatmap",
    "Outcome",
    "Param",
    "Step",
    "Table",
    "check_block",
    "get_demo",
    "list_demos",
    "run_block",
    "run_demo",
]

BLOCK_INFO = "studycards-demo"
_BY_NAME = {demo.name: demo for demo in CATALOG}
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def list_demos() -> list[DemoInfo]:
    """Every built-in demo's name and one-line summary, in teaching order."""
    return [demo.info for demo in CATALOG]


def get_demo(name: str) -> Demo:
    """The demo called ``name``; a DemoError naming close matches if there is none."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    close = _close_matches(name)
    hint = f"did you mean {', '.join(close)}?" if close else "see 'studycards demo list'"
    raise DemoError(f"unknown demo {short_repr(name)}; {hint}")


def _close_matches(name: str) -> list[str]:
    """Demo names containing ``name`` (``kv`` -> ``kv-cache``), then similar spellings."""
    wanted = name.lower().replace("_", "-")
    contained = [known for known in _BY_NAME if wanted and wanted in known]
    similar = difflib.get_close_matches(wanted, _BY_NAME, n=3, cutoff=0.6)
    return list(dict.fromkeys(contained + similar))[:3]


def run_demo(name: str, params: Mapping[str, Any], seed: int = 0) -> DemoResult:
    """Validate ``params`` (all problems at once, on one line) and run the demo."""
    demo, values = _validated(name, params, seed)
    return demo.run(values, seed)


def _validated(name: str, params: Mapping[Any, Any], seed: Any) -> tuple[Demo, dict[str, int]]:
    demo = get_demo(name)
    given = {str(key).replace("-", "_"): value for key, value in params.items()}
    values, problems = resolve(demo.params, demo.rules, given)
    seed_problem = check_seed(seed)
    if seed_problem:
        problems.append(seed_problem)
    if problems:
        raise DemoError(f"demo {name!r}: {'; '.join(problems)}")
    return demo, values


def run_block(source: str) -> DemoResult:
    """Run the demo a ``studycards-demo`` block names; its body is YAML, loaded safely."""
    data = _load_block(source)
    if "name" not in data:
        raise DemoError(f"{BLOCK_INFO} block needs a 'name' key, e.g. 'name: scaled-dot-product'")
    params = dict(data)
    name, seed = params.pop("name"), params.pop("seed", 0)
    if not isinstance(name, str):
        raise DemoError(f"{BLOCK_INFO} block: name must be a string, got {short_repr(name)}")
    return run_demo(name, params, seed)


def check_block(source: str) -> str | None:
    """Why a ``studycards-demo`` block would not run (its YAML, name or parameters), or None.

    This validates without running the demo, so ``studycards check`` stays fast.
    """
    try:
        data = _load_block(source)
        if "name" not in data:
            return f"{BLOCK_INFO} block needs a 'name' key, e.g. 'name: scaled-dot-product'"
        params = dict(data)
        name, seed = params.pop("name"), params.pop("seed", 0)
        if not isinstance(name, str):
            return f"{BLOCK_INFO} block: name must be a string, got {short_repr(name)}"
        _validated(name, params, seed)
    except DemoError as error:
        return str(error)
    return None


def _refuse_aliases(source: str) -> None:
    """Refuse YAML anchors and aliases: a demo block never needs them, and a few lines of
    nested aliases ("billion laughs") would expand into billions of values."""
    try:
        for event in yaml.parse(source, Loader=_SafeLoader):
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
                line = event.start_mark.line + 1
                message = f"{BLOCK_INFO} block may not use YAML anchors or aliases"
                raise DemoError(f"{message}: {kind}{short_repr(anchor, 20)[1:-1]} (line {line})")
    except yaml.YAMLError:
        return  # reported with its line when the block is loaded


def _load_block(source: str) -> dict[Any, Any]:
    _refuse_aliases(source)
    try:
        data = yaml.load(source, Loader=_SafeLoader)
    except yaml.constructor.ConstructorError as error:
        message = f"{BLOCK_INFO} block uses a YAML tag that is not allowed: {_tag(error)}"
        raise DemoError(message) from None
    except yaml.YAMLError as error:
        raise DemoError(f"{BLOCK_INFO} block is not valid YAML: {_yaml_problem(error)}") from None
    if not isinstance(data, dict):
        kind = "nothing" if data is None else type(data).__name__
        raise DemoError(f"{BLOCK_INFO} block must be a mapping like 'name: dot', got {kind}")
    return data


def _tag(error: yaml.constructor.ConstructorError) -> str:
    """The refused tag in its short form (``!!python/name:os.system``) and its line."""
    problem = _yaml_problem(error)
    found = re.search(r"'tag:yaml\.org,2002:([^']*)'(.*)", problem)
    return f"!!{found.group(1)}{found.group(2)}" if found else problem


def _yaml_problem(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem:
        mark = error.problem_mark
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return f"{error.problem}{where}"
    return str(error).splitlines()[0]
