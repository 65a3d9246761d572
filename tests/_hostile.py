"""A vault from someone else, kind by kind: every command over every kind of hostile input.

Shared by ``tests/test_corpus.py`` (every kind, a few commands) and ``benchmarks/hostile.py``
(every kind, every command). A *kind* is one bad thing in an otherwise good vault: a file of
the bad-input corpus (``tests/corpus/bad/``, ``tests/corpus/hostile/`` and the generated ones),
or something vault-wide (a symlinked lock, ledger or state folder, a damaged cache, a setting
out of range, an extreme ledger line, a thousand nested folders). For each kind a fresh vault
is built and every command variant runs in it, in process, under a deadline. A run fails when
it raises (a traceback), outlasts the deadline (a hang), exits other than 0, 1 or 2, prints a
control character taken from a note, or touches or prints the file outside the vault.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus import BAD, CORPUS, good_note, make_generated

HOSTILE = CORPUS / "hostile"
DEADLINE = 60
SECRET = "OUTSIDE SECRET TEXT"
PRECIOUS = b"# a file of the person's, outside the vault\n" + SECRET.encode() + b"\n"
GOOD = "notes/good/ok.md"
CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0x9B)]

# Every command variant, with {note} for the kind's own note where it has one.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("list",), ("list", "--json"), ("list", "--due", "--sort", "title"),
    ("show", "{note}"), ("show", "ok", "--short"), ("check",), ("check", "--json"),
    ("due",), ("due", "--json", "--all"), ("due", "--order", "risk"),
    ("grade", "{note}", "good"), ("grade", GOOD, "hard"), ("undo",),
    ("reschedule", "--dry-run"), ("reschedule",), ("mv", GOOD, "notes/good/moved.md"),
    ("new", "--topic", "Topic", "A new note"), ("edit", "{note}"), ("fix", "--dry-run"), ("fix",),
    ("tags",), ("topics",), ("outline",), ("search", "answer"), ("stats",), ("stats", "--json"),
    ("today",), ("sync",), ("link", "--dry-run"), ("link",),
    ("export", "csv", "{out}/out.csv", "--force"), ("export", "anki", "{out}/out.apkg", "--force"),
    ("doctor",), ("doctor", "--repair"), ("review",), ("interview", "--n", "1"),
    ("optimize",),
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[Path, Path], str | None]  # (vault, outside file) -> the kind's note, if any


@dataclass
class Report:
    runs: Counter = field(default_factory=Counter)
    failures: dict[str, Counter] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def fail(self, command: str, what: str, detail: str) -> None:
        self.failures.setdefault(command, Counter())[what] += 1
        if len(self.examples) < 40:
            self.examples.append(f"{command}: {what}: {detail}")


# ---------------------------------------------------------------------------------------------
# kinds


def _file(source: Path) -> Callable[[Path, Path], str]:
    def build(root: Path, outside: Path) -> str:
        rel = f"notes/bad/{source.name}"
        (root / rel).write_bytes(source.read_bytes())
        return rel

    return build


def _generated(name: str) -> Callable[[Path, Path], str]:
    def build(root: Path, outside: Path) -> str:
        scratch = root.parent / "generated"
        if not scratch.exists():
            scratch.mkdir()
            make_generated(scratch)
        target = root / "notes" / "bad" / name
        source = scratch / name
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
        return f"notes/bad/{name}"

    return build


def _symlink_out(root: Path, outside: Path) -> str:
    os.symlink(outside, root / "notes" / "bad" / "leak.md")
    return "notes/bad/leak.md"


def _fifo(root: Path, outside: Path) -> str:
    os.mkfifo(root / "notes" / "bad" / "fifo.md")
    return "notes/bad/fifo.md"


def _bad_names(root: Path, outside: Path) -> str:
    """A note and a folder whose names are GBK bytes, not UTF-8 (as an old zip unpacks them)."""
    bad = os.fsencode(root / "notes" / "bad")
    note = b"---\ndifficulty: easy\n---\n# GBK\n\n## Short answer\nx\n"
    with open(bad + b"/\xb1\xca.md", "wb") as handle:
        handle.write(note)
    os.mkdir(bad + b"/\xc8\xd5")
    with open(bad + b"/\xc8\xd5/x.md", "wb") as handle:
        handle.write(note)
    return "notes/bad/\\xb1\\xca.md"


def _copied_id(root: Path, outside: Path) -> str:
    from typer.testing import CliRunner

    from studycards.cli import app

    CliRunner().invoke(app, ["--vault", str(root), "grade", GOOD, "good"])
    shutil.copyfile(root / GOOD, root / "notes" / "bad" / "copy.md")
    return "notes/bad/copy.md"


def _state_link(name: str) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        (root / ".studycards").mkdir(exist_ok=True)
        os.symlink(outside, root / ".studycards" / name)

    return build


def _state_dir_out(root: Path, outside: Path) -> None:
    elsewhere = outside.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    os.symlink(elsewhere, root / ".studycards")


def _damaged_index(root: Path, outside: Path) -> None:
    from studycards.notes.vault import open_vault, scan

    scan(open_vault(root))
    with sqlite3.connect(root / ".studycards" / "index.sqlite") as connection:
        connection.execute("UPDATE notes SET summary = x'00ff00'")
        connection.execute("INSERT INTO notes VALUES (NULL, 'x', NULL, NULL)")


def _setting(line: str) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        with open(root / "studycards.yaml", "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    return build


def _extreme_ledger(root: Path, outside: Path) -> None:
    line = {"v": 1, "id": "x", "kind": "review", "card": "sc_x", "note": "sc_x", "path": GOOD,
            "day": "0001-01-01", "ts": "2025-11-01T08:00:00Z", "rating": 3,
            "stability": 1e308, "difficulty": -5, "due": "9999-12-31", "elapsed_days": 10**18,
            "duration": 1e300, "interval": 10**18}  # fmt: skip
    (root / ".studycards").mkdir(exist_ok=True)
    (root / ".studycards" / "reviews.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")


def _deep_folders(root: Path, outside: Path) -> str:
    start = os.getcwd()
    os.chdir(root / "notes" / "bad")
    try:
        for _ in range(1_100):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.md").write_text("# Deep\n\n## Short answer\n\nYes.\n", encoding="utf-8")
    finally:
        os.chdir(start)
    return "deep"


def kinds() -> list[Kind]:
    files = [Kind(p.name, _file(p)) for p in sorted(BAD.iterdir())]
    files += [Kind(p.name, _file(p)) for p in sorted(HOSTILE.iterdir())]
    generated = ["folder.md", "folder_link.md", "dangling_symlink.md", "loop_a.md",
                 "single_line_3mb.md", "huge_20mb.md", "many_headings.md"]  # fmt: skip
    files += [Kind(f"generated:{name}", _generated(name)) for name in generated]
    vault_wide = [
        Kind("symlink out of the vault", _symlink_out),
        Kind("fifo", _fifo),
        Kind("names that are not UTF-8", _bad_names),
        Kind("copied id", _copied_id),
        Kind("lock symlink", _state_link("lock")),
        Kind("ledger symlink", _state_link("reviews.jsonl")),
        Kind("index symlink", _state_link("index.sqlite")),
        Kind("state folder symlinked out", _state_dir_out),
        Kind("damaged index rows", _damaged_index),
        Kind("20 parameters", _setting("parameters: [" + ", ".join(["0.5"] * 20) + "]")),
        Kind("nan parameter", _setting("parameters: [" + ", ".join(["0.5"] * 20 + [".nan"]) + "]")),
        Kind("maximum_interval 1e9", _setting("maximum_interval: 1000000000")),
        Kind("backtracking heading pattern", _setting("sections:\n  short_answer: ['^(a+)+$']")),
        Kind("extreme ledger numbers", _extreme_ledger),
        Kind("1,100 nested folders", _deep_folders),
    ]
    return files + vault_wide


# ---------------------------------------------------------------------------------------------
# running


def build_vault(base: Path, kind: Kind) -> tuple[Path, Path, str]:
    """A fresh vault holding one good note and the kind; returns it, the outside file and the
    note a command names."""
    if base.exists():
        remove_tree(base)
    root = base / "vault"
    (root / "notes" / "good").mkdir(parents=True)
    (root / "notes" / "bad").mkdir()
    import datetime as dt

    (root / GOOD).write_text(good_note(dt.date.today()), encoding="utf-8")
    (root / "studycards.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
    outside = base / "home" / ".bashrc"
    outside.parent.mkdir()
    outside.write_bytes(PRECIOUS)
    note = kind.build(root, outside)
    return root, outside, note or "ok"


def run_kind(base: Path, kind: Kind, commands, report: Report) -> None:
    root, outside, note = build_vault(base, kind)
    try:
        for command in commands:
            args = [a.format(note=note, out=base) for a in command]
            _run_one(root, outside, args, " ".join(command), report, kind.name)
    finally:
        remove_tree(base)


def _run_one(root: Path, outside: Path, args: list[str], label: str, report: Report, kind: str):
    from typer.testing import CliRunner

    from studycards.cli import app

    report.runs[label] += 1
    try:
        with _deadline(DEADLINE):
            result = CliRunner().invoke(app, ["--vault", str(root), *args])
    except TimeoutError:
        report.fail(label, "hang", kind)
        return
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        report.fail(label, "traceback", f"{kind}: {type(error).__name__}: {error}"[:300])
    elif result.exit_code not in (0, 1, 2):
        report.fail(label, "exit code", f"{kind}: {result.exit_code}")
    output = result.stdout + result.stderr
    if any(c in output for c in CONTROL):
        report.fail(label, "control character printed", kind)
    if SECRET in output or _leaked(root.parent):
        report.fail(label, "outside file shown or copied", kind)
    if outside.read_bytes() != PRECIOUS:
        report.fail(label, "outside file changed", kind)
        outside.write_bytes(PRECIOUS)


def _leaked(base: Path) -> bool:
    for name in ("out.csv",):
        path = base / name
        if path.exists() and SECRET in path.read_text(encoding="utf-8-sig", errors="replace"):
            return True
    return False


class _deadline:
    def __init__(self, seconds: int):
        self.seconds = seconds

    def __enter__(self) -> None:
        def expired(signum, frame):
            raise TimeoutError

        self.previous = signal.signal(signal.SIGALRM, expired)
        signal.alarm(self.seconds)

    def __exit__(self, *exc) -> None:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.previous)


def remove_tree(top: Path) -> None:
    """``shutil.rmtree`` without recursion limits: deep folders are flattened first."""
    stack = [top]
    while stack:
        folder = stack[-1]
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            stack.pop()
            continue
        dirs = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        if dirs:
            stack.extend(dirs)
        else:
            os.rmdir(folder)
            stack.pop()
