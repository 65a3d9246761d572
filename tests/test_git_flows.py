"""One vault on two machines through git: two clones of a bare remote, each reviewing.

The ledger merges by union (``.gitattributes``), and a note reviewed on both machines merges
through ``studycards merge-note``, the driver ``migrate`` registers, without conflict markers;
afterwards ``doctor`` is clean and ``stats`` counts both machines' reviews.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

OLD_VAULT = Path(__file__).parent / "fixtures" / "oldvault"
SELECT = "notes/C++/select()、poll()、epoll()的工作原理和区别.md"
RUST = "notes/C++/虚函数表.md"


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)


@pytest.fixture
def machines(tmp_path: Path, monkeypatch) -> tuple[Path, Path, Path]:
    """A bare remote and two clones of a migrated vault, as two machines have them."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    first = tmp_path / "laptop"
    shutil.copytree(OLD_VAULT, first)
    git(first, "init", "-q")
    assert invoke_in(first, "migrate").exit_code == 0
    git(first, "add", "-A")
    git(first, "commit", "-q", "-m", "vault")
    git(first, "remote", "add", "origin", str(remote))
    git(first, "push", "-q", "-u", "origin", "main")
    second = tmp_path / "desktop"
    git(tmp_path, "clone", "-q", str(remote), str(second))
    assert invoke_in(second, "migrate").exit_code == 0  # registers the driver in this clone
    return remote, first, second


def invoke_in(root: Path, *args: str, when: dt.datetime | None = None):
    from conftest import invoke

    from studycards.scheduling import clock

    saved = clock.now_in, clock.today_in
    if when is not None:
        clock.now_in = lambda _zone: when  # type: ignore[assignment]
        clock.today_in = lambda *_: when.date()  # type: ignore[assignment]
    try:
        return invoke("--vault", str(root), *args)
    finally:
        clock.now_in, clock.today_in = saved


AT_9 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
AT_11 = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.timezone.utc)
NEXT_DAY = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.timezone.utc)


def review_and_commit(root: Path, rel: str, grade: str, when: dt.datetime) -> None:
    assert invoke_in(root, "grade", rel, grade, when=when).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"review {rel}")


