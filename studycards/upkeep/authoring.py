"""Writing new notes: safe file names, templates with placeholders, and the editor.

A title becomes a file name that cannot leave the vault: path separators and characters some
systems refuse are replaced, leading dots dropped, reserved device names (``CON``, ``NUL``...)
altered, and control characters refused. The note is created atomically and never replaces an
existing file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from studycards._atomic import atomic_create
from studycards.errors import ConfigError, PathEscapesVault, StudycardsError, UsageError
from studycards.notes._document import split_document
from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.body import parse_note
from studycards.notes.frontmatter_edit import update_text
from studycards.notes.note import DIFFICULTIES
from studycards.notes.vault import Vault

LANGUAGES = ("zh", "en")
PLACEHOLDERS = ("title", "topic", "date", "difficulty", "file", "path")
_UNSAFE_CHARS = re.compile(r'[/\\:*?"<>|]+')
_RUNS = re.compile(r"-{2,}|\s{2,}")
_BRACES = re.compile(r"\{{2,}|\}{2,}")
_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
_MAX_NAME_BYTES = 240
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class NewNote:
    """A note just created: its vault path, file path and title."""

    rel: str
    path: Path
    title: str


# ---------------------------------------------------------------------------------------------
# safe names


def clean_title(title: str, what: str = "title") -> str:
    """The text with outer spaces trimmed; refuses empty text and control characters."""
    text = unicodedata.normalize("NFC", title).strip()
    if not text:
        raise UsageError(f"the {what} is empty")
    bad = next((ch for ch in text if _is_control(ch)), None)
    if bad is not None:
        raise UsageError(f"the {what} contains a control character (U+{ord(bad):04X}): refused")
    return text


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ord(ch) in _BIDI


def safe_name(text: str, what: str = "title") -> str:
    """A single file or folder name made from ``text``: no separators, dots or device names."""
    name = _UNSAFE_CHARS.sub("-", clean_title(text, what))
    name = _BRACES.sub(lambda m: m.group(0)[0], name)  # "{{x}}" would read as a placeholder
    name = _RUNS.sub(lambda m: m.group(0)[0], name)
    if name.lower().endswith(".md"):
        name = name[:-3]
    name = _shorten(name.strip(" .-"))
    if not name:
        raise UsageError(f"the {what} {text!r} leaves no usable file name")
    first, dot, rest = name.partition(".")
    if first.strip().upper() in _RESERVED:
        name = f"{first}_{dot}{rest}"
    return name


def _shorten(name: str) -> str:
    """Cut a name to a length every file system takes (bytes in UTF-8), at a character."""
    encoded = name.encode("utf-8")
    if len(encoded) <= _MAX_NAME_BYTES:
        return name
    return encoded[:_MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(" .-")


def existing_topic(vault: Vault, topic: str) -> str:
    """The topic folder name to use: an existing folder differing only in case wins."""
    name = safe_name(topic, "topic")
    try:
        folders = [p.name for p in vault.notes_dir.iterdir() if p.is_dir()]
    except OSError:
        return name
    same = [f for f in folders if f.casefold() == name.casefold()]
    return name if name in same or not same else sorted(same)[0]


def guess_language(title: str) -> str:
    """``zh`` for a title with CJK characters, else ``en``."""
    return "zh" if _CJK.search(title) else "en"


# ---------------------------------------------------------------------------------------------
# templates


def template_source(vault: Vault, lang: str) -> tuple[str, str]:
    """The template text and where it came from: the vault's own file, else the built-in one."""
    if vault.config.template:
        if not isinstance(vault.config.template, str):
            raise ConfigError(f"template: expected a path, got {vault.config.template!r}")
        path = vault.path_of(vault.config.template)
        try:
            return path.read_text(encoding="utf-8"), vault.config.template
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            message = f"cannot read the note template {vault.config.template}: {reason}"
            raise ConfigError(message) from None
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: use zh or en")
    from studycards.upkeep.init import template_text

    return template_text(f"note_{lang}.md"), f"built-in {lang} template"


def fill_template(template: str, values: Mapping[str, str], source: str) -> str:
    """Fill ``{{name}}`` placeholders; frontmatter values are quoted so the YAML stays valid."""
    _refuse_unknown(template, values, source)
    doc = split_document(template)
    if doc.frontmatter is None:
        return _fill(template, values)
    lines = doc.frontmatter.splitlines(keepends=True)
    front = "".join(_fill_yaml_line(line, values) for line in lines)
    return doc.bom + doc.head + front + doc.tail + _fill(doc.body, values)


def _refuse_unknown(template: str, values: Mapping[str, str], source: str) -> None:
    for match in _PLACEHOLDER.finditer(template):
        if match.group(1) not in values:
            line = template.count("\n", 0, match.start()) + 1
            known = ", ".join("{{" + name + "}}" for name in values)
            message = f"unknown placeholder {match.group(0)} (known: {known})"
            raise ConfigError(message, source, line)


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


_YAML_LINE = re.compile(r"^(\s*(?:-\s+|[^\s#:'\"-][^:#]*:\s+))(.*?)(\s*(?:\r?\n)?)$", re.S)


