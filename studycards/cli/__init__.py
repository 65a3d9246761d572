"""The ``studycards`` command line: one sub-module per command group, joined in ``_app``.

Importing this package loads nothing else: the typer app (``studycards.cli.app``) is built on
first use, and each command's module is imported only when that command is needed.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console-script entry point. A lone ``--version`` is answered before typer loads, and so
    is a help request printed before with the same inputs (see ``_help_cache``)."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from studycards import __version__

        sys.stdout.write(f"studycards {__version__}\n")
        return
    from studycards.cli import _help_cache

    key = _help_cache.cache_key(args)
    if key is not None and _help_cache.show(key):
        return
    from studycards.cli._app import app

    if key is None:
        app()
    else:
        _help_cache.render_and_keep(app, key)


def __getattr__(name: str) -> Any:
    if name == "app":
        from studycards.cli._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
