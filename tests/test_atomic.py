"""Atomic writes: a crash at any instant leaves the old file or the new one, never a mix."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studycards import _atomic
from studycards._atomic import atomic_create, atomic_write

OLD = "---\nreview_count: 0\n---\n# 旧\n".encode()
NEW = "---\nreview_count: 1\n---\n# 新\n".encode()


def test_write_replaces_the_content(tmp_path: Path):
    target = tmp_path / "note.md"
    target.write_bytes(OLD)
    atomic_write(target, NEW)
    assert target.read_bytes() == NEW
    assert os.listdir(tmp_path) == ["note.md"]


def test_write_creates_a_missing_file(tmp_path: Path):
    target = tmp_path / "new.md"
    atomic_write(target, NEW)
    assert target.read_bytes() == NEW


def test_failure_after_the_temp_file_is_written_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "note.md"
    target.write_bytes(OLD)
    written: list[bytes] = []

    def crash(source, destination):
        written.append(Path(source).read_bytes())
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_atomic.os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, NEW)
    assert written == [NEW]  # the temporary file was complete when the crash came
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["note.md"]


def test_failure_while_writing_leaves_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "note.md"
    target.write_bytes(OLD)

    def crash(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(_atomic.os, "fsync", crash)
    with pytest.raises(OSError, match="Input/output"):
        atomic_write(target, NEW)
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["note.md"]


def test_keyboard_interrupt_during_replace_leaves_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "note.md"
    target.write_bytes(OLD)

    def interrupt(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(_atomic.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, NEW)
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["note.md"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_file_mode_is_kept(tmp_path: Path, mode: int):
    target = tmp_path / "note.md"
    target.write_bytes(OLD)
    target.chmod(mode)
    atomic_write(target, NEW)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_new_file_gets_the_umask_mode(tmp_path: Path):
    old_umask = os.umask(0o027)
    try:
        atomic_write(tmp_path / "a.md", NEW)
        assert atomic_create(tmp_path / "b.md", NEW)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o640


def test_create_writes_a_new_file(tmp_path: Path):
    target = tmp_path / "studycards.yaml"
    assert atomic_create(target, NEW) is True
    assert target.read_bytes() == NEW
    assert os.listdir(tmp_path) == ["studycards.yaml"]


def test_create_never_overwrites(tmp_path: Path):
    target = tmp_path / "studycards.yaml"
    target.write_bytes(OLD)
    assert atomic_create(target, NEW) is False
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["studycards.yaml"]


def test_create_never_writes_through_a_symlink(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(OLD)
    link = tmp_path / "link.md"
    link.symlink_to(elsewhere)
    assert atomic_create(link, NEW) is False
    assert elsewhere.read_bytes() == OLD


# ---------------------------------------------------------------------------------------------
# SIGKILL at random moments: the file is always exactly one of the two contents.

_WRITER = """
import sys
from pathlib import Path
from studycards._atomic import atomic_write

path, size = Path(sys.argv[1]), int(sys.argv[2])
a, b = b"A" * size, (b"B" * (size + 4097))
print("ready", flush=True)
while True:
    atomic_write(path, b)
    atomic_write(path, a)
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_mix(tmp_path: Path):
    size = 1 << 20
    a, b = b"A" * size, b"B" * (size + 4097)
    target = tmp_path / "note.md"
    target.write_bytes(a)
    rng = random.Random(20251019)
    seen = set()
    for _ in range(30):
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target), str(size)],
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.04))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        content = target.read_bytes()
        assert content == a or content == b, f"mixed file of {len(content)} bytes"
        seen.add(content[:1])
    # Leftover temporary files from killed writers are hidden and never the note itself.
    assert all(name == "note.md" or name.startswith(".note.md.") for name in os.listdir(tmp_path))
    assert seen  # at least one outcome observed
