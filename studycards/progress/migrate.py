"""``studycards migrate``: turn a vault kept with the old scripts into a studycards vault.

It reads what the old scripts left (``config/kb_config.yaml``, ``config/gamification/
topics.yaml`` and ``streak.yaml``, the notes' ``review_count`` / ``last_reviewed``) and writes:

- ``studycards.yaml``: the daily caps, order and folders, each with a comment naming where it
  came from (added below a person's own settings when the file exists; a key already set is
  kept);
- ``.studycards/imported.json``, the import record (:mod:`studycards.progress.imported`), once;
- ``.gitattributes``: the ledger's union merge.

It changes no note, and running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studycards._atomic import atomic_create, atomic_write
from studycards.errors import ConfigError, StudycardsError
from studycards.notes._yaml import YAMLError, error_line, error_text, load_yaml
from studycards.notes.config import CONFIG_NAME, ORDER_WEIGHTS, load_config
from studycards.notes.gitfiles import (
    ATTRIBUTES_NAME,
    ensure_gitattributes,
    ensure_lines,
    register_merge_driver,
)
from studycards.notes.vault import STATE_DIR, Vault, scan
from studycards.progress.imported import IMPORTED_NAME, VERSION

KB_CONFIG = "config/kb_config.yaml"
TOPICS = "config/gamification/topics.yaml"
STREAK = "config/gamification/streak.yaml"
CHECKLIST = "reviewsToday.md"


@dataclass(frozen=True)
class Migrated:
    """What ``migrate`` did, one line per action, and what it left for the person."""

    done: tuple[str, ...]
    kept: tuple[str, ...]
    advice: tuple[str, ...]


@dataclass(frozen=True)
class OldFiles:
    config: dict[str, Any]
    topics: dict[str, Any]
    streak: dict[str, Any]
    chinese_checklist: bool


def read_old_files(root: Path) -> OldFiles:
    """The old scripts' files, each checked; every bad one is reported at once."""
    found = [rel for rel in (KB_CONFIG, TOPICS, STREAK, CHECKLIST) if (root / rel).is_file()]
    if not found:
        raise StudycardsError(
            f"{root}: no files of the old scripts here ({KB_CONFIG}, {TOPICS}, {STREAK}, "
            f"{CHECKLIST}): nothing to migrate"
        )
    loaded, problems = {}, []
    for rel in (KB_CONFIG, TOPICS, STREAK):
        try:
            loaded[rel] = _mapping(root, rel)
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise StudycardsError("; ".join(problems) + ": nothing was changed")
    checklist = root / CHECKLIST
    head = checklist.read_bytes()[:4096].decode("utf-8", "replace") if checklist.is_file() else ""
    return OldFiles(
        loaded[KB_CONFIG],
        loaded[TOPICS].get("topics") or {},
        loaded[STREAK],
        any("\u4e00" <= c <= "\u9fff" for c in head),
    )


def _mapping(root: Path, rel: str) -> dict[str, Any]:
    path = root / rel
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", path) from None
    try:
        data = load_yaml(text)
    except YAMLError as error:
        line = error_line(error)
        raise ConfigError(error_text(error), path, None if line is None else line + 1) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings", path, 1)
    return data


# ---------------------------------------------------------------------------------------------
# studycards.yaml


def settings_from(old: OldFiles) -> list[tuple[str, Any, str]]:
    """``(key, value, where it came from)`` for every setting the old files give."""
    config = old.config
    paths = config.get("paths") or {}
    daily = config.get("daily_review") or {}
    place = "daily_review.sort_weights" if daily.get("sort_weights") else "sort_weights"
    weights = daily.get("sort_weights") or config.get("sort_weights") or {}
    linking = config.get("auto_linking") or {}
    out: list[tuple[str, Any, str]] = []
    for key in ("notes_dir", "outlines_dir"):
        if paths.get(key):
            out.append((key, str(paths[key]), f"from {KB_CONFIG} paths.{key}"))
    caps = {"max_overdue": "overdue", "max_today": "today", "max_this_week": "week"}
    for old_key, section in caps.items():
        if isinstance(daily.get(old_key), int):
            where = f"from {KB_CONFIG} daily_review.{old_key} (0 = no cap)"
            out.append((f"checklist_max_{section}", daily[old_key], where))
    kept = {k: float(v) for k, v in weights.items() if k in ORDER_WEIGHTS}
    if kept:
        where = f"from {KB_CONFIG} {place}: the old order of the daily list (higher = earlier)"
        out.append(("order", "weighted", where))
        out.append(("order_weights", kept, ""))
    out.append(("new_order", "newest", "new notes newest first, as the old scripts listed them"))
    if isinstance(linking.get("max_suggestions"), int):
        where = f"from {KB_CONFIG} auto_linking.max_suggestions"
        out.append(("link_top_k", linking["max_suggestions"], where))
    if old.chinese_checklist:
        out.append(("checklist_language", "zh", f"{CHECKLIST} was written in Chinese"))
    return out


def _yaml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def config_block(settings: list[tuple[str, Any, str]], old: OldFiles, today: dt.date) -> str:
    lines = [f"# --- migrated from the old scripts' files by 'studycards migrate' on {today} ---"]
    for key, value, where in settings:
        lines += [f"# {where}"] if where else []
        lines.append(f"{key}: {_yaml_value(value)}")
    lines += _not_carried(old)
    return "\n".join(lines) + "\n"


