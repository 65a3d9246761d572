"""A full disk or a read-only folder while grading: one clear line, no half-written note or line.

The failures are simulated by making ``os.write`` (the ledger's append), ``tempfile.mkstemp`` or
``os.replace`` (the note's atomic rewrite) raise ``OSError(ENOSPC/EACCES)``. Whatever fails, the
note keeps its bytes, no temporary file is left, and the ledger holds a review only when the
note can be finished from it by the next command.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import pexpect
import pytest

from studycards.errors import WriteError
from studycards.lock import vault_lock
from studycards.notes.vault import open_vault
from studycards.review.session import Session
from studycards.review.session_backend import VaultBackend, build_cards
from studycards.scheduling.grading import grade_note
from studycards.scheduling.history import replay
from studycards.scheduling.reconcile import reconcile
from studycards.scheduling.schedule import Rating
from studycards.scheduling.writes import ledger_of

NOTE = "notes/Disk/x.md"
TEXT = (
    "---\ncreated: '2025-10-01'\nlast_reviewed: null\nnext_review: '2025-10-01'\n"
    "review_count: 0\ndifficulty: medium\nmastery_level: 0.0\n---\n# Disk question\n\n"
    "## Short answer\n\nThe answer.\n"
)
NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
FULL = os.strerror(errno.ENOSPC)
DENIED = os.strerror(errno.EACCES)


@pytest.fixture
def root(make_vault) -> Path:
    return make_vault({NOTE: TEXT}, config="notes_dir: notes\nfuzz: false\ntimezone: UTC\n")


def failing(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "notes" / "Disk").iterdir() if p.name != "x.md")


def ledger_bytes(root: Path) -> bytes:
    path = root / ".studycards" / "reviews.jsonl"
    return path.read_bytes() if path.exists() else b""


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("tempfile.mkstemp", errno.ENOSPC),
        ("tempfile.mkstemp", errno.EACCES),
        ("os.replace", errno.ENOSPC),
        ("os.replace", errno.EACCES),
        ("os.fsync", errno.ENOSPC),
    ],
)
def test_grade_keeps_the_note_when_its_write_fails(root, use_vault, cli, monkeypatch, target, code):
    use_vault(root)
    if target == "os.fsync":  # the ledger's fsync must pass: only the note's temp file fails
        monkeypatch.setattr("os.fsync", _fail_for_temp_files(os.fsync, code))
    else:
        monkeypatch.setattr(target, failing(code))
    result = cli("grade", NOTE, "good")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: {NOTE}: cannot write: {os.strerror(code)}\n"
    assert (root / NOTE).read_text(encoding="utf-8") == TEXT
    assert leftovers(root) == []
    monkeypatch.undo()
    # The review logged before the write is withdrawn, so a retry counts once.
    review, undo = ledger_of(open_vault(root)).read().events
    assert (review.kind, review.rating, undo.kind, undo.undoes) == (
        "review",
        3,
        "undo",
        [review.id],
    )
    assert undo.reason == "the note could not be written"
    vault = open_vault(root)
    with vault_lock(vault.state_dir):
        assert reconcile(vault, NOW).finished == ()
    use_vault(root)  # undo() above also dropped the environment
    retry = cli("grade", NOTE, "good")
    assert retry.exit_code == 0, retry.stderr
    assert replay(ledger_of(vault).read().events)[note_id(root)].reviews == 1
    assert "review_count: 1\n" in (root / NOTE).read_text(encoding="utf-8")


def note_id(root: Path) -> str:
    text = (root / NOTE).read_text(encoding="utf-8")
    return next(line[4:] for line in text.splitlines() if line.startswith("id: "))


def test_when_even_the_withdrawal_fails_reconcile_finishes_the_review(root, monkeypatch):
    """A disk that takes the ledger line but nothing more: the review stays in the ledger."""
    real_write = os.write
    calls = []

    def first_only(fd, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, FULL)
        return real_write(fd, data)

    vault = open_vault(root)
    monkeypatch.setattr("tempfile.mkstemp", failing(errno.ENOSPC))
    monkeypatch.setattr("os.write", first_only)
    with pytest.raises(WriteError):
        grade_note(vault, NOTE, Rating.GOOD, NOW)
    monkeypatch.undo()
    (event,) = ledger_of(vault).read().events
    assert (root / NOTE).read_text(encoding="utf-8") == TEXT
    with vault_lock(vault.state_dir):
        assert reconcile(vault, NOW).finished == (NOTE,)
    text = (root / NOTE).read_text(encoding="utf-8")
    assert "review_count: 1\n" in text and f"next_review: '{event.due}'" in text


def _fail_for_temp_files(real, code):
    def fsync(fd):
        name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else ""
        if name.endswith(".tmp"):
            raise OSError(code, os.strerror(code))
        return real(fd)

    return fsync


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_grade_writes_nothing_when_the_ledger_append_fails(root, use_vault, cli, monkeypatch, code):
    use_vault(root)
    ledger_of(open_vault(root)).path.parent.mkdir(parents=True, exist_ok=True)
    before = ledger_bytes(root)
    monkeypatch.setattr("os.write", failing(code))
    result = cli("grade", NOTE, "again")
    ledger = root / ".studycards" / "reviews.jsonl"
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {ledger}: cannot write: {os.strerror(code)}; nothing was recorded\n"
    )
    assert (root / NOTE).read_text(encoding="utf-8") == TEXT
    assert ledger_bytes(root) == before
    assert leftovers(root) == []


def test_a_half_written_ledger_line_is_cut_back(root, monkeypatch):
    vault = open_vault(root)
    grade_note(vault, NOTE, Rating.GOOD, NOW)
    before = ledger_bytes(root)
    real_write = os.write

    def half_then_full(fd, data):
        if len(data) > 8:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, FULL)

    monkeypatch.setattr("os.write", half_then_full)
    text = (root / NOTE).read_bytes()
    with pytest.raises(WriteError) as caught:
        grade_note(vault, NOTE, Rating.HARD, NOW + dt.timedelta(days=3))
    assert str(caught.value).endswith(f"cannot write: {FULL}; nothing was recorded")
    assert ledger_bytes(root) == before
    assert (root / NOTE).read_bytes() == text
    monkeypatch.undo()
    assert ledger_of(vault).read().notices == ()


def test_the_lock_still_works_when_its_pid_cannot_be_written(root, monkeypatch):
    monkeypatch.setattr("os.pwrite", failing(errno.ENOSPC))
    monkeypatch.setattr("os.ftruncate", failing(errno.ENOSPC))
    vault = open_vault(root)
    with vault_lock(vault.state_dir):
        pass


def session_over(root: Path) -> Session:
    from studycards.scheduling.queue import load_queue

    vault = open_vault(root)
    queue, _ = load_queue(vault, NOW.date())
    backend = VaultBackend(vault, lambda: NOW)
    cards = build_cards(vault, queue.study, backend.histories(), NOW.date(), False)
    return Session(cards, backend, lambda: 0.0)


@pytest.mark.parametrize(
    ("target", "code"), [("tempfile.mkstemp", errno.ENOSPC), ("os.write", errno.EACCES)]
)
def test_session_grade_says_not_saved_and_stays_on_the_card(root, monkeypatch, target, code):
    session = session_over(root)
    session.press(" ")
    monkeypatch.setattr(target, failing(code))
    screen = session.press("3")
    monkeypatch.undo()
    where = f"{root / '.studycards' / 'reviews.jsonl'}" if target == "os.write" else NOTE
    suffix = "; nothing was recorded" if target == "os.write" else ""
    assert screen.message == f"not saved: {where}: cannot write: {os.strerror(code)}{suffix}"
    assert screen.card is not None and screen.card.note_rel == NOTE
    assert session.history == []
    assert (root / NOTE).read_text(encoding="utf-8") == TEXT
    assert leftovers(root) == []


def test_review_command_goes_on_after_a_failed_save(root, use_vault, cli, monkeypatch):
    """The review loop, driven in-process: the failed grade is one line on the screen, no
    traceback; once space is back the same card is graded."""
    use_vault(root)
    monkeypatch.setattr("studycards.cli.review.require_terminal", lambda: None)
    monkeypatch.setattr("studycards.scheduling.clock.now_in", lambda zone: NOW)
    messages = []

    def drive(screenful, terminal):
        screenful.press(" ")
        with monkeypatch.context() as full:
            full.setattr("tempfile.mkstemp", failing(errno.ENOSPC))
            messages.append(screenful.press("3").message)
        messages.append(screenful.press("3").phase)

    monkeypatch.setattr("studycards.cli.review._terminal", lambda: None)
    monkeypatch.setattr("studycards.cli._terminal.run", drive)
    result = cli("review")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert messages[0] == f"not saved: {NOTE}: cannot write: {FULL}"
    assert messages[1] == "done"  # graded this time: the only card, so the session is over
    events = ledger_of(open_vault(root)).read().events
    assert [(e.kind, e.rating) for e in events] == [("review", 3), ("undo", None), ("review", 3)]
    assert "review_count: 1\n" in (root / NOTE).read_text(encoding="utf-8")


SITECUSTOMIZE = textwrap.dedent(
    """
    import errno, os, tempfile

    def _full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if os.environ.get("STUDYCARDS_TEST_DISK_FULL"):
        tempfile.mkstemp = _full
    """
)


@pytest.mark.slow
def test_review_in_a_terminal_on_a_full_disk(root, tmp_path):
    """A real pty: the grade fails with one line on the screen; the session quits cleanly."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    _due_today(root)
    env = dict(
        os.environ,
        TERM="xterm-256color",
        NO_COLOR="1",
        PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        STUDYCARDS_TEST_DISK_FULL="1",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(root), "review"],
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=20,
    )
    child.expect("Disk question")
    child.send(" ")
    child.expect("The answer")
    child.send("3")
    child.expect(f"not saved: {NOTE}: cannot write: {FULL}")
    child.send("q")
    child.expect("Session done")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert (root / NOTE).read_text(encoding="utf-8").replace(_today(), "2025-10-01") == TEXT
    assert not [n for n in os.listdir(root / "notes" / "Disk") if n.endswith(".tmp")]


