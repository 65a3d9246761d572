"""The person's study day: reviews are due on days in the vault's time zone, and a day starts at
``day_starts_at`` o'clock (4 by default, as in Anki), so a review at 00:30 belongs to the day
before, with the evening's other reviews."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studycards.errors import ConfigError


def zone(name: str) -> dt.tzinfo:
    """The configured time zone; ``local`` is the machine's."""
    if name == "local":
        local = dt.datetime.now().astimezone().tzinfo
        assert local is not None
        return local
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {name!r} in setting 'timezone'") from None


DAY_STARTS_AT = 4


def study_day(now: dt.datetime, name: str, starts_at: int = DAY_STARTS_AT) -> dt.date:
    """The study day of an aware ``now`` in zone ``name``: the local date ``starts_at`` hours
    earlier, whatever zone ``now`` carries (a laptop abroad, a UTC server)."""
    local = now.astimezone(zone(name))
    return (local - dt.timedelta(hours=starts_at)).date()


def now_in(name: str) -> dt.datetime:
    """The current time, aware, in the configured zone."""
    return dt.datetime.now(zone(name))


def today_in(name: str, starts_at: int = DAY_STARTS_AT) -> dt.date:
    """Today's study day in the configured zone."""
    return study_day(now_in(name), name, starts_at)


def current_streak(days: set[dt.date] | frozenset[dt.date], today: dt.date) -> int:
    """Consecutive study days ending today, or yesterday when nothing was studied yet today."""
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count
