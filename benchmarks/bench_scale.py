"""Every read command and the two writing ones at 1k / 10k / 50k notes, beside the interpreter's floor.

Usage:
    python benchmarks/bench_scale.py [--sizes 1000,10000,50000] [--repeat 3] [--cold-repeat N]
        [--vaults DIR] [--commands due,search,...] [--states cold,warm,first] [--no-bundled]
        [--timeout 600] [--stat best|median] [--markdown | --json] [--json-file FILE]
        [--python PYTHON] [--keep]
    python benchmarks/bench_scale.py --merge RUN.json [RUN.json ...] [--markdown | --json]

Each figure is one fresh ``python -m studycards --vault VAULT ...`` process run with the
interpreter given by --python (default: the one running this script, so the studycards installed
there is the one measured). For each process it records CPU seconds (user + sys of the child and
of any worker processes it waited for, from ``os.wait4``), wall seconds and peak RSS (the largest
single process). A row is the best (lowest; ``--stat median`` for the median) CPU and wall of its
runs and the highest peak RSS.

The floor is measured in the same run, interleaved with every row: before each of a row's runs,
``python -c "import typer"`` and ``python -c pass`` run once, so a row and its floor see the same
machine load. "x floor" is the row's CPU divided by its own typer floor (best or median likewise).
The goals are the issue's, quoted beside each row they apply to: a ratio to that floor, warm, at
10,000 notes unless said; memory at 50,000 notes; ``grade`` on the bundled sample vault.

Commands (``--commands`` takes these keys):

    help         --help                        version      --version
    due          due --json                    list-due     list --due --json
    search       search QUERY (--query; default a title phrase that finds a handful of notes)
    search-cjk   search CJK_QUERY (--cjk-query; default 投机解码, a common term)
    stats        stats                         stats-json   stats --json
    link-dry     link --dry-run
    check        check (exit 1, "errors found", counts as a normal run)
    link-first   link on a vault never linked here: a fresh copy per run ("first")
    link         link when nothing changed: on that linked copy (cold and warm)
    grade        grade NOTE good, NOTE the first note by path: on the copy, and on a fresh copy
                 of the bundled sample vault (``studycards init --sample``; --no-bundled skips)

States: "cold" deletes the caches in ``VAULT/.studycards/`` before every run (everything there
except ``.gitignore``, the ``*.jsonl`` ledgers, ``imported.json`` and whatever the folder's
``.gitignore`` keeps in git); "warm" runs once unmeasured, then measures with nothing changed;
"first" is link-first's. ``--help`` and ``--version`` have no vault and no state.

Vaults: ``--vaults DIR`` holds one vault per size, named v1k, v10k, v50k (v30 for 30 notes),
made with benchmarks/gen_vault.py when missing and reused when present (so
``cp -r /some/where/v10k DIR/`` saves the generation). Read commands run in that vault (they
write only caches). Writing commands run on ``DIR/vNk-work``, a copy made for each size and
deleted after it (``--keep`` keeps it). Without --vaults a temporary folder is used and removed.

A command that runs longer than ``--timeout`` seconds is killed and reported as skipped, with a
line on stderr; it is skipped at the larger sizes too. A command that exits with an error is
reported as failed with its last line of stderr.

The growth exponent of a command is the least-squares slope of log CPU on log n over the
generated sizes measured (at least two); link's goal there is "no worse than n log n", the
slope of n log n over the same sizes. The raw CPU includes start-up, so small sizes flatten it.

Output: an aligned table (default), ``--markdown`` (ready for the README) or ``--json``, on
stdout; ``--json-file FILE`` also writes the JSON. ``--merge`` runs nothing and reports the rows
of earlier JSON outputs as one table, growth included (say the 50k rows, run on their own).
Progress lines, the load average at the start and the end (``os.getloadavg()``) and skips go to
stderr as well. Only the standard library is used. On a shared or loaded machine read the CPU
figures: wall times include waiting for a core.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATE = ".studycards"
KEEP = {".gitignore", "imported.json"}  # besides *.jsonl and the !-lines of .gitignore
DEFAULT_QUERY = '"Dropout vs label smoothing"'
DEFAULT_CJK_QUERY = "投机解码"
FLOOR_TIMEOUT = 120.0
BUNDLED = "bundled"
GB = 1024.0


# ---- what is measured ------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """One of the issue's goals: a limit on one figure, for some states, at one size or any."""

    figure: str  # "ratio", "cpu", "wall" or "rss"
    limit: float
    states: tuple[str, ...]
    size: int | str | None = None  # None: every size

    def applies(self, state: str, size: int | str) -> bool:
        return state in self.states and (self.size is None or self.size == size)

    def text(self) -> str:
        unit = {
            "ratio": f"<= {self.limit:g}x",
            "cpu": f"<= {self.limit:g} s CPU",
            "wall": f"<= {self.limit:g} s wall (quiet machine)",
            "rss": f"<= {self.limit:g} MB" if self.limit < GB else f"<= {self.limit / GB:g} GB",
        }[self.figure]
        return unit


