"""doctor: check that a vault's notes, ledger, cache and lock agree.

:func:`diagnose` only reads (the notes are scanned without the index, so the cache is judged as
the last command left it); :func:`studycards.upkeep.doctor_repair.repair` fixes what is safe. A
finding of severity ``warning`` is reported but leaves the vault healthy; every ``error`` makes
it unhealthy.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from studycards._atomic import TEMPORARY
from studycards.lock import LOCK_NAME
from studycards.notes.index import INDEX_NAME, index_stamp
from studycards.notes.note import NoteSummary
from studycards.notes.vault import ScanResult, Vault, scan
from studycards.scheduling.copies import find_copies
from studycards.scheduling.events import Event, live_events
from studycards.scheduling.history import CardHistory, replay
from studycards.scheduling.ledger import TORN_NAME, LedgerRead
from studycards.scheduling.reconcile import pending, unfinished_undos
from studycards.scheduling.writes import ledger_of
from studycards.upkeep._doctor_files import (
    _LYING,
    _STALE,
    _alive,
    _lock_held,
    _read_index,
    _shown,
    _stale_rows,
    _temporary_files,
)
from studycards.upkeep.ledger_loss import describe, lost_in_git, unlogged_reviews

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the vault; ``kind`` names the repair that fixes it, if any."""

    kind: str
    where: str
    message: str
    severity: str = ERROR
    repairable: bool = True
    subject: str = ""  # what a repair needs beyond ``where`` (a lost note id)

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{self.where}: {prefix}{self.message}"


def healthy(findings: list[Finding]) -> bool:
    return not any(f.severity == ERROR for f in findings)


@dataclass(frozen=True)
class _State:
    """What the checks share: the scan, the ledger and each card's history."""

    vault: Vault
    result: ScanResult
    read: LedgerRead
    cards: dict[str, CardHistory]


def _state(vault: Vault) -> _State:
    read = ledger_of(vault).read()
    return _State(vault, scan(vault, use_index=False), read, replay(read.events))


def diagnose(vault: Vault) -> list[Finding]:
    """Every finding, in a fixed order: lock, ledger, ids, notes against ledger, cache."""
    state = _state(vault)
    findings = _lock_findings(vault) + _ledger_findings(vault, state.read)
    duplicates = _duplicate_findings(state)
    findings += duplicates + _id_findings(state)
    copies = {f.where for f in duplicates}
    undos = _undo_findings(state)
    lost = _lost_findings(state)
    skip = copies | {f.where for f in undos + lost}
    notes = [s for s in state.result.notes if s.rel not in skip]
    findings += undos + lost + _conflicts(state) + _pending_findings(state, notes)
    return findings + _cache_findings(state) + _temporary_findings(vault)


def _conflicts(state: _State) -> list[Finding]:
    from studycards.upkeep.doctor_conflicts import KIND, conflict_findings

    rels = [s.rel for s in state.result.summaries]
    return [
        Finding(KIND, where, message, repairable=fixable)
        for where, message, fixable in conflict_findings(state.vault, rels)
    ]


# ---------------------------------------------------------------------------------------------
# the lock


def _lock_findings(vault: Vault) -> list[Finding]:
    path = vault.state_dir / LOCK_NAME
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return []
    if not text or _lock_held(path):
        return []
    where = _shown(vault, path)
    pid = int(text) if text.isdigit() else None
    reason = "is not running" if pid is None or not _alive(pid) else "no longer holds the lock"
    message = (
        f"pid {text[:20]} {reason} (left by a crash): harmless, the lock itself was released; "
        "--repair clears it"
    )
    return [Finding("lock", where, message, WARNING)]


# ---------------------------------------------------------------------------------------------
# the ledger


def _ledger_findings(vault: Vault, read: LedgerRead) -> list[Finding]:
    where = _shown(vault, ledger_of(vault).path)
    findings = []
    if read.torn_tail:
        message = (
            f"last line is incomplete ({len(read.torn_tail)} bytes, torn by a crash): "
            f"--repair moves it to {TORN_NAME}"
        )
        findings.append(Finding("torn", where, message))
    for notice in read.notices:
        if "last line is incomplete" in notice:
            continue
        line_where, _, text = notice.replace(str(vault.root) + os.sep, "", 1).partition(": ")
        findings.append(Finding("ledger-line", line_where, text, WARNING, repairable=False))
    return findings


# ---------------------------------------------------------------------------------------------
# note ids


def _duplicate_findings(state: _State) -> list[Finding]:
    findings = []
    for copy in find_copies(state.result.notes, state.cards):
        message = (
            f"has the same id {copy.note_id} as {copy.keeper} (a copy?): the next writing "
            "command, or --repair, gives it a new id"
        )
        findings.append(Finding("duplicate-id", copy.rel, message))
    return findings


def _id_findings(state: _State) -> list[Finding]:
    """Ledger histories no note carries: an id removed from its note, or a deleted note."""
    known = {s.id for s in state.result.summaries if s.id}
    by_rel = {s.rel: s for s in state.result.summaries}
    awaiting = {item.note.rel for item in pending(state.vault, state.cards, _no_id(state))}
    findings = []
    for note_id, events in _events_by_note(state.read.events).items():
        if note_id in known:
            continue
        path = events[-1].path
        summary = by_rel.get(path)
        finding = _orphan_finding(note_id, len(events), path, summary, path in awaiting)
        if finding:
            findings.append(finding)
    return findings


