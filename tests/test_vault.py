"""Finding the vault, the disposable index, resolving note names, and paths kept inside."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM

from studycards.errors import NoteNotFound, PathEscapesVault, VaultNotFound
from studycards.notes import index as index_module
from studycards.notes import vault as vault_module
from studycards.notes.index import INDEX_NAME
from studycards.notes.vault import (
    STATE_DIR,
    find_vault,
    iter_note_files,
    open_vault,
    resolve,
    scan,
)

ALL_SAMPLES = sorted([BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM])


# ---------------------------------------------------------------------------------------------
# discovery


def test_explicit_vault_option(vault: Path, tmp_path: Path):
    assert find_vault(str(vault), tmp_path, {}).root == vault


def test_environment_variable(vault: Path, tmp_path: Path):
    assert find_vault(None, tmp_path, {"STUDYCARDS_VAULT": str(vault)}).root == vault


def test_option_wins_over_environment(make_vault, tmp_path: Path):
    first, second = make_vault(), make_vault()
    found = find_vault(str(first), tmp_path, {"STUDYCARDS_VAULT": str(second)})
    assert found.root == first


def test_explicit_path_that_is_not_a_folder(tmp_path: Path):
    missing = tmp_path / "nowhere"
    with pytest.raises(VaultNotFound) as caught:
        find_vault(str(missing), tmp_path, {})
    assert str(caught.value) == f"no vault at {missing}: it is not a folder"


def test_nearest_ancestor_with_a_config(vault: Path):
    deep = vault / "notes" / "Coding"
    assert find_vault(None, deep, {}).root == vault


def test_nearest_ancestor_with_only_a_notes_folder(make_vault):
    root = make_vault(config=False)
    assert find_vault(None, root / "notes" / "Inference", {}).root == root


def test_the_nearest_of_two_nested_vaults_wins(make_vault):
    outer = make_vault()
    inner = outer / "projects" / "inner"
    (inner / "notes").mkdir(parents=True)
    (inner / "studycards.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
    assert find_vault(None, inner / "notes", {}).root == inner
    assert find_vault(None, outer / "projects", {}).root == outer


def test_no_vault_found(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(VaultNotFound) as caught:
        find_vault(None, empty, {})
    assert str(caught.value) == (
        f"no vault found from {empty}: pass --vault or run 'studycards init'"
    )


def test_no_vault_found_from_the_command_line(tmp_path: Path, monkeypatch, cli):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = cli("list")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: no vault found from {empty}: pass --vault or run 'studycards init'\n"
    )


def test_vault_option_on_the_command_line(vault: Path, cli):
    result = cli("--vault", str(vault), "list", "--json")
    assert result.exit_code == 0
    assert "两数之和" in result.stdout


# ---------------------------------------------------------------------------------------------
# the index


@pytest.fixture
def parse_calls(monkeypatch) -> list[str]:
    """The vault paths :func:`studycards.notes.vault.read_summary` parsed, in order."""
    calls: list[str] = []
    real = vault_module.read_summary

    def counting(vault, entry):
        calls.append(entry.rel)
        return real(vault, entry)

    monkeypatch.setattr(vault_module, "read_summary", counting)
    return calls


def test_first_scan_parses_every_note(vault: Path, parse_calls):
    result = scan(open_vault(vault))
    assert sorted(parse_calls) == ALL_SAMPLES
    assert [s.rel for s in result.summaries] == ALL_SAMPLES


def test_second_scan_parses_nothing(vault: Path, parse_calls):
    first = scan(open_vault(vault))
    parse_calls.clear()
    second = scan(open_vault(vault))
    assert parse_calls == []
    assert second == first


def test_second_scan_reparses_only_the_changed_note(vault: Path, parse_calls):
    scan(open_vault(vault))
    path = vault / TWO_SUM
    path.write_text(path.read_text(encoding="utf-8").replace("review_count: 1", "review_count: 2"))
    parse_calls.clear()
    result = scan(open_vault(vault))
    assert parse_calls == [TWO_SUM]
    assert {s.rel: s.review_count for s in result.summaries}[TWO_SUM] == 2


def test_a_touched_note_with_the_same_size_is_reparsed(vault: Path, parse_calls):
    scan(open_vault(vault))
    path = vault / KV_CACHE
    info = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("review_count: 5", "review_count: 6"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    parse_calls.clear()
    result = scan(open_vault(vault))
    assert parse_calls == [KV_CACHE]
    assert {s.rel: s.review_count for s in result.summaries}[KV_CACHE] == 6


def test_added_and_removed_notes(vault: Path, parse_calls):
    scan(open_vault(vault))
    (vault / BEAM_SEARCH).unlink()
    (vault / "notes" / "Inference" / "new.md").write_text("# New\n", encoding="utf-8")
    parse_calls.clear()
    result = scan(open_vault(vault))
    assert parse_calls == ["notes/Inference/new.md"]
    assert BEAM_SEARCH not in {s.rel for s in result.summaries}
    assert "notes/Inference/new.md" in {s.rel for s in result.summaries}


def test_deleting_the_index_loses_nothing(vault: Path, parse_calls):
    first = scan(open_vault(vault))
    (vault / STATE_DIR / INDEX_NAME).unlink()
    parse_calls.clear()
    again = scan(open_vault(vault))
    assert sorted(parse_calls) == ALL_SAMPLES
    assert again == first


def test_scan_without_the_index_matches(vault: Path):
    assert scan(open_vault(vault), use_index=False) == scan(open_vault(vault))


def test_state_folder_gitignore(vault: Path):
    scan(open_vault(vault))
    ignore = vault / STATE_DIR / ".gitignore"
    assert ignore.read_text(encoding="utf-8").splitlines()[1:] == [
        "*",
        "!.gitignore",
        "!reviews.jsonl",
        "!imported.json",
    ]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_keeps_the_ledger_and_ignores_the_index(vault: Path):
    scan(open_vault(vault))
    (vault / STATE_DIR / "reviews.jsonl").write_text("", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(vault)], check=True)

    def ignored(rel: str) -> bool:
        run = subprocess.run(["git", "-C", str(vault), "check-ignore", "-q", rel], check=False)
        return run.returncode == 0

    assert ignored(f"{STATE_DIR}/{INDEX_NAME}")
    assert not ignored(f"{STATE_DIR}/reviews.jsonl")
    assert not ignored(f"{STATE_DIR}/.gitignore")


def test_an_existing_gitignore_is_left_alone(vault: Path):
    (vault / STATE_DIR).mkdir()
    (vault / STATE_DIR / ".gitignore").write_text("# mine\n", encoding="utf-8")
    scan(open_vault(vault))
    assert (vault / STATE_DIR / ".gitignore").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database\n" * 10, b"SQLite format 3\x00" + bytes(range(256)) * 20, b""],
    ids=["text", "bad-pages", "empty"],
)
def test_a_corrupt_index_is_survived(vault: Path, garbage: bytes):
    expected = scan(open_vault(vault), use_index=False)
    (vault / STATE_DIR).mkdir()
    (vault / STATE_DIR / INDEX_NAME).write_bytes(garbage)
    assert scan(open_vault(vault)) == expected


def test_a_corrupt_index_is_rebuilt(vault: Path, parse_calls):
    (vault / STATE_DIR).mkdir()
    (vault / STATE_DIR / INDEX_NAME).write_bytes(b"this is not a database\n" * 10)
    scan(open_vault(vault))
    parse_calls.clear()
    scan(open_vault(vault))
    assert parse_calls == []


def test_a_locked_index_is_worked_around_and_kept(vault: Path, monkeypatch, parse_calls):
    scan(open_vault(vault))
    real_connect = sqlite3.connect
    monkeypatch.setattr(
        index_module.sqlite3, "connect", lambda *a, **k: real_connect(*a, **{**k, "timeout": 0.05})
    )
    other = real_connect(vault / STATE_DIR / INDEX_NAME, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        parse_calls.clear()
        result = scan(open_vault(vault))
        assert sorted(parse_calls) == ALL_SAMPLES
        assert [s.rel for s in result.summaries] == ALL_SAMPLES
    finally:
        other.execute("ROLLBACK")
        other.close()
    parse_calls.clear()
    scan(open_vault(vault))
    assert parse_calls == []  # the locked index was not thrown away


def test_a_read_only_state_folder_is_survived(vault: Path, monkeypatch):
    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(vault_module.Vault, "ensure_state_dir", refuse)
    assert [s.rel for s in scan(open_vault(vault)).summaries] == ALL_SAMPLES


def test_a_changed_max_note_bytes_invalidates_the_index(make_vault, parse_calls):
    root = make_vault()
    scan(open_vault(root))
    (root / "studycards.yaml").write_text("max_note_bytes: 100\n", encoding="utf-8")
    parse_calls.clear()
    result = scan(open_vault(root))
    assert sorted(parse_calls) == ALL_SAMPLES
    assert all(summary.broken for summary in result.summaries)


# ---------------------------------------------------------------------------------------------
# walking the notes folder


def test_dot_folders_are_skipped_but_dot_named_notes_are_read(make_vault):
    root = make_vault(
        {
            "notes/A/a.md": "# A\n",
            "notes/.obsidian/x.md": "# no\n",
            "notes/.trash/y.md": "# no\n",
            "notes/A/node_modules/z.md": "# no\n",
            "notes/A/.hidden.md": "# yes\n",
            "notes/A/readme.txt": "not a note",
        }
    )
    assert [e.rel for e in iter_note_files(open_vault(root))] == [
        "notes/A/.hidden.md",
        "notes/A/a.md",
    ]


def test_folder_symlink_loops_are_not_followed(make_vault):
    root = make_vault({"notes/A/a.md": "# A\n"})
    (root / "notes" / "A" / "again").symlink_to(root / "notes")
    assert [e.rel for e in iter_note_files(open_vault(root))] == ["notes/A/a.md"]


def test_notes_dir_from_the_config(make_vault):
    root = make_vault(
        {"cards/T/a.md": "# A\n", "notes/T/b.md": "# B\n"}, config="notes_dir: cards\n"
    )
    result = scan(open_vault(root))
    assert [(s.rel, s.topic) for s in result.summaries] == [("cards/T/a.md", "T")]


# ---------------------------------------------------------------------------------------------
# resolving a name given on the command line


@pytest.fixture
def resolver(vault: Path):
    opened = open_vault(vault)
    summaries = scan(opened).summaries

    def run(query: str, cwd: Path | None = None) -> str:
        return resolve(opened, query, summaries, cwd or vault)

    return run


def test_resolve_by_vault_path(resolver):
    assert resolver(TWO_SUM) == TWO_SUM


def test_resolve_by_path_from_the_working_folder(resolver, vault: Path):
    assert resolver("two_sum.md", cwd=vault / "notes" / "Coding") == TWO_SUM
    assert resolver("../Coding/two_sum.md", cwd=vault / "notes" / "Inference") == TWO_SUM


@pytest.mark.parametrize("query", ["two_sum.md", "two_sum", "TWO_SUM", "多头注意力"])
def test_resolve_by_file_name(resolver, query):
    expected = MULTI_HEAD if query == "多头注意力" else TWO_SUM
    assert resolver(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("两数之和", TWO_SUM),
        ("kv cache", KV_CACHE),
        ("What does the KV cache store?", KV_CACHE),
        ("引入动机", SEQ2SEQ),
        ("beam", BEAM_SEARCH),
    ],
)
def test_resolve_by_unique_title_part(resolver, query, expected):
    assert resolver(query) == expected


def test_resolve_ambiguous_lists_the_candidates(resolver):
    with pytest.raises(NoteNotFound) as caught:
        resolver("注意力")
    assert str(caught.value) == (f"'注意力' matches 2 notes: {MULTI_HEAD}, {SEQ2SEQ}")


def test_resolve_ambiguous_across_topics(resolver):
    with pytest.raises(NoteNotFound) as caught:
        resolver("Inference")
    assert str(caught.value) == f"'Inference' matches 2 notes: {KV_CACHE}, {BEAM_SEARCH}"


def test_resolve_nothing(resolver):
    with pytest.raises(NoteNotFound) as caught:
        resolver("transformer xl")
    assert str(caught.value) == "no note matches 'transformer xl' (try 'studycards list')"


def test_resolve_a_path_outside_the_vault(resolver, tmp_path: Path):
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n", encoding="utf-8")
    with pytest.raises(PathEscapesVault):
        resolver(str(outside))


# ---------------------------------------------------------------------------------------------
# paths stay inside the vault


@pytest.mark.parametrize(
    "rel", ["../outside.md", "notes/../../outside.md", "notes/A/../../../x.md", "/etc/passwd"]
)
def test_path_of_refuses_escapes(vault: Path, rel: str):
    with pytest.raises(PathEscapesVault) as caught:
        open_vault(vault).path_of(rel)
    assert str(caught.value) == f"{rel} would leave the vault {vault}"


def test_path_of_allows_dots_that_stay_inside(vault: Path):
    assert open_vault(vault).path_of("notes/Coding/../Coding/two_sum.md") == vault / TWO_SUM


def test_rel_refuses_outside_paths(vault: Path, tmp_path: Path):
    with pytest.raises(PathEscapesVault):
        open_vault(vault).rel(tmp_path / "elsewhere.md")
