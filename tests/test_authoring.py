"""New notes (safe names, templates, never overwriting) and fixing frontmatter."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from studycards.errors import ConfigError, StudycardsError, UsageError
from studycards.notes.body import parse_note
from studycards.notes.summary import parse_summary
from studycards.notes.vault import open_vault, scan
from studycards.upkeep.authoring import (
    create_note,
    editor_command,
    fill_template,
    guess_language,
    safe_name,
    yaml_string,
)
from studycards.upkeep.check import check_note
from studycards.upkeep.fix import (
    Defaults,
    as_date,
    fix_vault,
    git_added_day,
    in_git_work_tree,
    plan_fix,
)
from studycards.upkeep.topics import tag_stats, topic_stats

TODAY = dt.date(2025, 10, 19)


def _vault(make_vault, files=None, config=None):
    return open_vault(make_vault(files or {}, config=config))


def _inside(vault, path: Path) -> bool:
    notes = vault.notes_dir.resolve()
    return notes in path.resolve().parents


# ---------------------------------------------------------------------------------------------
# new: names that could leave the vault


@pytest.mark.parametrize(
    ("title", "file_name"),
    [
        ("../x", "x.md"),
        ("a/../../b", "a-..-..-b.md"),
        ("/etc/passwd", "etc-passwd.md"),
        ("..\\..\\win", "win.md"),
        ("CON", "CON_.md"),
        ("nul.txt", "nul_.txt.md"),
        ("lpt1", "lpt1_.md"),
        ("...hidden", "hidden.md"),
        ("What is X?", "What is X.md"),
        ("TCP/IP: basics", "TCP-IP- basics.md"),
        ("note.md", "note.md"),
        ("What does {{ x }} do in Jinja", "What does { x } do in Jinja.md"),
    ],
)
def test_new_makes_unsafe_titles_safe_and_stays_in_the_vault(make_vault, title, file_name):
    vault = _vault(make_vault)
    made = create_note(vault, title, "Topic", TODAY)
    assert made.path.name == file_name
    assert made.rel == f"notes/Topic/{file_name}"
    assert _inside(vault, made.path)
    assert made.path.is_file()
    assert parse_summary(made.path.read_text("utf-8"), made.rel).title == title.strip()


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "the title is empty"),
        ("   ", "the title is empty"),
        ("a\nb", "the title contains a control character (U+000A): refused"),
        ("a\x00b", "the title contains a control character (U+0000): refused"),
        ("tab\there", "the title contains a control character (U+0009): refused"),
        ("rtl\u202eexe", "the title contains a control character (U+202E): refused"),
        ("../..", "the title '../..' leaves no usable file name"),
        ("///", "the title '///' leaves no usable file name"),
    ],
)
def test_new_refuses_titles_without_a_safe_name(make_vault, title, message):
    vault = _vault(make_vault)
    with pytest.raises(UsageError) as caught:
        create_note(vault, title, "Topic", TODAY)
    assert str(caught.value) == message
    assert list(vault.notes_dir.rglob("*.md")) == []


@pytest.mark.parametrize("topic", ["../escape", "/abs", "a/../../..", "..", "a/b"])
def test_new_topic_is_one_folder_inside_the_notes_folder(make_vault, topic):
    vault = _vault(make_vault)
    try:
        made = create_note(vault, "t", topic, TODAY)
    except UsageError as error:
        assert "topic" in str(error)
        return
    assert made.path.parent.parent == vault.notes_dir
    assert _inside(vault, made.path)


def test_new_refuses_a_topic_folder_that_is_a_symlink_out_of_the_vault(make_vault, tmp_path):
    vault = _vault(make_vault)
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault.notes_dir / "Leak").symlink_to(outside)
    with pytest.raises(StudycardsError, match="outside the vault"):
        create_note(vault, "t", "Leak", TODAY)
    assert list(outside.iterdir()) == []


def test_safe_name_keeps_long_names_within_file_system_limits():
    name = safe_name("注" * 200)
    assert len((name + ".md").encode("utf-8")) <= 255
    assert set(name) == {"注"}


def test_new_never_overwrites_an_existing_note(make_vault):
    text = "---\ncreated: '2025-01-01'\n---\n# Mine\n"
    vault = _vault(make_vault, {"notes/Topic/Mine.md": text})
    with pytest.raises(StudycardsError) as caught:
        create_note(vault, "Mine", "Topic", TODAY)
    assert str(caught.value) == (
        "notes/Topic/Mine.md: a note with this name already exists; not overwritten"
    )
    assert (vault.notes_dir / "Topic" / "Mine.md").read_text("utf-8") == text
    assert sorted(p.name for p in (vault.notes_dir / "Topic").iterdir()) == ["Mine.md"]


def test_new_uses_an_existing_topic_folder_whatever_its_case(make_vault):
    vault = _vault(make_vault, {"notes/Attention/a.md": "# a\n"})
    made = create_note(vault, "b", "attention", TODAY)
    assert made.rel == "notes/Attention/b.md"


# ---------------------------------------------------------------------------------------------
# new: what the note holds


SEED_FRONTMATTER = """---
created: '2025-10-19'
last_reviewed: null
next_review: '2025-10-19'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- Transformer
- Transformer/Seq2Seq模型中注意力的引入动机.md
related_outlines: []
---
# Seq2Seq模型中注意力的引入动机
"""


def test_new_zh_note_has_the_seed_frontmatter_and_headings(make_vault):
    vault = _vault(make_vault)
    made = create_note(vault, "Seq2Seq模型中注意力的引入动机", "Transformer", TODAY)
    text = made.path.read_text("utf-8")
    assert text.startswith(SEED_FRONTMATTER)
    for heading in (
        "## 面试标准答案",
        "### 核心要点（30秒版本）",
        "### 详细技术答案（2-3分钟版本）",
        "## 深度讲解",
        "## 常见面试追问",
        "## 总结",
        "## 相关笔记\n<!-- 自动生成 -->",
    ):
        assert heading in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_new_note_parses_with_no_check_errors(make_vault, lang):
    vault = _vault(make_vault)
    made = create_note(vault, "A: 'quoted' # not a comment", "Topic", TODAY, "hard", lang)
    note = parse_note(made.path.read_text("utf-8"), made.rel, made.path)
    summary = note.summary
    assert not summary.broken
    assert (summary.created, summary.next_review, summary.last_reviewed) == (TODAY, TODAY, None)
    assert (summary.review_count, summary.mastery_level, summary.difficulty) == (0, 0.0, "hard")
    assert summary.tags == ("Topic", "Topic/A- 'quoted' # not a comment.md")
    assert summary.related_outlines == ()
    assert summary.title == "A: 'quoted' # not a comment"
    expected = {"short_answer", "thirty_seconds", "two_minutes", "deep_dive", "followups"}
    assert expected | {"summary", "related"} <= set(note.sections)
    assert [p for p in check_note(vault, made.rel) if p.severity == "error"] == []


def test_new_en_note_has_the_english_headings(make_vault):
    vault = _vault(make_vault)
    made = create_note(vault, "What is attention", "Basics", TODAY, lang="en")
    text = made.path.read_text("utf-8")
    for heading in (
        "## Short answer",
        "### 30-second version",
        "### 2-3 minute version",
        "## Deep dive",
        "## Follow-up questions",
        "## Summary",
        "## Related notes",
    ):
        assert f"\n{heading}\n" in text


def test_language_follows_the_title_when_not_given():
    assert guess_language("多头注意力") == "zh"
    assert guess_language("KV cache") == "en"


VAULT_TEMPLATE = """---
title: {{title}}
created: {{date}}
status: draft
tags: [{{topic}}]
---
# {{ title }}

