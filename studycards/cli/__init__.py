"""The ``studycards`` command line: one sub-module per command group, joined in ``_app``.

Importing this package loads nothing else: the typer app (``studycards.cli.app``) is built on
first use, and each command's module is imported only when that command is needed.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console-script entry point; a lone ``--version`` is answered before typer loads."""
    if sys.argv[1:] == ["--version"]:
        from studycards import __version__

        sys.stdout.write(f"studycards {__version__}\n")
        return
    from studycards.cli._app import app

    app()


def __getattr__(name: str) -> Any:
    if name == "app":
        from studycards.cli._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
