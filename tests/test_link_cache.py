"""The link cache: a warm ``link`` answers exactly what a cold one does, and redoes less."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studycards.cli import app
from studycards.notes import corpus
from studycards.notes.vault import open_vault
from studycards.upkeep import _link_cache, _link_choice
from studycards.upkeep import link as link_module
from studycards.upkeep.link import link
from tests.test_related import ATTENTION, note

FILES = {
    **ATTENTION,
    # real vaults' paths hold brackets, percent signs and full-width punctuation
    "notes/C++/select()、poll()、epoll()的区别.md": note(
        "select()、poll()、epoll()的区别", "epoll 用事件回调，select 和 poll 每次线性扫描文件描述符。",
        "C++", "### Q1: epoll为什么快？\n**A:** 就绪列表，不必扫描全部文件描述符。",
    ),
    "notes/C++/100%_CPU的排查.md": note(
        "100% CPU的排查", "先用 top 找线程，再看栈；epoll 忙等也会让 CPU 到 100%。", "C++",
    ),
    "notes/CLAUDE.md": "# tool file, not a note\n",
    "notes/Broken/bad.md": "---\ntags: [unclosed\n---\n# Bad\n",
}  # fmt: skip


def _cold(root: Path, tmp_path: Path, dry_run: bool = True, note: str | None = None):
    """``link`` on a copy of the vault with every cache deleted."""
    copy = tmp_path / f"cold{len(list(tmp_path.glob('cold*')))}"
    shutil.copytree(root, copy, symlinks=True)
    shutil.rmtree(copy / ".studycards", ignore_errors=True)
    return link(open_vault(copy), note, dry_run=dry_run), copy


def _texts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "notes").rglob("*.md")}


@pytest.fixture
def vault_root(make_vault) -> Path:
    return make_vault(FILES)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The notes ``link`` reads to plan their blocks."""
    seen: list[str] = []
    real = link_module._read
    monkeypatch.setattr(link_module, "_read", lambda path: seen.append(path.name) or real(path))
    return seen


@pytest.fixture
def scored(monkeypatch) -> list[int]:
    """How many times similarity is computed."""
    calls: list[int] = []
    real = _link_choice.rank_vectors
    monkeypatch.setattr(
        _link_choice, "rank_vectors", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    return calls


def test_a_warm_run_with_nothing_changed_reads_no_note_and_scores_nothing(
    vault_root, reads, scored, monkeypatch
) -> None:
    vault = open_vault(vault_root)
    first = link(vault)
    assert first.count("updated") >= 4 and scored == [1]
    reads.clear()
    monkeypatch.setattr(corpus, "load_corpus", lambda *a, **k: pytest.fail("corpus read"))
    second = link(vault)
    assert reads == [] and scored == [1]
    assert second.count("updated") == 0 and second.count("unchanged") == len(first.notes)
    assert [n.links for n in second.notes] == [n.links for n in first.notes]
    assert second.broken == first.broken and any("bad.md" in b for b in second.broken)


def test_warm_output_equals_the_output_with_no_cache(vault_root, tmp_path) -> None:
    vault = open_vault(vault_root)
    link(vault)
    cold, _ = _cold(vault_root, tmp_path)
    assert link(vault, dry_run=True) == cold
    assert link(vault, dry_run=True) == cold  # and once more, from the stored state


def test_a_changed_note_gives_the_fresh_answer(vault_root, tmp_path, scored) -> None:
    vault = open_vault(vault_root)
    link(vault)
    path = vault_root / "notes/Inference/speculative.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("verifies them", "verifies them, KV cache keys"), "utf-8")
    warm = link(vault)
    assert scored == [1, 1]
    cold, copy = _cold(vault_root, tmp_path, dry_run=False)
    assert cold.count("updated") == 0  # the warm run already wrote what a cold one would
    assert _texts(vault_root) == _texts(copy)
    mine = next(n for n in warm.notes if n.rel.endswith("speculative.md"))
    assert "notes/Inference/kv.md" in [s.rel for s in mine.links]


def test_a_same_size_edit_with_a_new_mtime_is_seen(vault_root, tmp_path) -> None:
    vault = open_vault(vault_root)
    link(vault)
    path = vault_root / "notes/Inference/speculative.md"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("the large model verifies them", "KV cache keys values decoding")
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, "utf-8")
    os.utime(path, ns=(1, 1))
    warm = link(vault, dry_run=True)
    cold, _ = _cold(vault_root, tmp_path)
    assert warm == cold
    mine = next(n for n in warm.notes if n.rel.endswith("speculative.md"))
    assert "notes/Inference/kv.md" in [s.rel for s in mine.links]


