"""The import record, ``.studycards/imported.json``: what a vault's history held before
studycards, kept so that ``stats`` continues a person's totals instead of starting at zero.

``studycards migrate`` writes it once from the old scripts' files: each topic's XP, level and
XP history (``config/gamification/topics.yaml``), the study-day streak history
(``config/gamification/streak.yaml``) and each note's ``review_count`` and ``last_reviewed``
as they stood. It is plain JSON, kept in git beside the ledger, and only ever read afterwards:

- reviews before studycards = the sum of the notes' ``review_count``;
- study days = the streak history plus every note's ``last_reviewed`` day (for streaks);
- a topic's XP = its imported ``current_xp`` plus the XP of its reviews in the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studycards.errors import StudycardsError

IMPORTED_NAME = "imported.json"
VERSION = 1


@dataclass(frozen=True)
class Imported:
    """The parts of the record ``stats`` uses."""

    reviews: int = 0
    days: frozenset[dt.date] = frozenset()
    topic_xp: dict[str, int] = field(default_factory=dict)
    topic_level: dict[str, int] = field(default_factory=dict)
    migrated: str | None = None

    @property
    def xp(self) -> int:
        return sum(self.topic_xp.values())


def load_imported(state_dir: Path) -> Imported:
    """The record under ``state_dir``; an empty one when the vault was never migrated."""
    path = state_dir / IMPORTED_NAME
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return Imported()
    except (OSError, ValueError) as error:
        raise StudycardsError(f"cannot read the import record: {error}", path) from None
    try:
        return from_record(data)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise StudycardsError(f"import record is malformed: {error}", path) from None


def from_record(data: dict[str, Any]) -> Imported:
    notes = data.get("notes") or {}
    topics = data.get("topics") or {}
    history = (data.get("streak") or {}).get("history") or []
    days = {dt.date.fromisoformat(str(day)) for day in history}
    days |= {
        dt.date.fromisoformat(str(n["last_reviewed"]))
        for n in notes.values()
        if n.get("last_reviewed")
    }
    return Imported(
        reviews=sum(int(n.get("review_count") or 0) for n in notes.values()),
        days=frozenset(days),
        topic_xp={str(t): int(v.get("current_xp") or 0) for t, v in topics.items()},
        topic_level={str(t): int(v.get("current_level") or 0) for t, v in topics.items()},
        migrated=data.get("migrated"),
    )


def imported_json(imported: Imported) -> dict[str, Any] | None:
    """What ``stats --json`` shows of the record."""
    if imported.migrated is None:
        return None
    return {
        "migrated": imported.migrated,
        "reviews": imported.reviews,
        "study_days": len(imported.days),
        "xp": imported.xp,
    }
