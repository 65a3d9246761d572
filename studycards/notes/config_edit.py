"""Lossless edits of ``studycards.yaml``: only the lines of the keys being set change.

The config file is a YAML mapping, as a note's frontmatter block is, so the frontmatter editor's
line logic applies unchanged: the file is framed as a frontmatter block, edited with
:func:`~studycards.notes.frontmatter_edit.update_text` and unframed again. Comments, key order, quoting
and line endings of everything else stay byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studycards._atomic import atomic_write
from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.config import CONFIG_NAME, Config
from studycards.errors import ConfigError
from studycards.notes.frontmatter_edit import update_text

_BOM = "\ufeff"
_FENCE_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def update_config_text(text: str, updates: Mapping[str, Any]) -> str:
    """``text`` of a config file with the keys in ``updates`` set, every other byte kept."""
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    if _FENCE_LINE.search(body):
        raise ConfigError("it holds a '---' or '...' line: edit it by hand")
    newline = "\r\n" if "\r\n" in body else "\n"
    if body and not body.endswith("\n"):
        body += newline
    fence = "---" + newline
    try:
        edited = update_text(fence + body + fence, updates)
    except (ValueError, YAMLError):
        keys = ", ".join(updates)
        raise ConfigError(f"cannot set {keys} without rewriting it: edit it by hand") from None
    return bom + edited[len(fence) : -len(fence)]


def set_config_keys(root: Path, updates: Mapping[str, Any]) -> Path:
    """Set keys of ``root/studycards.yaml`` (created if missing), checked as settings first."""
    path = root / CONFIG_NAME
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config: {error}", path) from None
    try:
        new_text = update_config_text(text, updates)
    except ConfigError as error:
        raise ConfigError(error.message, path) from None
    data = load_yaml(new_text)
    Config.from_mapping(data if isinstance(data, dict) else {}, path)
    atomic_write(path, new_text.encode("utf-8"))
    return path
