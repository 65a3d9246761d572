"""A vault cloned from someone else is hostile input: symlinks, markup, escape codes, FIFOs.

Each test is one finding of an attack run on a real vault, with its exact input.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEQ2SEQ, MakeVault, invoke
from rich.text import Text

from studycards.render.safe import SafeConsole, clean

PRECIOUS = b"# my shell rc: precious\nexport PATH=$HOME/bin:$PATH\n"


def note(title: str, body: str = "## 面试标准答案\n\nThe answer.\n") -> str:
    return (
        "---\ncreated: '2025-10-19'\nnext_review: '2025-10-19'\nreview_count: 0\n"
        f"difficulty: medium\ntags: [C++]\n---\n# {title}\n\n{body}"
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file of the person's, outside any vault."""
    folder = tmp_path / "home"
    folder.mkdir()
    rc = folder / ".bashrc"
    rc.write_bytes(PRECIOUS)
    return rc


def run(vault: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100")
    env.pop("STUDYCARDS_VAULT", None)
    command = [sys.executable, "-m", "studycards", "--vault", str(vault), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# symlinks inside .studycards/


def test_a_committed_lock_symlink_is_refused_and_its_target_kept(make_vault, use_vault, outside):
    root = use_vault(make_vault())
    (root / ".studycards").mkdir()
    os.symlink(outside, root / ".studycards" / "lock")
    result = invoke("grade", SEQ2SEQ, "good")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {root / '.studycards' / 'lock'}: is a symlink: studycards never follows "
        "symlinks in .studycards/ (remove it)\n"
    )
    assert outside.read_bytes() == PRECIOUS


def test_a_ledger_symlink_gets_no_review_lines(make_vault, use_vault, outside):
    name = "notes/x/$(id>x).md"
    root = use_vault(make_vault({name: note("Shell name")}))
    (root / ".studycards").mkdir()
    os.symlink(outside, root / ".studycards" / "reviews.jsonl")
    before = (root / name).read_bytes()
    result = invoke("grade", name, "good")
    assert result.exit_code == 1
    assert "reviews.jsonl: is a symlink" in result.stderr
    assert outside.read_bytes() == PRECIOUS
    assert (root / name).read_bytes() == before  # nothing logged, so nothing written


def test_a_state_folder_symlinked_out_of_the_vault_is_refused(make_vault, tmp_path: Path):
    root = make_vault()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / ".studycards")
    result = invoke("--vault", str(root), "grade", SEQ2SEQ, "good")
    assert result.exit_code == 1
    assert f"{root / '.studycards'}: is a symlink to {elsewhere}, outside the vault" in (
        result.stderr
    )
    assert list(elsewhere.iterdir()) == []


def test_state_files_are_created_writable_by_their_owner_only(make_vault, use_vault):
    root = use_vault(make_vault())
    previous = os.umask(0)
    try:
        assert invoke("grade", SEQ2SEQ, "good").exit_code == 0
    finally:
        os.umask(previous)
    for name in ("lock", "reviews.jsonl", ".gitignore"):
        mode = stat.S_IMODE(os.lstat(root / ".studycards" / name).st_mode)
        assert mode & 0o022 == 0, (name, oct(mode))


def test_a_symlinked_index_is_not_written_through(make_vault, use_vault, outside):
    root = use_vault(make_vault())
    (root / ".studycards").mkdir()
    os.symlink(outside, root / ".studycards" / "index.sqlite")
    assert invoke("list").exit_code == 0
    assert outside.read_bytes() == PRECIOUS


# ---------------------------------------------------------------------------------------------
# notes that are symlinks out of the vault


@pytest.fixture
def leaking_vault(make_vault, use_vault, outside) -> Path:
    secret = outside.with_name("secret.md")
    secret.write_text(note("SECRET TITLE", "## Short answer\n\nSECRET BODY\n"), encoding="utf-8")
    root = use_vault(make_vault())
    os.symlink(secret, root / "notes" / "leak.md")
    (root / "outlines").mkdir()
    os.symlink(secret, root / "outlines" / "leak.md")
    return root


def test_list_skips_and_reports_a_note_leading_out_of_the_vault(leaking_vault: Path):
    result = invoke("list")
    assert result.exit_code == 0
    assert "SECRET" not in result.stdout
    secret = leaking_vault.parent / "home" / "secret.md"
    assert f"warning: notes/leak.md: is a symlink to {secret}, outside the vault: skipped" in (
        result.stderr
    )


