"""Safe YAML loading: the C safe loader where available, dates left as text.

Timestamps are not resolved by YAML so that a bad date such as ``2025-13-45`` is reported by
studycards with its key and line instead of failing inside the loader. ``!!python/...`` tags are
never constructed: the safe loader has no constructor for them and refuses the document.
"""

from __future__ import annotations

from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with timestamps kept as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

YAMLError = yaml.YAMLError


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader; raises :class:`yaml.YAMLError`."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader


def error_line(error: yaml.YAMLError) -> int | None:
    """The 0-based line a YAML error points at, when it says."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return None if mark is None else int(mark.line)


def error_text(error: yaml.YAMLError) -> str:
    """A one-line description of a YAML error."""
    problem = getattr(error, "problem", None)
    if problem and "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"refused YAML tag {tag}: tags that build objects are never loaded"
    context = getattr(error, "context", None)
    parts = [part for part in (context, problem) if part]
    return "bad YAML: " + ("; ".join(parts) if parts else str(error).splitlines()[0])
