"""The editor workflow: ``today`` writes reviewsToday.md, ``sync`` logs its ticked boxes."""

from __future__ import annotations

import typer

from studycards.cli._common import echo, print_envelope, state, warn


def today(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="Rewrite even if the old checklist has ticked boxes not yet synced."
    ),
    no_limits: bool = typer.Option(False, "--all", help="Ignore the daily limits."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write reviewsToday.md at the vault root: overdue, today and this week as a checklist."""
    from studycards.progress.checklist import CHECKLIST_NAME, write_checklist
    from studycards.scheduling.clock import today_in

    vault = state(ctx).vault()
    written = write_checklist(
        vault, today_in(vault.config.timezone, vault.config.day_starts_at), force, not no_limits
    )
    counts = written.counts
    if as_json:
        data = {f"{group}_count": counts[group] for group in ("overdue", "today", "week")}
        print_envelope("today", {"path": CHECKLIST_NAME, **data, "left_out": written.left_out})
        return
    if written.archived is not None:
        echo(f"archived the previous checklist to {vault.rel(written.archived)}")
    listed = written.listed or counts

    def shown(group: str) -> str:
        if listed[group] < counts[group]:
            return f"{listed[group]} of {counts[group]}"
        return str(counts[group])

    echo(
        f"wrote {CHECKLIST_NAME}: {shown('overdue')} overdue, {shown('today')} today, "
        f"{shown('week')} this week, {counts['done']} done today"
    )
    if written.left_out:
        echo(f"daily limits left {written.left_out} due notes out (--all lists them)")


def sync(
    ctx: typer.Context,
    commit: bool = typer.Option(
        False,
        "--commit",
        help="Then fix what 'fix' fixes safely, commit the notes, outlines, checklist and "
        "ledger in git, and pull --rebase.",
    ),
    push: bool = typer.Option(False, "--push", help="With --commit: push the commit too."),
    as_json: bool = typer.Option(False, "--json", help="Print what was logged as JSON."),
) -> None:
    """Log the ticked boxes of reviewsToday.md as reviews and mark them done ([✓]).

    With --commit, the nightly step: also fix safe frontmatter problems, commit studycards'
    files as 'Review DAY: N reviews, M new notes', pull --rebase (the ledger merges by union,
    notes through 'studycards merge-note') and, with --push, push. It stops before writing
    anything if the work tree has other changes, a merge is under way or there is no remote.

    Exits 1 when a ticked line cannot be logged (it stays ticked).
    """
    from studycards.progress.checklist import CHECKLIST_NAME, sync_checklist
    from studycards.scheduling.clock import now_in

    vault = state(ctx).vault()
    if as_json and (commit or push):
        raise typer.BadParameter("--json reports the sync alone: drop --commit/--push")
    repo = None
    if commit or push:
        from studycards.progress.nightly import open_repo

        repo = open_repo(vault, push)
    now = now_in(vault.config.timezone)
    problems = 0
    if repo is None or (vault.root / CHECKLIST_NAME).exists():
        result = sync_checklist(vault, now)
        if as_json:
            _sync_json(vault, result)
            return
        _print_sync(result)
        _summary(len(result.logged), len(result.problems), CHECKLIST_NAME)
        problems = len(result.problems)
    if repo is not None:
        _share(vault, repo, now, push)
    if problems:
        raise typer.Exit(1)


def _print_sync(result) -> None:
    for notice in result.notices:
        warn(notice)
    for review in result.logged:
        again = " (already reviewed today: logged again)" if review.again_today else ""
        echo(
            f"{review.rel}: {review.rating.name.lower()} -> next review "
            f"{review.due.isoformat()} (in {review.interval}d){again}"
        )
    for problem in result.problems:
        echo(str(problem), err=True)


def _share(vault, repo, now, push: bool) -> None:
    """fix, commit, pull --rebase, push: one line per step."""
    from studycards.progress import nightly
    from studycards.scheduling.writes import local_day
    from studycards.upkeep.fix import fix_vault

    report = fix_vault(vault, local_day(vault, now), False, new_blocks=False)
    if report.changed:
        echo(f"fixed the frontmatter of {len(report.changed)} note(s)")
    if report.problems:
        warn(f"{len(report.problems)} problem(s) 'studycards fix' cannot fix: run it to see them")
    lines = list(nightly.commit_day(vault, repo, local_day(vault, now)).lines)
    lines += nightly.pull(repo, vault)
    lines += nightly.settle_after_pull(vault, repo, now)
    if push:
        lines += nightly.push(repo)
    for line in lines:
        echo(line)


def _sync_json(vault, result) -> None:
    from studycards.notes.vault import load_note

    logged = [
        {
            "path": r.rel,
            "title": r.title,
            "rating": r.rating.name.lower(),
            "due": r.due.isoformat(),
            "interval": r.interval,
            "mastery_level": (note := load_note(vault, r.rel).summary).mastery_level,
            "review_count": note.review_count,
            "again_today": r.again_today,
        }  # fmt: skip
        for r in result.logged
    ]
    problems = [
        {"path": "reviewsToday.md", "line": p.line, "severity": "error", "message": p.message}
        for p in result.problems
    ]
    print_envelope(
        "sync", {"logged": logged, "problems": problems, "notices": list(result.notices)}
    )
    if result.problems:
        raise typer.Exit(1)


def _summary(logged: int, left: int, name: str) -> None:
    if not logged and not left:
        echo(f"nothing to sync: no ticked boxes in {name}")
        return
    text = f"logged {logged} review{'s' * (logged != 1)}"
    if left:
        text += f"; {left} line{'s' * (left != 1)} left ticked"
    echo(text)


def register(app: typer.Typer) -> None:
    app.command()(today)
    app.command()(sync)