@pytest.mark.parametrize(
    "args",
    [
        ("show", "notes/leak.md"),
        ("grade", "notes/leak.md", "good"),
        ("mv", "notes/leak.md", "notes/x.md"),
    ],
    ids=" ".join,
)
def test_commands_naming_the_leaking_note_refuse_it(leaking_vault: Path, args):
    os.chdir(leaking_vault)
    result = invoke(*args)
    assert result.exit_code == 1
    assert "SECRET" not in result.stdout
    assert "outside the vault" in result.stderr
    assert (leaking_vault / "notes" / "leak.md").is_symlink()


def test_exports_search_and_fix_leave_the_outside_file_out(leaking_vault: Path, tmp_path: Path):
    csv = tmp_path / "out.csv"
    assert invoke("export", "csv", str(csv)).exit_code == 0
    assert "SECRET" not in csv.read_text(encoding="utf-8-sig")
    assert invoke("search", "SECRET").stdout == "no notes match 'SECRET'\n"
    invoke("fix")
    assert (leaking_vault / "notes" / "leak.md").is_symlink()
    assert "SECRET" not in invoke("outline", "leak").stdout


def test_check_reports_the_leaking_outline(leaking_vault: Path):
    result = invoke("check")
    secret = leaking_vault.parent / "home" / "secret.md"
    assert f"outlines/leak.md: is a symlink to {secret}, outside the vault: skipped" in (
        result.stdout
    )


def test_a_symlink_to_a_note_inside_the_vault_is_still_a_note(make_vault, use_vault):
    root = use_vault(make_vault())
    os.symlink(root / SEQ2SEQ, root / "notes" / "alias.md")
    listed = json.loads(invoke("list", "--json").stdout)["notes"]
    assert "notes/alias.md" in {row["path"] for row in listed}


# ---------------------------------------------------------------------------------------------
# note text meets markup and the terminal


MARKUP_TITLES = {
    "notes/Linux/etc.md": "Linux中 [/etc] 目录存放什么",
    "notes/C++/nodiscard.md": "[[nodiscard]] 属性",
    "notes/C++/link.md": "[link=https://evil.example]click[/link] me",
}


@pytest.mark.parametrize("command", ["list", "due"])
def test_titles_with_markup_are_shown_as_written(make_vault, use_vault, command):
    use_vault(make_vault({rel: note(title) for rel, title in MARKUP_TITLES.items()}))
    result = invoke(command)
    assert result.exit_code == 0, result.stderr
    for title in (
        "Linux中 [/etc] 目录存放什么",
        "[[nodiscard]] 属性",
        "[link=https://evil.example]",
    ):
        assert title in result.stdout
    assert "\x1b]8" not in result.stdout


ESCAPES = (
    "A \x1b]0;PWNED\x07 B \x1b[2J C \x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\ D \x9b2J"
)


@pytest.mark.parametrize(
    "args", [("show", "esc"), ("search", "escape"), ("outline", "o"), ("list",)], ids=" ".join
)
def test_no_escape_sequence_from_a_note_reaches_the_terminal(make_vault, use_vault, args):
    body = f"## 面试标准答案\n\nescape {ESCAPES}\n\n## 常见面试追问\n\n### Q1: why {ESCAPES}?\n**A:** x\n"
    files = {
        "notes/T/esc.md": note(f"Title {ESCAPES}", body),
        "outlines/o.md": f"# Outline {ESCAPES}\n\n- [esc {ESCAPES}](../notes/T/esc.md)\n",
    }
    use_vault(make_vault(files))
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    for code in ("\x1b", "\x07", "\x9b"):
        assert code not in result.stdout + result.stderr
    assert "A ]0;PWNED B [2J C" in result.stdout


def test_the_safe_console_keeps_its_own_styles_and_drops_the_notes_codes():
    out = io.StringIO()
    console = SafeConsole(
        file=out, force_terminal=True, color_system="standard", width=80, highlight=False
    )
    console.print(Text("bold", style="bold"), "[red]x[/red]", "\x1b]0;T\x07y")
    text = out.getvalue()
    assert "\x1b[1m" in text  # Rich's own style
    assert "[red]x[/red]" in text  # markup in a string is shown, not applied
    assert "\x1b]" not in text and "\x07" not in text
    assert clean("a\x1b[2Jb\tc\n\x7f\x85") == "a[2Jb\tc\n"