@pytest.mark.parametrize(("first_time", "second_time"), [(AT_9, AT_11), (AT_11, NEXT_DAY)])
def test_a_note_reviewed_on_both_machines_merges_cleanly(machines, first_time, second_time):
    _remote, laptop, desktop = machines
    review_and_commit(laptop, SELECT, "good", first_time)
    review_and_commit(laptop, RUST, "easy", first_time)
    git(laptop, "push", "-q")
    review_and_commit(desktop, SELECT, "hard", second_time)
    pulled = git(desktop, "pull", "-q", "--rebase", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    text = (desktop / SELECT).read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    ledger = (desktop / ".studycards" / "reviews.jsonl").read_text(encoding="utf-8")
    assert "<<<<<<<" not in ledger and len(ledger.splitlines()) >= 3
    assert "review_count: 5\n" in text  # 3 before, one review on each machine
    stats = json.loads(invoke_in(desktop, "stats", "--json", when=second_time).stdout)
    doctor = invoke_in(desktop, "doctor", when=second_time)
    if first_time.date() == second_time.date():  # which review came later only the ledger knows
        assert doctor.exit_code == 1
        assert f"{SELECT}: review keys are an earlier review's" in doctor.stdout
        repaired = invoke_in(desktop, "doctor", "--repair", when=second_time)
        assert repaired.exit_code == 0, repaired.stdout + repaired.stderr
        assert f"{SELECT}: rewrote its review keys from the ledger" in repaired.stdout
        doctor = invoke_in(desktop, "doctor", when=second_time)
    assert doctor.exit_code == 0, doctor.stdout + doctor.stderr
    assert stats["reviews"]["total"] == 10 + 3  # the imported history and both machines'
    events = [json.loads(line) for line in ledger.splitlines()]
    reviews = [e for e in events if e["path"] == SELECT and e["kind"] == "review"]
    assert len(reviews) == 2
    last = max(reviews, key=lambda e: e["ts"])
    final = (desktop / SELECT).read_text(encoding="utf-8")
    assert f"next_review: '{last['due']}'" in final


def test_a_body_conflict_is_kept_for_the_person(machines):
    _remote, laptop, desktop = machines
    for root, words, when in ((laptop, "笔记本上的改动", AT_9), (desktop, "台式机上的改动", AT_11)):
        path = root / SELECT
        path.write_text(
            path.read_text(encoding="utf-8").replace("先讲问题", words), encoding="utf-8"
        )
        review_and_commit(root, SELECT, "good", when)
    git(laptop, "push", "-q")
    pulled = git(desktop, "pull", "-q", "--rebase", check=False)
    assert pulled.returncode != 0
    text = (desktop / SELECT).read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 1  # only the body's conflict
    front = text.split("\n---\n", 1)[0]
    assert "<<<<<<<" not in front and "review_count: 5\n" in front


def test_doctor_repair_settles_review_key_conflicts_and_keeps_the_rest(machines):
    """A merge made without the driver (a clone that never ran studycards) leaves markers."""
    _remote, laptop, desktop = machines
    git(desktop, "config", "--remove-section", "merge.studycards-note")
    path = desktop / SELECT
    for root, when, grade in ((laptop, AT_9, "good"), (desktop, NEXT_DAY, "hard")):
        if root == desktop:
            text = path.read_text(encoding="utf-8").replace("先讲问题", "台式机上的改动")
            path.write_text(text, encoding="utf-8")
        else:
            text = (root / SELECT).read_text(encoding="utf-8").replace("先讲问题", "笔记本")
            (root / SELECT).write_text(text, encoding="utf-8")
        review_and_commit(root, SELECT, grade, when)
    git(laptop, "push", "-q")
    pulled = git(desktop, "pull", "-q", "--no-rebase", check=False)
    assert pulled.returncode != 0, pulled.stdout + pulled.stderr
    text = path.read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 2  # the review keys' and the body's
    doctor = invoke_in(desktop, "doctor", when=NEXT_DAY)
    assert doctor.exit_code == 1
    assert "merge conflict in the review keys: --repair settles it from the ledger" in doctor.stdout
    assert "merge conflict for you to resolve (left as it is)" in doctor.stdout
    repaired = invoke_in(desktop, "doctor", "--repair", when=NEXT_DAY)
    assert f"{SELECT}: settled the merge conflict in its review keys; 1 other" in repaired.stdout
    text = path.read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 1 and "笔记本" in text and "台式机上的改动" in text
    front = text.split("\n---\n", 1)[0]
    assert "<<<<<<<" not in front and "last_reviewed: '2026-12-02'" in front
    after = invoke_in(desktop, "doctor", when=NEXT_DAY)
    assert [line for line in after.stdout.splitlines() if ".md" in line] == [
        f"{SELECT}:{text[: text.index('<<<<<<<')].count(chr(10)) + 1}: "
        "merge conflict for you to resolve (left as it is)"
    ]


# ---------------------------------------------------------------------------------------------
# the nightly step: sync --commit [--push]


def tick_all(root: Path, rel: str, grade: str = "") -> None:
    text = (
        f"# 📚 今日复习 - 2026-12-01\n\n- [x] [x]({rel}){grade}\n  - 已复习: 3次 | 难度: medium\n"
    )
    (root / "reviewsToday.md").write_text(text, encoding="utf-8")


def test_sync_commit_push_logs_commits_and_shares(machines):
    remote, laptop, desktop = machines
    new = "---\ncreated: '2026-12-01'\ndifficulty: Medium\n---\n# 新笔记\n\n## 面试标准答案\n\n答案。\n"
    (laptop / "notes" / "C++" / "新笔记.md").write_text(new, encoding="utf-8")
    tool_file = (laptop / "notes" / "CLAUDE.md").read_bytes()
    tick_all(laptop, SELECT)
    result = invoke_in(laptop, "sync", "--commit", "--push", when=AT_9)
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{SELECT}: good -> next review ")
    assert "fixed the frontmatter of 1 note(s)" in lines  # difficulty: Medium -> medium
    assert (laptop / "notes" / "CLAUDE.md").read_bytes() == tool_file  # not given frontmatter
    assert any(
        line.startswith("committed ") and line.endswith("Review 2026-12-01: 1 review, 1 new note")
        for line in lines
    )
    assert lines[-1] == "pushed"
    log = git(remote, "log", "-1", "--format=%s").stdout.strip()
    assert log == "Review 2026-12-01: 1 review, 1 new note"
    assert git(laptop, "status", "--porcelain").stdout == ""
    # the other machine reviews the same note later the same day, then its nightly step runs
    tick_all(desktop, SELECT, " (hard)")
    result = invoke_in(desktop, "sync", "--commit", "--push", when=AT_11)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "pulled origin/main (rebased onto it)" in result.stdout
    assert "rewrote the review keys of 1 merged note(s) from the ledger" in result.stdout
    assert invoke_in(desktop, "doctor", when=AT_11).exit_code == 0
    stats = json.loads(invoke_in(desktop, "stats", "--json", when=AT_11).stdout)
    assert stats["reviews"]["today"] == 2
    git(laptop, "pull", "-q", "--rebase")
    doctor = invoke_in(laptop, "doctor", when=AT_11)
    assert doctor.exit_code == 0, doctor.stdout


def test_sync_commit_stops_before_writing_on_unrelated_changes(machines):
    _remote, laptop, _desktop = machines
    (laptop / "draft.txt").write_text("mine\n", encoding="utf-8")
    tick_all(laptop, SELECT)
    before = (laptop / "reviewsToday.md").read_bytes()
    result = invoke_in(laptop, "sync", "--commit", when=AT_9)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the work tree has changes studycards does not commit: draft.txt: commit or "
        "stash them first\n"
    )
    assert (laptop / "reviewsToday.md").read_bytes() == before
    assert not (laptop / ".studycards" / "reviews.jsonl").exists() or "review" not in (
        laptop / ".studycards" / "reviews.jsonl"
    ).read_text(encoding="utf-8")


