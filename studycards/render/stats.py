"""The ``stats`` screen: the numbers, a 30-day due forecast, a year's heatmap, the topics."""

from __future__ import annotations

import datetime as dt

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from studycards.progress.stats import FORECAST_DAYS, Stats, TopicRow, heat_level
from studycards.scheduling.calibration import Calibration
from studycards.scheduling.optimize import FOLDS, Fit, Outcome
from studycards.scheduling.workloads import (
    EFFICIENCY_KEPT,
    SIMULATION_DAYS,
    Workload,
    suggest_retention,
)

_BARS = " ▁▂▃▄▅▆▇█"
_FORECAST_ROWS = 6
_HEAT_COLOURS = ("grey30", "#0e4429", "#006d32", "#26a641", "#39d353")
_HEAT_PLAIN = "·░▒▓█"
_WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "")


def stats_view(stats: Stats) -> RenderableType:
    return Group(
        _summary(stats),
        Text(),
        _forecast_title(stats),
        ForecastChart(stats.forecast),
        Text(),
        Text("Reviews in the last 12 months", style="bold"),
        Heatmap(stats.heatmap_start, stats.heatmap, stats.today),
        Text(),
        _topics_table(stats.topics),
        Text(),
        calibration_view(stats.calibration),
        *_readiness(stats),
    )


def _readiness(stats: Stats) -> list[RenderableType]:
    if stats.readiness is None:
        return []
    from studycards.render.queue import readiness_text

    return [Text(), Text("Interview", style="bold"), Text(readiness_text(stats.readiness))]


def calibration_view(calibration: Calibration | None) -> RenderableType:
    """Predicted recall of past reviews, in bins, against how often they were passed."""
    if calibration is None:
        return Text("Calibration: no reviews a day or more after an earlier one yet.")
    table = Table(
        title=(
            f"Calibration: predicted recall vs what you recalled ({calibration.reviews} reviews)"
        ),
        title_justify="left",
        show_edge=False,
        header_style="bold",
        pad_edge=False,
    )
    for name in ("Predicted", "Reviews", "Mean predicted", "Passed"):
        table.add_column(name, justify="right")
    for row in calibration.bins:
        span = f"{row.low:.0%}-{row.high:.0%}"
        table.add_row(span, str(row.reviews), f"{row.predicted:.1%}", f"{row.passed:.1%}")
    table.add_row(
        "all", str(calibration.reviews), f"{calibration.predicted:.1%}", f"{calibration.passed:.1%}"
    )
    gap = calibration.gap
    verdict = "over-predicts" if gap > 0 else "under-predicts"
    note = Text(f"The model {verdict} your recall by {abs(gap):.1%} on average.")
    return Group(table, note)


