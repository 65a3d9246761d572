"""Fuzz the readers and the writer of studycards with Hypothesis: zero crashes allowed.

Usage: python benchmarks/fuzz.py [--minutes 10] [--round 400] [--save DIR] [--seed N]

Targets, run round-robin until the time is up (each round a fresh random seed, no deadline):
  - parse_text:   parse_note on arbitrary text and on text built from YAML/Markdown tokens;
  - parse_bytes:  decode + parse_note on arbitrary bytes;
  - parse_seed:   parse_note on mutated copies of real-format notes (tests/fixtures/notes);
  - update:       update_text on random frontmatter: only ValueError/YAMLError may escape, the
                  touched keys read back, every other key and the body are unchanged, and a
                  note that parses cleanly always takes a review's projection;
  - headings:     the line scanner for plain notes against markdown-it on Markdown-ish text and
                  mutated real notes: when it answers, its headings are the parser's;
  - ledger_bytes: Ledger.read + replay on arbitrary bytes and token-built JSON lines;
  - ledger_cut:   a valid ledger cut at any byte, or with bytes changed: reading never fails,
                  every whole line before the cut is still read, and repair keeps them all.
Prints examples tried and failures per target; with --save, each failing input is written to
DIR (the minimal example Hypothesis shrank it to), ready for tests/corpus/bad/.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import marshal
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from studycards.notes._document import split_document
from studycards.notes._yaml import YAMLError, load_yaml
from studycards.notes.body import parse_note
from studycards.notes.frontmatter_edit import update_text
from studycards.notes.note import NoteSummary
from studycards.notes.sections import _plain_headings, outline
from studycards.notes.summary import decode, parse_summary
from studycards.scheduling.events import Event
from studycards.scheduling.history import replay
from studycards.scheduling.ledger import Ledger

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "tests" / "fixtures" / "notes"
REL = "notes/Topic/fuzz.md"
PATH = Path("/nonexistent/notes/Topic/fuzz.md")

# ---------------------------------------------------------------------------------------------
# strategies

KEYS = (
    "created last_reviewed next_review review_count difficulty mastery_level tags "
    "related_outlines id title status"
).split()
TOKENS = [
    "---", "...", "\n", "\n", "\n", "\r\n", "\r", " ", "  ", "\t", ":", ": ", "- ", "#", " # c",
    "'", '"', "''", "[", "]", "{", "}", ", ", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ",
    "!!python/object/apply:os.system ", "!foo ", "|", ">", "|-", "? ", "%YAML 1.1", "~", "null",
    "true", "no", "0", "-1", "1.5", "1e3", ".nan", ".inf", "0x1F", "2025-10-19", "2025-13-45",
    "2025-10-19T10:00:00Z", "{{DATE}}", "<% tp.date %>", "\ufeff", "\x00", "\u2028", "\x0c",
    "\x85", "中文", "面试", "## 面试标准答案", "### 核心要点（30秒版本）", "# ", "## ",
    "### Q1: ", "**A:** ", "**Q: x**", "A: ", "<!-- 自动生成 -->", "## 相关笔记", "## 常见面试追问",
    "- [t](notes/x.md)", "```", "\\", "%", "@", "`", ">", "    ", "*", "_", "x", "word", *KEYS,
]  # fmt: skip

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)
token_texts = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
any_text = st.one_of(texts, token_texts, token_texts.map(lambda t: "---\n" + t))

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    dates.map(lambda d: d.isoformat()),
    dates,
    st.text(max_size=30),
    st.sampled_from(["easy", "Medium", "hard", "2025-13-45", "{{DATE}}", "- x", "a: b", "#"]),
)


def _scalar_text(value: object, quote: str) -> str:
    if isinstance(value, dt.date):
        return f"{quote}{value.isoformat()}{quote}"
    if isinstance(value, str):
        if quote == "'":
            return "'" + value.replace("'", "''") + "'"
        if quote == '"':
            return json.dumps(value, ensure_ascii=False)
        return value
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


@st.composite
def fm_lines(draw: st.DrawFn) -> str:
    """One top-level entry of a frontmatter block, in one of the shapes vaults use."""
    key = draw(st.one_of(st.sampled_from(KEYS), st.from_regex(r"[a-z_]{1,8}", fullmatch=True)))
    quote = draw(st.sampled_from(["", "'", '"']))
    shape = draw(st.integers(0, 8))
    value = draw(scalars)
    if shape == 0:
        return f"{key}:\n- {_scalar_text(value, quote)}\n- x\n"
    if shape == 1:
        return f"{key}: [{_scalar_text(value, quote)}, y]\n"
    if shape == 2:
        return f"{key}:\n  sub: {_scalar_text(value, quote)}\n"
    if shape == 3:
        return f"{key}: |\n  line one\n  {draw(st.text(max_size=10))}\n"
    if shape == 4:
        return draw(st.sampled_from(["# a comment\n", "\n", "  \n", "#\n"]))
    if shape == 5:
        return f"'{key}': {_scalar_text(value, quote)}\n"
    if shape == 6:
        return f"{key}: {_scalar_text(value, quote)}  # note\n"
    return f"{key}: {_scalar_text(value, quote)}\n"


@st.composite
def note_texts(draw: st.DrawFn) -> str:
    """A note with a random (mostly valid) frontmatter block and a random body."""
    lines = draw(st.lists(fm_lines(), max_size=12))
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(TOKENS)))
    body = draw(st.one_of(token_texts, texts))
    text = "---\n" + "".join(lines) + "---\n" + body
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if draw(st.booleans()) else "") + text


projection_updates = st.fixed_dictionaries(
    {
        "last_reviewed": dates,
        "next_review": dates,
        "review_count": st.integers(0, 10**6),
        "mastery_level": st.floats(0, 1).map(lambda f: round(f, 2)),
    },
    optional={"id": st.from_regex(r"sc_[0-9a-f]{12}", fullmatch=True)},
)
general_updates = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(
        dates,
        st.integers(0, 10**9),
        st.floats(0, 1),
        st.none(),
        st.text(max_size=20),
        st.lists(st.text(max_size=10), max_size=3),
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[float, int, str]]:
    """Edits to apply to a seed: (position as a fraction, kind, payload)."""
    kind = st.integers(0, 4)
    payload = st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))
    return draw(st.lists(st.tuples(st.floats(0, 1), kind, payload), min_size=1, max_size=8))


def mutate(text: str, edits: list[tuple[float, int, str]]) -> str:
    for fraction, kind, payload in edits:
        at = int(fraction * len(text))
        if kind == 0:
            text = text[:at] + payload + text[at:]
        elif kind == 1:
            text = text[:at] + text[at + len(payload) + 1 :]
        elif kind == 2:
            text = text[:at] + payload + text[at + len(payload) :]
        elif kind == 3:
            text = text[:at]
        else:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line = text[line_start : (line_end if line_end >= 0 else len(text))]
            text = text[:line_start] + line + "\n" + text[line_start:]
    return text


def seed_notes() -> list[str]:
    return [p.read_bytes().decode("utf-8") for p in sorted(SEED_DIR.rglob("*.md"))]


ledger_keys = ["kind", "card", "note", "path", "day", "ts", "id", "v", "rating", "elapsed_days"]
ledger_keys += [
    "duration",
    "interval",
    "due",
    "stability",
    "difficulty",
    "prev",
    "undoes",
    "reason",
]
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**15),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.sampled_from(["review", "undo", "import", "manual", "2025-10-19", "2025-13-45", "c1"]),
        st.sampled_from(["2025-10-19T10:00:00Z", "2025-10-19", "", "e1", "e2"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def _valid_event(draw: st.DrawFn) -> Event:
    day = draw(dates)
    kind = draw(st.sampled_from(["review", "review", "import", "manual", "undo"]))
    card = draw(st.sampled_from(["c1", "c2", "c2#q", "sc_0123456789ab"]))
    stamp = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23))), dt.timezone.utc)
    extra: dict = {}
    if kind in ("review", "import"):
        extra.update(stability=draw(st.floats(0.01, 3650)), difficulty=draw(st.floats(1, 10)))
        extra["due"] = (day + dt.timedelta(days=draw(st.integers(1, 400)))).isoformat()
    if kind == "review":
        extra.update(rating=draw(st.integers(1, 4)), elapsed_days=draw(st.integers(0, 100)))
    if kind == "manual":
        extra["due"] = day.isoformat()
    if kind == "undo":
        extra["undoes"] = [draw(st.sampled_from(["e1", "e2", "x"]))]
    ts = stamp.isoformat().replace("+00:00", "Z")
    event_id = draw(st.sampled_from(["e1", "e2", None]))
    ids = {"id": event_id} if event_id else {}
    return Event(kind, card, card, "notes/x.md", day.isoformat(), ts, **ids, **extra)


valid_events = _valid_event()
changes = st.lists(st.tuples(st.sampled_from(ledger_keys), json_values), min_size=1, max_size=3)


def _corrupt(event: Event, fields: list[tuple[str, object]]) -> str:
    """A valid event's JSON with some fields replaced by any JSON value (or removed)."""
    data = json.loads(event.to_json())
    for key, value in fields:
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data)


