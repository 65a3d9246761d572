"""The root group's commands, each command module imported only when it is first needed.

:data:`~studycards.cli._commands.COMMANDS` names every command, its module and the first
paragraph of its help. Running a command, completing its options or showing its own help imports
its module and builds its click command with typer, exactly as an eager registration would;
listing the commands (the root ``--help``, completing a command name) needs only the table.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

from studycards.cli._commands import COMMANDS


class LazyCommands(MutableMapping[str, Any]):
    """Commands by name, in the table's order; a module is imported on its first look-up."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self._added: dict[str, Any] = {}  # commands added by name, beyond the table

    def __getitem__(self, name: str) -> Any:
        if name in self._added:
            return self._added[name]
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built.update(module_commands(COMMANDS[name][0]))
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._added[name] = command

    def __delitem__(self, name: str) -> None:
        del self._added[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._added if name not in COMMANDS)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._added

    def summary(self, name: str) -> Any:
        """What a listing shows of ``name``: the command itself once built, else a stand-in
        holding its name and help from the table."""
        if name in self._added or name in self._built or name not in COMMANDS:
            return self.get(name)
        from typer.core import TyperCommand

        return TyperCommand(name=name, help=COMMANDS[name][1])


def module_commands(module_name: str) -> dict[str, Any]:
    """The click commands ``studycards.cli.<module_name>`` registers, built by typer."""
    import typer
    import typer.main

    module = importlib.import_module(f"studycards.cli.{module_name}")
    holder = typer.Typer()
    module.register(holder)
    return dict(typer.main.get_group(holder).commands)