def test_a_review_reuses_the_links_and_reads_only_that_note(vault_root, reads, scored) -> None:
    vault = open_vault(vault_root)
    link(vault)
    path = vault_root / "notes/Attention/scaled.md"
    path.write_text(path.read_text("utf-8").replace("review_count: 0", "review_count: 1"), "utf-8")
    reads.clear()
    report = link(vault)
    assert scored == [1]  # the text similarity reads did not change
    assert reads == ["scaled.md"] and report.count("updated") == 0


def test_an_edited_tag_is_written_into_the_blocks_that_name_the_note(vault_root, tmp_path) -> None:
    vault = open_vault(vault_root)
    link(vault)
    path = vault_root / "notes/Attention/additive.md"
    path.write_text(path.read_text("utf-8").replace("- Attention\n", "- Attention\n- 打分\n", 1))
    report = link(vault)
    assert report.count("updated") >= 1
    blocks = [p.read_text("utf-8") for p in (vault_root / "notes/Attention").glob("*.md")]
    assert any("加法注意力" in b and "打分" in b.split("相关笔记")[-1] for b in blocks)
    cold, copy = _cold(vault_root, tmp_path, dry_run=False)
    assert cold.count("updated") == 0 and _texts(vault_root) == _texts(copy)


def test_a_hand_edited_block_is_put_back(vault_root) -> None:
    vault = open_vault(vault_root)
    link(vault)
    path = vault_root / "notes/Attention/multihead.md"
    written = path.read_text("utf-8")
    path.write_text(
        written.split("<!-- 自动生成 -->")[0] + "<!-- 自动生成 -->\n\n- junk\n", "utf-8"
    )
    report = link(vault)
    assert report.count("updated") == 1 and path.read_text("utf-8") == written


def test_a_changed_setting_gives_the_fresh_answer(vault_root, tmp_path, scored) -> None:
    link(open_vault(vault_root))
    (vault_root / "studycards.yaml").write_text("link_top_k: 1\n", "utf-8")
    vault = open_vault(vault_root)
    warm = link(vault, dry_run=True)
    assert scored == [1, 1] and all(len(n.links) <= 1 for n in warm.notes)
    cold, _ = _cold(vault_root, tmp_path)
    assert warm == cold


def test_a_new_and_a_deleted_note_give_the_fresh_answer(vault_root, tmp_path) -> None:
    vault = open_vault(vault_root)
    link(vault)
    (vault_root / "notes/Attention/additive.md").unlink()
    (vault_root / "notes/Inference/paged.md").write_text(
        note("Paged attention", "Paged attention stores the KV cache of decoding in blocks.",
             "Inference", en=True), "utf-8")  # fmt: skip
    warm = link(vault, dry_run=True)
    cold, _ = _cold(vault_root, tmp_path)
    assert warm == cold
    assert all(s.rel != "notes/Attention/additive.md" for n in warm.notes for s in n.links)


def test_a_dry_run_then_a_real_run_writes_every_block(vault_root, tmp_path) -> None:
    vault = open_vault(vault_root)
    dry = link(vault, dry_run=True)
    again = link(vault, dry_run=True)
    assert again == dry and again.count("updated") == dry.count("updated") > 0
    real = link(vault)
    assert real.count("updated") == dry.count("updated")
    cold, _ = _cold(vault_root, tmp_path)
    assert cold.count("updated") == 0


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b""])
def test_a_damaged_cache_means_no_cache(vault_root, tmp_path, damage) -> None:
    vault = open_vault(vault_root)
    link(vault)
    (vault_root / ".studycards" / _link_cache.CACHE_NAME).write_bytes(damage)
    cold, _ = _cold(vault_root, tmp_path)
    assert link(vault, dry_run=True) == cold
    assert link(vault, dry_run=True) == cold


