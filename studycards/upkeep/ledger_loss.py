"""Reviews the ledger lost: a merge resolved by taking one side drops the other machine's lines.

Two witnesses are asked. The notes' projections: a note showing a review (its ``last_reviewed``)
later than any the ledger holds for it. And git: every event once committed in
``.studycards/reviews.jsonl`` on any branch, which the ledger no longer holds. Lost lines found in
git can be appended again (the ledger is append-only and replay orders events by time).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from studycards.notes.note import NoteSummary
from studycards.notes.vault import STATE_DIR, Vault
from studycards.scheduling.events import Event, live_events
from studycards.scheduling.history import CardHistory
from studycards.scheduling.ledger import LEDGER_NAME, _parse_line

MAX_COMMITS = 500
_GIT_TIMEOUT = 20.0
# A cloned repository's own config must not run anything: no fsmonitor, hooks or pager.
_SAFE = ("-c", "core.fsmonitor=", "-c", "core.hooksPath=/dev/null", "--no-pager")


@dataclass(frozen=True)
class LostInGit:
    """Events once committed that the ledger no longer holds, with a commit that has them."""

    events: tuple[Event, ...]
    commits: dict[str, str]  # event id -> the first commit found holding it


def unlogged_reviews(
    notes: list[NoteSummary], cards: dict[str, CardHistory]
) -> list[tuple[NoteSummary, str]]:
    """Notes showing a review later than the ledger's last event for them, with that day."""
    found = []
    for summary in notes:
        history = cards.get(summary.id) if summary.id else None
        last = history.last if history else None
        if last is None or summary.last_reviewed is None or summary.review_count == 0:
            continue
        if summary.last_reviewed > last.day_date:
            found.append((summary, last.day))
    return found


def lost_in_git(vault: Vault, held: tuple[Event, ...]) -> LostInGit:
    """Events of committed versions of the ledger that are missing now (none without git)."""
    rel = f"{STATE_DIR}/{LEDGER_NAME}"
    commits = _git(
        vault,
        "log",
        "--all",
        "--full-history",
        f"--max-count={MAX_COMMITS}",
        "--format=%H",
        "--",
        rel,
    )
    if not commits:
        return LostInGit((), {})
    known = {e.id for e in held}
    missing: dict[str, Event] = {}
    where: dict[str, str] = {}
    names = commits.split()
    for commit, blob in zip(names, _blobs(vault, [f"{c}:./{rel}" for c in names]), strict=True):
        for event in _events_in(vault, blob):
            if event.id not in known and event.id not in missing:
                missing[event.id] = event
                where[event.id] = commit[:12]
    events = tuple(sorted(missing.values(), key=lambda e: e.ts))
    return LostInGit(events, where)


def _blobs(vault: Vault, objects: list[str]) -> list[bytes]:
    """Each object's content (empty when missing), read by one ``git cat-file --batch``."""
    out = _git(vault, "cat-file", "--batch", text=False, stdin="\n".join(objects) + "\n") or b""
    blobs, at = [], 0
    for _ in objects:
        end = out.find(b"\n", at)
        header = out[at:end].split() if end >= 0 else []
        if len(header) != 3:  # "<name> missing", or output cut short
            blobs.append(b"")
            at = end + 1 if end >= 0 else len(out)
            continue
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return blobs


def _events_in(vault: Vault, blob: bytes) -> list[Event]:
    events = []
    for number, line in enumerate(blob.split(b"\n"), start=1):
        if line.strip():
            event, _notice = _parse_line(line, number, vault.state_dir / LEDGER_NAME)
            if event is not None:
                events.append(event)
    return events


def _git(vault: Vault, *args: str, text: bool = True, stdin: str | None = None):
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(
            ["git", *_SAFE, "-C", str(vault.root), *args],
            capture_output=True,
            input=None if stdin is None else stdin.encode("utf-8"),
            timeout=_GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace") if text else done.stdout


def describe(events: tuple[Event, ...], limit: int = 3) -> str:
    """A few of the lost reviews, for one line: ``notes/x.md on 2026-11-30, ...``."""
    reviews = [e for e in live_events(events) if e.kind == "review"] or list(events)
    shown = ", ".join(f"{e.path} on {e.day}" for e in reviews[:limit])
    more = len(reviews) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def restore(vault: Vault, lost: LostInGit) -> None:
    """Append the lost events again, with their own times (call under the vault lock)."""
    from studycards.scheduling.ledger import _append_or_nothing
    from studycards.scheduling.writes import ledger_of

    ledger = ledger_of(vault)
    ledger.repair_torn_tail()
    _append_or_nothing(ledger.path, "".join(e.to_json() + "\n" for e in lost.events).encode())
