"""What an Anki package carries of each note's schedule: the card's type, queue, due day and
interval, its FSRS memory state (in the card's ``data``, as Anki 23.10+ keeps it), one revlog
row per review in the ledger, and the FSRS parameters and desired retention as deck options.

The GUID of a note's Anki note is fixed the first time anything knows the note: an
``anki_guid`` in its frontmatter (a note imported from Anki); for a note that a grade gave its
``id``, the path it had then; else its ``id``; else its path. So the id a first grade adds does
not make a second copy, and a note that had an id follows it across renames.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.note import NoteSummary
from studycards.notes.vault import Vault
from studycards.scheduling.clock import zone
from studycards.scheduling.events import Event, parse_stamp
from studycards.scheduling.history import CardHistory, migrated_state, replay
from studycards.scheduling.schedule import MemoryState, Settings, default_parameters
from studycards.scheduling.writes import ledger_of, settings_of

# Anki's card states (cards.type / cards.queue) and revlog kinds.
NEW, REVIEW = 0, 2
LEARN_LOG, REVIEW_LOG = 0, 1
_MAX_DURATION_MS = 60_000  # Anki caps a logged answer time at a minute by default


@dataclass(frozen=True)
class CardSchedule:
    """One note's schedule as Anki stores it."""

    state: MemoryState
    due: dt.date
    interval: int
    reviews: int
    lapses: int
    last_review: dt.datetime | None
    events: tuple[Event, ...]
    migrated: bool = False  # began from the old scheme's state: no learning step in Anki


@dataclass(frozen=True)
class Scheduling:
    """Everything the ledger says that an export carries: per note id and first paths."""

    cards: dict[str, CardHistory]
    first_paths: dict[str, str]
    settings: Settings
    today: dt.date
    timezone: str


def read_scheduling(vault: Vault, now: dt.datetime) -> Scheduling:
    events = ledger_of(vault).read().events
    first: dict[str, str] = {}  # notes given their id by a grade: the path they had then
    for event in events:
        if event.prev is not None and "id" in event.prev and event.prev["id"] is None:
            first.setdefault(event.note, event.path)
    today = now.astimezone(zone(vault.config.timezone)).date()
    return Scheduling(replay(events), first, settings_of(vault), today, vault.config.timezone)


def anki_guid_of(frontmatter: str | None) -> str:
    """The ``anki_guid`` a note imported from Anki keeps in its frontmatter, else ``""``."""
    if not frontmatter or "anki_guid:" not in frontmatter:
        return ""
    try:
        data = load_yaml(frontmatter)
    except (YAMLError, ValueError):
        return ""
    guid = data.get("anki_guid") if isinstance(data, dict) else None
    return str(guid) if isinstance(guid, (str, int)) and str(guid) else ""


def guid_source(summary: NoteSummary, scheduling: Scheduling | None) -> str:
    """What a note's GUID is made from, unless it has an ``anki_guid`` (module docstring)."""
    if scheduling is not None and summary.id and summary.id in scheduling.first_paths:
        return scheduling.first_paths[summary.id]
    return summary.id or summary.rel


def history_schedule(history: CardHistory | None, review_count: int = 0) -> CardSchedule | None:
    """A card's schedule from its ledger history (``None`` when it was never scheduled)."""
    if history is None or history.state is None or history.due is None:
        return None
    reviews = [e for e in history.events if e.kind == "review"]
    last = parse_stamp(reviews[-1].ts) if reviews else None
    interval = reviews[-1].interval if reviews and reviews[-1].interval else 1
    return CardSchedule(
        history.state,
        history.due,
        max(1, interval),
        max(history.reviews, review_count),
        history.lapses,
        last,
        tuple(reviews),
        any(e.kind == "import" for e in history.events),
    )


def card_schedule(summary: NoteSummary, scheduling: Scheduling) -> CardSchedule | None:
    """The note's schedule from its ledger history, else migrated from the old fields."""
    history = scheduling.cards.get(summary.id) if summary.id else None
    found = history_schedule(history, summary.review_count)
    if found is not None:
        return found
    migrated = migrated_state(summary, scheduling.settings)
    if migrated is None or summary.next_review is None or summary.last_reviewed is None:
        return None
    interval = max(1, (summary.next_review - summary.last_reviewed).days)
    return CardSchedule(migrated, summary.next_review, interval, summary.review_count, 0, None, ())


