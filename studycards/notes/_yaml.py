"""Safe YAML loading: the C safe loader where available, dates left as text.

Timestamps are not resolved by YAML so that a bad date such as ``2025-13-45`` is reported by
studycards with its key and line instead of failing inside the loader. ``!!python/...`` tags are
never constructed: the safe loader has no constructor for them and refuses the document.

Before building any value the node graph is checked, so that what YAML would accept silently or
choke on is refused with a line number instead: a key given twice in one mapping (YAML keeps only
the last), aliases that expand beyond :data:`MAX_VALUES` values ("billion laughs"), and an alias
that refers to the collection it sits in.
"""

from __future__ import annotations

from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The most values a document may hold once its aliases are expanded.
MAX_VALUES = 10_000


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with timestamps kept as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

YAMLError = yaml.YAMLError


class RefusedYAML(yaml.YAMLError):
    """A document studycards will not load; ``line`` is 0-based, ``first`` the earlier line."""

    def __init__(self, problem: str, line: int | None, first: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.first = first


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader; raises :class:`yaml.YAMLError`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:
            check_nodes(node)
        else:
            check_keys(node)
        return loader.construct_document(node)
    except RecursionError:
        raise RefusedYAML("YAML nested too deeply", None) from None
    except yaml.reader.ReaderError as error:  # names a character position, not a line
        line = text.count("\n", 0, max(0, error.position))
        code = error.character if isinstance(error.character, int) else ord(error.character[:1])
        message = f"bad YAML: {error.reason} (character #x{code:04x})"
        raise RefusedYAML(message, line) from None
    finally:
        loader.dispose()


def check_nodes(root: yaml.Node) -> None:
    """Refuse duplicate keys, alias bombs and self-referring aliases (no recursion used)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = min(MAX_VALUES + 1, 1 + sum(sizes[id(c)] for c in children))
            if sizes[key] > MAX_VALUES:
                message = f"YAML aliases expand to more than {MAX_VALUES} values: not loaded"
                raise RefusedYAML(message, node.start_mark.line)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise RefusedYAML("YAML alias refers to itself: not loaded", node.start_mark.line)
        open_nodes.add(key)
        _check_duplicates(node)
        stack.append((node, True))
        stack.extend((child, False) for child in children)


def check_keys(root: yaml.Node) -> None:
    """Refuse duplicate keys in a document without aliases (each node is reached once)."""
    stack = [root]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is yaml.MappingNode:
            names = [k.value for k, _v in node.value if type(k) is yaml.ScalarNode]
            if len(set(names)) != len(names):
                _check_duplicates(node)
            stack.extend(part for pair in node.value for part in pair)
        elif kind is yaml.SequenceNode:
            stack.extend(node.value)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_duplicates(node: yaml.Node) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[tuple[str, str], int] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        name = (key_node.tag, key_node.value)
        line = key_node.start_mark.line
        if name in seen:
            raise RefusedYAML(f"duplicate key {_shown(key_node.value)}", line, seen[name])
        seen[name] = line


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def error_line(error: yaml.YAMLError) -> int | None:
    """The 0-based line a YAML error points at, when it says."""
    if isinstance(error, RefusedYAML):
        return error.line
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return None if mark is None else int(mark.line)


def error_text(error: yaml.YAMLError, first_line: int = 1) -> str:
    """A one-line description of a YAML error; ``first_line``: the file line of YAML line 0."""
    if isinstance(error, RefusedYAML):
        if error.first is None:
            return error.problem
        return f"{error.problem} (also on line {first_line + error.first}): YAML keeps only one"
    problem = getattr(error, "problem", None)
    if problem and "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"refused YAML tag {tag}: tags that build objects are never loaded"
    context = getattr(error, "context", None)
    parts = [part for part in (context, problem) if part]
    text = "; ".join(parts) if parts else (str(error).splitlines() or ["unreadable"])[0]
    return "bad YAML: " + " ".join(text.split())