def _not_carried(old: OldFiles) -> list[str]:
    """Comments for the old values studycards does not use, so nothing is lost silently."""
    lines = []
    intervals = old.config.get("review_intervals")
    if intervals:
        shown = "; ".join(f"{k} {v}" for k, v in intervals.items())
        lines += [
            f"# {KB_CONFIG} review_intervals are replaced by FSRS-6 scheduling (kept in",
            f"#   {STATE_DIR}/{IMPORTED_NAME}): {shown}",
        ]
    threshold = (old.config.get("auto_linking") or {}).get("similarity_threshold")
    if threshold is not None:
        lines += [
            f"# {KB_CONFIG} auto_linking.similarity_threshold {threshold} measured another",
            "#   similarity; link_threshold keeps studycards' default (see 'studycards link').",
        ]
    return lines


def write_config(root: Path, old: OldFiles, today: dt.date) -> tuple[str, list[str]]:
    """Create ``studycards.yaml``, or add the settings it does not set yet; what was done and
    the keys kept as the person set them."""
    path = root / CONFIG_NAME
    wanted = settings_from(old)
    if not path.exists():
        head = "# studycards settings. Every other setting has its default (see the README).\n\n"
        atomic_create(path, (head + config_block(wanted, old, today)).encode("utf-8"))
        return f"wrote {CONFIG_NAME}: {', '.join(k for k, _, _ in wanted)}", []
    text = path.read_bytes().decode("utf-8")
    have = _mapping(root, CONFIG_NAME)
    missing = [s for s in wanted if s[0] not in have]
    ours = "migrated from the old scripts' files" in text
    kept = [] if ours else [k for k, _, _ in wanted if k in have]
    if not missing:
        return "", kept
    sep = "" if text.endswith("\n") or not text else "\n"
    block = "" if ours else config_block(missing, old, today)
    if not block:
        block = "".join(f"# {w}\n{k}: {_yaml_value(v)}\n" for k, v, w in missing)
    atomic_write(path, (text + sep + "\n" + block).encode("utf-8"))
    load_config(root)  # what was written must read back
    return f"added to {CONFIG_NAME}: {', '.join(k for k, _, _ in missing)}", kept


# ---------------------------------------------------------------------------------------------
# the import record


def import_record(vault: Vault, old: OldFiles, today: dt.date) -> dict[str, Any]:
    notes = {
        s.rel: {
            "review_count": s.review_count,
            "last_reviewed": None if s.last_reviewed is None else s.last_reviewed.isoformat(),
        }
        for s in scan(vault).notes
        if s.review_count > 0 or s.last_reviewed is not None
    }
    return {
        "version": VERSION,
        "migrated": today.isoformat(),
        "source": {"config": KB_CONFIG, "topics": TOPICS, "streak": STREAK},
        "topics": _plain(old.topics),
        "streak": _plain(old.streak),
        "review_intervals": _plain(old.config.get("review_intervals") or {}),
        "notes": notes,
    }


def _plain(value: Any) -> Any:
    """YAML's dates and keys as JSON text."""
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def write_record(vault: Vault, old: OldFiles, today: dt.date) -> str:
    from studycards.progress.imported import from_record

    path = vault.ensure_state_dir() / IMPORTED_NAME
    ensure_lines(vault.state_dir / ".gitignore", (f"!{IMPORTED_NAME}",))
    if path.exists():
        return ""
    record = import_record(vault, old, today)
    summary = from_record(record)  # checks the record reads back
    atomic_create(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return (
        f"recorded {len(record['notes'])} notes' {summary.reviews} earlier reviews, "
        f"{len(summary.days)} study days and {summary.xp} XP in {len(record['topics'])} topics "
        f"in {STATE_DIR}/{IMPORTED_NAME}"
    )


def migrate(root: Path, today: dt.date) -> Migrated:
    """Make the vault at ``root`` a studycards vault from the old scripts' files."""
    from studycards.lock import vault_lock

    old = read_old_files(root)
    Vault(root).ensure_state_dir()
    with vault_lock(root / STATE_DIR):
        return _migrate(root, old, today)


def _migrate(root: Path, old: OldFiles, today: dt.date) -> Migrated:
    from studycards.notes.vault import open_vault

    done, kept = [], []
    line, kept_keys = write_config(root, old, today)
    (done if line else kept).append(line or f"kept {CONFIG_NAME}: it sets every migrated key")
    if kept_keys:
        kept.append(f"kept your own {', '.join(kept_keys)} in {CONFIG_NAME}")
    vault = open_vault(root)
    line = write_record(vault, old, today)
    (done if line else kept).append(line or f"kept {STATE_DIR}/{IMPORTED_NAME} (already made)")
    added = ensure_gitattributes(root, vault.config.notes_dir)
    if added:
        done.append(f"added to {ATTRIBUTES_NAME}: " + "; ".join(added))
    else:
        kept.append(f"kept {ATTRIBUTES_NAME}: it has studycards' merge rules")
    if register_merge_driver(root):
        kept.append("git: notes reviewed on two machines merge with 'studycards merge-note'")
    return Migrated(tuple(done), tuple(kept), tuple(_advice(root)))


def _advice(root: Path) -> list[str]:
    from studycards.progress.ticks import parse_ticks, read_checklist

    advice = [
        "stop the old nightly script (its fix --auto moves review dates back); "
        "use 'studycards sync --commit --push' instead"
    ]
    if (root / CHECKLIST).is_file():
        ticks, problems = parse_ticks(read_checklist(root / CHECKLIST))
        if ticks or problems:
            count = len(ticks) + len(problems)
            advice.insert(
                0, f"{CHECKLIST} has {count} ticked boxes: run 'studycards sync' to log them"
            )
    return advice
