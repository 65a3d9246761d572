"""The words of ``reviewsToday.md`` in each language it is written in.

The Chinese file keeps the old scripts' headings (``## 🔴 已过期（优先复习）``,
``## ⭐ reviewsToday``, ``## 📅 本周计划``, ``## 统计概览``), so links into it (a docsify
sidebar) and habits keep working.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    title: str  # with {date}
    how_to: str
    headings: dict[str, str]
    empty: dict[str, str]
    cut_today: str  # with {cut}: the day's limits were reached
    capped: str  # with {more} {key} {cap}
    limits: str  # with {cut} {new} {reviews}
    overview: str
    overview_lines: tuple[
        str, ...
    ]  # with {total} {overdue} {listed} {today} {week} {done} {mastery}
    reviews: str  # with {n}
    due: str  # with {day}


EN = Words(
    title="# Reviews for {date}",
    how_to=(
        "Tick a box once you have reviewed the note. Not *good*? Write the grade after the link: "
        "(again), (hard) or (easy). Then run `studycards sync`."
    ),
    headings={"overdue": "Overdue", "today": "Today", "week": "This week", "done": "Done today"},
    empty={
        "overdue": "Nothing overdue.",
        "today": "Nothing due today.",
        "week": "Nothing else.",
        "done": "Nothing yet.",
    },
    cut_today="Daily limits reached: {cut} due note{s} left for later.",
    capped="{more} more not listed ({key}: {cap} in studycards.yaml).",
    limits=(
        "_Daily limits: {cut} more due note{s} left for later "
        "(new_per_day {new}, reviews_per_day {reviews} in studycards.yaml; "
        "`studycards today --all` lists every one)._\n"
    ),
    overview="Overview",
    overview_lines=(
        "- Notes: {total}",
        "- Overdue: {overdue} ({listed} listed)",
        "- Due today: {today}",
        "- This week: {week}",
        "- Reviewed today: {done}",
        "- Mean mastery: {mastery}",
    ),
    reviews="reviews {n}",
    due="due {day}",
)

ZH = Words(
    title="# 📚 今日复习 - {date}",
    how_to=(
        "复习完一篇就勾选它的方框（`[x]`）。不是 *good*？在链接后写上评分："
        "(again)、(hard) 或 (easy)。然后运行 `studycards sync`。"
    ),
    headings={
        "overdue": "🔴 已过期（优先复习）",
        "today": "⭐ reviewsToday",
        "week": "📅 本周计划",
        "done": "✅ 今日已完成",
    },
    empty={
        "overdue": "没有过期的笔记。",
        "today": "今天没有到期的笔记 🎉",
        "week": "本周没有其他计划。",
        "done": "还没有。",
    },
    cut_today="已达每日上限：还有 {cut} 篇到期笔记留待以后。",
    capped="另有 {more} 篇未列出（studycards.yaml 中 {key}: {cap}）。",
    limits=(
        "_每日上限：还有 {cut} 篇到期笔记留待以后"
        "（studycards.yaml 中 new_per_day {new}、reviews_per_day {reviews}；"
        "`studycards today --all` 列出全部）。_\n"
    ),
    overview="统计概览",
    overview_lines=(
        "- 📝 总笔记数: {total}",
        "- 🔴 已过期: {overdue}（本次列出 {listed}）",
        "- ⭐ 今日待复习: {today}",
        "- 📅 本周计划: {week}",
        "- ✅ 今日已复习: {done}",
        "- 🎯 平均掌握度: {mastery}",
    ),
    reviews="已复习: {n}次",
    due="到期: {day}",
)

WORDS = {"en": EN, "zh": ZH}