def test_a_damaged_row_means_no_cache(vault_root, tmp_path) -> None:
    import sqlite3

    vault = open_vault(vault_root)
    link(vault)
    with sqlite3.connect(vault_root / ".studycards" / _link_cache.CACHE_NAME) as db:
        db.execute("UPDATE notes SET data = substr(data, 1, 40) WHERE pos = 0")
    cold, _ = _cold(vault_root, tmp_path)
    assert link(vault, dry_run=True) == cold


def test_one_note_from_the_cache_is_what_a_cold_run_says(vault_root, tmp_path, reads) -> None:
    vault = open_vault(vault_root)
    link(vault)
    reads.clear()
    warm = link(vault, "多头注意力", dry_run=True, cwd=vault_root)
    assert reads == []
    cold, _ = _cold(vault_root, tmp_path, note="多头注意力")
    assert warm == cold and warm.notes[0].links


def test_naming_a_broken_note_still_says_why(vault_root) -> None:
    from studycards.errors import NoteParseError

    vault = open_vault(vault_root)
    link(vault)
    with pytest.raises(NoteParseError, match="cannot link this note"):
        link(vault, "notes/Broken/bad.md", cwd=vault_root)


def test_the_cli_prints_the_same_json_warm_and_cold(vault_root, tmp_path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["--vault", str(vault_root), "link", "--json"])
    assert first.exit_code == 0, first.output
    warm = runner.invoke(app, ["--vault", str(vault_root), "link", "--dry-run", "--json"])
    _, copy = _cold(vault_root, tmp_path)
    shutil.rmtree(copy / ".studycards")
    cold = runner.invoke(app, ["--vault", str(copy), "link", "--dry-run", "--json"])
    assert warm.exit_code == cold.exit_code == 0
    assert warm.stdout == cold.stdout


def test_a_token_cache_rewritten_meanwhile_still_gives_the_cold_answer(
    vault_root, tmp_path, monkeypatch
) -> None:
    from studycards.upkeep import _token_cache

    def changed(*args, **kwargs):
        raise _token_cache.TokenCacheChanged("notes/Attention/scaled.md")
        yield  # a generator, like the real one

    cold, _ = _cold(vault_root, tmp_path)
    link(open_vault(vault_root), dry_run=True)  # the token cache filled
    monkeypatch.setattr(_token_cache, "_read_back", changed)
    (vault_root / ".studycards" / _link_cache.CACHE_NAME).unlink()
    assert link(open_vault(vault_root), dry_run=True) == cold


def test_an_unusable_token_cache_keeps_the_tokens_in_memory(vault_root, tmp_path) -> None:
    from studycards.upkeep import _token_cache

    cold, _ = _cold(vault_root, tmp_path)
    (vault_root / ".studycards").mkdir(exist_ok=True)
    (vault_root / ".studycards" / _token_cache.CACHE_NAME).mkdir()  # a folder: no database
    assert link(open_vault(vault_root), dry_run=True) == cold


def test_piped_link_output_is_one_whole_line_per_note(make_vault) -> None:
    long_name = "一个路径很长很长的笔记（包含括号与百分号100%）" * 3
    files = {**FILES, f"notes/Attention/{long_name}.md": FILES["notes/Attention/additive.md"]}
    root = make_vault(files)
    result = CliRunner().invoke(app, ["--vault", str(root), "link", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    mine = f"would update notes/Attention/{long_name}.md  ("
    assert any(line.startswith(mine) and line.endswith(")") for line in lines)
    assert lines[-1] == f"9 notes: {len(lines) - 1} would be updated, {10 - len(lines)} unchanged"
    assert not (root / f"notes/Attention/{long_name}.md").read_text("utf-8").count("相关笔记")


def test_writing_in_batches_writes_what_one_batch_would(vault_root, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(link_module, "BATCH", 2)
    report = link(open_vault(vault_root))
    assert report.count("updated") >= 4
    cold, copy = _cold(vault_root, tmp_path, dry_run=False)
    assert cold.count("updated") == 0 and _texts(vault_root) == _texts(copy)
    assert link(open_vault(vault_root)).count("unchanged") == len(report.notes)
