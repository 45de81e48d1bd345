"""The logging rules of `logged` v4 (app/domain/complaint/intake.py) and its upcaster."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.complaint.intake import months_before, out_of_time
from app.events.codec import upcast
from app.events.upcasters import Data


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 16), 12, date(2025, 3, 16)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),  # no 29 February: the month's last day
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=1, max_value=120),
)
def test_the_limit_day_is_in_time_and_the_day_before_is_not(received: date, months: int) -> None:
    limit = months_before(received, months)
    assert limit < received
    assert not out_of_time(limit, received, months)
    assert out_of_time(limit - timedelta(days=1), received, months)
    assert not out_of_time(date(1900, 1, 1), received, None)  # no limit: never late


def test_a_v3_logged_reads_with_every_later_field_unknown() -> None:
    rep: Data = {"name": "R", "relationship": "friend", "contact": None}
    v3: Data = {"complainant": {"name": "N"}, "tenure": "rented", "anonymous": False,
          "representative": rep}  # fmt: skip
    v4 = upcast("logged", 3, v3)
    assert v4 == {
        **v3,
        "incident_at": None,
        "late_acceptance_reason": None,
        "late_acceptance_explanation": None,
        "representative": {**rep, "kind": None, "consent": None},
        "uprn": None,  # v5
    }
    assert upcast("logged", 4, {"uprn_absent": True}) == {"uprn_absent": True, "uprn": None}
    assert upcast("logged", 3, {**v3, "representative": None})["representative"] is None
