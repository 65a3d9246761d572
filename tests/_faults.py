"""Fault injection: run a studycards command, SIGKILL it at a moment aimed at its writes, check.

Shared by ``tests/test_grade_kill.py``, ``tests/test_faults.py`` (a few kills per command) and
``benchmarks/faults.py`` (hundreds). A :class:`Scenario` sets a vault up for one command
(``grade``, ``review`` in a pseudo-terminal, ``link``, ``fix``, ``sync``), starts it and finishes
whatever a kill interrupted. :func:`run_scenario` kills it by turns of four strategies, timed
from a complete run measured every few kills:

- ``any``: a random delay from the start (or, for ``review``, from the grade key press);
- ``locked``: from the moment the command takes the vault lock, across its measured write time;
- ``write``: 0-1 ms after its first write to a note, the ledger or the checklist;
- ``window``: from that first write, across the measured time its writes take.

After every kill: each note that parsed still parses, no byte outside the keys or block the
command touches changed, the ledger only grew and parses (a torn last line is the one notice
allowed). The interruption is then finished (``doctor --repair``, or the command run again and
then ``doctor --repair``) and: every note is now either as before the kill or as it was right
after it (no half-written note), ``doctor`` finds the vault healthy having needed nothing but
finishing reviews, clearing the crashed holder's pid, rebuilding the cache and deleting a
temporary file the kill left behind, and every note's ``next_review``, ``last_reviewed`` and
``review_count`` agree with the ledger.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from studycards.lock import LOCK_NAME, vault_lock
from studycards.notes.frontmatter_edit import NO_BLOCK, restore_lines
from studycards.notes.sections import RELATED_MARKER
from studycards.notes.summary import decode, parse_summary
from studycards.notes.vault import Vault, open_vault
from studycards.progress.checklist import CHECKLIST_NAME, escape_title, link_target
from studycards.scheduling.events import live_events
from studycards.scheduling.grading import PROJECTION_KEYS
from studycards.scheduling.history import replay
from studycards.scheduling.reconcile import reconcile
from studycards.scheduling.writes import ledger_of
from studycards.upkeep.fix import STANDARD_KEYS
from studycards.upkeep.related_block import write_block

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
CONFIG = "# fault injection\nnotes_dir: notes\nnew_per_day: 100000\nreviews_per_day: 100000\n"
LEDGER = Path(".studycards/reviews.jsonl")
LOCK = Path(".studycards") / LOCK_NAME
GRADES = ("again", "hard", "good", "easy")
# What doctor --repair may do after a kill: anything else means the kill left a disagreement
# that is not an interrupted write (a review lost, an id dropped, a due day changed).
EXPECTED_REPAIRS = (
    "wrote the review",
    "finished the undo",
    "moved the torn",
    "cleared the stale pid",
    "rebuilt",
    "left by an interrupted write",  # a temporary file the kill left, once a minute old
)
STRATEGIES = ("any", "locked", "write", "window")


# ---------------------------------------------------------------------------------------------
# processes


def environment() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1"}


def studycards(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "studycards", "--vault", str(root), *args]


def start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        argv, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def kill_after(process: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def reconcile_now(vault: Vault) -> None:
    """What the next writing command does first: finish interrupted reviews, under the lock."""
    with vault_lock(vault.state_dir):
        reconcile(vault, dt.datetime.now(dt.timezone.utc).astimezone())


class Probe:
    """Watches files for a write: each one's inode, size and mtime (``None`` while missing)."""

    def __init__(self, paths: Iterable[Path]):
        self.paths = list(paths)

    def stamp(self) -> tuple:
        return tuple(_stat(path) for path in self.paths)

    def changed(self, since: tuple) -> int:
        """How many of the files differ from ``since``."""
        return sum(1 for a, b in zip(self.stamp(), since, strict=True) if a != b)

    def wait(self, alive: Callable[[], bool], since: tuple, count: int = 1) -> float | None:
        """The time ``count`` files have changed since ``since``; ``None`` if the run ended."""
        deadline = time.monotonic() + 30
        while alive() and time.monotonic() < deadline:  # a busy loop: a write takes < 1 ms
            if self.changed(since) >= count:
                return time.monotonic()
        return None


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def kill_on_change(process: subprocess.Popen, probe: Probe, extra: float) -> None:
    """SIGKILL as soon as a watched file changes (plus ``extra`` seconds)."""
    probe.wait(lambda: process.poll() is None, probe.stamp())
    kill_after(process, extra)


