"""``studycards import anki``: an Anki deck or collection into the vault.

Each Anki note becomes a Markdown note (front as title and question, back as the short answer,
HTML as Markdown, media copied beside it) carrying its Anki GUID as ``anki_guid``, and each
review in Anki's log a review event in the ledger, so the scheduler and ``optimize`` learn from
the person's Anki history at once. A note already in the vault (imported before, or exported by
studycards and studied in Anki) is matched by GUID: only reviews the ledger lacks are added,
and its text is replaced only when Anki's changed and the note was not edited since the last
import (or with ``force``). Notes are written before the ledger, so a crash leaves at most
reviews to add on the next import, never a review without its note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from studycards._atomic import atomic_create
from studycards.lock import vault_lock
from studycards.notes.frontmatter_edit import update_text
from studycards.notes.note import FollowUp
from studycards.notes.vault import Vault
from studycards.progress._html_md import html_to_markdown, html_to_text
from studycards.progress.anki_package import PackageNote, Review, read_package
from studycards.progress.anki_schedule import read_scheduling
from studycards.scheduling.events import Event, parse_stamp
from studycards.scheduling.grading import _review_event, ensure_note_id
from studycards.scheduling.history import migrated_state, replay
from studycards.scheduling.schedule import MemoryState, Rating, grade, mastery
from studycards.scheduling.writes import (
    ledger_of,
    local_day,
    new_note_id,
    read_note_file,
    settings_of,
    write_note,
)
from studycards.upkeep.authoring import existing_topic, safe_name, yaml_string

REVLOG_REASON = "anki revlog "
_CJK = re.compile(r"[\u3400-\u9fff]")
_BODY_HASH = re.compile(r"^anki_body:[ \t]*['\"]?([0-9a-f]+)", re.MULTILINE)


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in studycards since: not replaced
    reviews: int = 0
    media: int = 0


@dataclass(frozen=True)
class _Known:
    """A vault note an Anki note may be: its path, id and text hash at the last import."""

    rel: str
    id: str | None
    body_hash: str
    followup: FollowUp | None = None  # set when this is one of the note's follow-ups


def import_anki(
    vault: Vault, path: Path, now: dt.datetime, topic: str | None = None, force: bool = False
) -> ImportResult:
    """Import ``path`` (``.apkg`` or ``.colpkg``); see the module docstring."""
    package = read_package(path)
    result = ImportResult()
    with vault_lock(vault.state_dir):
        known = _known_notes(vault, now)
        ledger = ledger_of(vault)
        events = ledger.read().events
        imported = {e.reason for e in events if e.reason and e.reason.startswith(REVLOG_REASON)}
        seconds = _review_seconds(events)
        for note in package.notes:
            match = known.get(note.guid)
            fresh = [
                r
                for r in note.reviews
                if REVLOG_REASON + str(r.id) not in imported
                and (match is None or (r.id // 1000) not in seconds.get(match.id or "", ()))
            ]
            if match is None:
                rel = _create(vault, note, fresh, package.media, topic, now, result)
                match = _Known(rel, read_note_file(vault, rel).summary.id, "")
                known[note.guid] = match
            else:
                _refresh(vault, note, match, package.media, force, result)
            result.reviews += _log_reviews(vault, ledger, match, fresh, now)
    return result


def _known_notes(vault: Vault, now: dt.datetime) -> dict[str, _Known]:
    """Vault cards by the GUID they have (``anki_guid``) or that an export gives them: each
    note's own, and each of its follow-ups'."""
    from studycards.progress.anki import followup_guid, note_guid
    from studycards.progress.export import read_notes

    scheduling = read_scheduling(vault, now)
    found = {}
    for note in read_notes(vault)[0]:
        summary = note.summary
        body = (
            _BODY_HASH.search(read_note_file(vault, summary.rel).text) if note.anki_guid else None
        )
        found[note_guid(note, scheduling)] = _Known(
            summary.rel, summary.id, body.group(1) if body else ""
        )
        for followup in note.followups:
            found[followup_guid(note, followup, scheduling)] = _Known(
                summary.rel, summary.id, "", followup
            )
    return found


def _review_seconds(events: list[Event]) -> dict[str, set[int]]:
    """The seconds at which each note was reviewed: an exported review coming back matches."""
    found: dict[str, set[int]] = {}
    for event in events:
        if event.kind == "review":
            found.setdefault(event.note, set()).add(int(parse_stamp(event.ts).timestamp()))
    return found


# ---------------------------------------------------------------------------------------------
# notes


def _parts(note: PackageNote) -> tuple[str, str, str]:
    """Title, question (the front beyond the title) and answer, as Markdown."""
    values = list(note.fields.values())
    front = html_to_markdown(note.fields.get("Front", values[0] if values else ""))
    back_html = note.fields.get("Back", values[1] if len(values) > 1 else "")
    title = html_to_text(front.split("\n\n", 1)[0]) or note.guid
    question = front.split("\n\n", 1)[1] if "\n\n" in front else ""
    return title[:120], question, html_to_markdown(back_html)


def _body(note: PackageNote, media: dict[str, str]) -> str:
    title, question, answer = _parts(note)
    chinese = bool(_CJK.search(title + answer))
    lines = [f"# {title}", ""]
    if question:
        lines += ["## 题目描述" if chinese else "## Question", "", question, ""]
    lines += ["## 面试标准答案" if chinese else "## Short answer", "", answer or "-", ""]
    text = "\n".join(lines)
    for old, new in media.items():
        text = text.replace(f"]({old})", f"]({new})")
    return text


def _hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _topic(note: PackageNote, topic: str | None) -> str:
    if topic:
        return topic
    parts = [p for p in note.deck.split("::") if p and p != "studycards"]
    return parts[-1] if parts else "Anki"


def _create(
    vault: Vault,
    note: PackageNote,
    reviews: list[Review],
    media: dict[str, bytes],
    topic: str | None,
    now: dt.datetime,
    result: ImportResult,
) -> str:
    """Write the note (with an empty schedule: the reviews fill it in) and its media."""
    folder_name = existing_topic(vault, _topic(note, topic))
    title = _parts(note)[0]
    folder = vault.notes_dir / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    names = _copy_media(folder, note, media, result)
    body = _body(note, names)
    created = dt.datetime.fromtimestamp(
        (reviews[0].id / 1000) if reviews else note.modified, dt.timezone.utc
    )
    day = local_day(vault, created).isoformat()
    tags = [t.replace("::", "/") for t in note.tags]
    head = [
        "---",
        f"created: '{day}'",
        "last_reviewed: null",
        f"next_review: '{local_day(vault, now).isoformat()}'",
        "review_count: 0",
        "difficulty: medium",
        "mastery_level: 0.0",
        "tags:",
        *[f"- {yaml_string(t)}" for t in [folder_name, *tags]],
        "related_outlines: []",
        f"id: {new_note_id()}",
        f"anki_guid: {yaml_string(note.guid)}",
        f"anki_body: {_hash(body)}",
        "---",
        "",
    ]
    text = "\n".join(head) + body
    base = safe_name(title)
    for attempt in range(100):
        name = base if attempt == 0 else f"{base} ({attempt + 1})"
        rel = f"{vault.config.notes_dir}/{folder_name}/{name}.md"
        if atomic_create(vault.path_of(rel), text.encode("utf-8")):
            result.created.append(rel)
            return rel
    raise FileExistsError(rel)


def _copy_media(
    folder: Path, note: PackageNote, media: dict[str, bytes], result: ImportResult
) -> dict[str, str]:
    """Media the note names, copied to ``TOPIC/media/``; a different file of the same name is
    kept and the new one gets its hash in its name. Returns old name -> link."""
    links = {}
    text = " ".join(note.fields.values())
    for name, data in media.items():
        if f'src="{name}"' not in text and f"src='{name}'" not in text:
            continue
        stem, dot, ext = name.rpartition(".")
        target = folder / "media" / name
        if target.exists() and target.read_bytes() != data:
            digest = hashlib.sha256(data).hexdigest()[:8]
            target = target.with_name(f"{stem or ext}-{digest}{dot}{ext if stem else ''}")
        target.parent.mkdir(exist_ok=True)
        if not target.exists():
            atomic_create(target, data)
            result.media += 1
        link = f"media/{target.name}"
        links[name] = f"<{link}>" if re.search(r"[\s()<>]", link) else link
    return links


def _refresh(
    vault: Vault,
    note: PackageNote,
    known: _Known,
    media: dict[str, bytes],
    force: bool,
    result: ImportResult,
) -> None:
    """Replace an imported note's text with Anki's when it changed there and not here."""
    if not known.body_hash or known.followup:
        return  # a card of studycards' own: its text lives here, only reviews come back
    current = read_note_file(vault, known.rel)
    body_start = current.text.find("\n---", 4) + 5
    here = current.text[body_start:].lstrip("\n")
    names = _copy_media(vault.path_of(known.rel).parent, note, media, result)
    theirs = _body(note, names)
    if _hash(theirs) == known.body_hash or theirs == here:
        return
    if _hash(here) != known.body_hash and not force:
        result.kept.append(known.rel)
        return
    head = update_text(current.text[:body_start], {"anki_body": _hash(theirs)})
    write_note(current, head + theirs)
    result.updated.append(known.rel)


# ---------------------------------------------------------------------------------------------
# reviews


def _log_reviews(
    vault: Vault, ledger, known: _Known, reviews: list[Review], now: dt.datetime
) -> int:
    """Append the reviews as ledger events, then write the note's projection (a follow-up's
    state lives only in the ledger)."""
    if not reviews:
        return 0
    if known.followup is not None:  # its card id needs the note's id
        card = known.followup.card_id(ensure_note_id(vault, known.rel))
    note = read_note_file(vault, known.rel)
    if known.followup is None:
        card = note.summary.id or new_note_id()
    settings = settings_of(vault)
    history = replay_state(ledger, card)
    state = history or (None if known.followup else migrated_state(note.summary, settings))
    events = []
    for review in reviews:
        when = dt.datetime.fromtimestamp(review.id / 1000, dt.timezone.utc)
        day = local_day(vault, when)
        outcome = grade(card, state, Rating(review.ease), day, settings)
        state = outcome.state
        event = _review_event(card, note, when, day, outcome, review.time_ms / 1000, None)
        note_id = note.summary.id if known.followup else card
        events.append(replace(event, note=note_id, reason=REVLOG_REASON + str(review.id)))
    ledger.append(events)
    if known.followup:
        return len(events)
    last = events[-1]
    updates = {
        "last_reviewed": last.day_date,
        "next_review": last.due_date,
        "review_count": note.summary.review_count + len(events),
        "mastery_level": mastery(state, local_day(vault, now), settings.parameters),
    }
    if not note.summary.id:
        updates["id"] = card
    write_note(note, update_text(note.text, updates))
    return len(events)


def replay_state(ledger, card: str) -> MemoryState | None:
    history = replay(ledger.read().events).get(card)
    return history.state if history else None
