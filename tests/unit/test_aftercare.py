"""What follows a complaint's handling: the satisfaction survey after closure (and its clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.domain.calendar import WorkingCalendar
from app.domain.complaint.commands import RecordSatisfaction
from app.domain.complaint.errors import ComplaintClosed, InvalidTransition
from app.domain.complaint.events import (
    ClosureReason,
    ComplaintEvent,
    Reopened,
    Satisfaction,
    SatisfactionRecorded,
)
from app.domain.deadlines import Clock, ClockStatus, clocks
from app.domain.policies.builtin import HOC_2024
from app.domain.policies.jjh_2020 import JJH_2020
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    closed,
    declined,
    given,
    logged,
    responded,
    uk,
    when,
)

S = ClockStatus
SCOTLAND = WorkingCalendar(region="scotland")
REOPENING = replace(HOC_2024, id="hoc-reopening", reopening_allowed=True)

RESPONDED = (logged(uk(2026, 12, 14)), acknowledged(uk(2026, 12, 15)), responded(uk(2026, 12, 18)))
CLOSED = (*RESPONDED, closed(uk(2026, 12, 21), ClosureReason.resolved))


def survey(
    at: datetime, satisfied: Satisfaction = Satisfaction.fairly_satisfied
) -> RecordSatisfaction:
    return RecordSatisfaction(occurred_at=at, satisfied=satisfied, comments="Quick in the end")


def surveyed(at: datetime) -> SatisfactionRecorded:
    return SatisfactionRecorded(
        occurred_at=at, satisfied=Satisfaction.fairly_satisfied, comments="Quick in the end"
    )


class TestRecordSatisfaction:
    def test_recorded_after_the_closure(self) -> None:
        assert when(given(*CLOSED), survey(uk(2027, 1, 4))) == [surveyed(uk(2027, 1, 4))]
        state = given(*CLOSED, surveyed(uk(2027, 1, 4)))
        assert state is not None
        assert [s.satisfied for s in state.surveys] == [Satisfaction.fairly_satisfied]

    @pytest.mark.parametrize("history", [RESPONDED[:1], RESPONDED], ids=["open", "responded"])
    def test_refused_before_the_closure(self, history: tuple[ComplaintEvent, ...]) -> None:
        with pytest.raises(InvalidTransition, match="the survey follows the closure"):
            when(given(*history), survey(uk(2027, 1, 4)))

    def test_a_declined_complaint_is_not_surveyed(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(given(RESPONDED[0], declined(uk(2026, 12, 15))), survey(uk(2027, 1, 4)))

    def test_once_per_closure(self) -> None:
        state = given(*CLOSED, surveyed(uk(2027, 1, 4)))
        with pytest.raises(InvalidTransition, match="already been recorded since the closure"):
            when(state, survey(uk(2027, 1, 5)))
        # Reopened and closed again: the new closure is surveyed again.
        again = given(
            logged(uk(2026, 12, 14), policy=REOPENING),
            *CLOSED[1:],
            surveyed(uk(2027, 1, 4)),
            Reopened(occurred_at=uk(2027, 1, 5), stage=1, reason="Mould back"),
            closed(uk(2027, 1, 6), ClosureReason.withdrawn),
        )
        assert when(again, survey(uk(2027, 1, 7)), policy=REOPENING)


# jjh-2020: a survey within 5 working days of the closure (6.7). Closed on Christmas Eve 2026:
# due Tuesday 5 January 2027 in England (29-31 December, 4, 5 January) and Wednesday 6 January in
# Scotland (4 January is its New Year substitute day).
JJH_CLOSED = (
    logged(uk(2026, 12, 14), policy=JJH_2020),
    responded(uk(2026, 12, 18)),
    closed(uk(2026, 12, 24), ClosureReason.resolved),
)


def survey_clock(
    events: tuple[ComplaintEvent, ...], at: datetime, calendar: WorkingCalendar = ENGLAND
) -> Clock:
    state = given(*events)
    assert state is not None
    return clocks(state, JJH_2020, calendar, at)["survey"]


class TestSurveyClock:
    @pytest.mark.parametrize(
        ("calendar", "due"),
        [(ENGLAND, date(2027, 1, 5)), (SCOTLAND, date(2027, 1, 6))],
        ids=["england", "scotland"],
    )
    def test_due_after_the_closure_and_met_by_the_survey(
        self, calendar: WorkingCalendar, due: date
    ) -> None:
        before = survey_clock(JJH_CLOSED, uk(2026, 12, 29), calendar)
        assert (before.due, before.status, before.met_at) == (due, S.pending, None)
        done = survey_clock((*JJH_CLOSED, surveyed(uk(2027, 1, 5))), uk(2027, 2, 1), calendar)
        assert (done.met_at, done.status) == (uk(2027, 1, 5), S.met)

    def test_late_survey_and_missing_survey(self) -> None:
        late = survey_clock((*JJH_CLOSED, surveyed(uk(2027, 1, 6))), uk(2027, 2, 1))
        assert late.status is S.met_late
        assert survey_clock(JJH_CLOSED, uk(2027, 1, 6)).status is S.breached

    def test_read_as_of_before_the_survey(self) -> None:
        clock = survey_clock((*JJH_CLOSED, surveyed(uk(2027, 1, 4))), uk(2026, 12, 31))
        assert (clock.met_at, clock.status) == (None, S.due_soon)