# ---------------------------------------------------------------------------------------------
# vault snapshots and the checks


@dataclass(frozen=True)
class Snapshot:
    """Every note's bytes, the ledger's and the checklist's."""

    notes: dict[str, bytes]
    ledger: bytes
    checklist: bytes | None

    def data(self) -> tuple:
        return self.notes, self.ledger, self.checklist


def note_paths(root: Path) -> list[Path]:
    return sorted((root / "notes").rglob("*.md"))


def capture(root: Path) -> Snapshot:
    notes = {p.relative_to(root).as_posix(): p.read_bytes() for p in note_paths(root)}
    ledger = root / LEDGER
    checklist = root / CHECKLIST_NAME
    return Snapshot(
        notes,
        ledger.read_bytes() if ledger.exists() else b"",
        checklist.read_bytes() if checklist.exists() else None,
    )


@dataclass(frozen=True)
class Touch:
    """What a command may change in a note: frontmatter keys, the generated related block."""

    keys: tuple[str, ...] = ()
    related: bool = False


REVIEW_TOUCH = Touch((*PROJECTION_KEYS, "id"))
_APPENDED_BLOCK = re.compile(
    r"(?:\r?\n---\r?\n\r?\n)?## (?:相关笔记|Related notes)\r?\n"
    + re.escape(RELATED_MARKER)
    + r"\r?\n(?:\r?\n)?\Z"
)


def outside(raw: bytes, touch: Touch) -> str:
    """The note's text less the lines of the touched keys and the generated related block."""
    text, problem = decode(raw, "note")
    assert text is not None, f"undecodable: {problem}"
    if touch.keys:
        text = restore_lines(text, {NO_BLOCK: None, **dict.fromkeys(touch.keys)})
    if touch.related:
        text = _APPENDED_BLOCK.sub("", write_block(text, []))
    return text


def check_note(rel: str, before: bytes, after: bytes | None, touch: Touch) -> None:
    """``after`` parses if ``before`` did and equals it outside what the command touches."""
    assert after is not None, f"{rel}: the note is gone"
    if after == before:
        return
    text, problem = decode(after, rel)
    assert text is not None, f"{rel}: cannot be decoded: {problem}"
    if not _broken(before, rel):
        problems = [p for p in parse_summary(text, rel).problems if p.severity == "error"]
        assert not problems, f"{rel}: no longer parses: {problems[0]}"
    assert outside(after, touch) == outside(before, touch), f"{rel}: changed outside {touch}"


def _broken(raw: bytes, rel: str) -> bool:
    text, _ = decode(raw, rel)
    return text is None or parse_summary(text, rel).broken


def check_ledger(root: Path, before: bytes, after: bytes) -> None:
    """The ledger only grew, and it reads with no notice but a torn last line."""
    assert after.startswith(before), "the ledger lost or changed lines it had"
    read = ledger_of(open_vault(root)).read()
    others = [n for n in read.notices if "last line is incomplete" not in n]
    assert not others, f"ledger: {others[0]}"


def check_after_kill(root: Path, before: Snapshot, after: Snapshot, touch: Touch) -> None:
    assert set(after.notes) == set(before.notes), "notes appeared or vanished"
    for rel, raw in before.notes.items():
        check_note(rel, raw, after.notes.get(rel), touch)
    check_ledger(root, before.ledger, after.ledger)


def check_atomic(before: Snapshot, killed: Snapshot, finished: Snapshot) -> None:
    """Right after the kill each note was whole: as before, or as the finished run left it."""
    for rel, raw in killed.notes.items():
        assert raw in (before.notes[rel], finished.notes[rel]), f"{rel}: half written"


