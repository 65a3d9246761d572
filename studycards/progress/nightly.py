"""The nightly step, ``studycards sync --commit [--push]``: commit the day's reviews in git and
share them.

What it commits is studycards' own: the notes and outlines folders, the checklist and its
archive, the ledger and import record, ``studycards.yaml`` and ``.gitattributes``. Anything else
changed in the work tree stops it before it writes anything, so a person's unrelated work never
slips into a "Review" commit. One ``git commit`` holds everything (git writes a commit whole or
not at all, so a kill leaves either the old HEAD or the new one). ``pull --rebase`` runs with
the merge rules ``init`` / ``migrate`` set (the ledger's union merge, the notes' driver), then
``push``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studycards.errors import StudycardsError
from studycards.notes.gitfiles import ATTRIBUTES_NAME, ensure_gitattributes, register_merge_driver
from studycards.notes.vault import STATE_DIR, Vault
from studycards.progress.imported import IMPORTED_NAME
from studycards.progress.ticks import CHECKLIST_NAME
from studycards.scheduling.ledger import LEDGER_NAME


class GitError(StudycardsError):
    """A git step failed; the message says which and what to do."""


@dataclass(frozen=True)
class Repo:
    """The vault's git work tree: its top folder and the vault's paths in it."""

    top: Path
    prefix: str  # the vault's folder inside the work tree ("" at the top), with a slash

    def paths(self, vault: Vault) -> list[str]:
        """What studycards commits, as work-tree paths."""
        config = vault.config
        own = [config.notes_dir, config.outlines_dir, CHECKLIST_NAME, "studycards.yaml"]
        own += [ATTRIBUTES_NAME, f"{STATE_DIR}/{LEDGER_NAME}", f"{STATE_DIR}/{IMPORTED_NAME}"]
        own += [f"{STATE_DIR}/.gitignore"]
        if config.checklist_archive:
            own.append(config.checklist_archive)
        return [self.prefix + p for p in own]


def git(top: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        run = subprocess.run(["git", *args], cwd=top, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (needed by --commit)") from None
    if check and run.returncode != 0:
        raise GitError(f"git {args[0]} failed: {_first_line(run)}")
    return run


def _first_line(run: subprocess.CompletedProcess[str]) -> str:
    text = (run.stderr or run.stdout).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ").removeprefix("error: ") if lines else "no message"


def open_repo(vault: Vault, push: bool) -> Repo:
    """The vault's work tree, checked before anything is written: a git repository with no
    merge or rebase under way, no changes outside studycards' files, and a remote to push to."""
    run = git(vault.root, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
    if run.returncode != 0:
        raise GitError(f"{vault.root} is not in a git repository: run 'git init' there first")
    top, prefix = (run.stdout.splitlines() + ["", ""])[:2]
    repo = Repo(Path(top), prefix)
    git_dir = Path(git(repo.top, "rev-parse", "--absolute-git-dir").stdout.strip())
    for name, what in (
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase"),
    ):
        if (git_dir / name).exists():
            raise GitError(f"{what} is under way in {repo.top}: finish or abort it first")
    if (git_dir / "index.lock").exists():
        raise GitError(
            f"{git_dir / 'index.lock'} exists: another git is running, or one was killed "
            "(then delete the file)"
        )
    others = unrelated_changes(repo, vault)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise GitError(
            f"the work tree has changes studycards does not commit: {shown}: commit or stash "
            "them first"
        )
    if push and not git(repo.top, "remote").stdout.strip():
        raise GitError("no git remote to push to: add one with 'git remote add origin URL'")
    return repo


def unrelated_changes(repo: Repo, vault: Vault) -> list[str]:
    """Changed or untracked paths outside what studycards commits."""
    run = git(repo.top, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    ours = repo.paths(vault)
    found = []
    entries = iter(run.stdout.split("\0"))
    for entry in entries:
        if not entry:
            continue
        status, path = entry[:2], entry[3:]
        if status[0] in "RC":
            next(entries, None)  # the rename's source
        if not _inside(path, ours):
            found.append(path)
    return found


def _inside(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


@dataclass(frozen=True)
class Shared:
    """What the git steps did, one line each."""

    lines: tuple[str, ...]
    commit: str | None  # the new commit's id, None when there was nothing to commit


def commit_day(vault: Vault, repo: Repo, today: dt.date) -> Shared:
    """Stage studycards' files and commit them as one ``Review DAY: N reviews, M new notes``."""
    ensure_gitattributes(vault.root, vault.config.notes_dir)
    register_merge_driver(vault.root)
    present = [p for p in repo.paths(vault) if (repo.top / p).exists() or _tracked(repo, p)]
    git(repo.top, "add", "-A", "--", *present)
    staged = git(repo.top, "diff", "--cached", "--no-renames", "--name-status", "-z").stdout.split(
        "\0"
    )
    if not any(staged):
        return Shared(("nothing to commit: the vault is as committed",), None)
    message = commit_message(vault, repo, today, staged)
    git(repo.top, "commit", "-q", "--no-verify", "-m", message)
    head = git(repo.top, "rev-parse", "--short", "HEAD").stdout.strip()
    return Shared((f"committed {head}: {message}",), head)


def _tracked(repo: Repo, path: str) -> bool:
    return bool(git(repo.top, "ls-files", "--", path).stdout.strip())


def commit_message(vault: Vault, repo: Repo, today: dt.date, staged: list[str]) -> str:
    """``Review 2026-12-01: 23 reviews, 2 new notes`` (reviews logged today by the ledger)."""
    from studycards.scheduling.events import live_events
    from studycards.scheduling.writes import ledger_of

    day = today.isoformat()
    events = live_events(ledger_of(vault).read().events)
    reviews = sum(1 for e in events if e.kind == "review" and e.day == day)
    notes = repo.prefix + vault.config.notes_dir + "/"
    added = sum(
        1
        for status, path in zip(staged[::2], staged[1::2], strict=False)
        if status == "A" and path.startswith(notes) and path.endswith(".md")
    )
    return (
        f"Review {day}: {reviews} review{'s' * (reviews != 1)}, "
        f"{added} new note{'s' * (added != 1)}"
    )


def pull(repo: Repo, vault: Vault) -> tuple[str, ...]:
    """``git pull --rebase`` from the branch's upstream. The checklist (each machine writes its
    own) keeps this machine's version; a stop on any other conflict is undone (the commit
    stays) and reported."""
    upstream = git(repo.top, "rev-parse", "--abbrev-ref", "@{upstream}", check=False)
    if upstream.returncode != 0:
        return ("no upstream branch to pull from: skipped pull",)
    run = git(repo.top, "pull", "--rebase", "--quiet", check=False)
    kept_ours = False
    for _ in range(100):  # one round per local commit replayed
        if run.returncode == 0:
            break
        conflicted = _conflicted(repo)
        mine = [p for p in conflicted if _inside(p, _checklist_paths(repo, vault))]
        if not conflicted or len(mine) < len(conflicted):
            git(repo.top, "rebase", "--abort", check=False)
            if conflicted:
                raise GitError(
                    f"git pull --rebase: conflicts a person must resolve in "
                    f"{', '.join(p for p in conflicted if p not in mine)}; your reviews stay "
                    "committed here: run 'git pull --rebase' and resolve them"
                )
            raise GitError(f"git pull --rebase failed: {_first_line(run)}")
        git(repo.top, "checkout", "--theirs", "--", *mine)  # in a rebase, theirs = this machine
        git(repo.top, "add", "--", *mine)
        kept_ours = True
        run = git(repo.top, "-c", "core.editor=true", "rebase", "--continue", check=False)
    lines = [f"pulled {upstream.stdout.strip()} (rebased onto it)"]
    if kept_ours:
        lines.append(f"kept this machine's {CHECKLIST_NAME} over the other's")
    return tuple(lines)


def _conflicted(repo: Repo) -> list[str]:
    run = git(repo.top, "diff", "--name-only", "--diff-filter=U", "-z", check=False)
    return [p for p in run.stdout.split("\0") if p]


def _checklist_paths(repo: Repo, vault: Vault) -> list[str]:
    paths = [repo.prefix + CHECKLIST_NAME]
    if vault.config.checklist_archive:
        paths.append(repo.prefix + vault.config.checklist_archive)
    return paths


def settle_after_pull(vault: Vault, repo: Repo, now: dt.datetime) -> tuple[str, ...]:
    """Review keys a merge left from the earlier of two same-day reviews are rewritten from the
    merged ledger (and committed); the note cache is brought up to date."""
    from studycards.lock import vault_lock
    from studycards.notes.vault import scan
    from studycards.scheduling.reconcile import reconcile

    with vault_lock(vault.state_dir):
        done = reconcile(vault, now)
    scan(vault)
    changed = done.reprojected + done.finished
    if not changed:
        return ()
    git(repo.top, "add", "-A", "--", *[repo.prefix + rel for rel in changed])
    git(repo.top, "add", "-A", "--", repo.prefix + f"{STATE_DIR}/{LEDGER_NAME}")
    git(repo.top, "commit", "-q", "--no-verify", "-m", "Review keys from the merged ledger")
    return (f"rewrote the review keys of {len(changed)} merged note(s) from the ledger",)


def push(repo: Repo) -> tuple[str, ...]:
    """``git push``; the first push of a branch sets its upstream on the only (or first) remote."""
    upstream = git(repo.top, "rev-parse", "--abbrev-ref", "@{upstream}", check=False)
    args = ["push", "--quiet"]
    if upstream.returncode != 0:
        remote = git(repo.top, "remote").stdout.split()[0]
        args += ["-u", remote, "HEAD"]
    run = git(repo.top, *args, check=False)
    if run.returncode != 0:
        raise GitError(f"git push was refused: {_first_line(run)}; your commit is kept here")
    return ("pushed",)
