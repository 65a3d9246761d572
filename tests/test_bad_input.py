"""Bad notes: check names each problem with path and line; list and show go on without them.

Each kind of bad input is its own test case. For each, ``check`` prints the exact
``path:line: message`` text, ``list`` skips a broken note with one warning line and lists the
rest, ``show`` shows the other notes and refuses the broken one in one line, and no command
ever prints a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import TWO_SUM, sample_notes

BAD = "notes/Bad/note.md"
GOOD_BODY = "# Bad note\n\n## Short answer\nAn answer.\n"
SAMPLES = sorted(sample_notes())


def fm(*lines: str) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + GOOD_BODY


@dataclass(frozen=True)
class Case:
    id: str
    content: str | bytes
    problem: str | None  # the exact line check prints; None when the note is fine
    broken: bool = True  # list and show skip it


CASES = [
    Case(
        "no-frontmatter",
        GOOD_BODY,
        f"{BAD}:1: warning: no frontmatter: treated as a new note",
        broken=False,
    ),
    Case(
        "malformed-yaml",
        fm("created: '2025-10-19'", "tags: [Transformer, x", "difficulty: easy"),
        f"{BAD}:4: bad YAML: while parsing a flow sequence; did not find expected ',' or ']'",
    ),
    Case(
        "frontmatter-is-a-list",
        fm("- created", "- '2025-10-19'"),
        f"{BAD}:2: frontmatter is a list, not a mapping of keys",
    ),
    Case(
        "frontmatter-is-a-scalar",
        fm("just some words"),
        f"{BAD}:2: frontmatter is a single value, not a mapping of keys",
    ),
    Case(
        "template-placeholder",
        fm("review_count: 0", "created: {{DATE}}"),
        f"{BAD}:3: template placeholder {{{{DATE}}}} was never filled in",
    ),
    Case("empty-file", "", f"{BAD}:1: empty note"),
    Case(
        "not-utf8",
        b"---\ncreated: '2025-10-19'\n---\n# Bad note\n\ncaf\xe9 au lait\n",
        f"{BAD}:6: not valid UTF-8 (byte 0xe9): save the note as UTF-8",
    ),
    Case("utf8-bom", "\ufeff" + fm("created: '2025-10-19'", "review_count: 1"), None, False),
    Case(
        "crlf",
        fm("created: '2025-10-19'", "review_count: 1").replace("\n", "\r\n"),
        None,
        broken=False,
    ),
    Case(
        "impossible-date",
        fm("created: '2025-10-19'", "next_review: 2025-13-45"),
        f"{BAD}:3: next_review: not a real date: '2025-13-45'",
    ),
    Case(
        "next-review-is-a-number",
        fm("next_review: 20251019"),
        f"{BAD}:2: next_review: expected a date like '2025-10-19', got 20251019",
    ),
    Case(
        "negative-review-count",
        fm("created: '2025-10-19'", "review_count: -1"),
        f"{BAD}:3: review_count: expected a whole number >= 0, got -1",
    ),
    Case(
        "unknown-difficulty",
        fm("difficulty: super"),
        f"{BAD}:2: difficulty: expected easy, medium or hard, got 'super'",
    ),
    Case(
        "mastery-above-one",
        fm("review_count: 2", "mastery_level: 1.5"),
        f"{BAD}:3: mastery_level: expected a number from 0 to 1, got 1.5",
    ),
    Case(
        "related-link-to-a-missing-note",
        fm("created: '2025-10-19'")
        + "\n## 相关笔记\n<!-- 自动生成 -->\n\n"
        + "- [Gone](notes/Nope/gone.md) - 相似度: 40% | 标签: Nope\n",
        f"{BAD}:12: related link to a missing note: notes/Nope/gone.md",
        broken=False,
    ),
    Case(
        "related-outline-missing",
        fm("created: '2025-10-19'", "related_outlines:", "- outlines/Gone.md"),
        f"{BAD}:4: warning: related outline not found: outlines/Gone.md",
        broken=False,
    ),
    Case(
        "unclosed-frontmatter",
        "---\ncreated: '2025-10-19'\nreview_count: 0\n" + GOOD_BODY,
        f"{BAD}:1: frontmatter opened with '---' on line 1 is never closed",
    ),
]


def problem_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("notes/Bad/")]


def no_traceback(*results) -> None:
    for result in results:
        assert "Traceback" not in result.output


@pytest.fixture(params=CASES, ids=lambda case: case.id)
def case(request, make_vault, use_vault, today) -> Case:
    use_vault(make_vault({BAD: request.param.content}, samples=True))
    return request.param


def test_check_names_the_problem_with_path_and_line(case: Case, cli):
    result = cli("check")
    no_traceback(result)
    assert problem_lines(result.stdout) == ([case.problem] if case.problem else [])
    errors = case.problem is not None and ": warning: " not in case.problem
    assert result.exit_code == (1 if errors else 0)


def test_check_json_has_the_same_problem(case: Case, cli):
    result = cli("check", "--json")
    no_traceback(result)
    problems = [p for p in json.loads(result.stdout)["problems"] if p["path"] == BAD]
    rendered = [
        f"{p['path']}:{p['line']}: " + ("warning: " if p["severity"] == "warning" else "")
        for p in problems
    ]
    expected = [case.problem] if case.problem else []
    assert [r + p["message"] for r, p in zip(rendered, problems, strict=True)] == expected


def test_list_skips_a_broken_note_with_one_warning_and_lists_the_rest(case: Case, cli):
    result = cli("list", "--json")
    no_traceback(result)
    assert result.exit_code == 0
    listed = [row["path"] for row in json.loads(result.stdout)["notes"]]
    if case.broken:
        assert sorted(listed) == SAMPLES
        assert result.stderr == f"warning: {case.problem}: skipped\n"
    else:
        assert sorted(listed) == sorted([*SAMPLES, BAD])
        assert result.stderr == ""


def test_list_table_goes_on_with_the_rest(case: Case, cli):
    result = cli("list", "--sort", "path")
    no_traceback(result)
    assert result.exit_code == 0
    assert "两数之和" in result.stdout and "beam search" in result.stdout
    assert ("Bad note" in result.stdout) is not case.broken
    total = len(SAMPLES) + (0 if case.broken else 1)
    assert result.stdout.rstrip().endswith(f"{total} of {total} notes")


def test_show_goes_on_with_the_other_notes(case: Case, cli):
    result = cli("show", TWO_SUM)
    no_traceback(result)
    assert result.exit_code == 0
    assert "两数之和" in result.stdout


def test_show_of_the_bad_note(case: Case, cli):
    result = cli("show", BAD)
    no_traceback(result)
    if case.broken:
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == f"error: {case.problem}: cannot show this note\n"
    else:
        assert result.exit_code == 0
        assert "Bad note" in result.stdout and "An answer." in result.stdout


def test_a_note_without_frontmatter_is_new_and_due_today(make_vault, use_vault, today, cli):
    use_vault(make_vault({BAD: GOOD_BODY}))
    [row] = json.loads(cli("list", "--json").stdout)["notes"]
    assert (row["path"], row["review_count"], row["next_review"], row["due"]) == (
        BAD,
        0,
        None,
        today().isoformat(),
    )
    assert cli("list", "--due", "--json").stdout.count(BAD) == 1
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == f"{BAD}:1: warning: no frontmatter: treated as a new note\n"


def test_bom_and_crlf_notes_parse_like_the_plain_one(make_vault, use_vault, today, cli):
    plain = fm("created: '2025-10-19'", "review_count: 1", "difficulty: hard")
    use_vault(
        make_vault(
            {
                "notes/A/plain.md": plain,
                "notes/A/bom.md": "\ufeff" + plain,
                "notes/A/crlf.md": plain.replace("\n", "\r\n"),
                "notes/A/both.md": "\ufeff" + plain.replace("\n", "\r\n"),
            }
        )
    )
    rows = json.loads(cli("list", "--json").stdout)["notes"]
    facts = {(r["title"], r["review_count"], r["difficulty"], r["created"]) for r in rows}
    assert facts == {("Bad note", 1, "hard", "2025-10-19")}
    assert len(rows) == 4
    assert cli("check").stdout == ""


# ---------------------------------------------------------------------------------------------
# cases that need more than a file's text


def test_python_tag_is_refused_and_never_run(make_vault, use_vault, today, cli, tmp_path: Path):
    marker = tmp_path / "pwned"
    payload = fm(f"created: !!python/object/apply:os.system ['touch {marker}']")
    use_vault(make_vault({BAD: payload}, samples=True))
    expected = (
        f"{BAD}:2: refused YAML tag !!python/object/apply:os.system:"
        " tags that build objects are never loaded"
    )
    checked = cli("check")
    listed = cli("list", "--json")
    shown = cli("show", BAD)
    no_traceback(checked, listed, shown)
    assert problem_lines(checked.stdout) == [expected]
    assert checked.exit_code == 1
    assert listed.stderr == f"warning: {expected}: skipped\n"
    assert shown.exit_code == 1
    assert not marker.exists()


def test_a_20_mb_note_is_skipped_with_a_warning(make_vault, use_vault, today, cli):
    big = fm("created: '2025-10-19'").encode() + b"x" * 20_000_000
    use_vault(make_vault({BAD: big}, samples=True))
    expected = f"{BAD}: too large (20.0 MB, limit 4.0 MB)"
    checked, listed = cli("check"), cli("list", "--json")
    no_traceback(checked, listed)
    assert problem_lines(checked.stdout) == [expected]
    assert checked.exit_code == 1
    assert listed.stderr == f"warning: {expected}: skipped\n"
    assert sorted(row["path"] for row in json.loads(listed.stdout)["notes"]) == SAMPLES
    assert cli("show", BAD).stderr == f"error: {expected}: cannot show this note\n"


def test_the_size_limit_comes_from_the_config(make_vault, use_vault, today, cli):
    note = fm("created: '2025-10-19'")
    use_vault(make_vault({BAD: note}, config="max_note_bytes: 50\n"))
    result = cli("check")
    size = len(note.encode())
    assert result.stdout == f"{BAD}: too large ({size / 1e6:.1f} MB, limit 0.0 MB)\n"


def test_a_symlink_loop_is_reported(make_vault, use_vault, today, cli):
    root = use_vault(make_vault(samples=True, files={}))
    (root / BAD).parent.mkdir(parents=True)
    (root / BAD).symlink_to(root / BAD)
    expected = f"{BAD}: cannot read: symlink loop (Too many levels of symbolic links)"
    checked, listed, shown = cli("check"), cli("list", "--json"), cli("show", BAD)
    no_traceback(checked, listed, shown)
    assert problem_lines(checked.stdout) == [expected]
    assert checked.exit_code == 1
    assert listed.stderr == f"warning: {expected}: skipped\n"
    assert sorted(row["path"] for row in json.loads(listed.stdout)["notes"]) == SAMPLES
    assert shown.exit_code == 1
    assert shown.stderr.count("\n") == 1 and shown.stderr.startswith(f"error: {BAD}: cannot read")


def test_a_dangling_symlink_is_reported(make_vault, use_vault, today, cli):
    root = use_vault(make_vault(samples=True, files={}))
    (root / BAD).parent.mkdir(parents=True)
    (root / BAD).symlink_to(root / "notes" / "gone.md")
    checked = cli("check")
    assert problem_lines(checked.stdout) == [
        f"{BAD}: cannot read: dangling symlink (No such file or directory)"
    ]


def test_an_unreadable_note_is_reported(make_vault, use_vault, today, cli, monkeypatch):
    use_vault(make_vault({BAD: fm("created: '2025-10-19'")}, samples=True))
    from studycards.notes import note_file

    real_open = note_file._open

    def refusing_open(path: str) -> int:
        if path.endswith("note.md"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path)

    monkeypatch.setattr(note_file, "_open", refusing_open)
    expected = f"{BAD}: cannot read: Permission denied"
    checked, listed, shown = cli("check"), cli("list", "--json"), cli("show", BAD)
    no_traceback(checked, listed, shown)
    assert problem_lines(checked.stdout) == [expected]
    assert checked.exit_code == 1
    assert listed.stderr == f"warning: {expected}: skipped\n"
    assert sorted(row["path"] for row in json.loads(listed.stdout)["notes"]) == SAMPLES
    assert shown.stderr == f"error: {expected}: cannot show this note\n"


def test_check_lists_every_problem_at_once(make_vault, use_vault, today, cli):
    files = {f"notes/Bad/{case.id}.md": case.content for case in CASES}
    use_vault(make_vault(files, samples=True))
    result = cli("check")
    no_traceback(result)
    assert result.exit_code == 1
    expected = sorted(
        case.problem.replace(BAD, f"notes/Bad/{case.id}.md") for case in CASES if case.problem
    )
    assert sorted(problem_lines(result.stdout)) == expected
    # the third warning: a sample note names an outline this test vault does not hold
    assert result.stderr == f"{len(CASES) + len(SAMPLES)} notes checked: 13 errors, 3 warnings\n"


def test_check_reports_outline_links_to_missing_notes(make_vault, use_vault, today, cli):
    outline = "# Plan\n\n- [Two sum](../notes/Coding/two_sum.md)\n- [Gone](../notes/Nope/gone.md)\n"
    use_vault(make_vault({"outlines/plan.md": outline}, samples=True))
    result = cli("check")
    no_traceback(result)
    outline_lines = [line for line in result.stdout.splitlines() if line.startswith("outlines/")]
    assert outline_lines == ["outlines/plan.md:4: link to a missing note: ../notes/Nope/gone.md"]
    assert result.exit_code == 1


def test_no_traceback_from_a_real_process(make_vault, tmp_path: Path):
    """The installed command on a vault holding every bad note: one-line messages only."""
    files = {f"notes/Bad/{case.id}.md": case.content for case in CASES}
    root = make_vault(files, samples=True)
    loop = root / "notes" / "Bad" / "loop.md"
    loop.symlink_to(loop)
    for args in (["check"], ["list"], ["list", "--json"], ["show", "notes/Bad/empty-file.md"]):
        run = subprocess.run(
            [sys.executable, "-m", "studycards", "--vault", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Traceback" not in run.stdout + run.stderr, args
        assert run.returncode in (0, 1), args
