"""What every command shares: the app state, error reporting and console creation."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from studycards.cli._lazy import LazyCommands
from studycards.errors import StudycardsError
from studycards.render.text import clean

if TYPE_CHECKING:
    from rich.console import Console

    from studycards.notes.vault import Vault


class StudycardsGroup(TyperGroup):
    """Turns a :class:`StudycardsError` into one line on stderr and a non-zero exit, takes
    ``--vault`` wherever it is given, and adds each command's examples to its help.

    Its commands come from the table in :mod:`studycards.cli._commands`: a command's module is
    imported when the command is run, completed or its help shown, never to list it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        given, self.commands = self.commands, LazyCommands()
        self.commands.update(given)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True  # the commands panel needs each command's name and help only
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        self._listing = True  # command names and their short help
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = vault_first(args)
        return super().parse_args(ctx, args)

    def get_command(self, ctx: Any, name: str) -> Any:
        if self._listing:
            return self.commands.summary(name)
        command = super().get_command(ctx, name)
        if command is not None:
            from studycards.cli._examples import add_examples

            add_examples(command, name)
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StudycardsError as error:
            echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:  # ``studycards list | head``: the reader went away; quietly
            _quiet_stdout()  # exit 1 (output not complete), as click does for its own writes
            raise typer.Exit(1) from None
        except OSError as error:  # a disk or permission failure no core function named
            where = f"{error.filename}: " if error.filename else ""
            echo(f"error: {where}{error.strerror or error}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush into the closed pipe is not
    reported as an error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (tests capture it): nothing to flush
        pass


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


def vault_first(args: list[str]) -> list[str]:
    """Move ``--vault PATH`` (or ``--vault=PATH``) given after the command name to the front,
    where the root command reads it: ``studycards list --vault X`` works like
    ``studycards --vault X list``. Nothing after a ``--`` is touched."""
    moved: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--":
            rest.extend(args[position:])
            break
        if arg == "--vault" and position + 1 < len(args):
            moved.extend(args[position : position + 2])
            position += 2
            continue
        (moved if arg.startswith("--vault=") else rest).append(arg)
        position += 1
    return moved + rest


def resolve_or_search(vault: Vault, query: str, summaries: Any) -> str:
    """The note ``query`` names; when it names none, the search's answer: its only match (with
    a notice), else an error listing the best matches."""
    from studycards.errors import NoteNotFound, StudycardsError
    from studycards.notes.vault import resolve

    try:
        return resolve(vault, query, summaries, Path.cwd())
    except NoteNotFound as error:
        # ambiguous (the candidates are listed) or a path: searching its words means nothing
        if not str(error).startswith("no note matches") or query.endswith(".md"):
            raise
        missing = error
    from studycards.upkeep.indexed_search import search_vault

    try:
        hits = search_vault(vault, query, 5).hits
    except StudycardsError:
        hits = ()
    if len(hits) == 1:
        warn(f"no note is named {query!r}; showing the only search match, {hits[0].rel}")
        return hits[0].rel
    if not hits:
        raise missing
    shown = "; ".join(f"{hit.rel} ({hit.title})" for hit in hits)
    raise NoteNotFound(f"no note is named {query!r}; search finds: {shown}")


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppState) else AppState()


def console(stderr: bool = False) -> Console:
    """A console for command output; rich honours NO_COLOR and non-terminal output itself."""
    from studycards.render.safe import SafeConsole

    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=False)


def warn(message: str) -> None:
    """One warning line on stderr."""
    print(f"warning: {clean(message)}", file=sys.stderr)


# Exit codes, one rule for every command.
EXIT_OK = 0  # it did what was asked
EXIT_PROBLEMS = 1  # it ran and found problems, or could not complete
EXIT_USAGE = 2  # bad usage: an unknown option, a bad value, a missing argument


def print_envelope(command: str, payload: dict[str, Any]) -> None:
    """A command's JSON on stdout: one top-level object naming the command and its schema
    version (docs/json.md describes every shape), then the command's own keys."""
    from studycards.cli._schemas import SCHEMAS
    from studycards.render.text import json_text

    data = {"command": command, "schema": SCHEMAS[command].version, **payload}
    sys.stdout.write(json_text(data, allow_nan=False) + "\n")


def write_lines(lines: Iterable[str], batch: int = 512) -> None:
    """Lines already made safe (:mod:`studycards.render.columns`) to stdout, a batch at a time,
    so a long listing starts at once and never sits whole in memory."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            sys.stdout.write("\n".join(chunk) + "\n")
            chunk.clear()
    if chunk:
        sys.stdout.write("\n".join(chunk) + "\n")
    sys.stdout.flush()


def echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """``typer.echo`` for lines that may hold note text: control characters removed."""
    typer.echo(clean(message), err=err, nl=nl)
