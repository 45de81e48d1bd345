"""Working-day arithmetic for a landlord's calendar region.

A working day is Monday to Friday, not a bank holiday of the region and not one of the landlord's
closure days. Bank holidays come from the `holidays` package, never from a list kept here, so a
newly announced holiday (a state funeral, a coronation) arrives with a package upgrade; the version
in use is exposed so a computed clock can record which calendar it was computed with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.version import __version__ as _holidays_version

LONDON = ZoneInfo("Europe/London")

# The Code is statutory in England and Wales; Scotland and Northern Ireland landlords use the same
# product with their own bank holidays.
REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
DEFAULT_REGION = "england-and-wales"

_ONE_DAY = timedelta(days=1)


def holidays_version() -> str:
    """The version of the `holidays` package whose bank holidays the calendar uses."""
    return _holidays_version


# Called for the same few moments of a complaint again and again (its stages' starts and facts,
# for every clock, row and report fact); the zone conversion is the costly part.
@lru_cache(maxsize=16384)
def london_date(t: datetime) -> date:
    """The calendar date of `t` in Europe/London: deadlines end at midnight UK time, BST or GMT."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return t.astimezone(LONDON).date()


@cache
def _bank_holidays(subdivision: str, year: int) -> frozenset[date]:
    # One frozen set per (region, year): immutable, so safe to share between threads, unlike a
    # `holidays` object that grows as new years are looked up.
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """The working days of one landlord: its region's bank holidays plus its own closure days."""

    region: str = DEFAULT_REGION
    closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            known = ", ".join(sorted(REGIONS))
            raise ValueError(f"unknown calendar region {self.region!r}; known regions: {known}")

    def is_bank_holiday(self, d: date) -> bool:
        return d in _bank_holidays(REGIONS[self.region], d.year)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.closures and not self.is_bank_holiday(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The Nth working day after `d` ("within N working days of D"); `d` itself never counts.

        `n == 0` returns `d` unchanged, even when `d` is not a working day: nothing is added.
        A negative `n` counts backwards, as `subtract_working_days(d, -n)`.
        """
        if n < 0:
            return self.subtract_working_days(d, -n)
        return self._step(d, n, _ONE_DAY)

    def subtract_working_days(self, d: date, n: int) -> date:
        """The Nth working day before `d`; `d` itself never counts and `n == 0` returns `d`."""
        if n < 0:
            return self.add_working_days(d, -n)
        return self._step(d, n, -_ONE_DAY)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall after `start`, up to and including `end`.

        Zero when `end == start`. When `end` is before `start` the count is negative: minus the
        working days after `end` up to and including `start`. So for any `n`,
        `working_days_between(d, add_working_days(d, n)) == n`.
        """
        if end < start:
            return -self.working_days_between(end, start)
        return _days_between(self, start, end)

    def _step(self, d: date, n: int, step: timedelta) -> date:
        return _stepped(self, d, n, step)


# Every request works out the same few due dates again (the view, the list row, the report facts
# before and after): a calendar is immutable and these are pure, so they are remembered, bounded.
@lru_cache(maxsize=65536)
def _days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count


@lru_cache(maxsize=65536)
def _stepped(calendar: WorkingCalendar, d: date, n: int, step: timedelta) -> date:
    day = d
    remaining = n
    while remaining > 0:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
    return day