def check_agreement(root: Path, counts: dict[str, int]) -> None:
    """next_review, last_reviewed and review_count agree with the ledger for every note.

    ``counts`` holds each note's review_count before its first review here.
    """
    vault = open_vault(root)
    cards = replay(ledger_of(vault).read().events)
    for path in note_paths(root):
        rel = path.relative_to(root).as_posix()
        summary = parse_summary(path.read_text(encoding="utf-8"), rel)
        if summary.id is None:  # never reviewed: no review may be logged at its path
            assert not any(h.last and h.last.path == rel for h in cards.values()), f"{rel}: no id"
            continue
        history = cards.get(summary.id)
        if history is None or not history.reviews:
            continue
        reviews = [e for e in history.events if e.kind == "review"]
        assert summary.next_review == history.due, f"{rel}: next_review is not the ledger's"
        assert summary.last_reviewed == reviews[-1].day_date, f"{rel}: last_reviewed differs"
        expected = counts.get(rel, 0) + history.reviews
        assert summary.review_count == expected, f"{rel}: review_count is not {expected}"


def doctor_repair(root: Path) -> None:
    """``studycards doctor --repair``: healthy afterwards, having only finished interruptions."""
    result = invoke(root, "doctor", "--repair")
    assert result.exit_code == 0, f"doctor --repair left problems: {result.output}"
    for line in result.stdout.splitlines():
        if line.startswith("repaired: "):
            assert any(e in line for e in EXPECTED_REPAIRS), f"doctor had to: {line}"


def invoke(root: Path, *args: str):
    from typer.testing import CliRunner

    from studycards.cli import app

    return CliRunner().invoke(app, ["--vault", str(root), *args], catch_exceptions=False)


def review_counts(snapshot: Snapshot) -> dict[str, int]:
    counts = {}
    for rel, raw in snapshot.notes.items():
        text, _ = decode(raw, rel)
        counts[rel] = parse_summary(text, rel).review_count if text is not None else 0
    return counts


# ---------------------------------------------------------------------------------------------
# vaults


def generated_vault(root: Path, notes: int, seed: int) -> Path:
    """A vault of real-format notes (benchmarks/gen_vault.py), about half of them due today."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import gen_vault
    finally:
        sys.path.remove(str(BENCHMARKS))
    gen_vault.generate(notes, root, seed, dt.date.today())
    (root / "studycards.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def fresh_note(title: str, due: dt.date) -> str:
    """A small due note in the vault format, never reviewed yet."""
    day = due.isoformat()
    return (
        f"---\ncreated: '{day}'\nlast_reviewed: null\nnext_review: '{day}'\nreview_count: 0\n"
        "difficulty: medium\nmastery_level: 0.0\ntags:\n- Fresh\nrelated_outlines: []\n---\n"
        f"# {title}\n\n## 面试标准答案\n\n### 核心要点（30秒版本）\n"
        f"The short answer to {title}.\n\n## 深度讲解\nDeep dive text.\n"
    )


EDGE_NOTES = {
    "notes/Plain/no_frontmatter.md": "# A note with no frontmatter\n\nBody text.\n",
    "notes/Plain/crlf.md": (
        "---\r\ntags: [Plain]\r\nreview_count: 0\r\n---\r\n# CRLF note\r\n\r\nBody.\r\n"
    ),
}


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


# ---------------------------------------------------------------------------------------------
# runs: a subprocess, or the review session in a pseudo-terminal


class ProcessRun:
    """A command run as a subprocess; ``started`` is when it was started."""

    def __init__(self, argv: list[str]):
        self.started = time.monotonic()
        self.process = start(argv)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL; True when it was still running (so the kill landed)."""
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait() == -signal.SIGKILL

    def complete(self) -> None:
        code = self.process.wait(timeout=120)
        assert code == 0, f"a complete run exited {code}"


class SessionRun:
    """``review --limit 1`` in a pseudo-terminal, up to the grade key press (``started``)."""

    def __init__(self, root: Path, key: str):
        import pexpect

        env = dict(environment(), TERM="xterm-256color", COLUMNS="100", LINES="40")
        argv = studycards(root, "review", "--limit", "1")
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, dimensions=(40, 100), encoding="utf-8", timeout=30
        )
        self.child.expect("space reveal")
        self.child.send(" ")
        self.child.expect("3 Good")
        self.started = time.monotonic()
        self.child.send(key)
        self.shown, self.quit = "", False

    def alive(self) -> bool:
        """Whether it runs; reads what it drew, so a full terminal never blocks it. An again
        card comes back at once: then the session is left with ``q``."""
        import pexpect

        try:
            self.shown = (self.shown + self.child.read_nonblocking(1 << 16, timeout=0))[-4096:]
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        if not self.quit and "space reveal" in self.shown:
            self.child.send("q")
            self.quit = True
        return self.child.isalive()

    def kill(self) -> bool:
        landed = self.child.isalive()
        if landed:
            os.kill(self.child.pid, signal.SIGKILL)
        self.child.close(force=True)
        return landed and self.child.signalstatus == signal.SIGKILL

    def complete(self) -> None:
        import pexpect

        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus == 0, f"the session exited {self.child.exitstatus}"