def test_sync_push_without_a_remote(tmp_path, machines):
    _remote, laptop, _desktop = machines
    git(laptop, "remote", "remove", "origin")
    result = invoke_in(laptop, "sync", "--commit", "--push", when=AT_9)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no git remote to push to: add one with 'git remote add origin URL'\n"
    )


def test_sync_commit_outside_git(make_vault):
    root = make_vault()
    result = invoke_in(root, "sync", "--commit", when=AT_9)
    assert result.exit_code == 1
    assert (
        result.stderr == f"error: {root} is not in a git repository: run 'git init' there first\n"
    )


def test_a_refused_push_is_one_line_and_keeps_the_commit(machines):
    remote, laptop, _desktop = machines
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    tick_all(laptop, SELECT)
    result = invoke_in(laptop, "sync", "--commit", "--push", when=AT_9)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: git push was refused: ")
    assert line.endswith("; your commit is kept here")
    assert git(laptop, "log", "-1", "--format=%s").stdout.strip() == (
        "Review 2026-12-01: 1 review, 0 new notes"
    )


def _head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").stdout.strip()


@pytest.mark.slow
def test_kill_9_during_sync_commit_leaves_no_half_made_commit(machines):
    """A nightly step killed at any instant leaves the last commit whole (or none made), and
    the next run finishes the job without logging a tick twice."""
    import os
    import random
    import signal
    import sys
    import time

    _remote, laptop, _desktop = machines
    rng = random.Random(15)
    env = {**os.environ, "STUDYCARDS_VAULT": str(laptop)}
    notes = [SELECT, RUST, "notes/Transformer/多头注意力（MHA）的作用.md"]
    for round_ in range(6):
        rel = notes[round_ % len(notes)]
        tick_all(laptop, rel)
        before = _head(laptop)
        process = subprocess.Popen(
            [sys.executable, "-m", "studycards", "sync", "--commit"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for _ in range(100):  # a git the kill orphaned finishes on its own
            if not (laptop / ".git" / "index.lock").exists():
                break
            time.sleep(0.05)
        assert git(laptop, "fsck", "--no-dangling").returncode == 0
        head = _head(laptop)
        if head != before:  # a commit was made: it is whole
            assert git(laptop, "log", "-1", "--format=%s").stdout.startswith("Review 2026-")
            files = git(laptop, "show", "--name-only", "--format=", "HEAD").stdout.splitlines()
            assert ".studycards/reviews.jsonl" in files and "reviewsToday.md" in files
        finish = subprocess.run(
            [sys.executable, "-m", "studycards", "sync", "--commit"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert finish.returncode == 0, finish.stdout + finish.stderr
        assert git(laptop, "status", "--porcelain").stdout == ""
        ledger = (laptop / ".studycards" / "reviews.jsonl").read_text(encoding="utf-8")
        marks = [
            json.loads(line).get("reason")
            for line in ledger.splitlines()
            if json.loads(line)["kind"] == "review"
        ]
        assert len(marks) == len(set(marks)) == round_ + 1  # each tick logged exactly once