def _fill_yaml_line(line: str, values: Mapping[str, str]) -> str:
    """Fill one frontmatter line, quoting the filled value when YAML needs it."""
    match = _YAML_LINE.match(line)
    if not _PLACEHOLDER.search(line) or not match:
        return _fill(line, values)
    head, value, end = match.groups()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        filled = _fill(value[1:-1], {k: v.replace("'", "''") for k, v in values.items()})
        return f"{head}'{filled}'{end}"
    if len(value) >= 2 and value[0] == value[-1] == '"':
        escaped = {k: json.dumps(v, ensure_ascii=False)[1:-1] for k, v in values.items()}
        return f'{head}"{_fill(value[1:-1], escaped)}"{end}'
    if value.startswith("[") or (value.startswith("{") and not _PLACEHOLDER.match(value)):
        return f"{head}{_fill(value, {k: _flow_string(v) for k, v in values.items()})}{end}"
    return f"{head}{yaml_string(_fill(value, values))}{end}"


def _flow_string(text: str) -> str:
    """``text`` as an item of a YAML flow list (``[a, b]``): plain when that reads back."""
    try:
        plain_ok = load_yaml(f"[{text}]") == [text]
    except YAMLError:
        plain_ok = False
    return text if plain_ok else "'" + text.replace("'", "''") + "'"


def yaml_string(text: str) -> str:
    """``text`` as a YAML scalar: plain when it reads back as the same string, else quoted."""
    try:
        plain_ok = load_yaml(f"- {text}") == [text]
    except YAMLError:
        plain_ok = False
    if plain_ok and text == text.strip():
        return text
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# creating


def new_note_values(
    title: str, topic: str, name: str, notes_dir: str, day: dt.date, difficulty: str
) -> dict[str, str]:
    """The placeholder values for a new note."""
    file = f"{name}.md"
    return {
        "title": title,
        "topic": topic,
        "date": day.isoformat(),
        "difficulty": difficulty,
        "file": file,
        "path": PurePosixPath(notes_dir, topic, file).as_posix(),
    }


def standard_frontmatter(values: Mapping[str, str], day: dt.date) -> dict[str, object]:
    """The frontmatter every new note has, in the order existing vaults write it."""
    return {
        "created": day,
        "last_reviewed": None,
        "next_review": day,
        "review_count": 0,
        "difficulty": values["difficulty"],
        "mastery_level": 0.0,
        "tags": [values["topic"], f"{values['topic']}/{values['file']}"],
        "related_outlines": [],
    }


def render_new_note(vault: Vault, values: Mapping[str, str], lang: str, day: dt.date) -> str:
    """The text of a new note: the template filled in, with any missing standard keys added."""
    template, source = template_source(vault, lang)
    text = fill_template(template, values, source)
    try:
        doc = split_document(text)
        data = load_yaml(doc.frontmatter) if doc.frontmatter else {}
    except (ValueError, YAMLError) as error:
        raise ConfigError(f"the filled-in template is not valid: {error}", source) from None
    if not isinstance(data, dict):
        raise ConfigError("the template's frontmatter is not a mapping of keys", source)
    missing = {k: v for k, v in standard_frontmatter(values, day).items() if k not in data}
    return update_text(text, missing) if missing else text


def create_note(
    vault: Vault,
    title: str,
    topic: str,
    today: dt.date,
    difficulty: str = "medium",
    lang: str | None = None,
) -> NewNote:
    """Create ``notes/TOPIC/TITLE.md`` from the template; never overwrites an existing file."""
    if difficulty not in DIFFICULTIES:
        raise UsageError(f"unknown difficulty {difficulty!r}: use easy, medium or hard")
    title = clean_title(title)
    folder_name = existing_topic(vault, topic)
    name = safe_name(title)
    notes_dir = vault.config.notes_dir
    values = new_note_values(title, folder_name, name, notes_dir, today, difficulty)
    path = _inside(vault, values["path"])
    text = render_new_note(vault, values, lang or guess_language(title), today)
    _check_new(text, values["path"], path, vault)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not atomic_create(path, text.encode("utf-8")):
        message = "a note with this name already exists; not overwritten"
        raise StudycardsError(message, values["path"])
    return NewNote(values["path"], path, title)


def _inside(vault: Vault, rel: str) -> Path:
    """The path of ``rel``, refusing one that leaves the notes folder, even through a symlink."""
    path = vault.path_of(rel)
    notes = vault.notes_dir.resolve()
    real_parent = path.parent.resolve()
    if notes not in real_parent.parents:
        raise PathEscapesVault(f"{rel} would be written outside the vault {vault.root}")
    return path


def _check_new(text: str, rel: str, path: Path, vault: Vault) -> None:
    """Refuse to write a note the parser would call broken (a faulty vault template)."""
    note = parse_note(text, rel, path, vault.config.notes_dir)
    errors = [p for p in note.summary.problems if p.severity == "error"]
    if errors:
        source = vault.config.template or "template"
        raise ConfigError(f"the template gives a broken note: {errors[0].message}", source)


# ---------------------------------------------------------------------------------------------
# the editor


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor to run: ``$VISUAL``, then ``$EDITOR``, else ``vi``; may hold arguments."""
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as error:
                raise UsageError(f"cannot read ${name} ({value!r}): {error}") from None
            if words:
                return words
    return ["vi"]


def run_editor(path: Path, environ: Mapping[str, str] | None = None) -> int:
    """Open ``path`` in the person's editor and wait; returns the editor's exit status."""
    command = editor_command(os.environ if environ is None else environ) + [str(path)]
    try:
        return subprocess.run(command, check=False).returncode  # noqa: S603 - the person's editor
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"cannot run the editor {command[0]!r}: {reason} (set $VISUAL or $EDITOR)"
        raise StudycardsError(message) from None
