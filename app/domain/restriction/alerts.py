"""The review of a restriction as a clock that alerts (ADR 0020): the same warning points as a
complaint's clocks (the policy's `alert_days_before`, on the landlord's calendar) and a breach the
day after the review was due. As for complaints (app/domain/clocks/alerts.py), only the latest
point crossed is raised, once per review date; a new review date is a new clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from app.domain.clocks.alerts import Rank, points, rank_of
from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.complaint.events.vocabulary import AlertKind
from app.domain.policies.model import Policy
from app.domain.restriction.events import RestrictionReviewAlertRaised
from app.domain.restriction.state import RestrictionState

_NONE_RAISED: Rank = (-1, 0)


def _done(state: RestrictionState, due: date) -> Rank:
    ranks: Sequence[Rank] = [rank_of(days) for on, days in state.alerts if on == due]
    return max(ranks, default=_NONE_RAISED)


def review_alerts(
    state: RestrictionState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> list[RestrictionReviewAlertRaised]:
    """The alert owed at `at`, if any: the latest point of the review crossed and not yet raised."""
    due = state.review_due
    if due is None or not state.in_force:
        return []
    today = london_date(at)
    crossed = [p for p in points(due, policy, calendar) if p.on <= today]
    if not crossed or crossed[-1].rank <= _done(state, due):
        return []
    point = crossed[-1]
    kind = AlertKind.breached if point.working_days_before is None else AlertKind.due_soon
    return [
        RestrictionReviewAlertRaised(
            occurred_at=at,
            review_due=due,
            alert=kind,
            working_days_before=point.working_days_before,
            point_date=point.on,
        )
    ]


def next_review_alert_on(
    state: RestrictionState, policy: Policy, calendar: WorkingCalendar
) -> date | None:
    """The first day a point not yet raised is crossed; None when none is left (or it ended)."""
    due = state.review_due
    if due is None or not state.in_force:
        return None
    done = _done(state, due)
    later = [p.on for p in points(due, policy, calendar) if p.rank > done]
    return min(later, default=None)
