"""Export: an Anki package (a zip holding a SQLite collection) and a CSV table."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM

from studycards.errors import StudycardsError
from studycards.notes.vault import open_vault
from studycards.progress import export as export_module
from studycards.progress.anki import anki_tag, deck_name, export_anki, stable_id
from studycards.progress.card_html import card_html
from studycards.progress.export import CSV_COLUMNS, export_csv, read_notes

NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
UNSAFE = "notes/Web/unsafe.md"
UNSAFE_NOTE = """---
id: sc_0123456789ab
difficulty: medium
tags: [Web dev, Web dev/unsafe.md]
---
# Is <b>bold</b> & safe?

## Short answer

Never trust <script>alert(1)</script> in input; see [x](javascript:alert(1)) & **escape** it.
"""
BROKEN = "notes/Web/broken.md"


@pytest.fixture
def root(make_vault) -> Path:
    return make_vault({UNSAFE: UNSAFE_NOTE, BROKEN: "---\ntags: [x\n---\n# B\n"}, samples=True)


def collection(apkg: Path, tmp_path: Path, media: int = 0) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        names = [str(n) for n in range(media)]
        assert sorted(archive.namelist()) == sorted(["collection.anki2", "media", *names])
        if not media:
            assert archive.read("media") == b"{}"
        archive.extract("collection.anki2", tmp_path / "unzipped")
    return sqlite3.connect(tmp_path / "unzipped" / "collection.anki2")


def notes_by_source(db: sqlite3.Connection) -> dict[str, tuple[str, str, list[str], str]]:
    """Source path -> (front, back, tags, guid) of each note's own card (follow-ups left out)."""
    rows = {}
    for guid, tags, fields in db.execute("SELECT guid, tags, flds FROM notes"):
        front, back, source, _more = fields.split("\x1f")
        if 'class="followup"' not in front:
            rows[source] = (front, back, tags.split(), guid)
    return rows