# ---------------------------------------------------------------------------------------------
# scenarios: one command each


class Scenario:
    """A vault set up for one command: start it, and finish what a kill interrupted."""

    name = ""
    touch = REVIEW_TOUCH

    def __init__(self, root: Path, seed: int = 0):
        self.root, self.seed = root, seed
        self.counts: dict[str, int] = {}
        self.rounds = 0

    def setup(self) -> None:
        """(Re)build the vault from scratch."""
        import shutil

        shutil.rmtree(self.root, ignore_errors=True)
        generated_vault(self.root, 24, self.seed)
        self.build()
        self.counts = review_counts(capture(self.root))

    def build(self) -> None:
        """Extra notes or damage on top of the generated vault."""

    def prepare(self, rng: random.Random) -> None:
        """Bring the vault to where the command has work to do."""
        self.rounds += 1

    def launch(self, rng: random.Random):
        raise NotImplementedError

    def finish(self) -> None:
        """What a person does next (beyond ``doctor --repair``, which always follows)."""

    def check(self, before: Snapshot, killed: Snapshot, finished: Snapshot) -> None:
        """Checks of this command's own beyond the shared ones."""

    def probes(self) -> tuple[Probe, Probe]:
        """The lock file; the files the command writes (notes, ledger, checklist)."""
        data = [*note_paths(self.root), self.root / LEDGER, self.root / CHECKLIST_NAME]
        return Probe([self.root / LOCK]), Probe(data)


class GradeScenario(Scenario):
    name = "grade"

    def build(self) -> None:
        write_files(self.root, EDGE_NOTES)
        rels = [p.relative_to(self.root).as_posix() for p in note_paths(self.root)]
        self.targets = [*EDGE_NOTES, *rels[:4]]

    def launch(self, rng: random.Random) -> ProcessRun:
        rel = self.targets[self.rounds % len(self.targets)]
        return ProcessRun(studycards(self.root, "grade", rel, rng.choice(GRADES)))


class ReviewScenario(Scenario):
    name = "review"

    def prepare(self, rng: random.Random) -> None:
        super().prepare(rng)
        from studycards.scheduling.queue import load_queue

        vault = open_vault(self.root)
        today = dt.date.today()
        if len(load_queue(vault, today)[0].study) < 2:
            new = {f"notes/Fresh/card_{self.rounds}_{n}.md": n for n in range(4)}
            write_files(self.root, {rel: fresh_note(rel[12:-3], today) for rel in new})
            self.counts.update(dict.fromkeys(new, 0))

    def launch(self, rng: random.Random) -> SessionRun:
        return SessionRun(self.root, rng.choice("1234"))


class RestoringScenario(Scenario):
    """A command that rewrites many notes; each round starts again from the same notes."""

    command: tuple[str, ...] = ()

    def setup(self) -> None:
        super().setup()
        self.pristine = capture(self.root).notes

    def prepare(self, rng: random.Random) -> None:
        super().prepare(rng)
        for rel, raw in self.pristine.items():
            path = self.root / rel
            if path.read_bytes() != raw:
                path.write_bytes(raw)

    def launch(self, rng: random.Random) -> ProcessRun:
        return ProcessRun(studycards(self.root, *self.command))

    def finish(self) -> None:
        result = invoke(self.root, *self.command)
        assert result.exit_code == 0, f"{self.name} run again failed: {result.output}"


class LinkScenario(RestoringScenario):
    name = "link"
    touch = Touch(related=True)
    command = ("link",)

    def build(self) -> None:
        write_files(self.root, EDGE_NOTES)


class FixScenario(RestoringScenario):
    name = "fix"
    touch = Touch(STANDARD_KEYS)
    command = ("fix",)

    def build(self) -> None:
        write_files(self.root, EDGE_NOTES)
        for number, path in enumerate(note_paths(self.root)):
            path.write_text(damaged(path.read_text(encoding="utf-8"), number), encoding="utf-8")


