"""The release files: the sdist and wheel build, the wheel carries the sample vault and the
licence, and the sdist's own tests collect and pass."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_build_requirements_are_the_ones_that_work():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires = ["setuptools>=77"]' in text  # the SPDX license field needs 77
    assert 'license = "MIT"' in text and 'license-files = ["LICENSE"]' in text
    assert "the studycards authors" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "python-frontmatter" not in text


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.slow
def test_the_wheel_ships_the_sample_vault_and_the_licence(dist):
    [wheel] = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    notes = sorted(n for n in names if n.startswith("studycards/sample/notes/"))
    bundled = sorted((REPO / "notes").rglob("*.md"))
    assert len(notes) == len(bundled) > 0
    assert "studycards/sample/studycards.yaml" in names
    assert any(n.startswith("studycards/sample/outlines/") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert not any(n.startswith("tests/") for n in names)


@pytest.mark.slow
def test_the_sdist_tests_collect_and_pass(dist, tmp_path):
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    [root] = tmp_path.iterdir()
    for needed in ("LICENSE", "tests/conftest.py", "tests/fixtures/notes", "tests/golden", "notes"):
        assert (root / needed).exists(), needed
    env = {**os.environ, "PYTHONPATH": str(root)}
    where = subprocess.run(
        [sys.executable, "-c", "import studycards; print(studycards.__file__)"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(root)  # the sdist's code is what is tested
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-m", "not slow", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'inner'}"],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1]
