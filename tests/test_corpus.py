"""The bad-input corpus: every file gets its own one-line message and no command crashes or hangs.

``tests/corpus/bad/`` holds the committed files; :func:`corpus.build_vault` adds the ones git
cannot hold (a folder named ``x.md``, symlinks, a path over 255 bytes, a 3 MB line, a 20 MB
file, 20,000 headings) and one good note. Commands run in real processes with a timeout; the
review session runs in a pseudo-terminal over the whole vault.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest
from corpus import BAD, GOOD, LEDGERS, LONG, build_vault
from typer.testing import CliRunner

from studycards.cli import app
from studycards.notes.vault import load_note, open_vault
from studycards.scheduling.history import replay
from studycards.scheduling.ledger import Ledger

TIMEOUT = 120
P = "notes/bad/"
CUT = "'xxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxx'"

# The exact line ``studycards check`` prints for each file (every file has exactly one).
EXPECTED = {
    "alias_bomb.md": "6: YAML aliases expand to more than 10000 values: not loaded",
    "bad_date_2025_13_45.md": "3: next_review: not a real date: '2025-13-45'",
    "bad_date_feb_30.md": "2: created: not a real date: '2025-02-30'",
    "binary_png.md": "3: NUL byte in the file: not a text note",
    "bom_bad_count.md": "3: review_count: expected a whole number >= 0, got 'many'",
    "control_character.md": ("3: bad YAML: control characters are not allowed (character #x0007)"),
    "crlf_bad_difficulty.md": "4: difficulty: expected easy, medium or hard, got 'Extreme'",
    "crlf_unclosed.md": "1: frontmatter opened with '---' on line 1 is never closed",
    "date_is_a_word.md": "2: created: expected a date like '2025-10-19', got 'yesterday'",
    "deeply_nested_value.md": "2: tags: expected a list of strings, got [[[...]]]",
    "deeply_nested_yaml.md": (
        "3: bad YAML: while increasing flow level; exceeded maximum nesting depth"
    ),
    "difficulty_unknown.md": "2: difficulty: expected easy, medium or hard, got 'extreme'",
    "duplicate_keys.md": "5: duplicate key 'next_review' (also on line 3): YAML keeps only one",
    "duplicate_quoted_key.md": (
        "5: duplicate key 'last_reviewed' (also on line 2): YAML keeps only one"
    ),
    "empty.md": "1: empty note",
    "frontmatter_list.md": "2: frontmatter is a list, not a mapping of keys",
    "frontmatter_scalar.md": "2: frontmatter is a single value, not a mapping of keys",
    "gb18030.md": "3: not valid UTF-8 (byte 0xd2): save the note as UTF-8",
    "id_empty.md": "2: id: expected a non-empty string, got ''",
    "indented_frontmatter.md": (
        "2: frontmatter keys are indented: write each key at the start of its line"
    ),
    "flow_mapping_frontmatter.md": (
        "2: frontmatter is one {...} mapping: write each key on a line of its own"
    ),
    "null_frontmatter.md": "2: frontmatter is a single value, not a mapping of keys",
    "malformed_yaml.md": (
        "4: bad YAML: while parsing a flow sequence; did not find expected ',' or ']'"
    ),
    "mastery_out_of_range.md": "2: mastery_level: expected a number from 0 to 1, got 1.7",
    "next_review_null.md": "2: next_review: expected a date like '2025-10-19', got None",
    "next_review_number.md": "2: next_review: expected a date like '2025-10-19', got 20251019",
    "no_frontmatter.md": "1: warning: no frontmatter: treated as a new note",
    "non_utf8_latin1.md": "8: not valid UTF-8 (byte 0xe9): save the note as UTF-8",
    "nul_bytes.md": "8: NUL byte in the file: not a text note",
    "placeholder_date.md": "2: template placeholder {{DATE}} was never filled in",
    "python_tag.md": (
        "3: refused YAML tag !!python/object/apply:os.system: tags that build objects are "
        "never loaded"
    ),
    "review_count_negative.md": "2: review_count: expected a whole number >= 0, got -3",
    "self_alias.md": "2: YAML alias refers to itself: not loaded",
    "tab_indentation.md": (
        "3: bad YAML: while scanning for the next token; found character that cannot start "
        "any token"
    ),
    "tags_mapping.md": "2: tags: expected a list of strings, got {'Transformer': 1}",
    "tags_nested_list.md": "2: tags: expected a list of strings, got ['a', ['b', 'c']]",
    "templater_placeholder.md": "2: template placeholder <% tp.date.now() %> was never filled in",
    "unclosed_frontmatter.md": "1: frontmatter opened with '---' on line 1 is never closed",
    "unknown_tag.md": "2: refused YAML tag !shout: tags that build objects are never loaded",
    "utf16.md": "1: UTF-16 text: save the note as UTF-8",
    "utf16le_no_bom.md": "1: NUL byte in the file: not a text note",
    "whitespace_only.md": "1: empty note",
    "windows1252.md": "3: not valid UTF-8 (byte 0x93): save the note as UTF-8",
}
# Made at test time. A real folder named ``folder.md`` is walked like any folder (it may hold
# notes), so it has no line; a symlink named like a note that leads to a folder has one.
GENERATED = {
    "folder_link.md": " is a folder named like a note, not a file",
    "dangling_symlink.md": " cannot read: dangling symlink (No such file or directory)",
    "loop_a.md": " cannot read: symlink loop (Too many levels of symbolic links)",
    "loop_b.md": " cannot read: symlink loop (Too many levels of symbolic links)",
    LONG[len(P) :]: "3: review_count: expected a whole number >= 0, got 'lots'",
    "single_line_3mb.md": f"2: difficulty: expected easy, medium or hard, got {CUT}",
    "huge_20mb.md": " too large (20.0 MB, limit 4.0 MB)",
    "many_headings.md": "2: warning: difficulty: write 'medium' in lower case ('studycards fix' does)",
}
WARNINGS = {"no_frontmatter.md", "many_headings.md"}


def line_of(name: str) -> str:
    return f"{P}{name}:{ {**EXPECTED, **GENERATED}[name] }"


def expected_lines() -> list[str]:
    return sorted(line_of(name) for name in {**EXPECTED, **GENERATED})


@pytest.fixture(scope="module")
def corpus_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vault(tmp_path_factory.mktemp("corpus") / "vault", dt.date.today())


def run(vault: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100")
    env.pop("STUDYCARDS_VAULT", None)
    command = [sys.executable, "-m", "studycards", "--vault", str(vault), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT)


def test_the_corpus_is_complete():
    committed = {p.name for p in BAD.iterdir()}
    assert committed == set(EXPECTED)
    assert len(committed) >= 30
    assert max(p.stat().st_size for p in BAD.iterdir()) < 8_000  # small files only
    assert len(LONG.encode()) > 255


def test_the_generated_path_is_longer_than_255_bytes(corpus_vault: Path):
    assert (corpus_vault / LONG).is_file()
    assert len(str(corpus_vault / LONG).encode()) > 255


def test_check_prints_one_line_per_bad_file_and_exits_1(corpus_vault: Path):
    result = run(corpus_vault, "check")
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == expected_lines()
    errors = len(EXPECTED) + len(GENERATED) - len(WARNINGS)
    assert result.stderr == f"52 notes checked: {errors} errors, {len(WARNINGS)} warnings\n"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_committed_file_parses_to_its_message(name: str, tmp_path: Path):
    root = tmp_path / "v"
    (root / "notes" / "bad").mkdir(parents=True)
    (root / "notes" / "bad" / name).write_bytes((BAD / name).read_bytes())
    note = load_note(open_vault(root), P + name)
    problems = [str(p) for p in note.summary.problems + note.problems]
    assert problems == [line_of(name)]


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--json"),
        ("due",),
        ("due", "--json", "--all"),
        ("check", "--json"),
        ("show", "ok"),
        ("tags",),
        ("topics",),
        ("search", "answer"),
        ("doctor",),
        ("fix", "--dry-run"),
        ("stats",),
        ("stats", "--json"),
        ("link", "--dry-run"),
    ],
    ids=" ".join,
)
def test_no_command_crashes_or_hangs(corpus_vault: Path, args: tuple[str, ...]):
    if not _has_command(args[0]):
        pytest.skip(f"no {args[0]} command in this build")
    result = run(corpus_vault, *args)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1), result.stderr[-2000:]
    for line in result.stderr.splitlines():
        assert line.startswith(("warning: ", "error: ")) or args[0] in ("check", "fix", "doctor")


def test_list_warns_once_per_broken_note_and_lists_the_good_one(corpus_vault: Path):
    result = run(corpus_vault, "list", "--json")
    assert result.returncode == 0
    assert '"path": "notes/good/ok.md"' in result.stdout
    broken = [line for line in expected_lines() if ": warning: " not in line]
    assert sorted(result.stderr.splitlines()) == sorted(f"warning: {b}: skipped" for b in broken)


def _has_command(name: str) -> bool:
    import typer.main

    group = typer.main.get_command(app)
    return name in group.commands  # type: ignore[attr-defined]


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", sorted({**EXPECTED, **GENERATED, "folder.md": ""}))
def test_show_of_each_file_is_one_line_or_the_note(corpus_vault: Path, monkeypatch, name: str):
    monkeypatch.setenv("STUDYCARDS_VAULT", str(corpus_vault))
    with deadline(TIMEOUT):
        result = CliRunner().invoke(app, ["show", str(corpus_vault / P / name)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if name in WARNINGS:
        assert result.exit_code == 0
        return
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    if name == "folder.md":
        assert line == f"error: no note matches '{corpus_vault / P / name}' (try 'studycards list')"
    else:
        assert line.startswith(f"error: {P}{name}")


def test_review_over_the_corpus_shows_its_cards_and_quits(corpus_vault: Path):
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1", COLUMNS="100", LINES="40")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(corpus_vault), "review"],
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    child.expect("1/3")  # the good note and the two notes whose problems are only warnings
    child.expect("Many headings")
    child.send(" ")
    child.expect("3 Good")
    child.send("s")
    child.expect("A question")
    child.send("s")
    child.expect("The one good question")
    child.send(" ")
    child.expect("GOOD ANSWER TEXT")
    child.send("q")
    child.expect("Session done")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert (corpus_vault / GOOD).read_text(encoding="utf-8").count("review_count: 0") == 1


# ---------------------------------------------------------------------------------------------
# ledgers: what fuzzing found, read without a crash and with one notice per bad line

LEDGER_NOTICES = {
    "card_is_a_list.jsonl": ["2: bad event (card must be text, got []): ignored"],
    "id_less_lines.jsonl": ["2: duplicate of event {id0}: ignored"],
    "merge_conflict.jsonl": [f"{n}: not a JSON event: ignored" for n in (2, 4, 6)],
    "negative_stability.jsonl": ["2: bad event (stability must be above 0, got -1.0): ignored"],
    "stability_without_difficulty.jsonl": [
        "2: bad event (stability and difficulty must be given together): ignored"
    ],
    "torn_tail.jsonl": None,
    "ts_is_a_number.jsonl": ["2: bad event (ts must be text, got 5): ignored"],
    "ts_without_zone.jsonl": [
        "2: bad event (ts must be a UTC time like 2025-10-19T08:00:00Z, "
        "got '2025-11-02T08:00:00'): ignored"
    ],
}


def test_every_ledger_file_has_expected_notices():
    assert {p.name for p in LEDGERS.iterdir()} == set(LEDGER_NOTICES)


@pytest.mark.parametrize("name", sorted(LEDGER_NOTICES))
def test_damaged_ledgers_read_and_replay(name: str, tmp_path: Path):
    path = tmp_path / "reviews.jsonl"
    path.write_bytes((LEDGERS / name).read_bytes())
    read = Ledger(path).read()
    histories = replay(read.events)
    assert histories["sc_a"].state is not None
    expected = LEDGER_NOTICES[name]
    if expected is None:
        assert read.torn_tail and len(read.notices) == 1
        return
    first = read.events[0].id
    assert list(read.notices) == [f"{path}:{n.format(id0=first)}" for n in expected]


def test_id_less_lines_get_the_same_id_on_every_read(tmp_path: Path):
    path = tmp_path / "reviews.jsonl"
    path.write_bytes((LEDGERS / "id_less_lines.jsonl").read_bytes())
    first, second = Ledger(path).read(), Ledger(path).read()
    assert [e.id for e in first.events] == [e.id for e in second.events]
    assert all(e.id.startswith("line-") for e in first.events)