def damaged(text: str, number: int) -> str:
    """A note with keys fix adds back: some lose a few keys, some their whole frontmatter."""
    if number % 4 == 1 and text.startswith("---\n"):
        return text[text.index("\n---\n", 3) + 5 :]
    if number % 4 == 2:
        return re.sub(r"(?m)^(difficulty|mastery_level|related_outlines):.*\n", "", text)
    if number % 4 == 3:
        return re.sub(r"(?m)^next_review: '(\d{4})-(\d\d)-(\d\d)'$", r"next_review: \1\2\3", text)
    return text


class SyncScenario(Scenario):
    name = "sync"

    def prepare(self, rng: random.Random) -> None:
        super().prepare(rng)
        rels = sorted(self.counts)
        self.ticked = rng.sample(rels, rng.randint(2, 4))
        others = rng.sample([r for r in rels if r not in self.ticked], 2)
        lines = [_checklist_line(self.root, rel, rng, rel in self.ticked) for rel in rels
                 if rel in self.ticked or rel in others]  # fmt: skip
        text = f"# Reviews for {dt.date.today()}\n\n## Today\n\n" + "\n".join(lines) + "\n"
        (self.root / CHECKLIST_NAME).write_text(text, encoding="utf-8")

    def launch(self, rng: random.Random) -> ProcessRun:
        return ProcessRun(studycards(self.root, "sync"))

    def finish(self) -> None:
        result = invoke(self.root, "sync")
        assert result.exit_code == 0, f"sync run again failed: {result.output}"

    def check(self, before: Snapshot, killed: Snapshot, finished: Snapshot) -> None:
        """Each ticked box became exactly one review: none lost, none logged twice."""
        events = live_events(ledger_of(open_vault(self.root)).read().events)
        old = before.ledger.count(b"\n")
        logged = Counter(e.path for e in events[old:] if e.kind == "review")
        for rel in self.ticked:
            assert logged[rel] == 1, f"{rel}: its ticked box was logged {logged[rel]} times"
        assert b"[x]" not in (finished.checklist or b""), "boxes left ticked after sync"


def _checklist_line(root: Path, rel: str, rng: random.Random, ticked: bool) -> str:
    text = (root / rel).read_text(encoding="utf-8")
    title = parse_summary(text, rel).title
    grade = rng.choice(["", " (again)", " (hard)", " (easy)"]) if ticked else ""
    return f"- [{'x' if ticked else ' '}] [{escape_title(title)}]({link_target(rel)}){grade}"


class RescheduleScenario(Scenario):
    """``reschedule`` after ``maximum_interval`` changed: it moves every reviewed note."""

    name = "reschedule"
    touch = Touch(("next_review", "id"))

    def setup(self) -> None:
        super().setup()
        for rel in sorted(self.counts)[:6]:
            assert invoke(self.root, "grade", rel, "easy").exit_code == 0

    def prepare(self, rng: random.Random) -> None:
        super().prepare(rng)
        limit = 2 + self.rounds % 5 if self.rounds % 2 else 365
        (self.root / "studycards.yaml").write_text(
            CONFIG + f"maximum_interval: {limit}\n", encoding="utf-8"
        )

    def launch(self, rng: random.Random) -> ProcessRun:
        return ProcessRun(studycards(self.root, "reschedule"))


class UndoScenario(Scenario):
    """``undo`` of a review made just before."""

    name = "undo"

    def prepare(self, rng: random.Random) -> None:
        super().prepare(rng)
        rel = rng.choice(sorted(self.counts))
        assert invoke(self.root, "grade", rel, rng.choice(GRADES)).exit_code == 0

    def launch(self, rng: random.Random) -> ProcessRun:
        return ProcessRun(studycards(self.root, "undo"))


class BuryScenario(ReviewScenario):
    """``b`` in the review session: the card is put off until tomorrow."""

    name = "bury"

    def launch(self, rng: random.Random) -> SessionRun:
        return SessionRun(self.root, "b")


SCENARIOS: dict[str, type[Scenario]] = {
    s.name: s
    for s in (
        GradeScenario,
        ReviewScenario,
        LinkScenario,
        FixScenario,
        SyncScenario,
        RescheduleScenario,
        UndoScenario,
        BuryScenario,
    )
}