json_lines = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(ledger_keys), json_values, max_size=18).map(json.dumps),
        st.builds(lambda e: e.to_json(), valid_events),
        st.builds(_corrupt, valid_events, changes),
        st.text(max_size=30),
    ),
    max_size=12,
).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))

# ---------------------------------------------------------------------------------------------
# properties


def check_parse_text(text: str) -> None:
    """Parsing never raises; problems are one line each; the index row round-trips."""
    note = parse_note(text, REL, PATH)
    for problem in note.summary.problems + note.problems:
        line = str(problem)
        assert "\n" not in line and "\r" not in line, line
        assert len(line) < 400, f"message too long: {line[:120]}..."
    row = note.summary.to_row()
    assert NoteSummary.from_row(marshal.loads(marshal.dumps(row))) == note.summary
    assert parse_summary(text, REL) == note.summary


def check_parse_bytes(raw: bytes) -> None:
    text, problem = decode(raw, REL)
    if text is not None:
        check_parse_text(text)
    else:
        assert problem is not None and "\n" not in str(problem)


def check_headings(text: str) -> None:
    """Where the line scanner answers, it finds exactly the parser's headings."""
    found = _plain_headings(text)
    if found is not None:
        expected = [(h.level, h.text, h.line) for h in outline(text).headings]
        assert found == expected, f"scanner {found} != parser {expected}"


