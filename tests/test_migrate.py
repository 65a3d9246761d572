"""``studycards migrate`` and the old scripts' checklist, on a vault in the old tool's shape.

``tests/fixtures/oldvault`` is laid out as the old scripts leave a vault: ``config/kb_config.yaml``,
``config/gamification/{topics,streak}.yaml``, a Chinese ``reviewsToday.md`` with numbered lines,
``[x]`` and ``[✓]`` boxes, indented ``- 已复习`` lines and paths with ``()``, ``%``, spaces and
full-width punctuation left unencoded, ``reviewsArchived/``, and a tool file in ``notes/``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from studycards.notes.config import load_config
from studycards.notes.vault import open_vault
from studycards.scheduling.writes import ledger_of

OLD_VAULT = Path(__file__).parent / "fixtures" / "oldvault"
TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
SELECT = "notes/C++/select()、poll()、epoll()的工作原理和区别.md"
MHA = "notes/Transformer/多头注意力（MHA）的作用.md"
COVERAGE = "notes/Python/100% 覆盖率 测试.md"


@pytest.fixture
def old(tmp_path: Path, use_vault, monkeypatch) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(OLD_VAULT, root)
    monkeypatch.setattr("studycards.scheduling.clock.now_in", lambda _zone: NOW)
    monkeypatch.setattr("studycards.scheduling.clock.today_in", lambda *_: TODAY)
    return use_vault(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def notes_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k.startswith("notes/")}


def test_migrate_writes_settings_record_and_attributes_and_no_note(cli, old):
    before = snapshot(old)
    result = cli("migrate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "wrote studycards.yaml: notes_dir, outlines_dir, checklist_max_overdue, "
        "checklist_max_today, checklist_max_week, order, order_weights, new_order, link_top_k, "
        "checklist_language",
        "recorded 4 notes' 10 earlier reviews, 6 study days and 800 XP in 3 topics in "
        ".studycards/imported.json",
        "added to .gitattributes: .studycards/reviews.jsonl merge=union; "
        "notes/**/*.md merge=studycards-note",
    ]
    assert "next: reviewsToday.md has 3 ticked boxes: run 'studycards sync' to log them" in (
        result.stdout
    )
    after = snapshot(old)
    assert notes_of(after) == notes_of(before)
    assert after["reviewsToday.md"] == before["reviewsToday.md"]
    config = load_config(old)
    assert (config.checklist_max_overdue, config.checklist_max_today) == (20, 15)
    assert config.checklist_max_week == 50
    assert config.order == "weighted" and config.new_order == "newest"
    assert config.order_weights == {
        "created_new": 0.4,
        "review_count": 0.3,
        "difficulty_easy": 0.2,
        "tags_count": 0.1,
    }
    assert config.checklist_language == "zh" and config.link_top_k == 3
    text = (old / "studycards.yaml").read_text(encoding="utf-8")
    assert "# from config/kb_config.yaml daily_review.max_today (0 = no cap)\n" in text
    assert "similarity_threshold 0.15" in text and "medium [1, 2, 5, 10, 21, 45]" in text
    record = json.loads((old / ".studycards" / "imported.json").read_text(encoding="utf-8"))
    assert record["notes"][SELECT] == {"review_count": 3, "last_reviewed": "2026-11-27"}
    assert record["topics"]["Transformer"]["xp_history"] == {"2026-11-24": 50, "2026-11-28": 600}
    assert record["streak"]["history"][-1] == "2026-11-30"
    ignore = (old / ".studycards" / ".gitignore").read_text(encoding="utf-8")
    assert "!imported.json" in ignore.splitlines()


def test_migrate_twice_changes_nothing(cli, old):
    cli("migrate")
    first = snapshot(old)
    result = cli("migrate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == [
        "kept studycards.yaml: it sets every migrated key",
        "kept .studycards/imported.json (already made)",
        "kept .gitattributes: it has studycards' merge rules",
    ]
    assert snapshot(old) == first


def test_migrate_keeps_a_persons_own_settings(cli, old):
    (old / "studycards.yaml").write_text("# mine\norder: risk\n", encoding="utf-8")
    (old / ".gitattributes").write_text("*.png binary", encoding="utf-8")
    result = cli("migrate")
    assert result.exit_code == 0
    assert "kept your own order in studycards.yaml" in result.stdout
    text = (old / "studycards.yaml").read_text(encoding="utf-8")
    assert text.startswith("# mine\norder: risk\n\n# --- migrated")
    assert load_config(old).order == "risk" and load_config(old).new_order == "newest"
    assert (old / ".gitattributes").read_text(encoding="utf-8").startswith("*.png binary\n")


def test_stats_continue_the_old_totals_streak_and_xp(cli, old):
    cli("migrate")
    data = json.loads(cli("stats", "--json").stdout)
    assert data["reviews"]["total"] == 10
    assert data["streak"] == {"current": 4, "longest": 4}
    xp = {row["topic"]: row["xp"] for row in data["topics"]}
    assert (xp["C++"], xp["Python"], xp["Transformer"]) == (120, 30, 650)
    assert data["imported"] == {"migrated": "2026-12-01", "reviews": 10, "study_days": 6, "xp": 800}
    cli("grade", SELECT, "good")
    data = json.loads(cli("stats", "--json").stdout)
    assert data["reviews"]["total"] == 11 and data["reviews"]["today"] == 1
    assert data["streak"] == {"current": 5, "longest": 5}
    assert {row["topic"]: row["xp"] for row in data["topics"]}["C++"] == 130


def test_bad_old_file_is_named_with_its_line_and_nothing_is_written(cli, old):
    (old / "config" / "gamification" / "streak.yaml").write_text(
        "total_days: 5\nhistory: [unclosed\n", encoding="utf-8"
    )
    before = snapshot(old)
    result = cli("migrate")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "config/gamification/streak.yaml:" in line
    assert line.endswith(": nothing was changed")
    assert snapshot(old) == before


def test_migrate_where_there_is_nothing_to_migrate(cli, make_vault):
    root = make_vault()
    result = cli("migrate", str(root))
    assert result.exit_code == 1
    assert "no files of the old scripts here" in result.stderr


# ---------------------------------------------------------------------------------------------
# the old checklist


def test_sync_reads_the_old_checklist_and_reports_what_it_cannot_log(cli, old):
    before = (old / "reviewsToday.md").read_text(encoding="utf-8")
    result = cli("sync")
    assert result.exit_code == 1
    assert result.stderr == "reviewsToday.md:15: no note at notes/Old/已删除的笔记.md\n"
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{SELECT}: good -> next review ")
    assert lines[1].startswith(f"{MHA}: hard -> next review ")
    assert lines[2] == "logged 2 reviews; 1 line left ticked"
    events = ledger_of(open_vault(old)).read().events
    assert [(e.path, e.rating) for e in events if e.kind == "review"] == [(SELECT, 3), (MHA, 2)]
    after = (old / "reviewsToday.md").read_text(encoding="utf-8")
    assert after == before.replace(
        f"**1.** - [x] [select()、poll()、epoll()的工作原理和区别]({SELECT})",
        f"**1.** - [✓] [select()、poll()、epoll()的工作原理和区别]({SELECT}) (good)",
    ).replace(
        f"- [x] [多头注意力（MHA）的作用]({MHA}) (hard)",
        f"- [✓] [多头注意力（MHA）的作用]({MHA}) (hard)",
    )
    assert "**4.** - [x] [已删除的笔记](notes/Old/已删除的笔记.md)" in after  # left ticked
    assert cli("sync").stdout.splitlines()[-1] == "logged 0 reviews; 1 line left ticked"


def test_a_percent_path_written_unencoded_is_found(cli, old):
    text = f"**1.** - [x] [100% 覆盖率 测试]({COVERAGE})\n  - 已复习: 1次 | 难度: easy\n"
    (old / "reviewsToday.md").write_text(text, encoding="utf-8")
    result = cli("sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(f"{COVERAGE}: good -> ")


def test_today_writes_chinese_archives_yesterday_and_keeps_what_was_done(cli, old):
    cli("migrate")
    cli("sync")
    old_file = (old / "reviewsToday.md").read_bytes()
    (old / "reviewsToday.md").write_bytes(old_file.replace(b"**4.** - [x]", b"**4.** - [ ]"))
    result = cli("today")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "archived the previous checklist to reviewsArchived/reviewsToday-2026-11-30.md"
    )
    archived = old / "reviewsArchived" / "reviewsToday-2026-11-30.md"
    assert archived.read_bytes() == old_file.replace(b"**4.** - [x]", b"**4.** - [ ]")
    assert (old / "reviewsArchived" / "2026-11-29.md").is_file()
    text = (old / "reviewsToday.md").read_text(encoding="utf-8")
    assert text.startswith("# 📚 今日复习 - 2026-12-01\n")
    for heading in (
        "## 🔴 已过期（优先复习）",
        "## ⭐ reviewsToday",
        "## 📅 本周计划",
        "## 统计概览",
    ):
        assert f"\n{heading}\n" in text
    assert "(good)\n" in text.split("## ✅ 今日已完成")[1].split("##")[0]
    assert "- ✅ 今日已复习: 2\n" in text
    assert "  - 已复习: 4次 | 难度: medium | 到期: 2026-12-04\n" in text
    again = cli("today")  # the same day: rewritten in place, nothing archived again
    assert "archived" not in again.stdout
    assert sorted(p.name for p in (old / "reviewsArchived").iterdir()) == [
        "2026-11-29.md",
        "reviewsToday-2026-11-30.md",
    ]


def test_archive_can_be_turned_off(cli, old):
    (old / "studycards.yaml").write_text("checklist_archive: null\n", encoding="utf-8")
    text = (old / "reviewsToday.md").read_text(encoding="utf-8").replace("[x]", "[ ]")
    (old / "reviewsToday.md").write_text(text, encoding="utf-8")
    assert cli("today").exit_code == 0
    assert sorted(p.name for p in (old / "reviewsArchived").iterdir()) == ["2026-11-29.md"]


def test_caps_cut_sections_and_say_so(cli, old):
    (old / "studycards.yaml").write_text(
        "checklist_language: en\nchecklist_max_overdue: 1\n", encoding="utf-8"
    )
    (old / "reviewsToday.md").unlink()
    assert cli("today").exit_code == 0
    text = (old / "reviewsToday.md").read_text(encoding="utf-8")
    overdue = text.split("## Overdue\n")[1].split("## ")[0]
    assert overdue.count("- [ ] ") == 1
    assert "more not listed (checklist_max_overdue: 1 in studycards.yaml)._" in overdue


def test_today_never_says_nothing_due_while_limits_cut(cli, old):
    (old / "studycards.yaml").write_text(
        "checklist_language: en\nnew_per_day: 0\nreviews_per_day: 1\n", encoding="utf-8"
    )
    (old / "reviewsToday.md").unlink()
    assert cli("today").exit_code == 0
    text = (old / "reviewsToday.md").read_text(encoding="utf-8")
    today = text.split("## Today\n")[1].split("## ")[0]
    assert "Nothing due today" not in today
    assert "_Daily limits reached: " in today


def test_today_says_how_many_lines_the_caps_listed(cli, old):
    (old / "studycards.yaml").write_text("checklist_max_overdue: 1\n", encoding="utf-8")
    (old / "reviewsToday.md").unlink()
    result = cli("today")
    assert result.stdout.splitlines()[0].startswith("wrote reviewsToday.md: 1 of ")
