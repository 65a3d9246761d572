"""The person's calendar day: reviews are due on days in the vault's time zone."""

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


def now_in(name: str) -> dt.datetime:
    """The current time, aware, in the configured zone."""
    return dt.datetime.now(zone(name))


def today_in(name: str) -> dt.date:
    """Today's date in the configured zone."""
    return now_in(name).date()
