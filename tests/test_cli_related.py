"""The ``link`` and ``search`` commands."""

from __future__ import annotations

import json
from pathlib import Path

from test_related import ATTENTION, snapshot


def test_link_twice_the_second_run_changes_nothing(make_vault, use_vault, cli) -> None:
    root = use_vault(make_vault(ATTENTION))
    first = cli("link")
    assert first.exit_code == 0
    assert "updated notes/Attention/additive.md  (2 links)" in first.stdout
    assert first.stdout.splitlines()[-1] == "6 notes: 6 updated, 0 unchanged"
    before = snapshot(root)
    second = cli("link")
    assert second.exit_code == 0
    assert second.stdout == "6 notes: 0 updated, 6 unchanged\n"
    assert snapshot(root) == before


def test_link_dry_run_writes_nothing(make_vault, use_vault, cli) -> None:
    root = use_vault(make_vault(ATTENTION))
    before = snapshot(root)
    result = cli("link", "--dry-run")
    assert result.exit_code == 0
    assert "would update notes/Inference/kv.md  (1 link)" in result.stdout
    assert result.stdout.splitlines()[-1] == "6 notes: 6 would be updated, 0 unchanged"
    assert snapshot(root) == before
    assert not (root / ".studycards" / "lock").exists()


def test_link_one_note_shows_its_related_notes(make_vault, use_vault, cli) -> None:
    root = use_vault(make_vault(ATTENTION))
    before = snapshot(root)
    result = cli("link", "KV cache")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "KV cache"
    assert any("Continuous batching" in line and "%" in line for line in lines)
    assert lines[-1] == "updated notes/Inference/kv.md"
    after = snapshot(root)
    assert [rel for rel in before if before[rel] != after[rel]] == ["notes/Inference/kv.md"]
    text = (root / "notes/Inference/kv.md").read_text(encoding="utf-8")
    assert "\n---\n\n## Related notes\n<!-- 自动生成 -->\n\n- [Continuous batching]" in text
    assert cli("link", "KV cache").stdout.splitlines()[-1] == "unchanged notes/Inference/kv.md"


def test_link_an_unknown_note_is_an_error(make_vault, use_vault, cli) -> None:
    use_vault(make_vault(ATTENTION))
    result = cli("link", "nothing like this")
    assert result.exit_code == 1
    assert result.stderr == "error: no note matches 'nothing like this' (try 'studycards list')\n"


def test_link_skips_a_broken_note_with_a_warning(make_vault, use_vault, cli) -> None:
    files = dict(ATTENTION)
    files["notes/Attention/broken.md"] = "---\ntags: [a\n---\n# Broken\n"
    use_vault(make_vault(files))
    result = cli("link")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: notes/Attention/broken.md:")
    assert result.stderr.rstrip().endswith(": skipped")


def test_link_reports_a_locked_vault(make_vault, use_vault, cli) -> None:
    from studycards.lock import vault_lock

    root = use_vault(make_vault(ATTENTION))
    with vault_lock(root / ".studycards"):
        result = cli("link")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: another studycards process (pid ")


def test_search_prints_ranked_hits(make_vault, use_vault, cli) -> None:
    use_vault(make_vault(ATTENTION))
    result = cli("search", "注意力")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. ") and "notes/Attention/" in lines[0]
    assert lines[-1] == "3 notes match"


def test_search_json(make_vault, use_vault, cli) -> None:
    use_vault(make_vault(ATTENTION))
    result = cli("search", "decoding", "--json", "--limit", "1")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["query"] == "decoding" and data["terms"] == ["decoding"]
    assert data["total"] == 3 and len(data["results"]) == 1
    assert data["results"][0]["path"] == "notes/Inference/speculative.md"
    assert data["results"][0]["title_matches"] == [[12, 20]]


def test_search_errors(make_vault, use_vault, cli) -> None:
    use_vault(make_vault(ATTENTION))
    result = cli("search", "...")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: nothing to search for in '...': give a word or Chinese characters\n"
    )
    assert cli("search", "x", "--limit", "0").exit_code == 2


