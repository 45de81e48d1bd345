"""Working days: weekends, the region's bank holidays (from `holidays`) and landlord closures.

Expected dates are literal: each row says which holiday it crosses, so a wrong calendar fails here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from holidays.version import __version__ as installed_holidays_version
from hypothesis import given
from hypothesis import strategies as st

from app.domain.clocks.calendar import WorkingCalendar, holidays_version, london_date

ENGLAND = WorkingCalendar()
SCOTLAND = WorkingCalendar("scotland")
NORTHERN_IRELAND = WorkingCalendar("northern-ireland")


class TestAddWorkingDaysEngland:
    @pytest.mark.parametrize(
        ("start", "n", "expected"),
        [
            # weekends
            (date(2026, 1, 9), 1, date(2026, 1, 12)),  # Fri -> Mon
            (date(2026, 1, 10), 1, date(2026, 1, 12)),  # from a Saturday
            (date(2026, 1, 11), 0, date(2026, 1, 11)),  # nothing added, even on a Sunday
            (date(2026, 1, 12), 5, date(2026, 1, 19)),  # a plain week
            # Christmas 2026: 25 Dec is a Friday, Boxing Day observed on Monday 28 Dec
            (date(2026, 12, 23), 1, date(2026, 12, 24)),
            (date(2026, 12, 24), 1, date(2026, 12, 29)),
            (date(2026, 12, 24), 5, date(2027, 1, 5)),  # and New Year's Day 2027 (Friday)
            (date(2026, 12, 18), 10, date(2027, 1, 6)),
            (date(2026, 12, 31), 1, date(2027, 1, 4)),
            # New Year 2026 (Thursday): 2 January is a working day in England
            (date(2025, 12, 31), 1, date(2026, 1, 2)),
            # Easter 2026: Good Friday 3 April, Easter Monday 6 April
            (date(2026, 4, 2), 1, date(2026, 4, 7)),
            (date(2026, 3, 30), 5, date(2026, 4, 8)),
            (date(2026, 3, 27), 20, date(2026, 4, 28)),
            # Easter 2027: Good Friday 26 March, Easter Monday 29 March
            (date(2027, 3, 25), 1, date(2027, 3, 30)),
            (date(2027, 3, 22), 10, date(2027, 4, 7)),
            # Christmas 2027 falls on a weekend: both observed on Monday 27 and Tuesday 28
            (date(2027, 12, 24), 1, date(2027, 12, 29)),
            # The state funeral of Queen Elizabeth II, Monday 19 September 2022
            (date(2022, 9, 16), 1, date(2022, 9, 20)),
        ],
    )
    def test_nth_working_day_after(self, start: date, n: int, expected: date) -> None:
        assert ENGLAND.add_working_days(start, n) == expected

    def test_negative_n_counts_backwards(self) -> None:
        assert ENGLAND.add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)


class TestSubtractWorkingDays:
    @pytest.mark.parametrize(
        ("end", "n", "expected"),
        [
            (date(2027, 1, 4), 1, date(2026, 12, 31)),  # over New Year's Day 2027
            (date(2026, 12, 29), 1, date(2026, 12, 24)),  # over Christmas and Boxing Day
            (date(2026, 4, 7), 1, date(2026, 4, 2)),  # over Easter 2026
            (date(2026, 4, 7), 0, date(2026, 4, 7)),
            (date(2026, 1, 12), 1, date(2026, 1, 9)),  # over a weekend
        ],
    )
    def test_nth_working_day_before(self, end: date, n: int, expected: date) -> None:
        assert ENGLAND.subtract_working_days(end, n) == expected

    def test_negative_n_counts_forwards(self) -> None:
        assert ENGLAND.subtract_working_days(date(2026, 12, 24), -1) == date(2026, 12, 29)


class TestWorkingDaysBetween:
    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (date(2026, 12, 24), date(2027, 1, 5), 5),
            (date(2027, 1, 5), date(2026, 12, 24), -5),
            (date(2026, 4, 2), date(2026, 4, 7), 1),
            (date(2026, 4, 2), date(2026, 4, 6), 0),  # only Easter and a weekend in between
            (date(2026, 1, 12), date(2026, 1, 12), 0),
        ],
    )
    def test_counts_days_after_start_up_to_end(self, start: date, end: date, expected: int) -> None:
        assert ENGLAND.working_days_between(start, end) == expected


class TestRegions:
    @pytest.mark.parametrize(
        ("start", "n", "england", "scotland", "northern_ireland"),
        [
            # 2 January is a bank holiday in Scotland only
            (date(2025, 12, 31), 1, date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 2)),
            # 2 January 2027 is a Saturday: Scotland observes it on Monday 4 January
            (date(2026, 12, 31), 1, date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 4)),
            # Easter Monday 2026 is not a bank holiday in Scotland
            (date(2026, 4, 2), 1, date(2026, 4, 7), date(2026, 4, 6), date(2026, 4, 7)),
            # St Andrew's Day, Monday 30 November 2026
            (date(2026, 11, 27), 1, date(2026, 11, 30), date(2026, 12, 1), date(2026, 11, 30)),
            # St Andrew's Day 2025 is a Sunday: observed on Monday 1 December
            (date(2025, 11, 28), 1, date(2025, 12, 1), date(2025, 12, 2), date(2025, 12, 1)),
            # St Patrick's Day, Tuesday 17 March 2026
            (date(2026, 3, 16), 1, date(2026, 3, 17), date(2026, 3, 17), date(2026, 3, 18)),
            # Battle of the Boyne, Monday 12 July 2027
            (date(2027, 7, 9), 1, date(2027, 7, 12), date(2027, 7, 12), date(2027, 7, 13)),
            # 12 July 2026 is a Sunday: observed on Monday 13 July
            (date(2026, 7, 10), 1, date(2026, 7, 13), date(2026, 7, 13), date(2026, 7, 14)),
            # Summer bank holiday: first Monday of August in Scotland, last in the rest of the UK
            (date(2026, 7, 31), 1, date(2026, 8, 3), date(2026, 8, 4), date(2026, 8, 3)),
            (date(2026, 8, 28), 1, date(2026, 9, 1), date(2026, 8, 31), date(2026, 9, 1)),
        ],
    )
    def test_each_region_has_its_own_bank_holidays(
        self, start: date, n: int, england: date, scotland: date, northern_ireland: date
    ) -> None:
        assert ENGLAND.add_working_days(start, n) == england
        assert SCOTLAND.add_working_days(start, n) == scotland
        assert NORTHERN_IRELAND.add_working_days(start, n) == northern_ireland

    def test_england_and_wales_is_the_default(self) -> None:
        assert WorkingCalendar() == WorkingCalendar("england-and-wales")

    def test_unknown_region_is_refused(self) -> None:
        with pytest.raises(ValueError, match="wales"):
            WorkingCalendar("wales")


class TestIsWorkingDay:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2026, 12, 24), True),
            (date(2026, 12, 25), False),  # Christmas Day
            (date(2026, 12, 28), False),  # Boxing Day observed
            (date(2027, 1, 1), False),
            (date(2026, 4, 3), False),  # Good Friday
            (date(2026, 4, 6), False),  # Easter Monday
            (date(2026, 1, 10), False),  # Saturday
            (date(2026, 1, 11), False),  # Sunday
            (date(2022, 9, 19), False),  # state funeral
            (date(2022, 9, 20), True),
        ],
    )
    def test_england(self, day: date, working: bool) -> None:
        assert ENGLAND.is_working_day(day) is working


class TestClosures:
    closed_between_christmas_and_new_year = WorkingCalendar(
        closures=frozenset({date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)})
    )

    def test_closure_days_are_not_working_days(self) -> None:
        assert not self.closed_between_christmas_and_new_year.is_working_day(date(2026, 12, 30))
        assert ENGLAND.is_working_day(date(2026, 12, 30))

    def test_closure_days_are_skipped(self) -> None:
        calendar = self.closed_between_christmas_and_new_year
        assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)
        assert calendar.subtract_working_days(date(2027, 1, 4), 1) == date(2026, 12, 24)
        assert calendar.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 1


class TestLondonDate:
    @pytest.mark.parametrize(
        ("moment", "expected"),
        [
            # BST (UTC+1): 23:30 UTC is already the next day in London
            (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
            (datetime(2026, 6, 30, 22, 59, tzinfo=UTC), date(2026, 6, 30)),
            # GMT: London and UTC agree
            (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),
            # another offset is converted, not read literally
            (datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))), date(2025, 12, 31)),
        ],
    )
    def test_date_in_europe_london(self, moment: datetime, expected: date) -> None:
        assert london_date(moment) == expected

    def test_naive_datetime_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone"):
            london_date(datetime(2026, 1, 1, 12, 0))


def test_holidays_version_names_the_package_in_use() -> None:
    assert holidays_version() == installed_holidays_version
    assert holidays_version()[0].isdigit()


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=0, max_value=60)
calendars = st.sampled_from([ENGLAND, SCOTLAND, NORTHERN_IRELAND])


class TestProperties:
    @given(calendars, days, counts)
    def test_between_undoes_add(self, calendar: WorkingCalendar, start: date, n: int) -> None:
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n

    @given(calendars, days, st.integers(min_value=1, max_value=60))
    def test_add_lands_on_a_working_day_after_start(
        self, calendar: WorkingCalendar, start: date, n: int
    ) -> None:
        result = calendar.add_working_days(start, n)
        assert result > start
        assert calendar.is_working_day(result)

    @given(calendars, days, counts)
    def test_subtract_undoes_add_from_a_working_day(
        self, calendar: WorkingCalendar, start: date, n: int
    ) -> None:
        working = calendar.add_working_days(start, 1)
        assert calendar.subtract_working_days(calendar.add_working_days(working, n), n) == working
