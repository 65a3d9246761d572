"""Build hook: the wheel ships the bundled sample vault inside the package.

The repository's own vault (``notes/``, ``outlines/``, ``studycards.yaml`` at the top) stays the
one source; building copies it to ``studycards/sample/`` so that ``studycards init --sample``
works wherever studycards is installed. Everything else lives in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SAMPLE = ("notes", "outlines", "studycards.yaml")


class build_py_with_sample(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "studycards" / "sample"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in SAMPLE:
            source = HERE / name
            if source.is_dir():
                ignore = shutil.ignore_patterns(".studycards", "__pycache__")
                shutil.copytree(source, target / name, ignore=ignore)
            elif source.is_file():
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": build_py_with_sample})
