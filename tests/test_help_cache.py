"""Help screens printed again from the cache are the ones a fresh render prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studycards.cli import _help_cache

PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["studycards", *args]
from studycards.cli import main
try:
    main()
except SystemExit as done:
    code = done.code
else:
    code = 0
with open(out, "w") as handle:
    json.dump({"code": code, "typer": "typer" in sys.modules}, handle)
"""


def run(tmp_path: Path, *args: str, **env: str) -> tuple[bytes, dict]:
    """stdout of ``studycards ARGS`` in a fresh interpreter, and whether it loaded typer."""
    out = tmp_path / "probe.json"
    environment = {**os.environ, **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args], capture_output=True, env=environment
    )
    assert done.stderr == b""
    return done.stdout, json.loads(out.read_text())


def cached_files() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "studycards").glob("help-*.txt"))


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["demo", "run", "-h"]])
def test_a_second_help_is_the_first_one_without_loading_typer(tmp_path, args):
    first, how = run(tmp_path, *args)
    assert how == {"code": 0, "typer": True}
    again, how = run(tmp_path, *args)
    assert how == {"code": 0, "typer": False}
    fresh, _ = run(tmp_path, *args, STUDYCARDS_HELP_CACHE="0")
    assert again == first == fresh
    assert b"Usage: studycards" in again
    assert len(cached_files()) == 1


def test_another_width_or_colour_setting_renders_afresh(tmp_path):
    wide, _ = run(tmp_path, "grade", "--help", COLUMNS="120")
    narrow, how = run(tmp_path, "grade", "--help", COLUMNS="60")
    assert how["typer"] and wide != narrow
    assert max(len(line) for line in narrow.decode().splitlines()) <= 60
    colour, how = run(tmp_path, "grade", "--help", COLUMNS="60", FORCE_COLOR="1")
    assert how["typer"] and b"\x1b[" in colour and b"\x1b[" not in narrow
    assert run(tmp_path, "grade", "--help", COLUMNS="60")[0] == narrow
    assert len(cached_files()) == 3


def test_a_damaged_cache_file_is_not_shown_and_is_written_again(tmp_path):
    first, _ = run(tmp_path, "due", "--help")
    (kept,) = cached_files()
    kept.write_bytes(kept.read_bytes()[:-40] + b"something else entirely, forty bytes..\n")
    again, how = run(tmp_path, "due", "--help")
    assert how["typer"] and again == first
    assert run(tmp_path, "due", "--help") == (first, {"code": 0, "typer": False})


def test_an_unwritable_cache_folder_only_costs_time(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    first, how = run(tmp_path, "--help", XDG_CACHE_HOME=str(blocker))
    again, how_again = run(tmp_path, "--help", XDG_CACHE_HOME=str(blocker))
    assert first == again and b"Commands" in first
    assert how["typer"] and how_again["typer"]


def test_only_plain_help_requests_are_kept():
    key = _help_cache.cache_key
    assert key(["--help"]) and key(["-h"]) and key(["export", "anki", "--help"])
    assert key(["list", "--help"]) != key(["show", "--help"]) != key(["show", "-h"])
    for args in (
        [],
        ["list"],
        ["--vault", "v", "--help"],
        ["show", "notes/a.md", "--help"],  # a path: not a command
        ["list", "--due", "--help"],
        ["a", "b", "c", "--help"],
        ["--help", "list"],
    ):
        assert key(args) is None, args


def test_the_key_follows_the_sources_the_environment_and_the_terminal(monkeypatch):
    before = _help_cache.cache_key(["--help"])
    sources = _help_cache._sources()
    cli = Path(_help_cache.__file__).parent
    listed = "\n".join(sources)
    for path in cli.glob("*.py"):
        info = path.stat()
        assert f"{path.name}:{info.st_size}:{info.st_mtime_ns}" in listed
    assert "/typer/" in listed and "/rich/" in listed
    monkeypatch.setattr(_help_cache, "_sources", lambda: [*sources[:-1], "changed:1:2"])
    assert _help_cache.cache_key(["--help"]) != before
    monkeypatch.setattr(_help_cache, "_sources", lambda: sources)
    assert _help_cache.cache_key(["--help"]) == before
    for name, value in (
        ("NO_COLOR", ""),
        ("TERM", "dumb"),
        ("LC_ALL", "C"),
        ("TYPER_USE_RICH", "0"),
    ):
        monkeypatch.setenv(name, value)
        changed = _help_cache.cache_key(["--help"])
        assert changed != before, name
        before = changed
    monkeypatch.setenv("STUDYCARDS_HELP_CACHE", "0")
    assert _help_cache.cache_key(["--help"]) is None


def test_a_reader_that_goes_away_gets_no_traceback():
    command = [sys.executable, "-c", MAIN]
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)  # kept
    assert len(cached_files()) == 1
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(command, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, b"")


MAIN = "import sys; sys.argv = ['studycards', '--help']; from studycards.cli import main; main()"
