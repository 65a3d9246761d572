"""Shared fixtures: temporary vaults built from the sample notes, and a CLI runner.

Every test runs in its own empty working folder with ``STUDYCARDS_VAULT`` unset, so no test can
pick up the repository's own ``notes/`` or the person's vault by accident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from studycards.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_NOTES_DIR = FIXTURES / "notes"

# A day the sample notes' schedules are written around: some are overdue, one is due that day,
# some are due later.
SAMPLE_TODAY = dt.date(2025, 11, 1)

DEFAULT_CONFIG = "# studycards test vault\nnotes_dir: notes\n"

MakeVault = Callable[..., Path]


def sample_notes() -> dict[str, str]:
    """The sample notes as ``{"notes/Topic/file.md": text}``, read byte-exactly."""
    return {
        "notes/" + path.relative_to(SAMPLE_NOTES_DIR).as_posix(): path.read_bytes().decode("utf-8")
        for path in sorted(SAMPLE_NOTES_DIR.rglob("*.md"))
    }


# Vault paths of the sample notes, by a short name tests can use.
SEQ2SEQ = "notes/Transformer/Seq2Seq模型中注意力的引入动机.md"
MULTI_HEAD = "notes/Attention/多头注意力.md"
TWO_SUM = "notes/Coding/two_sum.md"
KV_CACHE = "notes/Inference/KV_cache.md"
BEAM_SEARCH = "notes/Inference/beam_search.md"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No vault from the environment or the working folder leaks into a test."""
    monkeypatch.delenv("STUDYCARDS_VAULT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))  # help screens
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture
def make_vault(tmp_path: Path) -> MakeVault:
    """A factory building a vault under ``tmp_path``; returns the vault root.

    ``make_vault()`` holds the sample notes. ``make_vault(files)`` holds exactly ``files``, a
    mapping of vault-relative path (``"notes/Topic/x.md"``, ``"outlines/y.md"``) to text or raw
    bytes; ``samples=True`` adds the sample notes too. ``config`` is the text of
    ``studycards.yaml`` (``None`` writes a minimal one, ``False`` writes none). Each call makes a
    new vault folder.
    """
    count = 0

    def build(
        files: Mapping[str, str | bytes] | None = None,
        *,
        config: str | bool | None = None,
        samples: bool | None = None,
    ) -> Path:
        nonlocal count
        count += 1
        root = tmp_path / ("vault" if count == 1 else f"vault{count}")
        (root / "notes").mkdir(parents=True)
        content: dict[str, str | bytes] = {}
        if samples or (samples is None and files is None):
            content.update(sample_notes())
        content.update(files or {})
        for rel, text in content.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        if config is not False:
            text = DEFAULT_CONFIG if config is None or config is True else config
            (root / "studycards.yaml").write_text(text, encoding="utf-8")
        return root

    return build


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    """The sample vault."""
    return make_vault()


@pytest.fixture
def vault_env(vault: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample vault, named by ``STUDYCARDS_VAULT`` as a person would set it."""
    monkeypatch.setenv("STUDYCARDS_VAULT", str(vault))
    return vault


@pytest.fixture
def use_vault(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """Point ``STUDYCARDS_VAULT`` at a vault made in the test: ``use_vault(make_vault(...))``."""

    def point(root: Path) -> Path:
        monkeypatch.setenv("STUDYCARDS_VAULT", str(root))
        return root

    return point


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], dt.date]:
    """Pin the day commands see: ``today(date)``; pinned to :data:`SAMPLE_TODAY` by default."""

    def pin(day: dt.date = SAMPLE_TODAY) -> dt.date:
        monkeypatch.setattr("studycards.scheduling.clock.today_in", lambda *_: day)
        return day

    pin()
    return pin


def pin_clock(monkeypatch: pytest.MonkeyPatch, now: dt.datetime) -> dt.datetime:
    """Pin the time and the day commands see to ``now``."""
    monkeypatch.setattr("studycards.scheduling.clock.now_in", lambda _zone: now)
    monkeypatch.setattr("studycards.scheduling.clock.today_in", lambda *_: now.date())
    return now


def invoke(*args: str, input: str | None = None) -> Result:
    """Run ``studycards ARGS`` in-process; an unexpected exception fails the test loudly."""
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli() -> Callable[..., Result]:
    """The CLI runner: ``cli("list", "--json")`` returns the click ``Result``."""
    return invoke