def followup_cards(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(source, front, back) of every follow-up card."""
    found = []
    for (fields,) in db.execute("SELECT flds FROM notes ORDER BY sfld"):
        front, back, source, _more = fields.split("\x1f")
        if 'class="followup"' in front:
            found.append((source, front, back))
    return found


def deck_names(db: sqlite3.Connection) -> dict[int, str]:
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    return {int(k): v["name"] for k, v in decks.items()}


# ---------------------------------------------------------------------------------------------
# Anki


def test_anki_package_holds_one_card_per_note_in_topic_decks(root, tmp_path):
    out = tmp_path / "study.apkg"
    result = export_anki(open_vault(root), out, NOW)
    assert (result.notes, result.followups, result.decks) == (6, 5, 5)
    assert [p.path for p in result.skipped] == [BROKEN]
    db = collection(out, tmp_path)
    assert db.execute("SELECT count(*) FROM notes").fetchone() == (11,)
    assert db.execute("SELECT count(*) FROM cards").fetchone() == (11,)
    names = deck_names(db)
    expected = {f"studycards::{t}" for t in ("Attention", "Coding", "Inference", "Transformer")}
    assert expected | {"studycards::Web"} <= set(names.values())
    used = {names[did] for (did,) in db.execute("SELECT DISTINCT did FROM cards")}
    assert used == expected | {"studycards::Web"}
    assert {stable_id(n) for n in used} == {d for d, n in names.items() if n in used}


def test_anki_fields_tags_and_answer_html(root, tmp_path):
    out = tmp_path / "study.apkg"
    export_anki(open_vault(root), out, NOW)
    rows = notes_by_source(collection(out, tmp_path))
    front, back, tags, _ = rows[MULTI_HEAD]
    assert front == '<div class="title">多头注意力为什么有效</div>'
    assert back.startswith("<p>多头注意力把Q、K、V投影到多个子空间")
    assert tags == ["Attention", "面试高频"]  # the per-note Attention/多头注意力.md tag left out
    front, back, _, _ = rows[TWO_SUM]
    assert "找出和为 target 的两个数的下标" in front  # a coding note shows its problem
    assert (
        back
        == "<p>遍历数组，对每个数查哈希表里有没有 target 减去它，有就返回，没有就把它存进去。</p>\n"
    )
    assert "<strong>信息瓶颈</strong>" in rows[SEQ2SEQ][1]


def test_anki_escapes_html_from_notes(root, tmp_path):
    out = tmp_path / "study.apkg"
    export_anki(open_vault(root), out, NOW)
    front, back, tags, _ = notes_by_source(collection(out, tmp_path))[UNSAFE]
    assert front == '<div class="title">Is &lt;b&gt;bold&lt;/b&gt; &amp; safe?</div>'
    assert "<script>" not in back and "&lt;script&gt;alert(1)&lt;/script&gt;" in back
    assert "href" not in back  # a javascript: link stays text
    assert "<strong>escape</strong>" in back
    assert tags == ["Web_dev"]


def test_reexport_keeps_guids_and_ids(root, tmp_path):
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_anki(open_vault(root), first, NOW)
    export_anki(open_vault(root), second, NOW + dt.timedelta(days=3))
    one = notes_by_source(collection(first, tmp_path / "1"))
    two = notes_by_source(collection(second, tmp_path / "2"))
    assert {k: v[3] for k, v in one.items()} == {k: v[3] for k, v in two.items()}
    assert len({v[3] for v in one.values()}) == 6


def test_guid_follows_the_note_id_across_a_rename(root, tmp_path):
    export_anki(open_vault(root), tmp_path / "a.apkg", NOW)
    (root / UNSAFE).rename(root / "notes/Web/renamed.md")
    export_anki(open_vault(root), tmp_path / "b.apkg", NOW)
    before = notes_by_source(collection(tmp_path / "a.apkg", tmp_path / "1"))[UNSAFE][3]
    after = notes_by_source(collection(tmp_path / "b.apkg", tmp_path / "2"))
    assert after["notes/Web/renamed.md"][3] == before


def test_names_and_tags_map_to_anki_rules():
    assert deck_name("Attention") == "studycards::Attention"
    assert deck_name("") == "studycards"
    assert anki_tag("Topic/a b\tc.md") == "Topic::a_b_c.md"
    assert stable_id("studycards::X") == stable_id("studycards::X")
    assert 1 << 30 <= stable_id("studycards::X") < 1 << 31


def test_existing_file_is_kept_unless_forced(root, tmp_path):
    out = tmp_path / "study.apkg"
    out.write_bytes(b"mine")
    with pytest.raises(StudycardsError) as caught:
        export_anki(open_vault(root), out, NOW)
    assert str(caught.value) == f"{out} already exists: pass --force to replace it"
    assert out.read_bytes() == b"mine"
    export_anki(open_vault(root), out, NOW, force=True)
    assert zipfile.is_zipfile(out)


def test_missing_folder_is_an_error(root, tmp_path):
    out = tmp_path / "nope" / "study.apkg"
    with pytest.raises(StudycardsError) as caught:
        export_anki(open_vault(root), out, NOW)
    assert str(caught.value) == f"no folder {out.parent} to write study.apkg into"


def test_parallel_read_keeps_path_order(root, monkeypatch):
    vault = open_vault(root)
    monkeypatch.setattr("studycards._parallel.PARALLEL_FROM", 10**9)
    serial = read_notes(vault)
    monkeypatch.setattr("studycards._parallel.PARALLEL_FROM", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    assert read_notes(vault) == serial
    assert [n.summary.rel for n in serial[0]] == sorted(n.summary.rel for n in serial[0])


def _contents(db: sqlite3.Connection) -> tuple:
    notes = sorted(db.execute("SELECT guid, flds, tags FROM notes"))
    cards = sorted(
        db.execute(
            "SELECT n.guid, c.type, c.queue, c.due, c.ivl, c.reps, c.lapses, c.data"
            " FROM cards c JOIN notes n ON c.nid = n.id"
        )
    )
    decks = sorted(json.loads(db.execute("SELECT decks FROM col").fetchone()[0]))
    return notes, cards, decks, db.execute("SELECT count(*) FROM revlog").fetchone()


def test_exports_stream_in_chunks_without_changing_a_byte_of_what_they_hold(
    root, tmp_path, monkeypatch
):
    """A big vault is read and written a chunk of notes at a time: the chunk boundaries (here
    every two notes) change nothing in either file, and the broken note is still reported."""
    vault = open_vault(root)
    whole = export_anki(vault, tmp_path / "whole.apkg", NOW)
    export_csv(vault, tmp_path / "whole.csv")
    monkeypatch.setattr("studycards.progress.export.CHUNK", 2)
    monkeypatch.setattr("studycards.progress.anki.CHUNK", 2)
    parsed = []
    real = export_module._parse_all
    monkeypatch.setattr(
        export_module, "_parse_all", lambda v, rels: parsed.append(rels) or real(v, rels)
    )
    chunked = export_anki(vault, tmp_path / "chunked.apkg", NOW)
    small = export_csv(vault, tmp_path / "chunked.csv")
    assert chunked == whole.__class__(**{**whole.__dict__, "path": tmp_path / "chunked.apkg"})
    assert (small.notes, [p.path for p in small.skipped]) == (6, [BROKEN])
    assert (tmp_path / "chunked.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    one = _contents(collection(tmp_path / "whole.apkg", tmp_path / "a"))
    two = _contents(collection(tmp_path / "chunked.apkg", tmp_path / "b"))
    assert one == two and len(one[0]) == 11
    assert max(len(rels) for rels in parsed) == 2 and len(parsed) == 2 * 4  # 7 notes, twice


# ---------------------------------------------------------------------------------------------
# CSV


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_round_trips(root, tmp_path):
    out = tmp_path / "notes.csv"
    result = export_csv(open_vault(root), out)
    assert result.notes == 6
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfpath,title,")
    rows = read_csv(out)
    assert list(rows[0]) == list(CSV_COLUMNS)
    by_path = {row["path"]: row for row in rows if row["card"] == "note"}
    assert sorted(by_path) == sorted([KV_CACHE, MULTI_HEAD, SEQ2SEQ, TWO_SUM, UNSAFE, BEAM_SEARCH])
    assert by_path[KV_CACHE] == {
        "path": KV_CACHE,
        "title": "What does the KV cache store?",
        "topic": "Inference",
        "difficulty": "medium",
        "tags": "Inference",
        "review_count": "5",
        "mastery_level": "0.9",
        "last_reviewed": "2025-10-28",
        "next_review": "2025-12-01",
        "short_answer": "During autoregressive decoding the keys and values of every past token "
        "are kept, so each new\ntoken computes only its own query, key and value instead of "
        "re-running the whole prefix.",
        "card": "note",
        "question": "What does the KV cache store?",
    }
    assert by_path[SEQ2SEQ]["last_reviewed"] == ""
    assert by_path[UNSAFE]["short_answer"].startswith("Never trust <script>")


def test_csv_refuses_to_overwrite(root, tmp_path):
    out = tmp_path / "notes.csv"
    export_csv(open_vault(root), out)
    first = out.read_bytes()
    with pytest.raises(StudycardsError):
        export_csv(open_vault(root), out)
    (root / KV_CACHE).unlink()
    export_csv(open_vault(root), out, force=True)
    assert out.read_bytes() != first and len(read_csv(out)) == 5 + 3  # KV_CACHE had 2 follow-ups


# ---------------------------------------------------------------------------------------------
# CLI


def test_cli_export_anki_and_csv(cli, use_vault, root, tmp_path):
    use_vault(root)
    out = tmp_path / "s.apkg"
    result = cli("export", "anki", str(out))
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout
        == f"wrote {out}: 6 notes and 5 follow-ups in 5 decks, 4 with their schedule\n"
    )
    assert result.stderr.startswith(f"warning: skipped {BROKEN}:")
    again = cli("export", "anki", str(out))
    assert again.exit_code == 1
    assert again.stderr == f"error: {out} already exists: pass --force to replace it\n"
    assert cli("export", "anki", str(out), "--force").exit_code == 0
    table = tmp_path / "s.csv"
    result = cli("export", "csv", str(table))
    assert result.exit_code == 0 and result.stdout == f"wrote {table}: 6 notes and 5 follow-ups\n"
    assert len(read_csv(table)) == 11
    result = cli("export", "csv", str(table), "--force", "--no-followups")
    assert result.stdout == f"wrote {table}: 6 notes\n"
    assert len(read_csv(table)) == 6


def test_cli_export_help_lists_both_formats(cli):
    result = cli("export", "--help")
    assert result.exit_code == 0
    assert "anki" in result.stdout and "csv" in result.stdout


# ---------------------------------------------------------------------------------------------
# the whole card: follow-ups, maths, the note's opening, images


def test_follow_ups_are_cards_of_their_own_with_the_review_sessions_ids(root, tmp_path):
    import genanki

    from studycards.review.session_backend import followup_card_id

    out = tmp_path / "study.apkg"
    export_anki(open_vault(root), out, NOW)
    db = collection(out, tmp_path)
    cards = [c for c in followup_cards(db) if c[0] == SEQ2SEQ]
    assert len(cards) == 2
    source, front, back = next(c for c in cards if "梯度消失" in c[1])
    assert front.startswith('<div class="followup">Seq2Seq模型中注意力的引入动机 · follow-up</div>')
    assert back == "<p>建立解码器与编码器所有位置的直接连接，梯度路径长度为1。</p>\n"
    guids = {g for (g,) in db.execute("SELECT guid FROM notes")}
    wanted = followup_card_id(SEQ2SEQ, "注意力机制如何解决梯度消失问题？")
    assert genanki.guid_for(wanted) in guids


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("$a_i * b_j * c$", '<p><span class="math inline">\\(a_i * b_j * c\\)</span></p>\n'),
        ("公式 $$\\sum_{i} x_i * y_i$$ 结束", '<p>公式 <div class="math inline">\\[\\sum_{i} x_i * y_i\\]</div> 结束</p>\n'),
        ("$$\nQ K^T / \\sqrt{d_k} < 1\n$$", '<div class="math block">\n\\[Q K^T / \\sqrt{d_k} &lt; 1\\]\n</div>\n'),
        ("价格 $5 和 $6，*强调*", "<p>价格 $5 和 $6，<em>强调</em></p>\n"),
        ("`$x_1$` 是代码", "<p><code>$x_1$</code> 是代码</p>\n"),
    ],
)  # fmt: skip
def test_maths_becomes_mathjax_without_emphasis_inside(markdown, html):
    assert card_html(markdown) == html


OPENING_NOTE = """---
tags: [网络编程, 网络编程/DPDK为什么快.md]
---
# DPDK为什么快

DPDK快的根本原因是内核旁路：$O(1)$ 的轮询代替中断。

![架构](<images/dpdk arch.png>)

## 原理

![队列](<images/ring (1).png>) 和 ![外链](https://example.com/x.png) 和 ![越界](../../../etc/passwd)
"""


def test_a_note_without_an_answer_heading_exports_its_opening_and_images(make_vault, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    root = make_vault(
        {
            "notes/网络编程/DPDK为什么快.md": OPENING_NOTE,
            "notes/网络编程/images/dpdk arch.png": png,
            "notes/网络编程/images/ring (1).png": png + b"1",
        }
    )
    out = tmp_path / "s.apkg"
    result = export_anki(open_vault(root), out, NOW)
    assert result.media == 2
    with zipfile.ZipFile(out) as archive:
        media = json.loads(archive.read("media"))
        assert sorted(archive.read(n) for n in media) == [png, png + b"1"]
    names = sorted(media.values())
    assert [n.split("-", 2)[2] for n in names] == ["dpdk arch.png", "ring (1).png"]
    db = collection(out, tmp_path, media=2)
    (fields,) = db.execute("SELECT flds FROM notes").fetchone()
    front, back, source, more = fields.split("\x1f")
    assert back.startswith(
        '<p>DPDK快的根本原因是内核旁路：<span class="math inline">\\(O(1)\\)</span> 的轮询代替中断。</p>'
    )
    arch = next(n for n in names if n.endswith("dpdk arch.png"))
    ring = next(n for n in names if n.endswith("ring (1).png"))
    assert f'src="{arch}"' in back
    assert f'src="{ring}"' in more and 'src="https://example.com/x.png"' in more
    assert 'src="../../../etc/passwd"' in more  # outside the vault: left alone, not packaged
    csv_out = tmp_path / "s.csv"
    export_csv(open_vault(root), csv_out)
    (row,) = read_csv(csv_out)
    assert row["short_answer"].startswith("DPDK快的根本原因是内核旁路")
    assert row["tags"] == "网络编程"
