"""Anki both ways, checked with Anki's own library (the ``anki`` package) as the client."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studycards.cli import app
from studycards.notes.vault import open_vault, scan
from studycards.progress.anki import export_anki
from studycards.progress.anki_import import import_anki
from studycards.scheduling.grading import grade_note
from studycards.scheduling.schedule import Rating

anki_collection = pytest.importorskip("anki.collection")
CardAnswer = pytest.importorskip("anki.scheduler.v3").CardAnswer

REPO = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def vault(tmp_path):
    root = tmp_path / "vault"
    shutil.copytree(REPO / "notes", root / "notes")
    (root / "studycards.yaml").write_text("timezone: UTC\nfuzz: false\n", encoding="utf-8")
    return open_vault(root)


_LOGGED = "select count() from revlog where cid = ?"


def _collection(folder: Path):
    return anki_collection.Collection(str(folder / "collection.anki2"))


def _import_into_anki(package: Path, folder: Path):
    col = _collection(folder)
    options = anki_collection.ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
    col.import_anki_package(
        anki_collection.ImportAnkiPackageRequest(package_path=str(package), options=options)
    )
    return col


def _ledger(vault) -> list[dict]:
    text = (vault.state_dir / "reviews.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _rels(vault) -> list[str]:
    return [s.rel for s in scan(vault).summaries]


def test_export_carries_schedule_memory_and_history_into_anki(vault, tmp_path):
    first, second = _rels(vault)[:2]
    grade_note(vault, first, Rating.GOOD, NOW - dt.timedelta(days=10), duration=8)
    grade_note(vault, first, Rating.AGAIN, NOW - dt.timedelta(days=2))
    grade_note(vault, second, Rating.EASY, NOW - dt.timedelta(days=1))
    package = tmp_path / "out.apkg"
    result = export_anki(vault, package, NOW)
    assert result.scheduled >= 2

    col = _import_into_anki(package, tmp_path)
    assert col.note_count() == result.notes + result.followups  # follow-ups are cards too
    assert col.card_count() == result.notes + result.followups
    review_ids = col.find_cards("is:review")
    assert len(review_ids) == result.scheduled
    assert all(col.get_card(cid).memory_state is not None for cid in review_ids)
    revlog = col.db.all("select cid, ease, time from revlog order by id")
    assert [row[1] for row in revlog] == [3, 1, 4]
    assert revlog[0][2] == 8000
    deck = col.decks.id("studycards::" + first.split("/")[1])
    options = col.decks.config_dict_for_deck_id(deck)
    assert len(options["fsrsParams6"]) == 21
    assert options["desiredRetention"] == 0.9
    # The card's due day in Anki is the note's next review.
    ledger = _ledger(vault)
    due = dt.date.fromisoformat([e for e in ledger if e["kind"] == "review"][1]["due"])
    card = col.get_card(revlog[1][0])
    assert card.due - col.sched.today == (due - NOW.date()).days


def test_a_first_grade_does_not_duplicate_the_card_on_reexport(vault, tmp_path):
    rel = next(s.rel for s in scan(vault).summaries if not s.id)
    export_anki(vault, tmp_path / "before.apkg", NOW)
    grade_note(vault, rel, Rating.GOOD, NOW)
    export_anki(vault, tmp_path / "after.apkg", NOW)
    col = _import_into_anki(tmp_path / "before.apkg", tmp_path)
    count = col.note_count()
    options = anki_collection.ImportAnkiPackageOptions(with_scheduling=True)
    col.import_anki_package(
        anki_collection.ImportAnkiPackageRequest(
            package_path=str(tmp_path / "after.apkg"), options=options
        )
    )
    assert col.note_count() == count


def _anki_deck_with_reviews(folder: Path, legacy: bool) -> Path:
    """A collection made by Anki itself: three notes (one with an image), two reviewed."""
    col = _collection(folder)
    col.set_config("fsrs", True)
    deck = col.decks.id("Interview::Networking")
    model = col.models.by_name("Basic")
    (Path(col.media.dir()) / "tcp.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    for front, back in [
        ("TCP three-way handshake", "<b>SYN</b>, SYN-ACK, ACK<br>then data"),
        ("为什么需要TIME_WAIT", "<div>保证最后的ACK到达</div><img src='tcp.png'>"),
        ("UDP vs TCP", "<ul><li>no connection</li><li>no ordering</li></ul>"),
    ]:
        note = col.new_note(model)
        note["Front"], note["Back"] = front, back
        note.tags = ["net::tcp"]
        col.add_note(note, deck)
    col.decks.select(deck)
    for rating in (CardAnswer.GOOD, CardAnswer.AGAIN):
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=rating)
        )
    out = folder / ("deck-legacy.apkg" if legacy else "deck.apkg")
    options = anki_collection.ExportAnkiPackageOptions(
        with_scheduling=True, with_media=True, legacy=legacy
    )
    col.export_anki_package(
        out_path=str(out), options=options, limit=anki_collection.DeckIdLimit(deck)
    )
    col.close()
    return out


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
def test_import_anki_makes_notes_and_ledger_reviews(vault, tmp_path, legacy):
    package = _anki_deck_with_reviews(tmp_path, legacy)
    before = len(_rels(vault))
    result = import_anki(vault, package, NOW)
    assert len(result.created) == 3 and result.reviews == 2 and result.media == 1
    rels = set(_rels(vault)) - set(_rels(open_vault(REPO)))
    assert len(_rels(vault)) == before + 3
    handshake = vault.root / "notes/Networking/TCP three-way handshake.md"
    text = handshake.read_text(encoding="utf-8")
    assert "**SYN**, SYN-ACK, ACK\nthen data" in text
    assert "anki_guid:" in text
    chinese = (vault.root / "notes/Networking/为什么需要TIME_WAIT.md").read_text(encoding="utf-8")
    assert "## 面试标准答案" in chinese and "![](media/tcp.png)" in chinese
    assert (vault.root / "notes/Networking/media/tcp.png").read_bytes().startswith(b"\x89PNG")
    events = _ledger(vault)
    assert [e["rating"] for e in events] == [3, 1]
    assert all(e["reason"].startswith("anki revlog ") for e in events)
    assert rels  # the new notes are listed by the scan
    reviewed = [s for s in scan(vault).summaries if s.review_count]
    counts = [s.review_count for s in reviewed if s.rel.startswith("notes/Networking")]
    assert counts == [1, 1]  # Anki showed a second new card after the first Good

    files = {p: p.read_bytes() for p in vault.root.rglob("*") if p.is_file()}
    again = import_anki(vault, package, NOW)
    assert (again.created, again.updated, again.reviews) == ([], [], 0)
    assert {p: p.read_bytes() for p in vault.root.rglob("*") if p.is_file()} == files
    assert len(_rels(vault)) == before + 3


def test_reimport_updates_a_changed_note_but_keeps_an_edited_one(vault, tmp_path):
    package = _anki_deck_with_reviews(tmp_path, legacy=False)
    import_anki(vault, package, NOW)
    col = _collection(tmp_path)
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        note["Back"] = note["Back"] + "<br>(revised)"
        col.update_note(note)
    out = tmp_path / "revised.apkg"
    col.export_anki_package(
        out_path=str(out),
        options=anki_collection.ExportAnkiPackageOptions(with_scheduling=True),
        limit=anki_collection.DeckIdLimit(col.decks.id("Interview::Networking")),
    )
    edited = vault.root / "notes/Networking/UDP vs TCP.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nmy own line\n", encoding="utf-8")
    result = import_anki(vault, out, NOW)
    assert len(result.updated) == 2
    assert result.kept == ["notes/Networking/UDP vs TCP.md"]
    assert "my own line" in edited.read_text(encoding="utf-8")
    assert "(revised)" in (vault.root / "notes/Networking/TCP three-way handshake.md").read_text(
        encoding="utf-8"
    )
    forced = import_anki(vault, out, NOW, force=True)
    assert forced.updated == ["notes/Networking/UDP vs TCP.md"]


def test_reviews_done_in_anki_come_back_to_the_exported_note(vault, tmp_path):
    rel = _rels(vault)[0]
    grade_note(vault, rel, Rating.GOOD, NOW - dt.timedelta(days=5))
    export_anki(vault, tmp_path / "out.apkg", NOW - dt.timedelta(days=4))
    col = _import_into_anki(tmp_path / "out.apkg", tmp_path)
    (cid,) = [c for c in col.find_cards("is:review") if col.db.scalar(_LOGGED, c)]
    col.sched.set_due_date([cid], "0")
    col.decks.select(col.get_card(cid).did)
    while (queued := col.sched.get_queued_cards().cards[0]).card.id != cid:
        col.sched.bury_cards([queued.card.id])  # study only the note studycards reviewed
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answer_card(
        col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.HARD)
    )
    phone = tmp_path / "phone.apkg"
    col.export_anki_package(
        out_path=str(phone),
        options=anki_collection.ExportAnkiPackageOptions(with_scheduling=True),
        limit=anki_collection.DeckIdLimit(card.did),
    )
    before = len(_rels(vault))
    result = import_anki(vault, phone, NOW)
    assert result.created == [] and result.reviews == 1
    assert len(_rels(vault)) == before
    events = _ledger(vault)
    reviews = [e for e in events if e["kind"] == "review"]
    assert [e["rating"] for e in reviews] == [3, 2]
    assert len({e["note"] for e in reviews}) == 1
    assert import_anki(vault, phone, NOW).reviews == 0


def test_cli_import_reports_and_refuses_a_non_package(vault, tmp_path):
    package = _anki_deck_with_reviews(tmp_path, legacy=False)
    runner = CliRunner()
    ok = runner.invoke(app, ["--vault", str(vault.root), "import", "anki", str(package)])
    assert ok.exit_code == 0, ok.output
    assert "3 new notes, 0 updated, 2 reviews, 1 media files" in ok.output
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"not a zip")
    failed = runner.invoke(app, ["--vault", str(vault.root), "import", "anki", str(bad)])
    assert failed.exit_code == 1
    assert "cannot read the Anki package" in failed.output
