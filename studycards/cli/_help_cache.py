"""Help screens kept as printed, so ``studycards [COMMAND] --help`` starts at Python's own pace.

Rendering help takes typer's Rich formatter, which imports more than the rest of start-up does.
The text a help request printed is kept in the user's cache folder
(``$XDG_CACHE_HOME/studycards/``, else ``~/.cache/studycards/``) under a key made of everything
the text depends on: the words asked for, the program name, the Python and studycards versions,
the size and modification time of every studycards, typer and Rich source file, the terminal's
size, which standard streams are terminals, the output encoding, and every environment variable
Rich, typer or click read to choose colours and widths. The next identical request prints the
kept text without loading typer; any change to one of those inputs is another key, so it renders
afresh. A file that cannot be read, or whose checksum does not match, is no cache.
Set ``STUDYCARDS_HELP_CACHE=0`` to always render.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable
from typing import Any

# Environment variables that change how help looks (Rich, typer, click, the locale).
_ENVIRONMENT = (
    "COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "PY_COLORS",
    "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "TERMINAL_WIDTH",
    "GITHUB_ACTIONS", "CLICOLOR", "CLICOLOR_FORCE", "LANG", "LANGUAGE",
)  # fmt: skip
_PREFIXES = ("LC_", "TYPER", "_TYPER", "RICH", "CLICK", "PYTHON", "STUDYCARDS")
_HELP = ("--help", "-h")
_KEEP = 200  # help files kept at most; the oldest go first


def cache_key(args: list[str]) -> str | None:
    """The key of a help request (``[COMMAND [SUBCOMMAND]] --help``), None for anything else."""
    if os.environ.get("STUDYCARDS_HELP_CACHE") == "0":
        return None
    if not args or args[-1] not in _HELP or len(args) > 3:
        return None
    from studycards.cli._commands import COMMANDS

    words = args[:-1]
    if words and words[0] not in COMMANDS:
        return None  # an option (such as --vault PATH) or a mistyped command
    if not all(word[:1].isalpha() and word.replace("-", "").isalpha() for word in words):
        return None  # a path or a note's words: not a plain help request
    parts = [repr(args), os.path.basename(sys.argv[0]), sys.version, _terminal()]
    parts += [f"{name}={value}" for name, value in sorted(os.environ.items()) if _shapes(name)]
    parts += _sources()
    try:
        from _blake2 import blake2b  # what hashlib uses, without loading OpenSSL
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b
    return blake2b(
        chr(0).join(parts).encode("utf-8", "surrogateescape"), digest_size=16
    ).hexdigest()


def _shapes(name: str) -> bool:
    return name in _ENVIRONMENT or name.startswith(_PREFIXES)


def _terminal() -> str:
    """What Rich measures: the first standard stream with a size, which ones are terminals,
    and the output encoding."""
    size = None
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd)
        except (OSError, ValueError):
            continue
        break
    ttys = [_isatty(stream) for stream in (sys.stdin, sys.stdout, sys.stderr)]
    output = (getattr(sys.stdout, "encoding", None), getattr(sys.stdout, "errors", None))
    return f"{size} {ttys} {output}"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _sources() -> list[str]:
    """Size and modification time of every source file the help text comes from."""
    import studycards

    roots = [os.path.dirname(studycards.__file__)]
    from importlib.machinery import PathFinder

    for name in ("typer", "rich"):
        spec = PathFinder.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            roots.extend(spec.submodule_search_locations)
    found = [studycards.__version__]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(folder, name))
                    found.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return found


def _folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "studycards")


def _path(key: str) -> str:
    return os.path.join(_folder(), f"help-{key}.txt")


def show(key: str) -> bool:
    """Print the help kept under ``key``; False when there is none (or it is damaged)."""
    try:
        with open(_path(key), "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    head, _, body = data.partition(b"\n")
    if head != f"{zlib.crc32(body):08x}".encode():
        return False
    try:
        sys.stdout.write(body.decode("utf-8"))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (``| head -1``): exit 1, as a render does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    return True


class _Tee:
    """Standard output that also keeps what is written to it. Bytes, or a look at the binary
    buffer beneath, make the copy incomplete: it is then not kept."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.parts: list[str] = []
        self.complete = True

    def write(self, text: Any) -> int:
        if isinstance(text, str):
            self.parts.append(text)
        elif text:
            self.complete = False
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            self.complete = False
        return getattr(self._stream, name)


def render_and_keep(run: Callable[[], Any], key: str) -> None:
    """Run the app (it prints the help and exits); keep what it printed if it exited 0."""
    tee = _Tee(sys.stdout)
    sys.stdout = tee  # type: ignore[assignment]
    code: Any = 0
    try:
        run()
    except SystemExit as done:
        code = done.code
        raise
    finally:
        sys.stdout = tee._stream
        if code in (0, None) and tee.complete:
            _keep(key, "".join(tee.parts))


def _keep(key: str, text: str) -> None:
    from pathlib import Path

    from studycards._atomic import atomic_write

    body = text.encode("utf-8")
    try:
        os.makedirs(_folder(), mode=0o700, exist_ok=True)
        atomic_write(Path(_path(key)), f"{zlib.crc32(body):08x}\n".encode() + body)
        _trim()
    except (OSError, UnicodeError):
        pass  # a cache that cannot be written is only slower


def _trim() -> None:
    folder = _folder()
    names = [n for n in os.listdir(folder) if n.startswith("help-") and n.endswith(".txt")]
    if len(names) <= _KEEP:
        return
    paths = sorted((os.path.join(folder, n) for n in names), key=os.path.getmtime)
    for path in paths[: len(paths) - _KEEP]:
        try:
            os.unlink(path)
        except OSError:
            pass