_MARKDOWN_BITS = st.sampled_from(
    list("#`~-=>< \t\n\r*+1.x中)_[]:\\!") + ["```", "~~~", "<!--", "-->"]
)
markdownish = st.lists(_MARKDOWN_BITS, max_size=60).map("".join)


def check_update(text: str, updates: dict, strict: bool) -> None:
    """update_text raises only clean errors, touches only its keys, and round-trips."""
    before = parse_summary(text, REL)
    try:
        new = update_text(text, updates)
    except (ValueError, YAMLError) as error:
        if strict and not before.broken:
            raise AssertionError(f"a clean note refused a review's update: {error}") from None
        return
    old_doc, new_doc = split_document(text), split_document(new)
    assert new_doc.body == old_doc.body and new_doc.bom == old_doc.bom
    assert new_doc.newline == old_doc.newline or old_doc.frontmatter is None
    data = load_yaml(new_doc.frontmatter or "") or {}
    for key, value in updates.items():
        assert _normal(data.get(key)) == _normal(value), (key, data.get(key), value)
    if old_doc.frontmatter is not None and not before.broken:
        old = load_yaml(old_doc.frontmatter) or {}
        kept = {k: repr(v) for k, v in old.items() if k not in updates}
        assert kept == {k: repr(v) for k, v in data.items() if k in kept}
    if not before.broken and strict:
        after = parse_summary(new, REL)
        assert not after.broken, after.problems


def _normal(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def _temporary_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sc-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@dataclass
class LedgerFile:
    """One temporary ledger file, rewritten for every example."""

    folder: Path = field(default_factory=lambda: _temporary_folder())

    def write(self, raw: bytes) -> Ledger:
        path = self.folder / "reviews.jsonl"
        path.write_bytes(raw)
        (self.folder / "reviews.torn.txt").unlink(missing_ok=True)
        return Ledger(path)


LEDGER = LedgerFile()


def check_ledger_bytes(raw: bytes) -> None:
    """Reading any bytes gives events and notices; replay and repair never fail."""
    ledger = LEDGER.write(raw)
    read = ledger.read()
    assert all("\n" not in notice for notice in read.notices)
    _use(read.events)
    ledger.repair_torn_tail()
    assert ledger.read().events == read.events


def _use(events: tuple[Event, ...]) -> None:
    from studycards.scheduling.schedule import Settings, mastery

    for history in replay(events).values():
        assert history.last is not None
        if history.state is not None:
            mastery(history.state, history.state.last_review, Settings().parameters)


def check_ledger_cut(events: list[Event], cut: float, flips: list[tuple[float, int]]) -> None:
    """A ledger cut short (a crash) or damaged keeps every whole line before the damage."""
    lines = [(event.to_json() + "\n").encode("utf-8") for event in events]
    raw = b"".join(lines)
    at = int(cut * len(raw))
    damaged = bytearray(raw[:at])
    for fraction, byte in flips:
        if damaged:
            damaged[int(fraction * (len(damaged) - 1))] = byte
    first_damage = min([int(f * (len(damaged) - 1)) for f, _ in flips if damaged] + [at])
    whole, offset = [], 0
    for line, event in zip(lines, events, strict=True):
        offset += len(line)
        if offset <= first_damage:
            whole.append(event)
    ledger = LEDGER.write(bytes(damaged))
    read_ids = [e.id for e in ledger.read().events]
    expected = list(dict.fromkeys(e.id for e in whole))
    assert read_ids[: len(expected)] == expected, (read_ids, expected)
    ledger.repair_torn_tail()
    assert [e.id for e in ledger.read().events][: len(expected)] == expected
    _use(ledger.read().events)


SEEDS = seed_notes()


@dataclass
class Target:
    name: str
    strategies: dict
    check: Callable[..., None]


TARGETS = [
    Target("parse_text", {"text": any_text}, check_parse_text),
    Target("parse_bytes", {"raw": st.binary(max_size=400)}, check_parse_bytes),
    Target(
        "parse_seed",
        {"index": st.integers(0, len(SEEDS) - 1), "edits": mutations()},
        lambda index, edits: check_parse_text(mutate(SEEDS[index], edits)),
    ),
    Target(
        "update",
        {"text": st.one_of(note_texts(), any_text), "updates": general_updates},
        lambda text, updates: check_update(text, updates, strict=False),
    ),
    Target(
        "update_review",
        {"text": note_texts(), "updates": projection_updates},
        lambda text, updates: check_update(text, updates, strict=True),
    ),
    Target(
        "headings",
        {
            "text": st.one_of(markdownish, any_text),
            "index": st.integers(0, len(SEEDS) - 1),
            "edits": mutations(),
            "seeded": st.booleans(),
        },
        lambda text, index, edits, seeded: check_headings(
            mutate(SEEDS[index], edits) if seeded else text
        ),
    ),
    Target(
        "ledger_bytes", {"raw": st.one_of(st.binary(max_size=300), json_lines)}, check_ledger_bytes
    ),
    Target(
        "ledger_cut",
        {
            "events": st.lists(valid_events, max_size=8),
            "cut": st.floats(0, 1),
            "flips": st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=2),
        },
        check_ledger_cut,
    ),
]

