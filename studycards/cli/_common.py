"""What every command shares: the app state, error reporting and console creation."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from studycards.errors import StudycardsError
from studycards.render.safe import SafeConsole, clean

if TYPE_CHECKING:
    from studycards.notes.vault import Vault


class StudycardsGroup(TyperGroup):
    """Turns a :class:`StudycardsError` into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StudycardsError as error:
            echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except OSError as error:  # a disk or permission failure no core function named
            where = f"{error.filename}: " if error.filename else ""
            echo(f"error: {where}{error.strerror or error}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None


@dataclass
class AppState:
    """Options of the root command, and the vault, found once per run."""

    vault_option: str | None = None
    _vault: Vault | None = field(default=None, repr=False)

    def vault(self) -> Vault:
        if self._vault is None:
            from studycards.notes.vault import find_vault

            self._vault = find_vault(self.vault_option, Path.cwd(), os.environ)
        return self._vault


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppState) else AppState()


def console(stderr: bool = False) -> Console:
    """A console for command output; rich honours NO_COLOR and non-terminal output itself."""
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=False)


def warn(message: str) -> None:
    """One warning line on stderr."""
    print(f"warning: {clean(message)}", file=sys.stderr)


def echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """``typer.echo`` for lines that may hold note text: control characters removed."""
    typer.echo(clean(message), err=err, nl=nl)