# ---------------------------------------------------------------------------------------------
# FIFOs and other files that are not regular


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("due",),
        ("check",),
        ("show", "fifo"),
        ("search", "answer"),
        ("grade", "notes/fifo.md", "good"),
        ("export", "csv", "-"),
        ("link", "--dry-run"),
        ("fix", "--dry-run"),
        ("doctor",),
        ("stats",),
        ("tags",),
    ],
    ids=" ".join,
)
def test_a_fifo_named_like_a_note_never_blocks(make_vault: MakeVault, args):
    root = make_vault()
    os.mkfifo(root / "notes" / "fifo.md")
    if args[0] == "export":
        args = ("export", "csv", str(root.parent / "out.csv"))
    result = run(root, *args, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr


def test_check_says_what_the_fifo_is(make_vault: MakeVault):
    root = make_vault()
    os.mkfifo(root / "notes" / "fifo.md")
    result = run(root, "check")
    assert (
        "notes/fifo.md: is not a regular file (a FIFO, socket or device): not read"
        in result.stdout.splitlines()
    )


# ---------------------------------------------------------------------------------------------
# a note copied to start a new one carries the original's id


COPY = "notes/Transformer/copy of the seq2seq note.md"


def _reviewed_then_copied(root: Path) -> tuple[bytes, str]:
    assert invoke("grade", SEQ2SEQ, "good").exit_code == 0
    original = (root / SEQ2SEQ).read_bytes()
    (root / COPY).write_bytes(original)
    note_id = next(
        line.split(": ")[1] for line in original.decode().splitlines() if line.startswith("id: ")
    )
    return original, note_id


def test_grading_a_copy_gives_it_its_own_id_and_leaves_the_original(make_vault, use_vault):
    root = use_vault(make_vault())
    original, note_id = _reviewed_then_copied(root)
    result = invoke("grade", COPY, "again")
    assert result.exit_code == 0
    (line,) = [x for x in result.stderr.splitlines() if "same id" in x]
    assert line.startswith(f"warning: {COPY}: had the same id {note_id} as {SEQ2SEQ} (a copy?)")
    assert f"id: {note_id}" not in (root / COPY).read_text(encoding="utf-8")
    for command in (("reschedule",), ("doctor", "--repair"), ("grade", COPY, "good")):
        invoke(*command)
        assert (root / SEQ2SEQ).read_bytes() == original, command
    doctor = invoke("doctor")
    assert doctor.exit_code == 0, doctor.stdout


def test_doctor_names_the_copy_and_repair_renames_only_the_copy(make_vault, use_vault):
    root = use_vault(make_vault())
    original, note_id = _reviewed_then_copied(root)
    result = invoke("doctor")
    assert result.exit_code == 1
    assert f"{COPY}: has the same id {note_id} as {SEQ2SEQ} (a copy?)" in result.stdout
    repaired = invoke("doctor", "--repair")
    assert repaired.exit_code == 0
    assert (root / SEQ2SEQ).read_bytes() == original
    assert f"id: {note_id}" not in (root / COPY).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# a kill between the ledger write and the note write of undo, reschedule and bury


class Killed(BaseException):
    """Stands for SIGKILL right after the ledger append: nothing after it runs."""


def _kill_note_write(monkeypatch, module: str) -> None:
    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(f"studycards.scheduling.{module}.write_note", killed)


def _hand_edits(root: Path) -> list[dict]:
    lines = (root / ".studycards" / "reviews.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    return [e for e in events if e.get("reason") == "next_review edited by hand"]


def _next_review(root: Path, rel: str) -> str:
    text = (root / rel).read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("next_review:"))


def test_a_killed_reschedule_is_finished_not_reverted(make_vault, use_vault, monkeypatch):
    root = use_vault(make_vault())
    assert invoke("grade", SEQ2SEQ, "easy").exit_code == 0
    (root / "studycards.yaml").write_text("notes_dir: notes\nmaximum_interval: 2\n")
    planned = invoke("reschedule", "--dry-run").stdout
    assert SEQ2SEQ in planned
    with monkeypatch.context() as patch:
        _kill_note_write(patch, "reschedule")
        with pytest.raises(Killed):
            invoke("reschedule")
    assert invoke("doctor", "--repair").exit_code == 0
    due = planned.split(f"{SEQ2SEQ}: ")[1].split(" -> ")[1].split()[0]
    assert _next_review(root, SEQ2SEQ) == f"next_review: '{due}'"
    assert _hand_edits(root) == []
    assert invoke("doctor").exit_code == 0


def test_a_killed_bury_is_finished(make_vault, use_vault, monkeypatch):
    from studycards.notes.vault import open_vault
    from studycards.scheduling.reschedule import bury

    root = use_vault(make_vault())
    assert invoke("grade", SEQ2SEQ, "good").exit_code == 0
    vault = open_vault(root)
    now = dt.datetime.now(dt.timezone.utc)
    with monkeypatch.context() as patch:
        _kill_note_write(patch, "reschedule")
        with pytest.raises(Killed):
            bury(vault, SEQ2SEQ, None, now)
    assert invoke("grade", "two_sum", "good").exit_code == 0  # any writing command
    lines = (root / ".studycards" / "reviews.jsonl").read_text(encoding="utf-8").splitlines()
    (tomorrow,) = [e["due"] for e in map(json.loads, lines) if e.get("reason") == "buried"]
    assert _next_review(root, SEQ2SEQ) == f"next_review: '{tomorrow}'"
    assert _hand_edits(root) == []


def test_a_killed_undo_is_finished(make_vault, use_vault, monkeypatch):
    root = use_vault(make_vault())
    before = (root / SEQ2SEQ).read_bytes()
    assert invoke("grade", SEQ2SEQ, "good").exit_code == 0
    with monkeypatch.context() as patch:
        _kill_note_write(patch, "undo")
        with pytest.raises(Killed):
            invoke("undo")
    assert (root / SEQ2SEQ).read_bytes() != before  # the undo is logged, not yet written
    doctor = invoke("doctor")
    assert doctor.exit_code == 1
    assert f"{SEQ2SEQ}: the ledger holds an undo" in doctor.stdout
    assert invoke("grade", "two_sum", "good").exit_code == 0  # any writing command finishes it
    assert (root / SEQ2SEQ).read_bytes() == before
    assert _hand_edits(root) == []
    assert invoke("doctor").exit_code == 0


# ---------------------------------------------------------------------------------------------
# a ledger merged by taking one side


def git(root: Path, *args: str) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def test_doctor_finds_the_reviews_a_one_sided_merge_dropped(make_vault, tmp_path: Path):
    laptop = make_vault()
    git(laptop, "init", "-q", "-b", "main")
    git(laptop, "add", "-A")
    git(laptop, "commit", "-qm", "vault")
    desktop = tmp_path / "desktop"
    git(tmp_path, "clone", "-q", str(laptop), str(desktop))
    assert invoke("--vault", str(desktop), "grade", "two_sum", "good").exit_code == 0
    git(desktop, "add", "-A", "--force")
    git(desktop, "commit", "-qm", "desktop review")
    assert invoke("--vault", str(laptop), "grade", SEQ2SEQ, "good").exit_code == 0
    git(laptop, "add", "-A", "--force")
    git(laptop, "commit", "-qm", "laptop review")
    git(laptop, "pull", "-q", "--no-rebase", "-X", "ours", str(desktop), "main")
    ledger = (laptop / ".studycards" / "reviews.jsonl").read_text(encoding="utf-8")
    assert "notes/Coding/two_sum.md" not in ledger  # the desktop's lines were dropped

    result = invoke("--vault", str(laptop), "doctor")
    assert result.exit_code == 1
    (line,) = [x for x in result.stdout.splitlines() if "committed to git" in x]
    assert line.startswith(".studycards/reviews.jsonl: 2 events committed to git are missing")
    assert "notes/Coding/two_sum.md on " in line
    repaired = invoke("--vault", str(laptop), "doctor", "--repair")
    assert "appended 2 events found in git history to the ledger" in repaired.stdout
    assert invoke("--vault", str(laptop), "doctor").exit_code == 0


def test_doctor_finds_a_note_showing_a_review_the_ledger_lost(make_vault, use_vault):
    root = use_vault(make_vault())
    assert invoke("grade", SEQ2SEQ, "good").exit_code == 0
    ledger = root / ".studycards" / "reviews.jsonl"
    kept = ledger.read_bytes()
    assert invoke("grade", SEQ2SEQ, "good", "--duration", "5").exit_code == 0
    ledger.write_bytes(kept)  # the second review's line lost; the note shows it
    with_date = (root / SEQ2SEQ).read_text(encoding="utf-8")
    lines = kept.decode().splitlines()
    day = json.loads(lines[-1])["day"]
    later = (dt.date.fromisoformat(day) + dt.timedelta(days=3)).isoformat()
    (root / SEQ2SEQ).write_text(
        with_date.replace(f"last_reviewed: '{day}'", f"last_reviewed: '{later}'"),
        encoding="utf-8",
    )
    result = invoke("doctor")
    assert result.exit_code == 1
    assert f"{SEQ2SEQ}: shows a review on {later} that the ledger does not hold" in result.stdout
    assert "edited by hand" not in result.stdout


# ---------------------------------------------------------------------------------------------
# doctor after ordinary commands


@pytest.mark.parametrize(
    "commands",
    [
        [("grade", SEQ2SEQ, "good")],
        [("mv", SEQ2SEQ, "notes/Transformer/moved.md")],
        [("grade", SEQ2SEQ, "good"), ("undo",)],
        [("grade", SEQ2SEQ, "good"), ("grade", SEQ2SEQ, "easy"), ("undo",), ("undo",)],
        [("grade", SEQ2SEQ, "good"), ("reschedule",)],
    ],
    ids=lambda commands: " then ".join(c[0] for c in commands),
)
def test_doctor_is_healthy_after_ordinary_commands(make_vault, use_vault, commands):
    use_vault(make_vault())
    for command in commands:
        assert invoke(*command).exit_code == 0, command
    result = invoke("doctor")
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize("args", [("list", "--json"), ("due", "--json", "--all")], ids=" ".join)
def test_json_output_escapes_every_control_character(make_vault, use_vault, args):
    use_vault(make_vault({"notes/T/esc.md": note(f"Title {ESCAPES}")}))
    result = invoke(*args)
    assert result.exit_code == 0
    assert not any(c in result.stdout for c in ("\x1b", "\x07", "\x9b"))
    assert "\\u009b2J" in result.stdout and "\\u001b]0;PWNED\\u0007" in result.stdout
    assert f"Title {ESCAPES}" in _strings(json.loads(result.stdout))  # the data is whole


def _strings(data) -> set[str]:
    if isinstance(data, str):
        return {data}
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return set().union(*(_strings(item) for item in items)) if items else set()


# ---------------------------------------------------------------------------------------------
# file names that are not UTF-8


def _bad_named_vault(make_vault) -> Path:
    """A vault holding a note whose name is GBK bytes (as an old zip unpacks it) and a folder
    whose name is, besides a good note."""
    root = make_vault(
        {"notes/T/good.md": "---\ndifficulty: easy\n---\n# Good\n\n## 面试标准答案\nA\n"}
    )
    note = "---\ndifficulty: easy\n---\n# Bad\n\n## 面试标准答案\nB\n".encode()
    notes = os.fsencode(root / "notes")
    try:
        with open(notes + b"/T/\xb1\xca.md", "wb") as handle:
            handle.write(note)
        os.mkdir(notes + b"/\xc8\xd5")
        with open(notes + b"/\xc8\xd5/x.md", "wb") as handle:
            handle.write(note)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["due", "--json"],
        ["stats"],
        ["search", "Good"],
        ["show", "Good"],
        ["link", "--dry-run"],
        ["tags"],
        ["topics"],
    ],
)
def test_names_that_are_not_utf8_are_left_out_not_a_crash(make_vault, use_vault, cli, args):
    use_vault(_bad_named_vault(make_vault))
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "Bad" not in result.stdout


def test_check_names_the_files_it_cannot_read_by_their_name(make_vault, use_vault, cli):
    use_vault(_bad_named_vault(make_vault))
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert (
        "skipped 2 files under notes/ that are not notes (2 with a name that is not UTF-8 "
        "(rename to read): notes/T/\\xb1\\xca.md, notes/\\xc8\\xd5)"
    ) in result.output


def test_an_outline_whose_name_is_not_utf8_is_left_out(make_vault, use_vault, cli):
    root = _bad_named_vault(make_vault)
    outlines = os.fsencode(root / "outlines")
    os.makedirs(outlines, exist_ok=True)
    with open(outlines + b"/\xb1\xca.md", "wb") as handle:
        handle.write(b"# O\n\n- [Good](../notes/T/good.md)\n")
    use_vault(root)
    for args in (["check"], ["outline"], ["check", "--json"]):
        result = cli(*args)
        assert result.exit_code == 0, result.output
