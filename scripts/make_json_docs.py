"""Write docs/json.md, the reference of every command's --json output, from the shapes in
studycards/cli/_schemas.py (``--stdout`` prints it instead; a test checks the file is current)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studycards.cli._schemas import INTERACTIVE, SCHEMAS, VOCABULARY, OneOf  # noqa: E402

HEADER = """# JSON output

Every command except the interactive ones ({interactive}) takes `--json` and then prints one
JSON object on stdout, on one line, UTF-8 (Chinese text as it is). Messages and warnings still go
to stderr, and the exit code follows the same rule as without `--json` (0 success; 1 the command
ran and found problems or could not complete; 2 bad usage). Every object starts with two keys:

- `command`: the command that printed it (`"list"`, `"demo run"`, ...);
- `schema`: the version of that command's shape. It goes up when a key is renamed or removed or
  changes type; new keys may appear without a change of version.

The same thing has the same name in every command:

{vocabulary}

Types below: `str`, `int`, `float` (may be written as an integer), `bool`, `date` (`YYYY-MM-DD`),
`path` (vault-relative), `object` (an object described in words); `?` before a type means it may
be `null`; `[...]` is a list; `*` stands for any further keys. This page is written by
`python scripts/make_json_docs.py` from `studycards/cli/_schemas.py`, and the tests run every
command with `--json` and check its output against these shapes.
"""


def render_shape(shape: Any, indent: int = 0) -> list[str]:
    pad = "  " * indent
    if isinstance(shape, OneOf):
        lines = []
        for label, option in zip(shape.labels, shape.options, strict=True):
            if isinstance(option, dict):
                lines.append(f"{pad}- or *{label}*: object")
                lines.extend(render_shape(option, indent + 1))
            elif isinstance(option, list) and isinstance(option[0], dict):
                lines.append(f"{pad}- or *{label}*: list of objects")
                lines.extend(render_shape(option[0], indent + 1))
            else:
                lines.append(f"{pad}- or `{type_name(option)}`")
        return lines
    lines = []
    for key, value in shape.items():
        name = "*" if key == "*" else f"`{key}`"
        if isinstance(value, OneOf):
            lines.append(f"{pad}- {name}: one of")
            lines.extend(render_shape(value, indent + 1))
        elif isinstance(value, dict):
            lines.append(f"{pad}- {name}: object")
            lines.extend(render_shape(value, indent + 1))
        elif isinstance(value, list) and isinstance(value[0], dict):
            lines.append(f"{pad}- {name}: list of objects")
            lines.extend(render_shape(value[0], indent + 1))
        else:
            lines.append(f"{pad}- {name}: `{type_name(value)}`")
    return lines


def type_name(value: Any) -> str:
    if isinstance(value, list):
        return f"[{type_name(value[0])}]"
    return str(value)


def document() -> str:
    vocabulary = "\n".join(f"- `{name}`: {meaning}" for name, meaning in VOCABULARY)
    interactive = ", ".join(f"`{name}`" for name in INTERACTIVE)
    parts = [HEADER.format(interactive=interactive, vocabulary=vocabulary)]
    for name, schema in SCHEMAS.items():
        parts.append(f"## `{name}`\n\nSchema {schema.version}: {schema.summary}.\n")
        parts.append(f"    {schema.example}\n")
        shape = schema.shape
        if isinstance(shape, OneOf):
            parts.append("The object is one of these, by the options given:\n")
        parts.append("\n".join(render_shape(shape)) + "\n")
    return "\n".join(parts)


def main() -> None:
    text = document()
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
        return
    target = Path(__file__).resolve().parents[1] / "docs" / "json.md"
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