def _no_id(state: _State) -> list[NoteSummary]:
    return [s for s in state.result.notes if not s.id]


def _events_by_note(events: tuple[Event, ...]) -> dict[str, list[Event]]:
    """Each note's events that still count: a review taken back by undo leaves nothing behind
    (undo also removes the id that review gave the note)."""
    by_note: dict[str, list[Event]] = defaultdict(list)
    for event in live_events(events):
        by_note[event.note].append(event)
    return by_note


def _orphan_finding(
    note_id: str, count: int, path: str, summary: NoteSummary | None, awaiting: bool
) -> Finding | None:
    events = f"{count} event{'s' * (count != 1)}"
    if summary is None:
        message = (
            f"the ledger holds {events} for note {note_id}, which no note carries (deleted?): "
            "kept, harmless"
        )
        return Finding("orphan", path, message, WARNING, repairable=False)
    if summary.broken or awaiting:
        return None  # check reports a broken note; reconcile finishes an interrupted first review
    if summary.id is None:
        message = (
            f"has no id, but the ledger holds {events} for its id {note_id}: --repair puts it back"
        )
        return Finding("lost-id", path, message, subject=note_id)
    message = (
        f"the ledger holds {events} for {note_id} logged at this path, but the note's id is now "
        f"{summary.id}: if it is the same note, set its id back to {note_id}"
    )
    return Finding("changed-id", path, message, WARNING, repairable=False)


# ---------------------------------------------------------------------------------------------
# notes against the ledger


def _lost_findings(state: _State) -> list[Finding]:
    """Reviews a one-sided merge of the ledger dropped, from git history and from the notes."""
    findings = []
    lost = lost_in_git(state.vault, state.read.events)
    if lost.events:
        first = lost.events[0]
        message = (
            f"{len(lost.events)} event{'s' * (len(lost.events) != 1)} committed to git are "
            f"missing from the ledger ({describe(lost.events)}; e.g. commit "
            f"{lost.commits[first.id]}): a merge kept one side? --repair appends them again"
        )
        findings.append(
            Finding("lost-lines", _shown(state.vault, ledger_of(state.vault).path), message)
        )
    recovered = {e.note for e in lost.events}
    for summary, day in unlogged_reviews(state.result.notes, state.cards):
        if summary.id in recovered:
            continue
        message = (
            f"shows a review on {summary.last_reviewed} that the ledger does not hold (its last "
            f"event for this note is from {day}): lost in a merge that kept one side of the "
            "ledger? Restore the other side's lines from that machine"
        )
        findings.append(Finding("unlogged", summary.rel, message, repairable=False))
    return findings


def _undo_findings(state: _State) -> list[Finding]:
    findings = []
    for undo, target, note in unfinished_undos(state.vault, state.read.events, state.result.notes):
        message = (
            f"the ledger holds an undo ({undo.day}) of the review of {target.day} that the note "
            "still shows: --repair finishes the undo"
        )
        findings.append(Finding("reconcile", note.rel, message))
    return findings


def _pending_findings(state: _State, notes: list[NoteSummary]) -> list[Finding]:
    findings = []
    for item in pending(state.vault, state.cards, notes):
        shown = item.note.summary.next_review
        note_due = shown.isoformat() if shown else "none"
        if item.stale:
            message = (
                f"review keys are an earlier review's (next_review {note_due}, ledger "
                f"{item.ledger_due.isoformat()}), as a merge of two machines leaves them: "
                "--repair rewrites them from the ledger"
            )
        elif item.finish:
            message = (
                f"the ledger holds a review the note does not show yet (next_review {note_due}, "
                f"ledger {item.ledger_due.isoformat()}): --repair writes it"
            )
        else:
            message = (
                f"next_review {note_due} differs from the ledger ({item.ledger_due.isoformat()}): "
                "edited by hand? --repair logs it as a manual reschedule"
            )
        findings.append(Finding("reconcile", item.note.rel, message))
    return findings


# ---------------------------------------------------------------------------------------------
# the cache


def _cache_findings(state: _State) -> list[Finding]:
    """The cache is disposable and every command repairs it as it goes: never a vault error."""
    vault = state.vault
    path = vault.state_dir / INDEX_NAME
    if not path.exists():
        return []
    where = _shown(vault, path)
    try:
        stamp, rows = _read_index(path)
    except (sqlite3.Error, OSError) as error:
        return [Finding("cache", where, f"unreadable ({error}): --repair rebuilds it", WARNING)]
    if stamp is not None and stamp != index_stamp(vault):
        message = "built by another studycards version or settings: --repair rebuilds it"
        return [Finding("cache", where, message, WARNING)]
    counts = _stale_rows(vault, rows, {s.rel: s for s in state.result.summaries})
    if not counts[_LYING]:
        return []  # rows of notes since changed or deleted: the next scan refreshes them
    parts = ", ".join(f"{counts[what]} {what}" for what in _STALE if counts[what])
    message = f"stale rows: {parts}: --repair rebuilds it"
    return [Finding("cache", where, message, WARNING)]


# ---------------------------------------------------------------------------------------------
# temporary files


def _temporary_findings(vault: Vault) -> list[Finding]:
    findings = []
    for path in _temporary_files(vault):
        target = TEMPORARY.match(path.name)["name"]  # type: ignore[index]
        message = f"left by an interrupted write of {target} (which is intact): --repair deletes it"
        findings.append(Finding("temporary", _shown(vault, path), message, WARNING))
    return findings
