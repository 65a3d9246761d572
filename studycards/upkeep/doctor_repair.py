"""doctor --repair: fix what can be fixed without a person's judgement, under the vault lock,
one line per action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from studycards.lock import LOCK_NAME, vault_lock
from studycards.notes.frontmatter_edit import update_text
from studycards.notes.index import INDEX_NAME
from studycards.notes.vault import Vault, scan
from studycards.scheduling.ledger import TORN_NAME
from studycards.scheduling.reconcile import reconcile
from studycards.scheduling.snapshot import SNAPSHOT_NAME
from studycards.scheduling.writes import ledger_of, new_note_id, read_note_file, write_note
from studycards.upkeep._doctor_files import _shown, _temporary_files
from studycards.upkeep.doctor import Finding, _duplicate_findings, _id_findings, _state, diagnose
from studycards.upkeep.ledger_loss import lost_in_git, restore


@dataclass(frozen=True)
class Repaired:
    """What --repair did, one line each, and what is still wrong afterwards."""

    actions: tuple[str, ...]
    remaining: tuple[Finding, ...]


def repair(vault: Vault, now: dt.datetime) -> Repaired:
    """Fix what is safe, in an order where each step helps the next; then diagnose again."""
    before = diagnose(vault)
    kinds = {f.kind for f in before}
    actions = _clear_pid(vault) if "lock" in kinds else []
    with vault_lock(vault.state_dir):
        steps: list[tuple[str, Callable[[Vault], list[str]]]] = [
            ("torn", _repair_torn),
            ("lost-lines", _restore_lost),
            ("duplicate-id", _repair_duplicates),
            ("lost-id", _restore_ids),
            ("conflict", _settle_conflicts),
            ("reconcile", lambda v: _reconcile(v, now)),
            ("cache", _rebuild_cache),
            ("temporary", _delete_temporary),
        ]
        if "conflict" in kinds:
            kinds.add("reconcile")  # settled review keys are then checked against the ledger
        for kind, step in steps:
            if kind in kinds:
                actions += step(vault)
        scan(vault)  # notes written above: bring the cache up to date
    return Repaired(tuple(actions), tuple(diagnose(vault)))


def _settle_conflicts(vault: Vault) -> list[str]:
    from studycards.upkeep.doctor_conflicts import settle_conflicts

    return settle_conflicts(vault, [s.rel for s in scan(vault, use_index=False).summaries])


def _clear_pid(vault: Vault) -> list[str]:
    """Taking the lock overwrites the stale pid, and releasing it clears the file."""
    path = vault.state_dir / LOCK_NAME
    pid = path.read_text(encoding="ascii", errors="replace").strip()
    return [f"cleared the stale pid {pid[:20]} from {_shown(vault, path)}"]


def _repair_torn(vault: Vault) -> list[str]:
    ledger = ledger_of(vault)
    moved = ledger.repair_torn_tail()
    if not moved:
        return []
    target = _shown(vault, ledger.path.with_name(TORN_NAME))
    return [f"moved the torn last line of the ledger ({len(moved)} bytes) to {target}"]


def _restore_lost(vault: Vault) -> list[str]:
    lost = lost_in_git(vault, ledger_of(vault).read().events)
    if not lost.events:
        return []
    restore(vault, lost)
    count = len(lost.events)
    return [f"appended {count} event{'s' * (count != 1)} found in git history to the ledger"]


def _repair_duplicates(vault: Vault) -> list[str]:
    state = _state(vault)
    actions = []
    for finding in _duplicate_findings(state):
        note = read_note_file(vault, finding.where)
        new_id = new_note_id()
        write_note(note, update_text(note.text, {"id": new_id}))
        actions.append(f"{note.rel}: gave it the new id {new_id} (it shared {note.summary.id})")
    return actions


def _restore_ids(vault: Vault) -> list[str]:
    state = _state(vault)
    actions = []
    for finding in _id_findings(state):
        if finding.kind != "lost-id":
            continue
        note = read_note_file(vault, finding.where)
        write_note(note, update_text(note.text, {"id": finding.subject}))
        actions.append(f"{note.rel}: put back its id {finding.subject}, so its history applies")
    return actions


def _reconcile(vault: Vault, now: dt.datetime) -> list[str]:
    done = reconcile(vault, now)
    wrote = [f"{rel}: wrote the review the ledger holds into the note" for rel in done.finished]
    wrote += [f"{rel}: finished the undo the ledger holds" for rel in done.undone]
    logged = [f"{rel}: logged its next_review as a manual reschedule" for rel in done.manual]
    merged = [f"{rel}: rewrote its review keys from the ledger" for rel in done.reprojected]
    return wrote + logged + merged


def _rebuild_cache(vault: Vault) -> list[str]:
    path = vault.state_dir / INDEX_NAME
    for stale in (path, path.with_name(INDEX_NAME + "-journal"), path.with_name(SNAPSHOT_NAME)):
        stale.unlink(missing_ok=True)
    count = len(scan(vault).summaries)
    return [f"rebuilt the cache {_shown(vault, path)} ({count} note{'s' * (count != 1)})"]


def _delete_temporary(vault: Vault) -> list[str]:
    actions = []
    for path in _temporary_files(vault):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        actions.append(f"deleted {_shown(vault, path)}, left by an interrupted write")
    return actions
