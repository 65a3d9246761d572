"""The vault's git settings files studycards keeps: ``.gitattributes`` lines that make the
ledger merge without conflicts, and the ``.studycards/.gitignore`` entries kept in git.

Lines are only ever added (never reordered or removed), so a person's own lines stay as they are.
"""

from __future__ import annotations

from pathlib import Path

from studycards._atomic import atomic_write

ATTRIBUTES_NAME = ".gitattributes"
# The ledger only ever gains lines, so git's union merge keeps both machines' reviews.
LEDGER_ATTRIBUTE = ".studycards/reviews.jsonl merge=union"
ATTRIBUTE_LINES = (LEDGER_ATTRIBUTE,)


def ensure_lines(path: Path, lines: tuple[str, ...], header: str | None = None) -> list[str]:
    """Append each of ``lines`` that ``path`` lacks (creating the file); return those added."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in have]
    if not missing:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    if header and header not in have:
        text += header + "\n"
    atomic_write(path, (text + "".join(f"{line}\n" for line in missing)).encode("utf-8"))
    return missing


def ensure_gitattributes(root: Path) -> list[str]:
    """The vault's ``.gitattributes`` holds studycards' merge rules; the lines it added."""
    header = "# studycards: the review ledger merges by keeping both sides' lines"
    return ensure_lines(root / ATTRIBUTES_NAME, ATTRIBUTE_LINES, header)
