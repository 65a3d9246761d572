"""The vault snapshot behind ``due``, ``list`` and ``stats``: a warm run gives exactly what a run
without any cache gives, and every change that matters (a grade, an undo, a reschedule, a hand
edit, a changed setting, a rewritten ledger) gives the fresh answer."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from conftest import BEAM_SEARCH, KV_CACHE, SEQ2SEQ, pin_clock
from synthetic_ledger import simulate_events, true_parameters

from studycards.notes.vault import open_vault
from studycards.scheduling import calibration, snapshot
from studycards.scheduling.snapshot import SNAPSHOT_NAME, vault_state

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=UTC)
CONFIG = "notes_dir: notes\nfuzz: false\ntimezone: UTC\n"


def _old(created: str, last: str, due: str, count: int, difficulty: str = "medium") -> str:
    return (
        f"---\ncreated: '{created}'\nlast_reviewed: '{last}'\nnext_review: '{due}'\n"
        f"review_count: {count}\ndifficulty: {difficulty}\nmastery_level: 0.5\n"
        "tags:\n- C++\n---\n# An old note\n\n## 面试标准答案\n\nText.\n"
    )


# Shapes real vaults have: old-scheme notes (migrated into memory states), paths with (), %
# and spaces, a tool file and a template in notes/, a broken note.
FILES = {
    "notes/C++/select()、poll()、epoll()的工作原理和区别.md": _old(
        "2025-09-01", "2025-10-20", "2025-11-03", 4
    ),
    "notes/C++/100% 覆盖 率.md": _old("2025-08-01", "2025-10-01", "2025-10-25", 6, "hard"),
    "notes/C++/._和->的区别.md": _old("2025-08-01", "2025-10-28", "2025-11-12", 2, "easy"),
    "notes/CLAUDE.md": "# instructions for a tool, not a note\n",
    "notes/_templates/note_template.md": "---\ncreated: {{DATE}}\n---\n# {{TITLE}}\n",
    "notes/Broken/bad.md": "---\ncreated: [unclosed\n---\n# Bad\n",
}


@pytest.fixture
def clock(monkeypatch):
    def pin(now: dt.datetime) -> dt.datetime:
        return pin_clock(monkeypatch, now)

    pin(NOW)
    return pin


@pytest.fixture
def root(make_vault, use_vault, clock) -> Path:
    return use_vault(make_vault(FILES, samples=True, config=CONFIG))


def _run(cli, *args: str) -> dict:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


COMMANDS = (("due",), ("due", "--all", "--order", "risk"), ("list", "--due"), ("stats",))


def _outputs(cli) -> list[dict]:
    calibration._KEPT.clear()  # as in a new process: what is kept on disk counts
    return [_run(cli, *command) for command in COMMANDS]


def _without_caches(root: Path, cli) -> list[dict]:
    """What the commands print with no cache at all (the ledger kept)."""
    state = root / ".studycards"
    for name in (SNAPSHOT_NAME, "index.sqlite", "activity.json", "replay.bin", "calibration.bin"):
        (state / name).unlink(missing_ok=True)
    calibration._KEPT.clear()
    return _outputs(cli)


def _assert_fresh(root: Path, cli) -> list[dict]:
    warm = _outputs(cli)
    assert warm == _without_caches(root, cli)
    return warm


def _due_of(data: dict, rel: str) -> str:
    return next(i["due"] for g in data["groups"].values() for i in g if i["path"] == rel)


def test_a_warm_run_prints_what_a_run_without_caches_prints(root, cli, monkeypatch):
    cold = _outputs(cli)
    assert (root / ".studycards" / SNAPSHOT_NAME).is_file()

    def no_rebuild(*_args):
        raise AssertionError("the snapshot should have been used")

    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "_build", no_rebuild)
        assert _outputs(cli) == cold  # served from the snapshot alone
    assert _without_caches(root, cli) == cold
    paths = {i["path"] for g in cold[0]["groups"].values() for i in g}
    assert "notes/C++/100% 覆盖 率.md" in paths and "notes/CLAUDE.md" not in paths
    assert not any(p.startswith("notes/Broken/") for p in paths)


def test_a_grade_an_undo_and_a_reschedule_give_fresh_answers(root, cli, clock):
    before = _outputs(cli)
    assert cli("grade", BEAM_SEARCH, "good").exit_code == 0
    after_grade = _assert_fresh(root, cli)
    assert after_grade[0]["done_today"] == before[0]["done_today"] + 1
    assert _due_of(after_grade[0], BEAM_SEARCH) != _due_of(before[0], BEAM_SEARCH)
    assert after_grade[3]["reviews"]["today"] == before[3]["reviews"]["today"] + 1
    assert cli("undo").exit_code == 0
    after_undo = _assert_fresh(root, cli)
    assert after_undo[0]["done_today"] == before[0]["done_today"]
    assert _due_of(after_undo[0], BEAM_SEARCH) == _due_of(before[0], BEAM_SEARCH)
    (root / "studycards.yaml").write_text(CONFIG + "desired_retention: 0.8\n", encoding="utf-8")
    assert cli("grade", KV_CACHE, "easy").exit_code == 0
    assert cli("reschedule").exit_code == 0
    _assert_fresh(root, cli)


def test_a_hand_edit_of_the_same_size_is_seen(root, cli):
    before = _outputs(cli)
    path = root / SEQ2SEQ
    text = path.read_text(encoding="utf-8")
    old_due = _due_of(before[0], SEQ2SEQ)
    new_due = "2026-01-15"
    assert len(old_due) == len(new_due) and old_due in text
    stat = path.stat()
    path.write_text(text.replace(old_due, new_due), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert path.stat().st_size == stat.st_size
    after = _assert_fresh(root, cli)
    assert _due_of(after[0], SEQ2SEQ) == new_due


def test_a_new_and_a_deleted_note_are_seen(root, cli):
    _outputs(cli)
    new = "notes/New/新笔记 (draft).md"
    (root / new).parent.mkdir()
    (root / new).write_text(_old("2025-10-01", "2025-10-02", "2025-10-30", 1), encoding="utf-8")
    (root / KV_CACHE).unlink()
    after = _assert_fresh(root, cli)
    paths = {i["path"] for g in after[0]["groups"].values() for i in g}
    assert new in paths and KV_CACHE not in paths


@pytest.mark.parametrize(
    ("setting", "changes"),
    [
        ("desired_retention: 0.8\n", True),
        ("new_per_day: 1\nreviews_per_day: 1\n", True),
        (
            "parameters: [0.3, 1.2, 2.8, 15.0, 7.2, 0.53, 1.46, 0.005, 1.55, 0.12, 1.0, 1.9,"
            " 0.11, 0.29, 2.27, 0.23, 2.99, 0.52, 0.66, 0.1, 0.15]\n",
            True,
        ),
        ("day_starts_at: 0\n", False),
        ("scheduler: retention\n", False),
        ("maximum_interval: 30\n", False),
    ],
)
def test_a_changed_setting_gives_the_fresh_answer(root, cli, setting, changes):
    assert cli("grade", BEAM_SEARCH, "good").exit_code == 0
    before = _outputs(cli)
    (root / "studycards.yaml").write_text(CONFIG + setting, encoding="utf-8")
    after = _assert_fresh(root, cli)
    assert (after != before) is changes


def test_a_changed_retention_changes_migrated_memory(root, cli):
    before = _outputs(cli)
    (root / "studycards.yaml").write_text(CONFIG + "desired_retention: 0.75\n", encoding="utf-8")
    after = _assert_fresh(root, cli)
    rel = "notes/C++/100% 覆盖 率.md"
    recall = [
        next(i["recall_today"] for i in data[0]["groups"]["overdue"] if i["path"] == rel)
        for data in (before, after)
    ]
    assert recall[0] != recall[1]


def test_a_ledger_rewritten_rather_than_appended_is_read_again(root, cli):
    assert cli("grade", BEAM_SEARCH, "good").exit_code == 0
    assert cli("grade", KV_CACHE, "again").exit_code == 0
    assert _outputs(cli)[0]["done_today"] == 2
    ledger = root / ".studycards" / "reviews.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    stat = ledger.stat()
    ledger.write_bytes(lines[0])  # as a merge or a hand edit might leave it
    os.utime(ledger, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = _assert_fresh(root, cli)
    assert after[0]["done_today"] < 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a snapshot", b"\xe3\x00\x00\x00", None],
    ids=["empty", "garbage", "truncated", "truncated-real"],
)
def test_a_damaged_snapshot_means_no_snapshot(root, cli, damage):
    cold = _outputs(cli)
    path = root / ".studycards" / SNAPSHOT_NAME
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage is None else damage)
    assert _outputs(cli) == cold
    assert _outputs(cli) == cold  # and it was written again


def test_a_snapshot_that_is_a_symlink_is_not_read(root, cli, tmp_path):
    cold = _outputs(cli)
    path = root / ".studycards" / SNAPSHOT_NAME
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    (root / SEQ2SEQ).unlink()  # the snapshot outside now describes another vault
    after = _outputs(cli)
    assert after != cold and after == _without_caches(root, cli)
    assert elsewhere.read_bytes() != b""


def test_a_note_written_while_the_snapshot_was_made_is_seen_next_time(root, monkeypatch):
    vault = open_vault(root)
    real = snapshot._build
    late = root / "notes" / "Late" / "late.md"

    def build_then_edit(*args):
        made = real(*args)
        late.parent.mkdir()
        late.write_text("# Late\n", encoding="utf-8")
        return made

    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "_build", build_then_edit)
        first = vault_state(vault)
    assert not any(n.rel == "notes/Late/late.md" for n in first.scan.notes)
    assert any(n.rel == "notes/Late/late.md" for n in vault_state(vault).scan.notes)


def test_a_snapshot_that_cannot_be_written_still_answers(root, cli, monkeypatch):
    cold = _outputs(cli)
    (root / ".studycards" / SNAPSHOT_NAME).unlink()

    def disk_full(path, data):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("studycards._atomic.atomic_write", disk_full)
    assert _outputs(cli) == cold
    assert not (root / ".studycards" / SNAPSHOT_NAME).exists()


def test_the_kept_calibration_follows_the_ledger_and_the_settings(root, cli, monkeypatch):
    events = simulate_events(true_parameters(), cards=60, days=200, seed=5)
    ledger = root / ".studycards" / "reviews.jsonl"
    ledger.parent.mkdir(exist_ok=True)
    ledger.write_text("".join(e.to_json() + "\n" for e in events[:-40]), encoding="utf-8")
    first = _assert_fresh(root, cli)[3]["calibration"]
    assert first["reviews"] > 100 and (root / ".studycards" / "calibration.bin").is_file()
    with monkeypatch.context() as patched:
        patched.setattr(calibration, "predictions", lambda *a: pytest.fail("not kept"))
        assert _outputs(cli)[3]["calibration"] == first
    with ledger.open("a", encoding="utf-8") as handle:
        handle.writelines(e.to_json() + "\n" for e in events[-40:])
    second = _assert_fresh(root, cli)[3]["calibration"]
    assert second["reviews"] > first["reviews"]
    (root / "studycards.yaml").write_text(
        CONFIG + "parameters: [0.3, 1.2, 2.8, 15.0, 7.2, 0.53, 1.46, 0.005, 1.55, 0.12, 1.0, 1.9,"
        " 0.11, 0.29, 2.27, 0.23, 2.99, 0.52, 0.66, 0.1, 0.15]\n",
        encoding="utf-8",
    )
    third = _assert_fresh(root, cli)[3]["calibration"]
    assert third["reviews"] == second["reviews"] and third["predicted"] != second["predicted"]


def test_warnings_about_broken_notes_and_ledger_lines_are_the_same_warm(root, cli):
    assert cli("grade", BEAM_SEARCH, "good").exit_code == 0
    ledger = root / ".studycards" / "reviews.jsonl"
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    runs = [(cli("due", "--json").stderr, cli("list", "--due").stderr) for _ in range(2)]
    assert runs[0] == runs[1]
    due_warnings, list_warnings = runs[1]
    assert f"{ledger}:" in due_warnings and "not a JSON event" in due_warnings
    assert "notes/Broken/bad.md" in list_warnings


@pytest.mark.parametrize("field", ["title", "stability"])
def test_a_snapshot_with_values_studycards_never_writes_is_made_again(root, cli, field):
    import marshal

    cold = _outputs(cli)
    path = root / ".studycards" / SNAPSHOT_NAME
    version, key, rows, states, counts, notices = marshal.loads(path.read_bytes())
    if field == "title":
        rows = (rows[0][:1] + (7,) + rows[0][2:], *rows[1:])
    else:
        rel = next(r for r, s in states.items() if s is not None)
        states = {**states, rel: (float("nan"), 5.0, states[rel][2])}
    path.write_bytes(marshal.dumps((version, key, rows, states, counts, notices)))
    assert _outputs(cli) == cold


def test_the_snapshot_stores_each_summary_as_the_index_does(root):
    from studycards.notes.vault import scan

    summaries = scan(open_vault(root)).summaries
    assert any(s.problems for s in summaries) and any(s.next_review for s in summaries)
    assert [snapshot._row(s) for s in summaries] == [s.to_row() for s in summaries]
