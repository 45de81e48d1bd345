"""The period a report covers: whole days in Europe/London, the first included, the last not.

A fact belongs to the period when the London date it happened on does: a complaint received at
23:30 on 31 March BST (22:30 UTC) is in March, and one received at 00:30 on 1 April BST (23:30 UTC
on 31 March) is in April, as a resident and a regulator would count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.calendar import london_date

# The regulator's reporting year (Tenant Satisfaction Measures, and the Code's annual report
# published beside them) runs from 1 April to 31 March.
YEAR_START_MONTH = 4


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` (included) to `end` (excluded), both London dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= london_date(moment) < self.end

    def holds_date(self, day: date | None) -> bool:
        return day is not None and self.start <= day < self.end

    def ended_by(self, moment: datetime | None) -> bool:
        """Whether `moment` happened before the period's end (any time before, not only in it)."""
        return moment is not None and london_date(moment) < self.end


def reporting_year(year: int) -> Period:
    """The reporting year named by its first calendar year: 2025 is 1 April 2025 to 31 March
    2026 (the regulator's "2025/26")."""
    return Period(date(year, YEAR_START_MONTH, 1), date(year + 1, YEAR_START_MONTH, 1))