@dataclass(frozen=True)
class Command:
    key: str
    label: str
    args: tuple[str, ...]
    where: str  # "none" (no vault), "read" (the size's vault) or "copy" (the writable copy)
    states: tuple[str, ...]
    goals: tuple[Goal, ...] = ()
    ok_codes: tuple[int, ...] = (0,)


W = ("warm",)
TEN_K = 10000
FIFTY_K = 50000


def commands(query: str, cjk_query: str) -> list[Command]:
    """Every command of the issue, in the order they run, with the issue's goals."""
    cw = ("cold", "warm")
    queue_goals = (Goal("ratio", 2.5, W, TEN_K), Goal("wall", 2.0, ("cold",), TEN_K))
    search_goals = (
        Goal("ratio", 3.0, W, TEN_K),
        Goal("cpu", 5.0, ("cold",), TEN_K),
        Goal("rss", 300.0, cw, FIFTY_K),
    )
    link_memory = Goal("rss", GB, ("cold", "warm", "first"), FIFTY_K)
    return [
        Command("help", "--help", ("--help",), "none", ("-",), (Goal("ratio", 1.6, ("-",)),)),
        Command("version", "--version", ("--version",), "none", ("-",), (Goal("ratio", 1.6, ("-",)),)),
        Command("due", "due --json", ("due", "--json"), "read", cw, queue_goals),
        Command("list-due", "list --due --json", ("list", "--due", "--json"), "read", cw, queue_goals),
        Command("search", f"search {query}", ("search", query), "read", cw, search_goals),
        Command("search-cjk", f"search {cjk_query}", ("search", cjk_query), "read", cw, search_goals),
        Command("stats", "stats", ("stats",), "read", cw, (Goal("ratio", 3.0, W, TEN_K),)),
        Command("stats-json", "stats --json", ("stats", "--json"), "read", cw, (Goal("ratio", 3.0, W, TEN_K),)),
        Command("link-dry", "link --dry-run", ("link", "--dry-run"), "read", cw),
        Command("check", "check", ("check",), "read", cw, (Goal("ratio", 10.0, W, TEN_K),), (0, 1)),
        Command(
            "link-first", "link (first run)", ("link",), "copy", ("first",),
            (Goal("cpu", 15.0, ("first",), TEN_K), link_memory),
        ),
        Command(
            "link", "link (nothing changed)", ("link",), "copy", cw,
            (Goal("ratio", 20.0, W, TEN_K), link_memory),
        ),
        Command("grade", "grade NOTE good", ("grade", "{note}", "good"), "copy", cw,
                (Goal("ratio", 3.0, W, BUNDLED),)),
    ]  # fmt: skip


EVERY_COMMAND_MEMORY = Goal("rss", GB, ("-", "cold", "warm", "first"), FIFTY_K)
GROWTH_GOALS = {"link-first", "link"}  # "growth no worse than n log n"


@dataclass
class Run:
    cpu: float
    wall: float
    rss_mb: float


@dataclass
class Row:
    command: Command
    state: str
    size: int | str  # notes asked for, "bundled", or "-" for no vault
    notes: int | None = None  # note files actually in the vault
    runs: list[Run] = field(default_factory=list)
    floor_typer: list[float] = field(default_factory=list)
    floor_pass: list[float] = field(default_factory=list)
    args: tuple[str, ...] = ()  # what followed --vault VAULT
    status: str = "ok"  # "ok", "failed" or "skipped"
    detail: str = ""


# ---- running one child -----------------------------------------------------------------------


class TimedOut(Exception):
    pass


class Failed(Exception):
    pass


