"""The shape of every command's ``--json`` output: one place that docs/json.md is written from
(``python scripts/make_json_docs.py``) and that the tests check real output against.

A shape is a dict of key -> type (exactly those keys), a one-item list ``[type]`` (a list of
that), a :class:`OneOf`, or a type name: ``str``, ``int``, ``float`` (an int is fine), ``bool``,
``date`` (``YYYY-MM-DD``), ``path`` (vault-relative, ``/``-separated), ``object`` (any object,
described in words), ``any``. A leading ``?`` allows ``null``. ``{"*": type}``: any keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

VOCABULARY = (
    ("path", "a note's (or file's) path inside the vault, `/`-separated: `notes/Topic/x.md`"),
    ("title", "a note's title (its `# H1`, else its file name)"),
    ("topic", 'the topic folder: the first folder under `notes/` (`""` for a note at the top)'),
    ("tag", "one entry of a note's `tags`"),
    ("due", "a day, `YYYY-MM-DD`: the day a note is due (a new note is due today)"),
    ("days_overdue", "whole days a note is past its due day (0 when not overdue)"),
    (
        "*_count",
        "a number of notes or reviews where the bare word would name something else: "
        "`due_count` (never `due`), `new_count`, `review_count`, `overdue_count`",
    ),
    ("mean_mastery", "the mean `mastery_level` of a group of notes"),
    ("mastery_level", "a note's predicted recall 30 days from now, 0..1 (the frontmatter key)"),
    ("line", "a 1-based line number in the file named by `path`, or `null`"),
    ("severity", "`error` or `warning`"),
)


@dataclass(frozen=True)
class OneOf:
    """One of several shapes (a command whose options change what it reports)."""

    options: tuple[Any, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    version: int
    summary: str
    shape: dict[str, Any]
    example: str  # the command line the docs show


PROBLEM = {"path": "path", "line": "?int", "severity": "str", "message": "str"}
NOTE_ROW = {
    "path": "path", "title": "str", "topic": "str", "id": "?str", "has_frontmatter": "bool",
    "created": "?date", "last_reviewed": "?date", "next_review": "?date", "due": "date",
    "days_overdue": "int", "review_count": "int", "difficulty": "?str", "mastery_level": "float",
    "tags": ["str"], "related_outlines": ["str"],
}  # fmt: skip
QUEUE_ITEM = {
    "path": "path", "title": "str", "topic": "str", "difficulty": "?str", "due": "date",
    "days_overdue": "int", "new": "bool", "recall_today": "?float", "review_count": "int",
    "mastery_level": "float",
}  # fmt: skip
GROUP_ROW = {"notes": "int", "due_count": "int", "new_count": "int", "mean_mastery": "float"}
INIT = {"root": "str", "made": ["path"], "kept": ["path"], "restored": ["path"], "history": "?path"}
REVIEW = {
    "path": "path", "title": "str", "rating": "str", "due": "date", "interval": "int",
    "mastery_level": "float", "review_count": "int",
}  # fmt: skip
FINDING = {
    "path": "str", "severity": "str", "kind": "str", "message": "str", "repairable": "bool",
}  # fmt: skip
DEMO_PARAM = {"default": "any", "min": "?int", "max": "?int", "help": "str"}
FIT = {"min_reviews": "int", "reviews": "int", "needed": "int", "saved": "bool", "*": "any"}
READINESS = {
    "date": "date", "target": "float", "notes": "int", "predicted_ready": "int",
    "calibrated_ready": "int", "calibrated_range": ["int"], "margin": "float",
    "calibration_reviews": "int",
}  # fmt: skip
RETENTION = {"current": "float", "suggested": "?float", "days": "int", "rows": ["object"]}

SCHEMAS: dict[str, Schema] = {
    "list": Schema(1, "the notes, filtered and sorted; `mastery_level` is today's, live from "
        "the ledger, `mastery_recorded` the frontmatter's", {"today": "date", "total": "int",
        "notes": [{**NOTE_ROW, "mastery_recorded": "float"}]}, "studycards list --due --json"),
    "show": Schema(1, "one note: its schedule and its sections' text", {
        **NOTE_ROW, "question": "str", "short_answer": "str", "long_answer": "str",
        "followups": [{"question": "str", "answer": "str"}], "related": [{"title": "str",
        "target": "str"}]}, "studycards show RoPE旋转 --json"),
    "check": Schema(1, "every problem of every note; exit 1 if any is an error", {
        "notes_checked": "int", "errors": "int", "warnings": "int", "problems": [PROBLEM]},
        "studycards check --json"),
    "init": Schema(1, "what was written (`--sample --reset`: restored and the moved ledger)",
        INIT, "studycards init --sample study --json"),
    "due": Schema(1, "the queue: today's study list and every group", {
        "today": "date", "due_count": "int", "new_count": "int", "study_count": "int",
        "limited": "bool", "done_today": "int", "until": "?date", "still_to_do": OneOf(("null", [QUEUE_ITEM]), ("null", "list")),
        "study": [QUEUE_ITEM], "groups": {"overdue": [QUEUE_ITEM], "today": [QUEUE_ITEM],
        "week": [QUEUE_ITEM], "later": [QUEUE_ITEM]},
        "readiness": OneOf(("null", READINESS), ("null", "with --until"))},
        "studycards due --json"),
    "grade": Schema(1, "the review logged and the note's new schedule", REVIEW,
        "studycards grade RoPE旋转 good --json"),
    "undo": Schema(1, "the review taken back", {
        "path": "path", "title": "str", "undone": {"id": "str", "day": "date",
        "rating": "?str"}}, "studycards undo --json"),
    "reschedule": Schema(1, "every note whose due day moves", {
        "dry_run": "bool", "moves": [{"path": "path", "previous_due": "?date", "due": "date"}]},
        "studycards reschedule --dry-run --json"),
    "mv": Schema(1, "where the note went", {"previous_path": "path", "path": "path"},
        "studycards mv RoPE旋转 notes/Transformer/RoPE.md --json"),
    "new": Schema(1, "the note created", {"path": "path", "title": "str", "topic": "str"},
        "studycards new 'What is RoPE' --topic Transformer --json"),
    "fix": Schema(1, "the frontmatter fixes made (or, with --dry-run, to be made)", {
        "dry_run": "bool", "notes_checked": "int", "changed": [{"path": "path",
        "changes": ["object"]}], "problems": [PROBLEM]}, "studycards fix --dry-run --json"),
    "tags": Schema(1, "notes, due, new and mean mastery per tag", {
        "tags": [{"tag": "str", **GROUP_ROW}]}, "studycards tags --json"),
    "topics": Schema(1, "notes, due, new and mean mastery per topic folder", {
        "topics": [{"topic": "str", **GROUP_ROW}]}, "studycards topics --json"),
    "outline": Schema(1, "the outlines, or one outline's tree (`items`) and dead links", {
        "outlines": [{"path": "path", "title": "str", "notes": "int", "missing": "int",
        "due_count": "int", "mean_mastery": "float", "items": "?list",
        "dead_links": "?list"}]}, "studycards outline --json"),
    "stats": Schema(1, "every number of the stats screen", {
        "today": "date", "overdue_count": "int", "forecast": ["int"],
        "topics": [{"topic": "str", "notes": "int", "due_count": "int",
        "mean_mastery": "?float", "*": "any"}], "calibration": "?object",
        "readiness": OneOf(("null", READINESS), ("null", "with an interview_date")), "*": "any"},
        "studycards stats --json"),
    "optimize": Schema(1, "the fit and its comparison, or `--retention`'s table",
        OneOf((FIT, RETENTION), ("the fit", "--retention")),
        "studycards optimize --dry-run --json"),
    "today": Schema(1, "the checklist written", {"path": "path", "overdue_count": "int",
        "today_count": "int", "week_count": "int", "left_out": "int"},
        "studycards today --json"),
    "sync": Schema(1, "the ticked boxes logged; exit 1 if a line could not be", {
        "logged": [{**REVIEW, "again_today": "bool"}], "problems": [PROBLEM],
        "notices": ["str"]}, "studycards sync --json"),
    "export anki": Schema(1, "the package written: cards of notes and of follow-ups, those "
        "carrying a schedule, images packaged", {"path": "str", "notes": "int",
        "followups": "int", "skipped": ["str"], "decks": "int", "scheduled": "int",
        "media": "int"}, "studycards export anki prep.apkg --json"),
    "export csv": Schema(1, "the table written: rows of notes and of follow-ups", {
        "path": "str", "notes": "int", "followups": "int", "skipped": ["str"]},
        "studycards export csv prep.csv --json"),
    "import anki": Schema(1, "the notes created, updated and kept (edited here since the last "
        "import), the reviews logged and media files copied", {"path": "str",
        "created": ["path"], "updated": ["path"], "kept": ["path"], "review_count": "int",
        "media": "int"}, "studycards import anki interview.apkg --json"),
    "link": Schema(1, "each note's related-notes block: written, unchanged or skipped", {
        "dry_run": "bool", "notes": [{"path": "path", "status": "str", "*": "any"}],
        "broken": ["str"]}, "studycards link --dry-run --json"),
    "search": Schema(1, "the best matches, best first", {
        "query": "str", "terms": ["str"], "total": "int", "results": [{"path": "path",
        "title": "str", "topic": "str", "score": "float", "field": "str", "snippet": "str",
        "matches": [["int"]], "title_matches": [["int"]]}]}, "studycards search 'KV cache' --json"),
    "doctor": Schema(1, "the vault's health; exit 1 unless healthy", {
        "healthy": "bool", "repaired": ["str"], "findings": [FINDING]},
        "studycards doctor --json"),
    "demo list": Schema(1, "each demo, what it shows and its parameters", {
        "demos": [{"name": "str", "summary": "str", "params": {"*": DEMO_PARAM}}]},
        "studycards demo list --json"),
    "demo explain": Schema(1, "what a demo shows, its equations and parameters", {
        "name": "str", "summary": "str", "params": {"*": DEMO_PARAM}, "explanation": "str"}, "studycards demo explain multi-head --json"),
    "demo run": Schema(1, "every step, figure and check of one run; exit 1 if a check fails", {
        "name": "str", "params": {"*": "int"}, "seed": "int", "passed": "bool",
        "steps": ["object"], "checks": [{"description": "str", "passed": "bool",
        "max_abs_error": "?float", "inputs": {"*": "any"}}], "heatmap": "?object", "table": "?object"}, "studycards demo run rope --json"),
}  # fmt: skip

# Interactive commands print screens, not data: they have no --json.
INTERACTIVE = ("review", "interview", "edit")


def validate(data: Any, shape: Any, where: str = "$") -> list[str]:
    """Every way ``data`` differs from ``shape``, as ``where: problem`` lines."""
    if isinstance(shape, OneOf):
        tries = [validate(data, option, where) for option in shape.options]
        return [] if any(not t for t in tries) else min(tries, key=len)
    if isinstance(shape, dict):
        return _validate_object(data, shape, where)
    if isinstance(shape, list):
        if not isinstance(data, list):
            return [f"{where}: expected a list, got {type(data).__name__}"]
        return [p for i, item in enumerate(data) for p in validate(item, shape[0], f"{where}[{i}]")]
    return _validate_scalar(data, shape, where)


def _validate_object(data: Any, shape: dict[str, Any], where: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: expected an object, got {type(data).__name__}"]
    problems = [f"{where}: missing key {k!r}" for k in shape if k != "*" and k not in data]
    for key, value in data.items():
        spec = shape.get(key, shape.get("*"))
        if spec is None:
            problems.append(f"{where}: unexpected key {key!r}")
        else:
            problems.extend(validate(value, spec, f"{where}.{key}"))
    return problems


_TYPES: dict[str, Any] = {
    "str": str, "path": str, "int": int, "float": (int, float), "bool": bool, "date": str,
    "object": dict, "list": list,
}  # fmt: skip


def _validate_scalar(data: Any, spec: str, where: str) -> list[str]:
    if spec.startswith("?"):
        if data is None:
            return []
        spec = spec[1:]
    if spec == "any":
        return []
    if spec == "null":
        return [] if data is None else [f"{where}: expected null, got {data!r}"[:200]]
    wanted = _TYPES[spec]
    is_bool = isinstance(data, bool)
    if not isinstance(data, wanted) or (is_bool and spec in ("int", "float")):
        return [f"{where}: expected {spec}, got {data!r}"[:200]]
    if spec == "date":
        try:
            dt.date.fromisoformat(data)
        except ValueError:
            return [f"{where}: expected a YYYY-MM-DD date, got {data!r}"]
    if spec == "path" and ("\\" in data or data.startswith("/")):
        return [f"{where}: expected a vault-relative path, got {data!r}"]
    return []
