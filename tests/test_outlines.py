"""Outlines: the heading/bullet tree, link resolution, dead links and the numbers per outline."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console

from studycards.errors import StudycardsError
from studycards.notes.summary import parse_summary
from studycards.notes.vault import open_vault, scan
from studycards.render.authoring import outline_view, outlines_table
from studycards.upkeep.outlines import (
    OutlineFile,
    find_outline,
    load_outline,
    load_outlines,
    note_path,
    notes_linked_by,
    outline_files,
    outline_stats,
    parse_outline,
)

TODAY = dt.date(2025, 11, 1)


def _note(next_review: str, mastery: float) -> str:
    return (
        f"---\nnext_review: '{next_review}'\nmastery_level: {mastery}\nreview_count: 1\n"
        "last_reviewed: '2025-10-01'\n---\n# x\n"
    )


OUTLINE = """---
kind: outline
---
# Attention review

Intro with a [web link](https://example.com/a.md) that is not a note.

## Basics
- [Seq2Seq](../notes/T/seq2seq.md)
  - why: the bottleneck
- Scoring: [additive](<../notes/A/additive attention.md>) vs [dot](/notes/A/dot.md "title")
  continued, see [mask](notes/A/mask.md#causal)

## Missing
1. [Gone](../notes/T/gone.md)
2. [Escape](../../outside.md)

```markdown
- [in code](../notes/T/code.md)
```

### Deeper
* [Seq2Seq again](../notes/T/seq2seq.md)
![picture](../notes/T/picture.md)
"""

FILES = {
    "notes/T/seq2seq.md": _note("2025-10-30", 0.5),
    "notes/A/additive attention.md": _note("2025-11-01", 0.25),
    "notes/A/dot.md": _note("2025-11-20", 0.75),
    "notes/A/mask.md": _note("2025-12-01", 1.0),
    "outlines/review.md": OUTLINE,
}


@pytest.fixture
def vault(make_vault):
    return open_vault(make_vault(FILES))


def _tree(items, depth=0):
    lines = []
    for item in items:
        links = ",".join(f"{link.rel}{'' if link.exists else '!'}" for link in item.links)
        lines.append(f"{'  ' * depth}{item.line}:{item.label}" + (f" -> {links}" if links else ""))
        lines.extend(_tree(item.children, depth + 1))
    return lines


def test_outline_follows_heading_and_bullet_nesting(vault):
    outline = load_outline(vault, "outlines/review.md")
    assert outline.title == "Attention review"
    assert _tree(outline.items) == [
        "8:Basics",
        "  9:Seq2Seq -> notes/T/seq2seq.md",
        "    10:why: the bottleneck",
        "  11:Scoring: additive vs dot -> notes/A/additive attention.md,notes/A/dot.md,"
        "notes/A/mask.md",
        "14:Missing",
        "  15:Gone -> notes/T/gone.md!",
        "  16:Escape -> None!",
        "  22:Deeper",
        "    23:Seq2Seq again -> notes/T/seq2seq.md",
    ]


def test_outline_dead_links_are_reported_with_their_lines(vault):
    outline = load_outline(vault, "outlines/review.md")
    assert [str(p) for p in outline.dead_link_problems()] == [
        "outlines/review.md:15: link to a missing note: ../notes/T/gone.md",
        "outlines/review.md:16: link to a missing note: ../../outside.md",
    ]
    assert outline.note_rels == [
        "notes/T/seq2seq.md",
        "notes/A/additive attention.md",
        "notes/A/dot.md",
        "notes/A/mask.md",
    ]


def test_outline_stats_count_each_note_once(vault):
    outline = load_outline(vault, "outlines/review.md")
    notes = {s.rel: s for s in scan(vault).summaries}
    stats = outline_stats(outline, notes, TODAY)
    assert stats.to_dict() == {
        "path": "outlines/review.md",
        "title": "Attention review",
        "notes": 4,
        "missing": 2,
        "due": 2,
        "mean_mastery": 0.62,
    }


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("../notes/a b.md", "../notes/a b.md"),
        ("../notes/a%20b.md#part", "../notes/a b.md"),
        ("<../x.md>", "../x.md"),
        ("https://example.com/x.md", None),
        ("mailto:me@example.com", None),
        ("picture.png", None),
        ("", None),
    ],
)
def test_note_path(target, expected):
    assert note_path(target) == expected


def test_outline_without_h1_takes_its_file_name(make_vault):
    vault = open_vault(make_vault({"outlines/sub/plan.md": "- [x](../../notes/x.md)\n"}))
    outline = load_outline(vault, "outlines/sub/plan.md")
    assert outline.title == "plan"
    assert [(link.rel, link.exists) for link in outline.links] == [("notes/x.md", False)]


def test_outline_files_and_find_outline(vault, make_vault):
    root = vault.root
    (root / "outlines" / "Inference plan.md").write_text("# Serving\n", encoding="utf-8")
    (root / "outlines" / ".hidden.md").write_text("# no\n", encoding="utf-8")
    assert outline_files(vault) == ["outlines/Inference plan.md", "outlines/review.md"]
    outlines = load_outlines(vault)
    for name in ("review", "review.md", "outlines/review.md", "attention review", "Attention"):
        assert find_outline(vault, outlines, name).rel == "outlines/review.md"
    assert find_outline(vault, outlines, "serving").rel == "outlines/Inference plan.md"
    with pytest.raises(StudycardsError) as caught:
        find_outline(vault, outlines, "e")
    assert str(caught.value).startswith("'e' matches 2 outlines: ")
    with pytest.raises(StudycardsError) as caught:
        find_outline(vault, outlines, "nothing")
    assert str(caught.value) == "no outline matches 'nothing' (try 'studycards outline')"


def test_a_vault_without_outlines(make_vault):
    vault = open_vault(make_vault({"notes/x.md": "# x\n"}))
    assert load_outlines(vault) == []


def test_notes_linked_by():
    def resolve(link):
        return link.target.removeprefix("../"), not link.target.endswith("gone.md")

    first = parse_outline(
        "- [a](../notes/a.md)\n- [g](../notes/gone.md)\n", "outlines/1.md", resolve
    )
    second = parse_outline("[a](../notes/a.md) and [b](../notes/b.md)\n", "outlines/2.md", resolve)
    assert notes_linked_by([first, second]) == {
        "notes/a.md": ("outlines/1.md", "outlines/2.md"),
        "notes/b.md": ("outlines/2.md",),
    }


def test_unreadable_outline_is_a_problem_not_a_crash(make_vault):
    vault = open_vault(make_vault({"outlines/bad.md": b"\xff\xfe# x\n", "notes/x.md": "# x\n"}))
    outline = load_outline(vault, "outlines/bad.md")
    assert [p.message for p in outline.problems] == ["UTF-16 text: save the note as UTF-8"]


def _render(renderable) -> str:
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(renderable)
    return out.getvalue()


def test_outline_view_renders_the_tree_with_mastery_due_and_dead_links(vault):
    outline = load_outline(vault, "outlines/review.md")
    notes = {s.rel: s for s in scan(vault).summaries}
    assert _render(outline_view(outline, notes, TODAY)) == (
        "Attention review  outlines/review.md\n"
        "├── Basics\n"
        "│   ├── Seq2Seq  mastery 0.50  2025-10-30 (2d late)\n"
        "│   │   └── why: the bottleneck\n"
        "│   └── Scoring: additive vs dot\n"
        "│       ├── additive  mastery 0.25  2025-11-01 (today)\n"
        "│       ├── dot  mastery 0.75  2025-11-20\n"
        "│       └── mask  mastery 1.00  2025-12-01\n"
        "└── Missing\n"
        "    ├── Gone  missing\n"
        "    ├── Escape  missing\n"
        "    └── Deeper\n"
        "        └── Seq2Seq again  mastery 0.50  2025-10-30 (2d late)\n"
        "\n"
        "Missing notes (2):\n"
        "outlines/review.md:15: ../notes/T/gone.md\n"
        "outlines/review.md:16: ../../outside.md\n"
    )


def test_outlines_table(vault):
    notes = {s.rel: s for s in scan(vault).summaries}
    rows = [outline_stats(o, notes, TODAY) for o in load_outlines(vault)]
    empty = outline_stats(OutlineFile("outlines/e.md", "Empty"), notes, TODAY)
    text = _render(outlines_table([*rows, empty]))
    assert "Attention review │     4 │       2 │   2 │    0.62" in text
    assert "Empty            │     0 │       0 │   0 │       -" in text


def test_broken_note_in_an_outline_is_marked(make_vault):
    files = {"notes/x.md": "---\ncreated: [\n---\n# x\n", "outlines/o.md": "- [x](../notes/x.md)\n"}
    vault = open_vault(make_vault(files))
    outline = load_outline(vault, "outlines/o.md")
    notes = {s.rel: s for s in scan(vault).summaries}
    assert "x  broken note: see 'studycards check'" in _render(outline_view(outline, notes, TODAY))
    assert parse_summary(files["notes/x.md"], "notes/x.md").broken
