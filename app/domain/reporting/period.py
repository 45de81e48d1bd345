"""The period a report covers: whole days in Europe/London, the first included, the last not.

A fact belongs to the period when the London date it happened on does: a complaint received at
23:30 on 31 March BST (22:30 UTC) is in March, and one received at 00:30 on 1 April BST (23:30 UTC
on 31 March) is in April, as a resident and a regulator would count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from app.domain.clocks.calendar import LONDON

# The regulator's reporting year (Tenant Satisfaction Measures, and the Code's annual report
# published beside them) runs from 1 April to 31 March.
YEAR_START_MONTH = 4


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` (included) to `end` (excluded), both London dates."""

    start: date
    end: date
    # The London midnights that open and close the period, as instants: comparing a moment with
    # them is the same as comparing its London date with the days (UK clocks never change at
    # midnight), and much cheaper over hundreds of thousands of facts.
    opens: datetime = field(init=False, repr=False, compare=False)
    closes: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")
        # In UTC, like the moments read from the database: equal time zones compare fastest.
        opens = datetime.combine(self.start, time(), LONDON).astimezone(UTC)
        object.__setattr__(self, "opens", opens)
        object.__setattr__(
            self, "closes", datetime.combine(self.end, time(), LONDON).astimezone(UTC)
        )

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.opens <= moment < self.closes

    def ended_by(self, moment: datetime | None) -> bool:
        """Whether `moment` happened before the period's end (any time before, not only in it)."""
        return moment is not None and moment < self.closes


def reporting_year(year: int) -> Period:
    """The reporting year named by its first calendar year: 2025 is 1 April 2025 to 31 March
    2026 (the regulator's "2025/26")."""
    return Period(date(year, YEAR_START_MONTH, 1), date(year + 1, YEAR_START_MONTH, 1))


def year_of(day: date) -> int:
    """The reporting year `day` falls in, named by its first calendar year."""
    return day.year if day.month >= YEAR_START_MONTH else day.year - 1