def card_data(schedule: CardSchedule, settings: Settings) -> str:
    """The card's ``data`` JSON: FSRS stability, difficulty, desired retention, decay."""
    parameters = list(settings.parameters or default_parameters())
    data: dict[str, object] = {
        "s": round(schedule.state.stability, 4),
        "d": round(schedule.state.difficulty, 3),
        "dr": settings.desired_retention,
    }
    if len(parameters) >= 21:
        data["decay"] = round(parameters[20], 4)
    if schedule.last_review is not None:
        data["lrt"] = int(schedule.last_review.timestamp())
    return json.dumps(data, separators=(",", ":"))


def revlog_rows(card_id: int, schedule: CardSchedule, taken: set[int]) -> list[tuple[int, ...]]:
    """(id, cid, usn, ease, ivl, lastIvl, factor, time, type) per review. An id is the review's
    time in ms, moved on by a millisecond while ``taken`` (the package's ids so far) has it."""
    rows, last_interval, last_id = [], 0, 0
    for index, event in enumerate(schedule.events):
        row_id = max(int(parse_stamp(event.ts).timestamp() * 1000), last_id + 1)
        while row_id in taken:
            row_id += 1
        taken.add(row_id)
        interval = event.interval or 0
        duration = min(_MAX_DURATION_MS, int((event.duration or 0) * 1000))
        kind = LEARN_LOG if index == 0 and not schedule.migrated else REVIEW_LOG
        factor = int(round((event.difficulty or 0) * 100))
        rows.append(
            (
                row_id,
                card_id,
                -1,
                event.rating or 3,
                interval,
                last_interval,
                factor,
                duration,
                kind,
            )
        )
        last_interval, last_id = interval, row_id
    return rows


def schedule_cards(
    cursor: sqlite3.Cursor,
    schedules: dict[str, CardSchedule],
    scheduling: Scheduling,
    now: dt.datetime,
) -> int:
    """Write each scheduled note's card state and revlog into a package's collection.

    ``schedules`` maps an Anki note GUID to its schedule. The collection's creation time is
    set to the start of today, so a review card's ``due`` is its day counted from today.
    Returns how many cards were scheduled."""
    start = dt.datetime.combine(scheduling.today, dt.time(), tzinfo=zone(scheduling.timezone))
    cursor.execute("UPDATE col SET crt = ?", (int(start.timestamp()),))
    rows = cursor.execute("SELECT cards.id, notes.guid FROM cards JOIN notes ON notes.id = nid")
    scheduled, taken = 0, set()
    for card_id, guid in rows.fetchall():
        schedule = schedules.get(guid)
        if schedule is None:
            continue
        due = (schedule.due - scheduling.today).days
        cursor.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = 2500, reps = ?,"
            " lapses = ?, left = 0, data = ? WHERE id = ?",
            (
                REVIEW,
                REVIEW,
                due,
                schedule.interval,
                schedule.reviews,
                schedule.lapses,
                card_data(schedule, scheduling.settings),
                card_id,
            ),
        )
        cursor.executemany(
            "INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", revlog_rows(card_id, schedule, taken)
        )
        scheduled += 1
    _deck_options(cursor, scheduling.settings)
    return scheduled


OPTIONS_NAME = "studycards"


def _deck_options(cursor: sqlite3.Cursor, settings: Settings) -> None:
    """A deck options group of its own (an importing collection keeps its existing groups as
    they are) with the FSRS parameters and desired retention, used by every deck; FSRS on."""
    from studycards.progress.anki import stable_id

    parameters = [round(p, 4) for p in settings.parameters or default_parameters()]
    key = "fsrsParams6" if len(parameters) >= 21 else "fsrsParams5"
    dconf_text, conf_text, decks_text = cursor.execute(
        "SELECT dconf, conf, decks FROM col"
    ).fetchone()
    groups = json.loads(dconf_text)
    group_id = stable_id(OPTIONS_NAME + " deck options")
    group = dict(groups["1"], id=group_id, name=OPTIONS_NAME)
    group[key] = parameters
    group["desiredRetention"] = settings.desired_retention
    groups[str(group_id)] = group
    decks = json.loads(decks_text)
    for deck in decks.values():
        if not deck.get("dyn"):
            deck["conf"] = group_id
    # schedVer 2: without it Anki takes the package for its old v1 scheduler and renumbers
    # the grades of learning reviews (a first Good arrives as Easy).
    conf = dict(json.loads(conf_text), fsrs=True, schedVer=2)
    cursor.execute(
        "UPDATE col SET dconf = ?, conf = ?, decks = ?",
        (_compact(groups), _compact(conf), _compact(decks)),
    )


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