# ---------------------------------------------------------------------------------------------
# running


@dataclass
class Tally:
    examples: int = 0
    rounds: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    last_input: dict = field(default_factory=dict)


def run_round(target: Target, tally: Tally, examples: int, seed: int) -> str | None:
    """One Hypothesis run of ``examples`` examples; returns the failure report, if any."""
    last: dict = {}

    def body(**kwargs: object) -> None:
        tally.examples += 1
        try:
            target.check(**kwargs)
        except BaseException:
            last.update(kwargs)
            raise

    test = given(**target.strategies)(body)
    test = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )(test)
    try:
        hypothesis_seed(seed)(test)()
    except Exception as error:
        tally.last_input = dict(last)
        return f"{_describe(error)}\n    minimal input: {_short(last)}"
    return None


def _describe(error: BaseException) -> str:
    """The exception's type and first message line, and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = (str(error).splitlines() or [""])[0][:300]
    return f"{type(error).__name__}: {message}{where}"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 600 else text[:600] + "..."


def save_failure(folder: Path, name: str, number: int, report: str, inputs: dict) -> None:
    """The report, and the raw failing note or ledger as a file ready for the corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_{number}.txt").write_text(report + "\n", encoding="utf-8")
    raw = inputs.get("text", inputs.get("raw"))
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if isinstance(raw, bytes):
        suffix = ".jsonl" if name.startswith("ledger") else ".md"
        (folder / f"{name}_{number}{suffix}").write_bytes(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--round", type=int, default=400, help="examples per Hypothesis run")
    parser.add_argument("--save", type=Path, default=None, help="folder for failing inputs")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    tallies = {t.name: Tally() for t in TARGETS}
    started = time.monotonic()
    run_until(started + args.minutes * 60, tallies, args, random.Random(args.seed))
    return report_totals(tallies, time.monotonic() - started)


def run_until(deadline: float, tallies: dict[str, Tally], args, rng: random.Random) -> None:
    """Round-robin over the targets, one Hypothesis run each, until ``deadline``."""
    while time.monotonic() < deadline:
        for target in TARGETS:
            tally = tallies[target.name]
            report = run_round(target, tally, args.round, rng.getrandbits(32))
            tally.rounds += 1
            if report:
                tally.failures.append((target.name, report))
                print(f"FAIL {target.name}: {report}", flush=True)
                if args.save:
                    number = len(tally.failures)
                    save_failure(args.save, target.name, number, report, tally.last_input)
            if time.monotonic() >= deadline:
                return


def report_totals(tallies: dict[str, Tally], seconds: float) -> int:
    total = sum(t.examples for t in tallies.values())
    failures = sum(len(t.failures) for t in tallies.values())
    print(f"fuzzed for {seconds / 60:.1f} minutes: {total} examples, {failures} failures")
    for name, tally in tallies.items():
        print(
            f"  {name:<14} {tally.examples:>9} examples  {tally.rounds:>4} runs  "
            f"{len(tally.failures)} failures"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