def duration_text(seconds: float) -> str:
    """``2h 05m``, ``12m``, ``40s``."""
    whole = int(round(seconds))
    hours, minutes = divmod(whole // 60, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m" if minutes else f"{whole}s"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def _before(stats: Stats) -> str:
    """Where the total includes the old scripts' history, say how much of it."""
    imported = stats.imported
    if imported.migrated is None:
        return ""
    return f" ({imported.reviews} before studycards, imported {imported.migrated})"


def _summary(stats: Stats) -> Table:
    counts = stats.counts
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row(
        "Notes",
        f"{counts.total} total: {counts.new} new, {counts.young} young, {counts.mature} mature",
    )
    week = stats.week_start.strftime("%a %m-%d")
    grid.add_row(
        "Reviews",
        f"{stats.reviews_today} today, {stats.reviews_week} this week (since {week}), "
        f"{stats.reviews_total} in all" + _before(stats),
    )
    parts = [f"{_percent(r.rate)} {r.days}d ({r.reviews})" for r in stats.retention]
    grid.add_row("True retention", ", ".join(parts))
    days = "day" if stats.streak == 1 else "days"
    grid.add_row("Streak", f"{stats.streak} {days} (longest {stats.longest_streak})")
    grid.add_row(
        "Time",
        f"{duration_text(stats.seconds_total)} in all, {duration_text(stats.seconds_today)} today",
    )
    return grid


def _forecast_title(stats: Stats) -> Text:
    week = sum(stats.forecast[:7])
    text = Text(f"Due in the next {FORECAST_DAYS} days", style="bold")
    text.append(f"  {sum(stats.forecast)} notes, {week} within 7 days", style="")
    if stats.overdue:
        text.append(f", {stats.overdue} overdue (shown today)", style="")
    return text


class ForecastChart:
    """Vertical bars, one column a day from today; overdue notes count on today."""

    def __init__(self, counts: tuple[int, ...]):
        self.counts = counts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        peak = max(self.counts, default=0)
        label_width = len(str(peak))
        for row in range(_FORECAST_ROWS):
            label = str(peak) if row == 0 else ("0" if row == _FORECAST_ROWS - 1 else "")
            line = Text(label.rjust(label_width) + " │", style="dim")
            floor = (_FORECAST_ROWS - 1 - row) * 8
            cells = (self._cell(count, peak, floor) for count in self.counts)
            line.append(" ".join(cells), style="cyan")
            yield line
        yield Text(" " * label_width + " └" + "─" * (2 * len(self.counts)), style="dim")
        yield Text(" " * (label_width + 2) + self._axis(), style="dim")

    @staticmethod
    def _cell(count: int, peak: int, floor: int) -> str:
        if peak <= 0:
            return " "
        eighths = round(count / peak * _FORECAST_ROWS * 8)
        if count > 0:
            eighths = max(1, eighths)
        return _BARS[min(8, max(0, eighths - floor))]

    def _axis(self) -> str:
        axis = [" "] * (2 * len(self.counts))
        for day, label in ((0, "today"), (7, "+7"), (14, "+14"), (21, "+21"), (28, "+28")):
            if 2 * day + len(label) <= len(axis):
                axis[2 * day : 2 * day + len(label)] = label
        return "".join(axis)


class Heatmap:
    """Weeks as columns, Monday to Sunday as rows, shaded by the day's reviews.

    Shades are coloured squares, or the characters ``·░▒▓█`` when colour is off (NO_COLOR, or
    output that is not a terminal).
    """

    def __init__(self, start: dt.date, counts: tuple[int, ...], today: dt.date):
        self.start = start
        self.counts = counts
        self.today = today

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = console.no_color or console.color_system is None
        peak = max(self.counts, default=0)
        weeks = (len(self.counts) + 6) // 7
        yield Text("    " + self._months(weeks), style="dim")
        for weekday in range(7):
            line = Text(_WEEKDAYS[weekday].ljust(4), style="dim")
            for week in range(weeks):
                index = week * 7 + weekday
                if index >= len(self.counts):
                    line.append(" ")
                else:
                    line.append_text(_shade(heat_level(self.counts[index], peak), plain))
            yield line
        legend = Text("    less ", style="dim")
        for level in range(5):
            legend.append_text(_shade(level, plain))
        legend.append(f" more (busiest day: {peak})", style="dim")
        yield legend

    def _months(self, weeks: int) -> str:
        row = [" "] * weeks
        last_month, free_from = None, 0
        for week in range(weeks):
            monday = self.start + dt.timedelta(weeks=week)
            if monday.month != last_month and week >= free_from and week + 3 <= weeks:
                row[week : week + 3] = monday.strftime("%b")
                free_from = week + 4
            last_month = monday.month
        return "".join(row)


def _shade(level: int, plain: bool) -> Text:
    if plain:
        return Text(_HEAT_PLAIN[level])
    return Text("■", style=_HEAT_COLOURS[level])


def _topics_table(rows: tuple[TopicRow, ...]) -> Table:
    table = Table(
        title="Topics", title_justify="left", show_edge=False, header_style="bold", pad_edge=False
    )
    table.add_column("Topic", overflow="fold")
    table.add_column("Notes", justify="right")
    table.add_column("Mastery", justify="right")
    table.add_column("Due", justify="right")
    table.add_column("XP", justify="right")
    table.add_column("Level")
    for row in rows:
        level = row.level
        next_text = f" ({level.next_name} at {level.next_at})" if level.next_name else ""
        table.add_row(
            row.topic or "-",
            str(row.notes),
            "-" if row.mastery is None else f"{row.mastery:.2f}",
            str(row.due),
            str(row.xp),
            level.name + next_text,
        )
    return table


# ---------------------------------------------------------------------------------------------
# optimize


def optimize_view(outcome: Outcome, dry_run: bool) -> RenderableType:
    fit = outcome.fit
    counted = Text(_counted(outcome))
    if fit is None:
        return Group(
            Text(
                f"Not enough reviews to fit parameters yet: {outcome.reviews} of the "
                f"{outcome.min_reviews} needed, {outcome.needed} more to go."
            ),
            counted,
        )
    parts: list[RenderableType] = [
        Text(f"Fitted to {fit.reviews} reviews of {fit.cards} notes.", style="bold"),
        counted,
        _evaluation_table(fit),
        Text(_verdict(outcome, dry_run)),
    ]
    return Group(*parts)


def _counted(outcome: Outcome) -> str:
    training = outcome.training
    return (
        f"Used {training.used} reviews a day or more after the note's previous one; "
        f"ignored {training.ignored}: {training.first} first reviews, {training.same_day} on the "
        f"same study day as the previous one, {training.migrated} of notes migrated from the "
        "old scheme."
    )


def _evaluation_table(fit: Fit) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("Parameters")
    table.add_column("Reviews")
    table.add_column("Log loss", justify="right")
    table.add_column("RMSE (bins)", justify="right")
    names = {"default": "default", "current": "in use", "fitted": "fitted"}
    tested = f"held out ({fit.tested})"
    for key, score in (fit.held_out or {}).items():
        table.add_row(names[key], tested, f"{score.log_loss:.4f}", f"{score.rmse_bins:.2%}")
    for key in ("default", "current", "fitted"):
        if key in fit.on_all:
            score = fit.on_all[key]
            table.add_row(
                names[key], "all, in-sample", f"{score.log_loss:.4f}", f"{score.rmse_bins:.2%}"
            )
    return table


def _verdict(outcome: Outcome, dry_run: bool) -> str:
    fit = outcome.fit
    assert fit is not None
    rule = (
        f"Decided on the held-out reviews only: the later {FOLDS} of {FOLDS + 1} time-ordered "
        "parts, each predicted by parameters fitted to the parts before it."
    )
    if fit.held_out is None:
        return rule + "\nKept the parameters in use: too few reviews for a held-out check."
    if not fit.better:
        name = "ones in use" if fit.current else "defaults"
        return rule + f"\nKept the {name}: the fitted ones do not predict later reviews better."
    if dry_run:
        return rule + "\nThe fitted parameters predict better (dry run: nothing saved)."
    return (
        rule + "\nSaved the fitted parameters ('parameters') and your hard/good/easy mix "
        "('grade_mix') to studycards.yaml.\n"
        "Run 'studycards reschedule' to move due days accordingly."
    )


def retention_view(workloads: tuple[Workload, ...], current: float) -> RenderableType:
    suggested = suggest_retention(workloads)
    if suggested is None:
        note = Text("Nothing to simulate: no notes, or no new notes allowed per day.")
    else:
        note = Text(
            f"Suggested desired_retention: {suggested.retention:.2f}, the highest that keeps "
            f"{EFFICIENCY_KEPT:.0%} of the best recall per minute of study. "
            "Set it in studycards.yaml."
        )
    return Group(_workload_table(workloads, current, suggested), note)


def _workload_table(
    workloads: tuple[Workload, ...], current: float, suggested: Workload | None
) -> Table:
    table = Table(
        title=f"A year of study simulated at each desired retention ({SIMULATION_DAYS} days)",
        title_justify="left",
        show_edge=False,
        header_style="bold",
        pad_edge=False,
    )
    for name in ("Retention", "Reviews/day", "Minutes/day", "Studied", "Memorized", "Recall"):
        table.add_column(name, justify="right")
    table.add_column("")
    for w in workloads:
        marks = ["in use"] if abs(w.retention - current) < 1e-9 else []
        marks += ["suggested"] if w is suggested else []
        table.add_row(
            f"{w.retention:.2f}",
            f"{w.reviews_per_day:.1f}",
            f"{w.minutes_per_day:.1f}",
            str(w.studied),
            f"{w.memorized:.0f}",
            f"{w.recall:.1%}",
            ", ".join(marks),
        )
    return table
