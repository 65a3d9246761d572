"""doctor: check the vault's health (notes against ledger, ids, torn lines, cache, lock)."""

from __future__ import annotations

import typer

from studycards.cli._common import echo, print_envelope, state


def doctor(
    ctx: typer.Context,
    repair: bool = typer.Option(False, "--repair", help="Fix what can be fixed safely."),
    as_json: bool = typer.Option(False, "--json", help="Print findings and repairs as JSON."),
) -> None:
    """Check that notes, ledger, cache and lock agree; with --repair fix what is safe.

    Prints one line per problem (or per repair). Exits 0 only when the vault is healthy:
    warnings are shown but do not count.
    """
    from studycards.upkeep.doctor import diagnose, healthy
    from studycards.upkeep.doctor_repair import repair as run_repair

    vault = state(ctx).vault()
    if repair:
        from studycards.scheduling.clock import now_in

        done = run_repair(vault, now_in(vault.config.timezone))
        actions = [str(action) for action in done.actions]
        findings = list(done.remaining)
    else:
        actions, findings = [], diagnose(vault)
    if as_json:
        rows = [_finding_json(f) for f in findings]
        print_envelope(
            "doctor", {"healthy": healthy(findings), "repaired": actions, "findings": rows}
        )
        if not healthy(findings):
            raise typer.Exit(1)
        return
    for action in actions:
        echo(f"repaired: {action}")
    for finding in findings:
        echo(str(finding))
    _summary(findings, repair)
    if not healthy(findings):
        raise typer.Exit(1)


def _finding_json(finding) -> dict:
    return {
        "path": finding.where,
        "severity": finding.severity,
        "kind": finding.kind,
        "message": finding.message,
        "repairable": finding.repairable,
    }


def _summary(findings: list, repaired: bool) -> None:
    errors = [f for f in findings if f.severity == "error"]
    warnings = len(findings) - len(errors)
    fixable = sum(1 for f in errors if f.repairable)
    if not errors:
        extra = f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else ""
        echo(f"the vault is healthy{extra}", err=True)
        return
    problems = f"{len(errors)} problem{'s' * (len(errors) != 1)}"
    if repaired:
        echo(f"{problems} left that --repair cannot fix", err=True)
    else:
        hint = f"; {fixable} can be fixed with --repair" if fixable else ""
        echo(f"{problems} found{hint}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(doctor)
