"""Lossless frontmatter edits: only the touched key lines change, every other byte is kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studycards.notes._document import split_document
from studycards.notes._yaml import load_yaml
from studycards.notes.frontmatter_edit import update_bytes, update_text

D = dt.date(2025, 11, 2)


def test_quoted_date_keeps_its_quotes():
    text = "---\ncreated: '2025-10-19'\nnext_review: '2025-10-19'\n---\n# T\n"
    assert update_text(text, {"next_review": D}) == (
        "---\ncreated: '2025-10-19'\nnext_review: '2025-11-02'\n---\n# T\n"
    )


def test_double_quoted_date_keeps_its_quotes():
    text = '---\nnext_review: "2025-10-19"\n---\n'
    assert update_text(text, {"next_review": D}) == '---\nnext_review: "2025-11-02"\n---\n'


def test_bare_date_stays_bare():
    text = "---\ncreated: 2025-10-19\nnext_review: 2025-10-19\n---\n# T\n"
    assert update_text(text, {"next_review": D}) == (
        "---\ncreated: 2025-10-19\nnext_review: 2025-11-02\n---\n# T\n"
    )


@pytest.mark.parametrize(
    ("created", "written"),
    [
        ("'2025-10-19'", "'2025-11-02'"),
        ("2025-10-19", "2025-11-02"),
        ('"2025-10-19"', '"2025-11-02"'),
    ],
)
def test_null_date_takes_the_style_of_the_files_other_dates(created, written):
    text = f"---\ncreated: {created}\nlast_reviewed: null\n---\n"
    assert update_text(text, {"last_reviewed": D}) == (
        f"---\ncreated: {created}\nlast_reviewed: {written}\n---\n"
    )


def test_date_can_be_set_back_to_null():
    text = "---\nlast_reviewed: '2025-10-19'\n---\n"
    assert update_text(text, {"last_reviewed": None}) == "---\nlast_reviewed: null\n---\n"


def test_missing_key_is_appended_at_the_end_of_the_block():
    text = "---\ncreated: '2025-10-19'\n# keep me\nreview_count: 0\n---\n# T\n"
    assert update_text(text, {"review_count": 1, "id": "n-1", "next_review": D}) == (
        "---\ncreated: '2025-10-19'\n# keep me\nreview_count: 1\n"
        "id: n-1\nnext_review: '2025-11-02'\n---\n# T\n"
    )


def test_key_appended_to_an_empty_block():
    assert update_text("---\n---\nbody\n", {"review_count": 2}) == (
        "---\nreview_count: 2\n---\nbody\n"
    )


def test_crlf_is_kept():
    text = "---\r\ncreated: 2025-10-19\r\nreview_count: 0\r\n---\r\n# T\r\n\r\nbody\r\n"
    assert update_text(text, {"review_count": 1, "next_review": D}) == (
        "---\r\ncreated: 2025-10-19\r\nreview_count: 1\r\nnext_review: 2025-11-02\r\n"
        "---\r\n# T\r\n\r\nbody\r\n"
    )


def test_bom_is_kept():
    text = "\ufeff---\nreview_count: 0\n---\n# T\n"
    assert update_text(text, {"review_count": 1}) == "\ufeff---\nreview_count: 1\n---\n# T\n"


def test_bytes_keep_bom_and_crlf():
    raw = "\ufeff---\r\nmastery_level: 0.0\r\n---\r\n# 标题\r\n".encode()
    assert update_bytes(raw, {"mastery_level": 0.25}) == (
        "\ufeff---\r\nmastery_level: 0.25\r\n---\r\n# 标题\r\n".encode()
    )


@pytest.mark.parametrize(
    ("line", "updated"),
    [
        ("review_count: 3  # by hand", "review_count: 4  # by hand"),
        ("review_count: 3 # one space", "review_count: 4 # one space"),
        ("review_count: 3\t\t# tabs", "review_count: 4\t\t# tabs"),
        ("next_review: '2025-10-19'   # moved", "next_review: '2025-11-02'   # moved"),
        ("next_review: 2025-10-19 # 手动调整", "next_review: 2025-11-02 # 手动调整"),
        ("id: 'it''s' # quoted", "id: b # quoted"),
        ('id: "say \\"hi\\"" # escaped', "id: b # escaped"),
    ],
)
def test_trailing_comment_on_a_changed_line_is_kept(line, updated):
    key = line.split(":", 1)[0]
    value = {"review_count": 4, "id": "b"}.get(key, D)
    text = f"---\n{line}\ncreated: '2025-10-19'\n---\n"
    assert update_text(text, {key: value}) == f"---\n{updated}\ncreated: '2025-10-19'\n---\n"


def test_an_indented_comment_after_a_changed_key_is_kept():
    text = "---\nreview_count: 3\n  # why it is 3\n\nid: a\n---\n"
    assert update_text(text, {"review_count": 4}) == (
        "---\nreview_count: 4\n  # why it is 3\n\nid: a\n---\n"
    )


def test_a_hash_inside_a_value_is_not_a_comment():
    text = "---\nid: 'a # b'\n---\n"
    assert update_text(text, {"id": "c"}) == "---\nid: c\n---\n"


def test_no_frontmatter_gets_a_new_block():
    assert update_text("# T\n\nbody\n", {"next_review": D, "review_count": 0}) == (
        "---\nnext_review: '2025-11-02'\nreview_count: 0\n---\n# T\n\nbody\n"
    )


def test_no_frontmatter_new_block_keeps_bom_and_crlf():
    assert update_text("\ufeff# T\r\nbody\r\n", {"review_count": 1}) == (
        "\ufeff---\r\nreview_count: 1\r\n---\r\n# T\r\nbody\r\n"
    )


def test_list_value_and_its_continuation_lines_are_replaced():
    text = "---\ntags:\n- a\n- b\n\nreview_count: 0\n---\n"
    assert update_text(text, {"tags": ["x"]}) == "---\ntags:\n- x\n\nreview_count: 0\n---\n"


def test_nested_keys_are_not_top_level_keys():
    text = "---\nmeta:\n  review_count: 9\nreview_count: 0\n---\n"
    assert update_text(text, {"review_count": 1}) == (
        "---\nmeta:\n  review_count: 9\nreview_count: 1\n---\n"
    )


def test_a_commented_out_key_is_left_alone():
    text = "---\n# next_review: 2020-01-01\nnext_review: 2025-10-19\n---\n"
    assert update_text(text, {"next_review": D}) == (
        "---\n# next_review: 2020-01-01\nnext_review: 2025-11-02\n---\n"
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (0.25, "0.25"),
        (1.0, "1.0"),
        (0.0, "0.0"),
        (0.123456789, "0.123457"),
        (1e-05, "1.0e-05"),
        (1.5e-05, "1.5e-05"),
    ],
)
def test_mastery_floats_round_trip(value, written):
    new = update_text("---\nmastery_level: 0.5\n---\n", {"mastery_level": value})
    assert new == f"---\nmastery_level: {written}\n---\n"
    data = load_yaml(split_document(new).frontmatter)
    assert isinstance(data["mastery_level"], float)
    assert data["mastery_level"] == round(value, 6)


@pytest.mark.parametrize(
    "value",
    ["plain-id", "带中文的 id", "it's", "true", "null", "2025-10-19", "a: b", "# x", " padded "],
)
def test_id_strings_round_trip(value):
    new = update_text("---\nid: old\n---\n", {"id": value})
    assert load_yaml(split_document(new).frontmatter) == {"id": value}


# ---------------------------------------------------------------------------------------------
# Hypothesis: any frontmatter and body survive an update with only the touched keys changed.

SCHEDULER_KEYS = ("last_reviewed", "next_review", "review_count", "mastery_level", "id")

# Characters YAML accepts in a document, minus the ones it treats as line breaks.
_YAML_UNPRINTABLE = re.compile(
    "[^\x09\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)
any_char = st.characters(exclude_categories=("Cs",))
line_text = st.text(any_char, max_size=20).map(lambda s: _YAML_UNPRINTABLE.sub("", s))
comment = line_text.map(lambda s: "#" + s)
trailing_comment = st.one_of(
    st.just(""),
    st.tuples(st.sampled_from([" ", "  ", "\t", "   "]), comment).map("".join),
)
quote = st.sampled_from(["'", '"', ""])
dates = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
date_text = st.tuples(quote, dates).map(lambda qd: f"{qd[0]}{qd[1].isoformat()}{qd[0]}")


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


plain_word = st.from_regex(r"[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff_]{0,12}", fullmatch=True)
scalar_text = st.one_of(
    plain_word,
    line_text.map(single_quoted),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(0, 1).map(repr),
    st.sampled_from(["null", "~", "true", "false", "[]", "{}"]),
    date_text,
)
other_keys = st.lists(
    st.one_of(
        plain_word.map(lambda w: "x_" + w),
        st.sampled_from(["created", "difficulty", "tags", "title", "status", "globs"]),
    ),
    unique=True,
    max_size=5,
)
shapes = st.sampled_from(["scalar", "block_list", "flow_list", "map", "literal"])
scalar_lists = st.lists(scalar_text, min_size=1, max_size=3)
indents = st.sampled_from(["", "  "])
key_subsets = st.lists(st.sampled_from(SCHEDULER_KEYS), unique=True)
update_keys = key_subsets.filter(bool)
shuffles = st.randoms(use_true_random=False)
comment_count = st.integers(0, 3)
comment_leads = st.sampled_from(["", "\n", "  ", "\n  "])  # a blank line, an indent
newlines = st.sampled_from(["\n", "\r\n"])
boms = st.sampled_from(["", "\ufeff"])
bodies = st.text(max_size=60)

# The text of an existing value of each scheduler key, in the styles found in real notes.
OLD_VALUES = {
    "last_reviewed": st.one_of(st.just("null"), date_text),
    "next_review": date_text,
    "review_count": st.integers(0, 10_000).map(str),
    "mastery_level": st.one_of(st.floats(0, 1).map(lambda f: repr(round(f, 4))), st.just("0")),
    "id": st.one_of(plain_word, line_text.filter(str.strip).map(single_quoted)),
}
# The values a review writes.
NEW_VALUES = {
    "last_reviewed": st.one_of(st.none(), dates),
    "next_review": dates,
    "review_count": st.integers(0, 10**6),
    "mastery_level": st.floats(0, 1),
    "id": st.text(any_char, min_size=1, max_size=12),
}


def other_item(draw: st.DrawFn, key: str, nl: str) -> str:
    """A key that is not updated, with a value of any shape, as frontmatter text."""
    shape = draw(shapes)
    if shape == "scalar":
        return f"{key}: {draw(scalar_text)}{draw(trailing_comment)}{nl}"
    items = draw(scalar_lists)
    if shape == "block_list":
        indent = draw(indents)
        return f"{key}:{nl}" + "".join(f"{indent}- {item}{nl}" for item in items)
    if shape == "flow_list":
        return f"{key}: [{', '.join(items)}]{nl}"
    if shape == "map":
        return f"{key}:{nl}" + "".join(f"  k{n}: {item}{nl}" for n, item in enumerate(items))
    return f"{key}: |{nl}" + "".join(f"  x{draw(line_text)}{nl}" for _ in items)


Item = tuple[str | None, str, str]  # scheduler key or None, exact text, its trailing comment


@st.composite
def notes_and_updates(draw: st.DrawFn) -> tuple[str, list[Item], dict]:
    nl = draw(newlines)
    bom = draw(boms)
    items: list[Item] = []
    for key in draw(key_subsets):
        note = draw(trailing_comment)
        items.append((key, f"{key}: {draw(OLD_VALUES[key])}{note}{nl}", note))
    for key in draw(other_keys):
        items.append((None, other_item(draw, key, nl), ""))
    for _ in range(draw(comment_count)):
        lead = draw(comment_leads).replace("\n", nl)
        items.append((None, lead + draw(comment) + nl, ""))
    draw(shuffles).shuffle(items)
    body = draw(bodies)
    text = bom + "---" + nl + "".join(text for _, text, _ in items) + "---" + nl + body
    updates = draw(update_keys)
    return text, items, {key: draw(NEW_VALUES[key]) for key in updates}


def expected_yaml(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes_and_updates())
def test_update_changes_only_the_touched_lines(case):
    text, items, updates = case
    old = split_document(text)
    new_text = update_text(text, updates)
    new = split_document(new_text)
    nl = old.newline

    # Everything outside the frontmatter block is byte-identical.
    assert (new.bom, new.head, new.tail, new.body) == (old.bom, old.head, old.tail, old.body)

    # Each item is kept byte for byte, unless it is an updated key: then it is one new line.
    rest = new.frontmatter
    for key, item, note in items:
        if key in updates:
            line, sep, rest = rest.partition(nl)
            assert sep == nl and line.startswith(f"{key}: ") and "\n" not in line
            assert line.endswith(note)
        else:
            assert rest.startswith(item)
            rest = rest[len(item) :]

    # Keys that were missing are appended, one line each, in the order given.
    present = {key for key, _, _ in items}
    appended = [key for key in updates if key not in present]
    lines = rest.split(nl)
    assert lines[-1] == ""
    assert [line.split(":", 1)[0] for line in lines[:-1]] == appended

    # Re-parsing gives the new values and every other key unchanged.
    before = load_yaml(old.frontmatter) or {}
    after = load_yaml(new.frontmatter) or {}
    for key, value in updates.items():
        assert after[key] == expected_yaml(value)
    assert {k: v for k, v in after.items() if k not in updates} == {
        k: v for k, v in before.items() if k not in updates
    }


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80).filter(lambda s: not s.lstrip("\ufeff").startswith("---")), dates)
def test_note_without_frontmatter_keeps_its_body(body, day):
    new = update_text(body, {"next_review": day})
    doc = split_document(new)
    assert doc.body == body.removeprefix("\ufeff")
    assert load_yaml(doc.frontmatter) == {"next_review": day.isoformat()}
