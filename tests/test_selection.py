"""Which files under notes/ are notes: tool files, templates, dot-folders, nested repositories
and the ``exclude:`` setting are skipped by every command; dot-named notes are read."""

from __future__ import annotations

import json

import pytest

from studycards.notes.selection import Selection, Skipped, describe
from studycards.notes.vault import iter_note_files, open_vault

NOTE = "---\nreview_count: 0\n---\n# {title}\n\n## 面试标准答案\n{title} 的答案。\n"

VAULT = {
    "notes/C++/虚函数.md": NOTE.format(title="虚函数"),
    "notes/C++/._和->的区别.md": NOTE.format(title=". 和 -> 的区别"),
    "notes/C++/README.md": "# C++ 专题\n\n- [虚函数](./虚函数.md)\n",
    "notes/CLAUDE.md": "# Instructions\n\n## Answer\nnot a note\n",
    "notes/AGENTS.md": "# Agents\n",
    "notes/README.md": "# 索引\n",
    "notes/.cursorrules": "rules\n",
    "notes/_templates/template.md": NOTE.format(title="{{title}}"),
    "notes/Transformer/note_template.md": NOTE.format(title="模板"),
    "notes/Transformer/位置编码.md": NOTE.format(title="位置编码"),
    "notes/.obsidian/workspace.md": "# workspace\n",
    "notes/vendor-notes/TCP拥塞控制.md": NOTE.format(title="TCP拥塞控制"),
    "notes/vendor-notes/README.md": "# vendor\n",
    "notes/Drafts/半成品.md": NOTE.format(title="半成品"),
    "notes/Tools/templater_placeholders.md": NOTE.format(title="Templater 占位符"),
    "notes/Tools/template-placeholder.md": NOTE.format(title="模板占位符"),
    "notes/Tools/笔记模板.md": NOTE.format(title="{{title}}"),
}
NOTES = [
    "notes/C++/._和->的区别.md",
    "notes/C++/虚函数.md",
    "notes/Tools/template-placeholder.md",
    "notes/Tools/templater_placeholders.md",
    "notes/Transformer/位置编码.md",
]


@pytest.fixture
def real_vault(make_vault):
    def build(config: str = "exclude:\n  - notes/Drafts/\n", submodule: bool = True):
        root = make_vault(VAULT, config=config)
        git = root / "notes" / "vendor-notes" / ".git"
        if submodule:
            git.write_text("gitdir: ../../.git/modules/vendor-notes\n", encoding="utf-8")
        else:
            git.mkdir()
            (git / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
        return root

    return build


def rels(root) -> list[str]:
    return [entry.rel for entry in iter_note_files(open_vault(root))]


@pytest.mark.parametrize("submodule", [True, False], ids=["submodule", "nested-repo"])
def test_only_notes_are_read(real_vault, submodule):
    assert rels(real_vault(submodule=submodule)) == NOTES


def test_nested_repositories_are_read_when_the_setting_says_so(real_vault):
    root = real_vault("include_nested_repos: true\nexclude: [notes/Drafts/]\n")
    assert rels(root) == [*NOTES, "notes/vendor-notes/TCP拥塞控制.md"]


def test_without_exclude_the_drafts_are_notes(real_vault):
    assert "notes/Drafts/半成品.md" in rels(real_vault(config="notes_dir: notes\n"))


@pytest.mark.parametrize(
    ("patterns", "rel", "excluded"),
    [
        (("notes/Drafts/",), "notes/Drafts/a.md", True),
        (("Drafts/",), "notes/A/Drafts/a.md", True),
        (("*.draft.md",), "notes/A/x.draft.md", True),
        (("notes/A/**",), "notes/A/x.md", True),
        (("/notes/top.md",), "notes/B/top.md", False),
        (("notes/A/**", "!notes/A/keep.md"), "notes/A/keep.md", False),
    ],
)
def test_exclude_patterns_are_gitignore_style(patterns, rel, excluded):
    rules = Selection(patterns)
    name = rel.rsplit("/", 1)[1]
    assert (rules.file_reason(name, rel) is not None) == excluded


def test_check_says_once_how_many_files_it_skipped_and_why(cli, real_vault, use_vault):
    use_vault(real_vault())
    result = cli("check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "skipped 10 files under notes/ that are not notes (4 tool files, 3 templates,"
        " 2 in the nested git repository notes/vendor-notes, 1 excluded by 'exclude:');"
        " dot-folders not read: notes/.obsidian",
        "5 notes checked: 0 errors, 0 warnings",
    ]


def test_list_due_export_and_link_see_the_same_notes(cli, real_vault, use_vault, tmp_path):
    root = use_vault(real_vault())
    listed = json.loads(cli("list", "--json").stdout)["notes"]
    assert sorted(n["path"] for n in listed) == NOTES
    due = json.loads(cli("due", "--all", "--json").stdout)
    assert sorted(n["path"] for group in due["groups"].values() for n in group) == NOTES
    out = tmp_path / "all.csv"
    assert cli("export", "csv", str(out)).exit_code == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert sorted(row.split(",", 1)[0] for row in rows) == NOTES
    before = (root / "notes/CLAUDE.md").read_bytes()
    assert cli("link").exit_code == 0
    assert cli("fix").exit_code == 0
    assert (root / "notes/CLAUDE.md").read_bytes() == before
    assert "studycards" not in (root / "notes/_templates/template.md").read_text("utf-8")


def test_describe_names_nothing_when_nothing_was_skipped():
    assert describe([], "notes") is None
    assert describe([Skipped("notes/A/README.md", "tool file")], "notes") == (
        "skipped 1 file under notes/ that are not notes (1 tool file)"
    )


def test_a_bad_exclude_setting_is_one_clear_error(cli, make_vault, use_vault):
    use_vault(make_vault(VAULT, config="exclude: notes/Drafts/\n"))
    result = cli("list")
    assert result.exit_code != 0
    assert "exclude: expected a list of gitignore-style patterns" in result.stderr