Topic {{topic}}, {{difficulty}}, file {{file}} at {{path}}.

## Short answer
"""


def test_new_fills_a_vault_template_and_adds_missing_keys(make_vault):
    files = {"templates/note.md": VAULT_TEMPLATE}
    vault = _vault(make_vault, files, config="template: templates/note.md\n")
    made = create_note(vault, "Why: care", "Topic", TODAY, "easy")
    text = made.path.read_text("utf-8")
    assert text.startswith(
        "---\ntitle: 'Why: care'\ncreated: 2025-10-19\nstatus: draft\ntags: [Topic]\n"
        "last_reviewed: null\nnext_review: 2025-10-19\nreview_count: 0\n"
        "difficulty: easy\nmastery_level: 0.0\nrelated_outlines: []\n---\n# Why: care\n"
    )
    assert "Topic Topic, easy, file Why- care.md at notes/Topic/Why- care.md." in text
    assert not parse_summary(text, made.rel).broken


def test_a_template_with_an_unknown_placeholder_is_refused(make_vault):
    files = {"tpl.md": "---\ntags: []\n---\n# {{title}}\n\n{{author}}\n"}
    vault = _vault(make_vault, files, config="template: tpl.md\n")
    with pytest.raises(ConfigError) as caught:
        create_note(vault, "x", "T", TODAY)
    assert str(caught.value) == (
        "tpl.md:6: unknown placeholder {{author}} (known: {{title}}, {{topic}}, {{date}}, "
        "{{difficulty}}, {{file}}, {{path}})"
    )
    assert not (vault.notes_dir / "T" / "x.md").exists()


def test_a_template_outside_the_vault_is_refused(make_vault):
    vault = _vault(make_vault, config="template: ../elsewhere.md\n")
    with pytest.raises(StudycardsError, match="would leave the vault"):
        create_note(vault, "x", "T", TODAY)


def test_a_template_setting_that_is_not_a_path_is_refused(make_vault):
    vault = _vault(make_vault, config="template: 5\n")
    with pytest.raises(ConfigError, match="template: expected a path, got 5"):
        create_note(vault, "x", "T", TODAY)


def test_a_missing_vault_template_is_reported(make_vault):
    vault = _vault(make_vault, config="template: nowhere.md\n")
    with pytest.raises(ConfigError) as caught:
        create_note(vault, "x", "T", TODAY)
    assert str(caught.value) == (
        "cannot read the note template nowhere.md: No such file or directory"
    )


def test_fill_template_quotes_values_for_yaml():
    template = (
        "---\na: {{title}}\nb: '{{title}}'\nc: \"{{title}}\"\nd: [{{title}}, x]\n"
        "e:\n- {{title}}/{{title}}.md\n---\n{{title}}\n"
    )
    text = fill_template(template, {"title": "it's: #1"}, "t")
    assert text == (
        "---\na: 'it''s: #1'\nb: 'it''s: #1'\nc: \"it's: #1\"\nd: ['it''s: #1', x]\n"
        "e:\n- 'it''s: #1/it''s: #1.md'\n---\nit's: #1\n"
    )
    plain = fill_template(template, {"title": "T"}, "t")
    assert plain == "---\na: T\nb: 'T'\nc: \"T\"\nd: [T, x]\ne:\n- T/T.md\n---\nT\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", "plain"), ("a: b", "'a: b'"), ("x #y", "'x #y'"), ("null", "'null'"), ("", "''")],
)
def test_yaml_string(value, expected):
    assert yaml_string(value) == expected


# ---------------------------------------------------------------------------------------------
# the editor command


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"VISUAL": "code --wait", "EDITOR": "nano"}, ["code", "--wait"]),
        ({"VISUAL": "  ", "EDITOR": "emacs -nw"}, ["emacs", "-nw"]),
        ({"EDITOR": "'/opt/my editor/ed' -x"}, ["/opt/my editor/ed", "-x"]),
        ({}, ["vi"]),
    ],
)
def test_editor_command(environ, expected):
    assert editor_command(environ) == expected


def test_editor_command_reports_bad_quoting():
    with pytest.raises(UsageError, match=r"cannot read \$EDITOR"):
        editor_command({"EDITOR": "vim '"})


# ---------------------------------------------------------------------------------------------
# fix: planning


def _defaults(outlines=None) -> Defaults:
    return Defaults(TODAY, lambda rel: dt.date(2025, 1, 2), outlines or {})


FULL = """---
created: '2025-10-01'
last_reviewed: null
next_review: '2025-10-19'
review_count: 0
difficulty: medium
mastery_level: 0.0
tags:
- T
- T/a.md
related_outlines: []
---
# A
"""


def test_fix_leaves_a_good_note_alone():
    fix = plan_fix(FULL, "notes/T/a.md", _defaults())
    assert (fix.changed, fix.changes, fix.problems) == (False, (), ())


def test_fix_changes_only_the_touched_lines():
    text = FULL.replace("next_review: '2025-10-19'", "next_review: 20251019  # moved")
    text = text.replace("difficulty: medium", "difficulty: Medium")
    text = text.replace("review_count: 0\n", "").replace("# A\n", "# A\n\nbody  \n")
    fix = plan_fix(text, "notes/T/a.md", _defaults())
    assert fix.text is not None
    old = text.encode("utf-8").splitlines(keepends=True)
    new = fix.text.encode("utf-8").splitlines(keepends=True)
    assert new == [
        *old[:3],
        b"next_review: '2025-10-19'  # moved\n",
        b"difficulty: medium\n",
        *old[5:10],
        b"review_count: 0\n",
        *old[10:],
    ]
    assert [(c.key, c.line, c.before, c.after) for c in fix.changes] == [
        ("next_review", 4, "20251019  # moved", "'2025-10-19'  # moved"),
        ("difficulty", 5, "Medium", "medium"),
        ("review_count", 11, None, "0"),
    ]
    assert not parse_summary(fix.text, "notes/T/a.md").problems


def test_fix_keeps_crlf_and_bom_byte_for_byte():
    text = "\ufeff" + FULL.replace("difficulty: medium", "difficulty: HARD").replace("\n", "\r\n")
    fix = plan_fix(text, "notes/T/a.md", _defaults())
    assert fix.text == text.replace("HARD", "hard")


def test_fix_adds_frontmatter_to_a_note_without_one():
    fix = plan_fix("# B\n\nbody\n", "notes/T/b.md", _defaults({"notes/T/b.md": ("outlines/o.md",)}))
    assert fix.new_block
    assert fix.text == (
        "---\ncreated: '2025-01-02'\nlast_reviewed: null\nnext_review: '2025-10-19'\n"
        "review_count: 0\ndifficulty: medium\nmastery_level: 0.0\ntags:\n- T\n- T/b.md\n"
        "related_outlines:\n- outlines/o.md\n---\n# B\n\nbody\n"
    )
    assert not parse_summary(fix.text, "notes/T/b.md").problems


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("next_review: 20251019", "next_review: '2025-10-19'"),
        ("next_review: '2025/10/9'", "next_review: '2025-10-09'"),
        ("next_review: 2025年10月19日", "next_review: '2025-10-19'"),
        ("difficulty: ' Hard '", "difficulty: hard"),
        ("difficulty: 中等", "difficulty: medium"),
        ("review_count: '3'", "review_count: 3"),
        ("review_count: 3.0", "review_count: 3"),
        ("mastery_level: '0.5'", "mastery_level: 0.5"),
        ("mastery_level: 80%", "mastery_level: 0.8"),
        ("difficulty:", "difficulty: medium"),
        ("tags: T", "tags:\n- T"),
    ],
)
def test_fix_normalises_safe_values(line, fixed):
    key = line.split(":", 1)[0]
    original = next(x for x in FULL.splitlines() if x.startswith(key + ":"))
    text = FULL.replace(original + "\n", line + "\n", 1)
    if key == "tags":
        text = text.replace("- T\n- T/a.md\n", "")
    fix = plan_fix(text, "notes/T/a.md", _defaults())
    assert fix.text == text.replace(line + "\n", fixed + "\n", 1)
    assert fix.problems == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            FULL.replace("created: '2025-10-01'", "created: 2025-13-45"),
            "notes/T/a.md:2: created: not a real date: '2025-13-45'",
        ),
        (
            FULL.replace("review_count: 0", "review_count: -2"),
            "notes/T/a.md:5: review_count: expected a whole number >= 0, got -2",
        ),
        (
            FULL.replace("difficulty: medium", "difficulty: extreme"),
            "notes/T/a.md:6: difficulty: expected easy, medium or hard, got 'extreme'",
        ),
        ("---\ncreated: [\n---\n# A\n", "notes/T/a.md:3: bad YAML"),
        ("---\ncreated: '{{date}}'\n---\n# A\n", "notes/T/a.md:2: template placeholder"),
        ("---\n- a\n---\n# A\n", "notes/T/a.md:2: frontmatter is a list"),
        ("---\ncreated: x\n# A\n", "notes/T/a.md:1: frontmatter opened with '---'"),
    ],
)
def test_fix_lists_what_it_cannot_fix(text, problem):
    fix = plan_fix(text, "notes/T/a.md", _defaults())
    assert [str(p) for p in fix.problems][0].startswith(problem)
    if "YAML" in problem or "---" in problem or "list" in problem or "placeholder" in problem:
        assert fix.text is None


def test_fix_still_repairs_other_keys_of_a_note_it_cannot_fully_fix():
    text = FULL.replace("created: '2025-10-01'", "created: 2025-13-45")
    text = text.replace("difficulty: medium", "difficulty: Easy")
    fix = plan_fix(text, "notes/T/a.md", _defaults())
    assert fix.text == text.replace("Easy", "easy")
    assert [p.message for p in fix.problems] == ["created: not a real date: '2025-13-45'"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20251019, dt.date(2025, 10, 19)),
        ("2025-1-5", dt.date(2025, 1, 5)),
        ("2025.10.19", dt.date(2025, 10, 19)),
        (20251345, None),
        ("2025-13-45", None),
        ("yesterday", None),
        (True, None),
        (1.5, None),
    ],
)
def test_as_date(value, expected):
    assert as_date(value) == expected


# ---------------------------------------------------------------------------------------------
# fix: the vault


MESSY = {
    "notes/T/a.md": FULL.replace("difficulty: medium", "difficulty: Medium"),
    "notes/T/b.md": "# B\nbody\n",
    "notes/T/c.md": "---\nnext_review: 2025-13-45\n---\n# C\n",
    "notes/T/d.md": "---\ncreated: [\n---\n# D\n",
    "notes/T/e.md": b"\xff\xfe# utf-16\n",
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_fix_dry_run_writes_nothing(make_vault):
    root = make_vault(MESSY)
    before = _snapshot(root)
    report = fix_vault(open_vault(root), TODAY, dry_run=True)
    assert _snapshot(root) == before
    assert not (root / ".studycards").exists()
    assert [f.rel for f in report.changed] == ["notes/T/a.md", "notes/T/b.md", "notes/T/c.md"]
    assert [str(p).split(":")[0:2] for p in report.problems] == [
        ["notes/T/c.md", "2"],
        ["notes/T/d.md", "3"],
        ["notes/T/e.md", "1"],
    ]


def test_fix_writes_what_the_dry_run_showed(make_vault):
    root = make_vault(MESSY)
    vault = open_vault(root)
    planned = fix_vault(vault, TODAY, dry_run=True)
    done = fix_vault(vault, TODAY)
    assert [f.changes for f in done.fixes] == [f.changes for f in planned.fixes]
    for fix in planned.changed:
        assert (root / fix.rel).read_text("utf-8") == fix.text
    again = fix_vault(vault, TODAY)
    assert again.changed == []
    assert [p.rel for p in scan(vault, use_index=False).broken] == [
        "notes/T/c.md",
        "notes/T/d.md",
        "notes/T/e.md",
    ]


def test_fix_keeps_the_file_mode(make_vault):
    root = make_vault({"notes/T/a.md": "# A\n"})
    path = root / "notes/T/a.md"
    path.chmod(0o600)
    fix_vault(open_vault(root), TODAY)
    assert path.stat().st_mode & 0o777 == 0o600


def test_fix_fills_related_outlines_from_the_outlines(make_vault):
    files = {"notes/T/a.md": "# A\n", "outlines/o.md": "# O\n\n- [A](../notes/T/a.md)\n"}
    root = make_vault(files)
    fix_vault(open_vault(root), TODAY)
    summary = parse_summary((root / "notes/T/a.md").read_text("utf-8"), "notes/T/a.md")
    assert summary.related_outlines == ("outlines/o.md",)


def test_created_day_is_never_after_today(make_vault):
    root = make_vault({"notes/T/a.md": "# A\n"})
    fix_vault(open_vault(root), dt.date(2000, 1, 1))
    summary = parse_summary((root / "notes/T/a.md").read_text("utf-8"), "notes/T/a.md")
    assert summary.created == dt.date(2000, 1, 1)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_created_comes_from_git_history(make_vault):
    root = make_vault({"notes/T/a.md": "# A\n"})
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2024-03-05T10:00:00",
        "GIT_COMMITTER_DATE": "2024-03-05T10:00:00",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "a"]):
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    assert git_added_day(root / "notes/T/a.md") == dt.date(2024, 3, 5)
    assert in_git_work_tree(root / "notes")
    fix_vault(open_vault(root), TODAY)
    summary = parse_summary((root / "notes/T/a.md").read_text("utf-8"), "notes/T/a.md")
    assert summary.created == dt.date(2024, 3, 5)


def test_git_added_day_outside_a_repository_is_none(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# A\n", encoding="utf-8")
    assert git_added_day(path) is None
    assert in_git_work_tree(tmp_path) is False


# ---------------------------------------------------------------------------------------------
# tags and topics


def _summary(rel, text):
    return parse_summary(text, rel)


def _note(rel, tags, next_review, mastery, reviews):
    fm = (
        f"---\nnext_review: '{next_review}'\nmastery_level: {mastery}\nreview_count: {reviews}\n"
        f"tags: [{', '.join(tags)}]\n---\n# x\n"
    )
    return _summary(rel, fm)


SMALL = [
    _note("notes/A/1.md", ["A", "A/1.md", "rnn"], "2025-10-01", 0.2, 1),
    _note("notes/A/2.md", ["A", "A/2.md", "RNN"], "2025-10-19", 0.4, 2),
    _note("notes/A/3.md", ["A"], "2025-11-30", 0.9, 5),
    _note("notes/B/4.md", ["B", "rnn"], "2025-10-20", 0.0, 0),
    _summary("notes/top.md", "# top\n"),
]


def test_topic_stats_on_a_small_vault():
    rows = [r.to_dict() for r in topic_stats(SMALL, TODAY)]
    assert rows == [
        {"name": "", "notes": 1, "due": 1, "new": 1, "mean_mastery": 0.0},
        {"name": "A", "notes": 3, "due": 2, "new": 0, "mean_mastery": 0.5},
        {"name": "B", "notes": 1, "due": 0, "new": 1, "mean_mastery": 0.0},
    ]


def test_tag_stats_group_case_and_hide_path_tags():
    rows = [(r.name, r.notes, r.due, r.new, r.mean_mastery) for r in tag_stats(SMALL, TODAY)]
    assert rows == [("A", 3, 2, 0, 0.5), ("B", 1, 0, 1, 0.0), ("rnn", 3, 2, 1, 0.2)]
    names = [r.name for r in tag_stats(SMALL, TODAY, path_tags=True)]
    assert names == ["A", "A/1.md", "A/2.md", "B", "rnn"]
