"""The note merge: review keys settled (the later review's, both machines' counts), the rest
merged by git, a person's conflicts kept with their markers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studycards.notes.merge import merge_texts, resolve_markers

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

HEAD = "---\ncreated: '2026-10-01'\n"
BODY = "---\n# Title\n\n## 面试标准答案\n\nThe answer.\n"


def note(last: str | None, due: str, count: int, mastery: float, body: str = BODY, id_=True) -> str:
    last_line = "null" if last is None else f"'{last}'"
    lines = [
        f"last_reviewed: {last_line}\n",
        f"next_review: '{due}'\n",
        f"review_count: {count}\n",
        "difficulty: medium\n",
        f"mastery_level: {mastery}\n",
    ]
    if id_:
        lines.append("id: sc_0123456789ab\n")
    return HEAD + "".join(lines) + body


BASE = note("2026-11-20", "2026-11-29", 3, 0.4, id_=False)


def test_the_later_review_wins_and_counts_add_up():
    ours = note("2026-12-01", "2026-12-10", 4, 0.6)
    theirs = note("2026-12-02", "2026-12-20", 4, 0.7)
    merged, conflicts = merge_texts(BASE, ours, theirs)
    assert conflicts == 0
    assert merged == note("2026-12-02", "2026-12-20", 5, 0.7)
    merged, conflicts = merge_texts(BASE, theirs, ours)  # whichever side is "ours"
    assert (merged, conflicts) == (note("2026-12-02", "2026-12-20", 5, 0.7), 0)


def test_a_review_on_one_side_and_an_edit_on_the_other_merge():
    ours = note("2026-12-01", "2026-12-10", 4, 0.6)
    theirs = BASE.replace("The answer.", "A better answer.")
    merged, conflicts = merge_texts(BASE, ours, theirs)
    assert conflicts == 0
    assert merged == ours.replace("The answer.", "A better answer.")


def test_a_body_conflict_keeps_its_markers():
    ours = note("2026-12-01", "2026-12-10", 4, 0.6, BODY.replace("The answer.", "Mine."))
    theirs = note("2026-12-02", "2026-12-20", 4, 0.7, BODY.replace("The answer.", "Theirs."))
    merged, conflicts = merge_texts(BASE, ours, theirs)
    assert conflicts == 1
    assert merged.startswith(HEAD + "last_reviewed: '2026-12-02'\n")
    assert "<<<<<<< ours\nMine.\n=======\nTheirs.\n>>>>>>> theirs\n" in merged


def test_markers_in_the_review_keys_are_settled_and_others_kept():
    text = (
        HEAD
        + "<<<<<<< HEAD\nlast_reviewed: '2026-12-01'\nnext_review: '2026-12-10'\n"
        + "=======\nlast_reviewed: '2026-12-02'\nnext_review: '2026-12-20'\n>>>>>>> x\n"
        + "review_count: 4\n---\n# T\n\n<<<<<<< HEAD\nMine.\n=======\nTheirs.\n>>>>>>> x\n"
    )
    resolved = resolve_markers(text)
    assert resolved is not None and resolved.settled == 1
    assert resolved.text.startswith(
        HEAD + "last_reviewed: '2026-12-02'\nnext_review: '2026-12-20'\nreview_count: 4\n---\n"
    )
    assert resolved.left == (9,)
    assert resolved.text.splitlines()[8] == "<<<<<<< HEAD"


def test_a_conflict_in_another_key_is_the_persons():
    text = HEAD + "<<<<<<< HEAD\ndifficulty: easy\n=======\ndifficulty: hard\n>>>>>>> x\n---\n"
    resolved = resolve_markers(text)
    assert resolved is not None and resolved.settled == 0 and resolved.left == (3,)
    assert resolved.text == text


def test_the_driver_command_reports_conflicts(cli, tmp_path: Path):
    files = {}
    for name, text in (
        ("base", BASE),
        ("ours", note("2026-12-01", "2026-12-10", 4, 0.6, BODY.replace("The answer.", "A."))),
        ("theirs", note("2026-12-02", "2026-12-20", 4, 0.7, BODY.replace("The answer.", "B."))),
    ):
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8")
    result = cli("merge-note", str(files["base"]), str(files["ours"]), str(files["theirs"]), "n.md")
    assert result.exit_code == 1
    assert result.stderr == "n.md: 1 conflict(s) left for you to resolve\n"
    assert "review_count: 5\n" in files["ours"].read_text(encoding="utf-8")
