"""A restriction's review as a clock (ADR 0020): the policy's warning points on the landlord's
calendar (Easter's bank holidays skipped), the review day itself, overdue the day after; the
latest point crossed raised once; nothing once it has ended; a new review date alerts afresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.events.vocabulary import AlertKind
from app.domain.policies.builtin import HOC_2024
from app.domain.restriction.alerts import next_review_alert_on, review_alerts
from app.domain.restriction.events import Measure, RestrictionImposed
from app.domain.restriction.state import RestrictionState, evolve

CALENDAR = WorkingCalendar()
REVIEW = date(2026, 4, 7)  # the Tuesday after Easter Monday


def imposed(review_due: date = REVIEW) -> RestrictionState:
    return evolve(
        None,
        RestrictionImposed(
            occurred_at=datetime(2025, 4, 7, 9, tzinfo=UTC),
            landlord="north-homes",
            resident_id="R-1",
            measures=(Measure.acknowledge_only,),
            contact_person=None,
            channels=(),
            times=None,
            reason="Made-up reason.",
            review_due=review_due,
        ),
    )


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def raise_on(state: RestrictionState, day: date) -> tuple[RestrictionState, list[object]]:
    alerts = review_alerts(state, HOC_2024, CALENDAR, noon(day))
    for alert in alerts:
        state = evolve(state, alert)
    return state, [(a.alert, a.working_days_before, a.point_date) for a in alerts]


def test_points_skip_easter_and_fall_on_the_review_day_and_the_day_after() -> None:
    state = imposed()
    # Two working days before Tuesday 7 April 2026: Good Friday and Easter Monday do not count.
    assert next_review_alert_on(state, HOC_2024, CALENDAR) == date(2026, 4, 1)
    state, raised = raise_on(state, date(2026, 3, 31))
    assert raised == []
    state, raised = raise_on(state, date(2026, 4, 1))
    assert raised == [(AlertKind.due_soon, 2, date(2026, 4, 1))]
    state, raised = raise_on(state, date(2026, 4, 2))
    assert raised == []  # raised once
    assert next_review_alert_on(state, HOC_2024, CALENDAR) == REVIEW
    state, raised = raise_on(state, REVIEW)
    assert raised == [(AlertKind.due_soon, 0, REVIEW)]
    state, raised = raise_on(state, date(2026, 4, 8))
    assert raised == [(AlertKind.breached, None, date(2026, 4, 8))]
    assert next_review_alert_on(state, HOC_2024, CALENDAR) is None


def test_a_late_pass_raises_only_the_latest_point_and_an_ended_one_none() -> None:
    _, raised = raise_on(imposed(), date(2026, 5, 1))
    assert raised == [(AlertKind.breached, None, date(2026, 4, 8))]
    ended = replace(imposed(), ended_at=noon(date(2026, 3, 1)), review_due=None)
    assert review_alerts(ended, HOC_2024, CALENDAR, noon(date(2026, 5, 1))) == []
    assert next_review_alert_on(ended, HOC_2024, CALENDAR) is None


def test_a_new_review_date_alerts_afresh() -> None:
    state, _ = raise_on(imposed(), date(2026, 4, 8))
    moved = replace(state, review_due=date(2027, 4, 7))
    assert next_review_alert_on(moved, HOC_2024, CALENDAR) == date(2027, 4, 5)