def test_help_of_both_commands(cli) -> None:
    for command in ("link", "search"):
        result = cli(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_commands_work_on_the_bundled_vault(cli, tmp_path: Path, monkeypatch) -> None:
    import shutil

    repo = Path(__file__).resolve().parents[1]
    if not (repo / "notes").is_dir():
        return
    shutil.copytree(repo / "notes", tmp_path / "notes")
    monkeypatch.setenv("STUDYCARDS_VAULT", str(tmp_path))
    assert cli("link", "--dry-run").exit_code == 0
    assert cli("search", "attention", "--json").exit_code == 0


def test_link_a_broken_note_by_path_is_an_error(make_vault, use_vault, cli) -> None:
    files = dict(ATTENTION)
    files["notes/Attention/broken.md"] = "---\ntags: [a\n---\n# Broken\n"
    use_vault(make_vault(files))
    result = cli("link", "notes/Attention/broken.md")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: notes/Attention/broken.md:")
    assert result.stderr.endswith(": cannot link this note\n")


BODY_ONLY_NOTE = "---\ntags: [{tag}]\n---\n# {title}\n\n{opening}\n\n## 原理\n\n{deep}\n"


def test_link_reads_the_whole_body_and_writes_links_that_parse(make_vault, use_vault, cli) -> None:
    shared = "大页内存 轮询模式驱动 无锁环形队列 网卡多队列 批量收发 用户态协议栈 " * 3
    root = use_vault(
        make_vault(
            {
                "notes/网络编程/DPDK为什么快.md": BODY_ONLY_NOTE.format(
                    tag="网络编程", title="DPDK为什么快", opening="内核旁路。", deep=shared
                ),
                "notes/Linux 内核/用户态网络 (kernel bypass).md": BODY_ONLY_NOTE.format(
                    tag="Linux", title="用户态网络", opening="绕过内核。", deep=shared
                ),
                "notes/Redis/缓存.md": BODY_ONLY_NOTE.format(
                    tag="Redis", title="缓存", opening="旁路缓存。", deep="过期时间 延迟双删"
                ),
            }
        )
    )
    assert cli("link").exit_code == 0
    text = (root / "notes/网络编程/DPDK为什么快.md").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("- ["))
    assert line.startswith(
        "- [用户态网络](<notes/Linux 内核/用户态网络 (kernel bypass).md>) - 相似度: "
    )
    check = cli("check")
    assert "missing" not in check.stdout
    assert check.exit_code == 0


def test_link_dry_run_explain_shows_the_shared_words(make_vault, use_vault, cli) -> None:
    root = use_vault(make_vault(ATTENTION))
    before = snapshot(root)
    result = cli("link", "KV cache", "--dry-run", "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "Continuous batching" in line)
    assert lines[at + 1].strip().startswith("shared: ")
    assert {"kv", "cache"} <= set(lines[at + 1].split(": ", 1)[1].split(", "))
    whole = cli("link", "--dry-run", "--explain")
    assert whole.exit_code == 0
    assert "would update notes/Inference/kv.md  (1 link)" in whole.stdout
    assert sum(1 for line in whole.stdout.splitlines() if "shared: " in line) >= 5
    assert snapshot(root) == before


def test_search_with_a_phrase_and_a_topic(make_vault, use_vault, cli) -> None:
    use_vault(make_vault(ATTENTION))
    result = cli("search", '"KV cache" decoding', "--topic", "Inference")
    assert result.exit_code == 0
    assert "notes/Inference/kv.md" in result.stdout
    assert "notes/Inference/batching.md" in result.stdout
    assert "speculative" not in result.stdout
    assert cli("search", "注意力", "--topic", "Inference").stdout == "no notes match '注意力'\n"
    bad = cli("search", "x", "--topic", "Nowhere")
    assert bad.exit_code == 2 and "no notes in topic 'Nowhere'" in bad.stderr
