"""doctor's view of git merge conflicts in notes: conflicts in the review keys are studycards'
to settle (the keys are a projection of the ledger), every other one is the person's.
"""

from __future__ import annotations

import os

from studycards._atomic import atomic_write
from studycards.notes.merge import Resolved, resolve_markers
from studycards.notes.note_file import read_note_bytes
from studycards.notes.vault import Vault

KIND = "conflict"


def conflicted(vault: Vault, rels: list[str]) -> dict[str, tuple[str, Resolved]]:
    """Notes holding conflict markers: their text and what settling them would give."""
    found: dict[str, tuple[str, Resolved]] = {}
    root = os.path.realpath(vault.root)
    for rel in rels:
        try:  # only regular files inside the vault, never blocking on a FIFO
            raw, problem = read_note_bytes(
                rel, str(vault.root / rel), root, vault.config.max_note_bytes
            )
            text = "" if raw is None else raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "\n<<<<<<< " not in "\n" + text:
            continue
        resolved = resolve_markers(text)
        if resolved is not None:
            found[rel] = (text, resolved)
    return found


def conflict_findings(vault: Vault, rels: list[str]) -> list[tuple[str, str, bool]]:
    """``(where, message, repairable)`` for each conflict block in a note."""
    out = []
    for rel, (text, resolved) in conflicted(vault, rels).items():
        settled = resolved.settled
        if settled:
            line = text[: text.index("<<<<<<< ")].count("\n") + 1
            out.append(
                (
                    f"{rel}:{line}",
                    "merge conflict in the review keys: --repair settles it from the ledger",
                    True,
                )
            )
        for line in resolved.left:
            out.append(
                (f"{rel}:{line}", "merge conflict for you to resolve (left as it is)", False)
            )
    return out


def settle_conflicts(vault: Vault, rels: list[str]) -> list[str]:
    """Write each note with its review-key conflicts settled; one line per note."""
    actions = []
    for rel, (_text, resolved) in conflicted(vault, rels).items():
        if not resolved.settled:
            continue
        atomic_write(vault.root / rel, resolved.text.encode("utf-8"))
        left = resolved.left
        tail = f"; {len(left)} other conflict(s) left for you" if left else ""
        actions.append(f"{rel}: settled the merge conflict in its review keys{tail}")
    return actions