def run_child(argv: list[str], cwd: Path, timeout: float, env: dict) -> tuple[Run, int, str]:
    """Run argv once; its CPU, wall and peak RSS, exit code and last stderr line."""
    with tempfile.TemporaryFile() as err:
        killed = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=err, start_new_session=True,
        )  # fmt: skip

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if killed.is_set():
            raise TimedOut(f"exceeded --timeout {timeout:g} s")
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(cpu, wall, usage.ru_maxrss / 1024), proc.returncode, lines[-1] if lines else ""


class Runner:
    """Runs studycards and the floors with one interpreter and environment."""

    def __init__(self, python: str, timeout: float) -> None:
        self.python = python
        self.timeout = timeout
        self.env = dict(os.environ)
        self.env.pop("STUDYCARDS_VAULT", None)
        self.env["COLUMNS"] = "100"

    def studycards(self, args: list[str], vault: Path | None, ok_codes=(0,)) -> Run:
        argv = [self.python, "-m", "studycards"]
        if vault is not None:
            argv += ["--vault", str(vault)]
        cwd = vault if vault is not None else Path.cwd()
        run, code, last = run_child(argv + args, cwd, self.timeout, self.env)
        if code not in ok_codes:
            raise Failed(f"exit {code}: {last}" if last else f"exit {code}")
        return run

    def floor(self, code: str) -> float:
        run, status, last = run_child(
            [self.python, "-c", code], Path.cwd(), FLOOR_TIMEOUT, self.env
        )
        if status != 0:
            raise SystemExit(f"error: {self.python} -c {code!r} failed: {last}")
        return run.cpu


# ---- vaults ----------------------------------------------------------------------------------


def size_label(n: int) -> str:
    if n >= 1000 and n % 1000 == 0:
        return f"v{n // 1000}k"
    return f"v{n}"


def count_notes(vault: Path) -> int:
    return sum(name.endswith(".md") for _, _, names in os.walk(vault / "notes") for name in names)