def _today() -> str:
    return dt.date.today().isoformat()


def _due_today(root: Path) -> None:
    (root / NOTE).write_text(TEXT.replace("2025-10-01", _today()), encoding="utf-8")


def test_no_temp_file_names_are_left_by_a_failed_replace(root, monkeypatch):
    monkeypatch.setattr("os.replace", failing(errno.ENOSPC))
    vault = open_vault(root)
    with pytest.raises(WriteError):
        grade_note(vault, NOTE, Rating.EASY, NOW)
    assert leftovers(root) == []
    assert not list(Path(tempfile.gettempdir()).glob(".x.md.*.tmp"))


def test_a_note_that_cannot_take_the_update_is_one_line_and_not_logged(
    root, use_vault, cli, monkeypatch
):
    """The new text is made before the ledger is touched: nothing is logged for a note that
    cannot take it (the safety net behind the parser's checks)."""
    use_vault(root)

    def refuse(text, updates):
        raise ValueError("frontmatter edit of 'next_review' would not round-trip")

    monkeypatch.setattr("studycards.scheduling.writes.update_text", refuse)
    result = cli("grade", NOTE, "good")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {NOTE}: cannot update its frontmatter safely (frontmatter edit of "
        "'next_review' would not round-trip): left unchanged\n"
    )
    assert ledger_bytes(root) == b""
    assert (root / NOTE).read_text(encoding="utf-8") == TEXT