# ---------------------------------------------------------------------------------------------
# the kill loop


@dataclass(frozen=True)
class Timing:
    """Seconds from a complete run's start to: taking the lock, its first write, its end."""

    lock: float
    write: float
    end: float


@dataclass
class Tally:
    """How the kills of one command landed, and what failed."""

    command: str
    kills: int = 0
    outcomes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def run_scenario(scenario: Scenario, kills: int, rng: random.Random, every: int = 8) -> Tally:
    """Kill the scenario's command ``kills`` times (runs that finish first do not count)."""
    tally = Tally(scenario.name)
    scenario.setup()
    timing = Timing(0.0, 0.0, 0.5)
    attempt = 0
    while tally.kills < kills and attempt < 3 * kills + 10:
        if attempt % every == 0:
            timing = calibrate(scenario, rng, tally) or timing
        kill_once(scenario, STRATEGIES[attempt % len(STRATEGIES)], timing, rng, tally)
        attempt += 1
    return tally


def calibrate(scenario: Scenario, rng: random.Random, tally: Tally) -> Timing | None:
    """A complete run, timed; it is checked like a killed one."""
    scenario.prepare(rng)
    before = capture(scenario.root)
    lock, data = scenario.probes()
    marks = lock.stamp(), data.stamp()
    run = scenario.launch(rng)
    seen: list[float | None] = [None, None]
    while run.alive():
        for n, (probe, mark) in enumerate(zip((lock, data), marks, strict=True)):
            if seen[n] is None and probe.changed(mark):
                seen[n] = time.monotonic() - run.started
        time.sleep(0.0003)
    end = time.monotonic() - run.started
    if not _judge(scenario, "complete", before, lambda: run.complete(), tally):
        return None
    tally.outcomes["finished"] += 1
    return Timing(seen[0] or 0.0, seen[1] or seen[0] or 0.0, end)


def pause(seconds: float) -> None:
    """Sleep, exactly even below a millisecond (a busy wait for the last few)."""
    until = time.monotonic() + seconds
    if seconds > 0.002:
        time.sleep(seconds - 0.002)
    while time.monotonic() < until:
        pass


def kill_once(
    scenario: Scenario, strategy: str, timing: Timing, rng: random.Random, tally: Tally
) -> None:
    scenario.prepare(rng)
    before = capture(scenario.root)
    lock, data = scenario.probes()
    marks = lock.stamp(), data.stamp()
    run = scenario.launch(rng)
    if strategy == "any":
        time.sleep(max(0.0, run.started + rng.uniform(0, timing.end) - time.monotonic()))
    else:
        probe, mark = (lock, marks[0]) if strategy == "locked" else (data, marks[1])
        probe.wait(run.alive, mark)
        span = {"locked": timing.end - timing.lock, "write": 0.001}.get(strategy)
        pause(rng.uniform(0, max(0.001, timing.end - timing.write if span is None else span)))
    landed = run.kill()
    tally.kills += landed
    outcome = _judge(scenario, strategy, before, None, tally)
    if outcome:
        tally.outcomes[outcome if landed else "finished"] += 1


def _judge(
    scenario: Scenario,
    strategy: str,
    before: Snapshot,
    complete: Callable[[], None] | None,
    tally: Tally,
) -> str | None:
    """Check the vault after a run; a failure is recorded and the vault rebuilt."""
    try:
        if complete is not None:
            complete()
        return check_round(scenario, before)
    except AssertionError as error:
        tally.failures.append(f"{strategy}: {error}")
        scenario.setup()
        return None


def check_round(scenario: Scenario, before: Snapshot) -> str:
    """Every check, after a killed (or complete) run; returns where the kill landed."""
    root = scenario.root
    killed = capture(root)
    check_after_kill(root, before, killed, scenario.touch)
    scenario.finish()
    doctor_repair(root)
    finished = capture(root)
    check_after_kill(root, before, finished, scenario.touch)
    check_atomic(before, killed, finished)
    check_agreement(root, scenario.counts)
    scenario.check(before, killed, finished)
    if killed.data() == before.data():
        return "before writes"
    return "mid-write" if finished.data() != killed.data() else "after writes"
