"""Start-up: the command table matches the commands, and each command imports only what it needs.

The root group lists commands from ``studycards.cli._commands`` and imports a command's module
only when that command runs; these tests keep the table true to the commands' real help and
check, in a fresh interpreter each, which modules a command leaves in ``sys.modules``.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEQ2SEQ, TWO_SUM
from typer.testing import CliRunner

from studycards import __version__
from studycards.cli import app
from studycards.cli._commands import COMMANDS
from studycards.cli._lazy import LazyCommands, module_commands

CLI = Path(__file__).resolve().parent.parent / "studycards" / "cli"


def first_paragraph(command) -> str:
    return inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]


def test_the_table_names_every_command_of_every_module_in_order_with_its_help():
    modules = sorted(p.stem for p in CLI.glob("*.py") if "\ndef register(" in p.read_text())
    assert sorted({module for module, _ in COMMANDS.values()}) == modules
    built = {}
    for module in modules:
        commands = module_commands(module)
        assert {COMMANDS[name][0] for name in commands} == {module}, module
        built.update(commands)
    assert set(built) == set(COMMANDS)
    for name, (_, help_text) in COMMANDS.items():
        assert first_paragraph(built[name]) == help_text, name


def loaded_summaries(monkeypatch):
    """Listings show the real commands, every module imported, as an eager registration did."""
    monkeypatch.setattr(LazyCommands, "summary", lambda self, name: self.get(name))


@pytest.mark.parametrize("columns", ["60", "100", "200"])
def test_the_root_help_is_the_same_as_with_every_command_loaded(monkeypatch, columns):
    runner = CliRunner()
    env = {"COLUMNS": columns, "TERMINAL_WIDTH": columns}
    lazy = runner.invoke(app, ["--help"], env=env)
    loaded_summaries(monkeypatch)
    eager = runner.invoke(app, ["--help"], env=env)
    assert lazy.exit_code == eager.exit_code == 0
    assert lazy.output == eager.output
    for name in COMMANDS:
        assert f" {name} " in lazy.output


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("line", ["studycards ", "studycards d", "studycards ex"])
def test_completing_a_command_name_is_the_same_as_with_every_command_loaded(
    monkeypatch, shell, line
):
    words = line.split(" ")
    env = {"_STUDYCARDS_COMPLETE": f"complete_{shell}", "COMP_WORDS": line}
    env["COMP_CWORD"] = str(len(words) - 1)
    env["_TYPER_COMPLETE_ARGS"] = line
    env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    runner = CliRunner()
    lazy = runner.invoke(app, [], env=env, prog_name="studycards")
    loaded_summaries(monkeypatch)
    eager = runner.invoke(app, [], env=env, prog_name="studycards")
    assert lazy.output == eager.output
    assert lazy.output.strip()


def test_a_mistyped_command_is_still_suggested():
    result = CliRunner().invoke(app, ["lst"])
    assert result.exit_code == 2
    assert "No such command 'lst'. Did you mean 'list'?" in result.output


# ---------------------------------------------------------------------------------------------
# what each command imports, in a fresh interpreter

PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["studycards", *args]
from studycards.cli import main
try:
    main()
except SystemExit:
    pass
with open(out, "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""

HEAVY = ("numpy", "multiprocessing", "studycards.demos")


def imported(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args], capture_output=True, text=True
    )
    assert out.exists(), done.stderr
    return set(json.loads(out.read_text()))


def loaded(modules: set[str], *names: str) -> list[str]:
    """Those of ``names`` (packages included) that ``modules`` holds."""
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_version_alone_loads_neither_typer_nor_rich(tmp_path):
    modules = imported(tmp_path, "--version")
    assert not loaded(modules, "typer", "rich", "yaml", "sqlite3", "studycards.notes", *HEAVY)
    fast = subprocess.run([sys.executable, "-m", "studycards", "--version"], capture_output=True)
    typer_path = CliRunner().invoke(app, ["--vault", ".", "--version"])
    assert fast.stdout.decode() == typer_path.output == f"studycards {__version__}\n"
    assert fast.returncode == typer_path.exit_code == 0


def test_the_root_help_imports_no_command_module(tmp_path):
    modules = imported(tmp_path, "--help")
    commands = {f"studycards.cli.{module}" for module, _ in COMMANDS.values()}
    assert not modules & commands
    assert not loaded(modules, "sqlite3", "yaml", "studycards.notes", *HEAVY)


def test_a_commands_help_imports_its_own_module_only(tmp_path):
    modules = imported(tmp_path, "grade", "--help")
    commands = {f"studycards.cli.{module}" for module, _ in COMMANDS.values()}
    # schedule takes the Difficulty choice from notes
    assert modules & commands == {"studycards.cli.schedule", "studycards.cli.notes"}
    assert not loaded(modules, "sqlite3", "studycards.notes", *HEAVY)


@pytest.mark.parametrize(
    "args",
    [
        ("due", "--json"),
        ("list", "--due", "--json"),
        ("show", SEQ2SEQ, "--json"),
        ("grade", TWO_SUM, "good"),
        ("stats", "--json"),
    ],
    ids=["due", "list", "show", "grade", "stats"],
)
def test_plain_commands_import_neither_numpy_nor_multiprocessing_nor_the_demos(
    make_vault, tmp_path, args
):
    root = make_vault()
    for _ in range(2):  # the first run builds the index; the second is the everyday one
        modules = imported(tmp_path, "--vault", str(root), *args)
        assert not loaded(modules, *HEAVY), args
        assert "studycards.cli" in modules
    if args[0] in ("due", "list", "grade"):
        assert not loaded(modules, "rich")  # plain output is written without Rich