def ensure_vault(n: int, folder: Path, log) -> Path:
    """The generated vault of n notes in folder, made with gen_vault.py unless present."""
    vault = folder / size_label(n)
    if (vault / "notes").is_dir():
        log(f"reusing {vault}")
        return vault
    log(f"generating {n} notes in {vault}")
    subprocess.run(
        [sys.executable, str(HERE / "gen_vault.py"), str(n), str(vault)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return vault


def fresh_copy(source: Path, target: Path) -> Path:
    """target as a copy of source's notes and settings, without its caches."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=lambda d, names: [STATE] if Path(d) == source else [])
    return target


def bundled_vault(runner: Runner, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    runner.studycards(["init", "--sample", str(target)], None)
    return target


def kept_names(state: Path) -> set[str]:
    keep = set(KEEP)
    try:
        lines = (state / ".gitignore").read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    keep |= {line[1:].strip().strip("/") for line in lines if line.startswith("!")}
    return keep


def drop_caches(vault: Path) -> None:
    """Delete every cache in VAULT/.studycards/, keeping the ledgers and what git keeps."""
    state = vault / STATE
    if not state.is_dir():
        return
    keep = kept_names(state)
    for entry in state.iterdir():
        if entry.name in keep or entry.name.endswith(".jsonl"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def first_note(vault: Path) -> str:
    """The vault-relative path of the first note by path: the one grade records."""
    notes = sorted(
        p.relative_to(vault).as_posix()
        for p in (vault / "notes").rglob("*.md")
        if p.name not in {"README.md", "AGENTS.md", "CLAUDE.md"}
        and not any(part.startswith(".") for part in p.relative_to(vault).parts[:-1])
    )
    if not notes:
        raise SystemExit(f"error: {vault / 'notes'} holds no note")
    return notes[0]


# ---- measuring rows --------------------------------------------------------------------------


class Bench:
    def __init__(self, options, runner: Runner, log) -> None:
        self.options = options
        self.runner = runner
        self.log = log
        self.rows: list[Row] = []
        self.given_up: dict[tuple[str, str], str] = {}  # timed out at a smaller size

    def pick(self, values: list[float]) -> float:
        return min(values) if self.options.stat == "best" else statistics.median(values)

    def measure(self, row: Row, args: list[str], vault: Path | None, before=None) -> Row:
        """Fill row with its runs, each after its own floor runs; skip on timeout."""
        self.rows.append(row)
        row.args = tuple(args)
        key = (row.command.key, row.state)
        if key in self.given_up:
            row.status, row.detail = "skipped", self.given_up[key]
            self.log(f"skip: {describe(row)}: {row.detail}")
            return row
        count = self.options.repeat if row.state in ("warm", "-") else self.options.cold_repeat
        try:
            if row.state == "warm":
                self.runner.studycards(args, vault, row.command.ok_codes)  # fill the caches
            for _ in range(count):
                row.floor_typer.append(self.runner.floor("import typer"))
                row.floor_pass.append(self.runner.floor("pass"))
                if before:
                    before()
                row.runs.append(self.runner.studycards(args, vault, row.command.ok_codes))
        except TimedOut as exc:
            row.status, row.detail, row.runs = "skipped", str(exc), []
            self.given_up[key] = f"timed out at {fmt_size(row.size)} notes"
            self.log(f"skip: {describe(row)}: {exc}")
            return row
        except Failed as exc:
            row.status, row.detail = "failed", str(exc)
            self.log(f"failed: {describe(row)}: {exc}")
            return row
        self.log(progress(row, self))
        return row

    def run_global(self, command: Command) -> None:
        self.measure(Row(command, "-", "-"), list(command.args), None)

    def run_read(self, command: Command, vault: Path, size, notes: int) -> None:
        for state in self.states(command):
            row = Row(command, state, size, notes)
            reset = (lambda: drop_caches(vault)) if state == "cold" else None
            self.measure(row, list(command.args), vault, reset)

    def run_link(self, pristine: Path, work: Path, size, notes: int, wanted: dict) -> None:
        """link's first run on fresh copies, then link on the linked copy."""
        if "link-first" in wanted and "first" in self.states(wanted["link-first"]):
            row = Row(wanted["link-first"], "first", size, notes)
            self.measure(row, ["link"], work, lambda: fresh_copy(pristine, work))
        elif "link" in wanted:
            fresh_copy(pristine, work)
        if "link" in wanted:
            if not (work / STATE).is_dir():  # link-first skipped: link it once, unmeasured
                try:
                    self.runner.studycards(["link"], work)
                except (TimedOut, Failed) as exc:
                    self.log(f"could not link {work} once: {exc}")
            self.run_read(wanted["link"], work, size, notes)

    def run_grade(self, command: Command, work: Path, size, notes: int) -> None:
        args = [a.replace("{note}", first_note(work)) for a in command.args]
        for state in self.states(command):
            row = Row(command, state, size, notes)
            reset = (lambda: drop_caches(work)) if state == "cold" else None
            self.measure(row, args, work, reset)

    def states(self, command: Command) -> list[str]:
        return [s for s in command.states if s in self.options.states]


def fmt_size(size) -> str:
    return f"{size:,}" if isinstance(size, int) else str(size)


def describe(row: Row) -> str:
    if row.size == "-":
        where = ""
    elif row.size == BUNDLED:
        where = " on the bundled vault"
    else:
        where = f" at {fmt_size(row.size)} notes"
    state = "" if row.state == "-" else f" {row.state}"
    return f"{row.command.label}{state}{where}"


def figures(row: Row, bench: Bench) -> dict | None:
    if row.status != "ok" or not row.runs:
        return None
    cpu = bench.pick([r.cpu for r in row.runs])
    floor = bench.pick(row.floor_typer)
    return {
        "cpu": cpu,
        "wall": bench.pick([r.wall for r in row.runs]),
        "rss_mb": max(r.rss_mb for r in row.runs),
        "floor_typer": floor,
        "floor_pass": bench.pick(row.floor_pass),
        "ratio": cpu / floor if floor > 0 else None,
    }


def progress(row: Row, bench: Bench) -> str:
    f = figures(row, bench)
    return (
        f"{describe(row)}: cpu {f['cpu']:.2f} s, wall {f['wall']:.2f} s, "
        f"peak {f['rss_mb']:.0f} MB, floor {f['floor_typer']:.3f} s, {f['ratio']:.1f}x"
    )


def verdicts(row: Row, f: dict | None) -> list[tuple[str, str]]:
    every = (*row.command.goals, EVERY_COMMAND_MEMORY)
    goals = [g for g in every if g.applies(row.state, row.size)]
    goals = [g for i, g in enumerate(goals) if g.text() not in {h.text() for h in goals[:i]}]
    out = []
    for goal in goals:
        if f is None:
            out.append((goal.text(), "-"))
            continue
        value = {"ratio": f["ratio"], "cpu": f["cpu"], "wall": f["wall"], "rss": f["rss_mb"]}
        measured = value[goal.figure]
        ok = measured is not None and measured <= goal.limit
        out.append((goal.text(), "pass" if ok else "miss"))
    return out


# ---- growth ----------------------------------------------------------------------------------


def fit_exponent(sizes: list[float], values: list[float]) -> float:
    """Least-squares slope of log(value) on log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(v) for v in values]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("need at least two different sizes")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def n_log_n_exponent(sizes: list[float]) -> float:
    """The slope the same fit gives for a cost growing exactly as n log n over these sizes."""
    return fit_exponent(sizes, [s * math.log(s) for s in sizes])


def growth(bench: Bench) -> list[dict]:
    series: dict[tuple[str, str], list[tuple[int, float]]] = {}
    labels = {}
    for row in bench.rows:
        f = figures(row, bench)
        if f is None or not isinstance(row.size, int) or f["cpu"] <= 0:
            continue
        series.setdefault((row.command.key, row.state), []).append((row.size, f["cpu"]))
        labels[row.command.key] = row.command.label
    out = []
    for (key, state), points in series.items():
        sizes = sorted({n for n, _ in points})
        if len(sizes) < 2:
            continue
        ns, cpus = [float(n) for n, _ in points], [c for _, c in points]
        entry = {"key": key, "command": labels[key], "state": state, "sizes": sizes,
                 "exponent": round(fit_exponent(ns, cpus), 3), "goal": None, "result": "-"}  # fmt: skip
        if key in GROWTH_GOALS:
            limit = n_log_n_exponent([float(n) for n in sizes])
            entry["goal"] = f"<= {limit:.2f} (n log n)"
            entry["result"] = "pass" if entry["exponent"] <= limit else "miss"
        out.append(entry)
    return out


# ---- output ----------------------------------------------------------------------------------

HEAD = ("command", "notes", "state", "CPU s", "wall s", "peak MB", "floor s", "x floor", "goal", "result")  # fmt: skip


def table_rows(bench: Bench) -> list[tuple[str, ...]]:
    out = []
    for row in bench.rows:
        f = figures(row, bench)
        checks = verdicts(row, f)
        goal = "; ".join(g for g, _ in checks) or "-"
        result = "; ".join(v for _, v in checks) or "-"
        name = row.command.label.replace("|", "\\|")
        size = fmt_size(row.size)
        if f is None:
            out.append((name, size, row.state, row.status, row.detail, "", "", "", goal, result))
            continue
        ratio = f"{f['ratio']:.1f}" if f["ratio"] is not None else "-"
        out.append((
            name, size, row.state, f"{f['cpu']:.2f}", f"{f['wall']:.2f}", f"{f['rss_mb']:.0f}",
            f"{f['floor_typer']:.3f}", ratio, goal, result,
        ))  # fmt: skip
    return out


def floor_summary(bench: Bench) -> tuple[float | None, float | None]:
    typer = [c for r in bench.rows for c in r.floor_typer]
    passes = [c for r in bench.rows for c in r.floor_pass]
    return (bench.pick(typer) if typer else None, bench.pick(passes) if passes else None)


def header_lines(meta: dict) -> list[str]:
    typer, passes = meta["floor_import_typer_cpu"], meta["floor_pass_cpu"]
    floors = "-" if typer is None else f"`import typer` {typer:.3f} s, `pass` {passes:.3f} s CPU"
    if "sources" in meta:
        lines = [f"merged from {len(meta['sources'])} runs; floors ({meta['stat']}): {floors}"]
        return lines + [
            f"run {i}: " + "; ".join(run_lines(m)) for i, m in enumerate(meta["sources"], 1)
        ]
    return [*run_lines(meta), f"floors ({meta['stat']} over the run): {floors}"]


def run_lines(meta: dict) -> list[str]:
    return [
        f"date: {meta['date']}; {meta['cores']} cores; python {meta['python_version']}; "
        f"{meta['studycards']}",
        f"load average at start {fmt_load(meta['load_start'])}, at end {fmt_load(meta['load_end'])}",
        f"command: `{meta['command']}`",
        f"{meta['stat']} of {meta['repeat']} warm / {meta['cold_repeat']} cold runs",
    ]


def fmt_load(load: list[float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def render_text(rows: list[tuple[str, ...]], head: tuple[str, ...], markdown: bool) -> list[str]:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        return lines + ["| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    return ["  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)).rstrip()
            for r in (head, *rows)]  # fmt: skip


def report(bench: Bench, meta: dict, markdown: bool) -> str:
    lines = [("- " if markdown else "") + line for line in header_lines(meta)]
    lines += ["", *render_text(table_rows(bench), HEAD, markdown)]
    grow = growth(bench)
    if grow:
        head = ("command", "state", "sizes", "growth exponent", "goal", "result")
        rows = [(g["command"].replace("|", "\\|"), g["state"], ", ".join(fmt_size(s) for s in g["sizes"]),
                 f"{g['exponent']:.2f}", g["goal"] or "-", g["result"]) for g in grow]  # fmt: skip
        lines += ["", *render_text(rows, head, markdown)]
    skipped = [r for r in bench.rows if r.status != "ok"]
    if skipped:
        lines.append("")
        lines += [f"{r.status}: {describe(r)}: {r.detail}" for r in skipped]
    return "\n".join(lines) + "\n"


def as_json(bench: Bench, meta: dict) -> dict:
    rows = []
    for row in bench.rows:
        f = figures(row, bench)
        rows.append({
            "key": row.command.key, "command": row.command.label, "state": row.state,
            "size": row.size, "notes": row.notes, "args": list(row.args),
            "status": row.status, "detail": row.detail,
            **(f or {}),
            "runs": [vars(r) for r in row.runs],
            "floor_typer_runs": row.floor_typer, "floor_pass_runs": row.floor_pass,
            "goals": [{"goal": g, "result": v} for g, v in verdicts(row, f)],
        })  # fmt: skip
    return {**meta, "rows": rows, "growth": growth(bench)}


def merge(bench: Bench, paths: list[Path]) -> dict:
    """Read earlier --json outputs into bench's rows; the meta naming each run."""
    by_key = {c.key: c for c in commands(DEFAULT_QUERY, DEFAULT_CJK_QUERY)}
    sources = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            sources.append({k: v for k, v in data.items() if k not in ("rows", "growth")})
            for r in data["rows"]:
                bench.rows.append(row_from_json(r, by_key))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SystemExit(f"error: {path}: not a bench_scale.py --json output ({exc})") from None
    meta = {"sources": sources, "stat": bench.options.stat}
    meta["floor_import_typer_cpu"], meta["floor_pass_cpu"] = floor_summary(bench)
    return meta


def row_from_json(r: dict, by_key: dict[str, Command]) -> Row:
    command = dataclasses.replace(by_key[r["key"]], label=r["command"])
    return Row(
        command, r["state"], r["size"], r.get("notes"),
        runs=[Run(x["cpu"], x["wall"], x["rss_mb"]) for x in r["runs"]],
        floor_typer=list(r["floor_typer_runs"]), floor_pass=list(r["floor_pass_runs"]),
        args=tuple(r.get("args", ())), status=r["status"], detail=r["detail"],
    )  # fmt: skip


# ---- main ------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        try:
            n = int(float(part[:-1]) * 1000) if part.endswith("k") else int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of notes: {part!r}") from None
        if n <= 0:
            raise argparse.ArgumentTypeError(f"a size must be at least 1: {part!r}")
        sizes.append(n)
    return sizes


def parse_list(choices: set[str]):
    def parse(text: str) -> list[str]:
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if x not in choices]
        if bad:
            raise argparse.ArgumentTypeError(
                f"unknown: {', '.join(bad)} (choose from {', '.join(sorted(choices))})"
            )
        return items

    return parse


def parse_args(argv):
    keys = {c.key for c in commands(DEFAULT_QUERY, DEFAULT_CJK_QUERY)}
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[1000, 10000, 50000],
        help="numbers of notes, comma-separated (1k = 1000); default 1k,10k,50k",
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per warm row (default 3)")
    ap.add_argument("--cold-repeat", type=int, help="runs per cold row (default: --repeat)")
    ap.add_argument("--vaults", type=Path, help="folder of the vaults, kept and reused")
    ap.add_argument("--commands", type=parse_list(keys), help="keys to run (default: all)")
    ap.add_argument(
        "--states",
        type=parse_list({"cold", "warm", "first"}),
        default=["cold", "warm", "first"],
        help="default cold,warm,first",
    )
    ap.add_argument("--no-bundled", action="store_true", help="skip grade on the sample vault")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run (default 600)")
    ap.add_argument("--stat", choices=("best", "median"), default="best")
    ap.add_argument("--query", default=DEFAULT_QUERY)
    ap.add_argument("--cjk-query", default=DEFAULT_CJK_QUERY)
    ap.add_argument("--python", default=sys.executable, help="interpreter running studycards")
    ap.add_argument("--keep", action="store_true", help="keep the writable copies")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--markdown", action="store_true", help="print a Markdown table")
    out.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--json-file", type=Path, help="also write the JSON to this file")
    ap.add_argument(
        "--merge", type=Path, nargs="+", metavar="JSON",
        help="run nothing: report the rows of earlier --json outputs together",
    )  # fmt: skip
    options = ap.parse_args(argv)
    if options.repeat < 1 or (options.cold_repeat is not None and options.cold_repeat < 1):
        ap.error("--repeat and --cold-repeat must be at least 1")
    if options.cold_repeat is None:
        options.cold_repeat = options.repeat
    return options


def studycards_version(runner: Runner) -> str:
    code = "import studycards, os; print(os.path.dirname(studycards.__file__))"
    try:
        where = subprocess.run([runner.python, "-c", code], capture_output=True, text=True,
                               check=True, env=runner.env).stdout.strip()  # fmt: skip
        version = subprocess.run([runner.python, "-m", "studycards", "--version"],
                                 capture_output=True, text=True, env=runner.env).stdout.strip()  # fmt: skip
        commit = subprocess.run(["git", "-C", where, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"error: {runner.python} cannot import studycards: {exc}") from None
    return f"{version or 'studycards'}" + (f" (commit {commit})" if commit else "")


def run_all(options, bench: Bench, folder: Path) -> None:
    wanted = {
        c.key: c
        for c in commands(options.query, options.cjk_query)
        if options.commands is None or c.key in options.commands
    }
    for command in wanted.values():
        if command.where == "none":
            bench.run_global(command)
    if "grade" in wanted and not options.no_bundled:
        work = bundled_vault(bench.runner, folder / "bundled-work")
        bench.run_grade(wanted["grade"], work, BUNDLED, count_notes(work))
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    for n in options.sizes:
        vault = ensure_vault(n, folder, bench.log)
        notes = count_notes(vault)
        for command in wanted.values():
            if command.where == "read":
                bench.run_read(command, vault, n, notes)
        if any(c.where == "copy" for c in wanted.values()):
            work = folder / f"{size_label(n)}-work"
            bench.run_link(vault, work, n, notes, wanted)
            if "grade" in wanted:
                if not (work / "notes").is_dir():
                    fresh_copy(vault, work)
                bench.run_grade(wanted["grade"], work, n, notes)
            if not options.keep:
                shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if options.merge:
        bench = Bench(options, None, log)
        return output(bench, merge(bench, options.merge), options)
    runner = Runner(options.python, options.timeout)
    meta = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "python_version": subprocess.run(
            [options.python, "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),  # fmt: skip
        "studycards": studycards_version(runner),
        "load_start": list(os.getloadavg()),
        "command": " ".join(["python", "benchmarks/bench_scale.py", *(argv or sys.argv[1:])]),
        "repeat": options.repeat,
        "cold_repeat": options.cold_repeat,
        "stat": options.stat,
    }
    log(f"load average at start: {fmt_load(meta['load_start'])}")
    bench = Bench(options, runner, log)
    temporary = options.vaults is None
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-")) if temporary else options.vaults
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run_all(options, bench, folder)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    meta["load_end"] = list(os.getloadavg())
    log(f"load average at end: {fmt_load(meta['load_end'])}")
    meta["floor_import_typer_cpu"], meta["floor_pass_cpu"] = floor_summary(bench)
    return output(bench, meta, options)


def output(bench: Bench, meta: dict, options) -> int:
    data = as_json(bench, meta)
    if options.json_file:
        options.json_file.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    if options.json:
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print(report(bench, meta, options.markdown), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
