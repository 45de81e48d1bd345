"""A step never taken reads `missed` once its stage ends after the due day: never `met_late`
(which is a step taken late), and a breach for the lists. Table-driven across Christmas, New Year
and Easter."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.clocks.calendar import london_date
from app.domain.clocks.deadlines import (
    BREACHES,
    Clock,
    ClockStatus,
    clocks,
    earliest_unmet_due,
    stage_clocks,
)
from app.domain.complaint.commands import Acknowledge
from app.domain.complaint.decide import decide
from app.domain.complaint.errors import InvalidTransition
from app.domain.complaint.events import ClosureReason, ComplaintEvent
from app.domain.complaint.evolve import evolve, fold
from app.domain.errors import DomainError
from app.domain.policies.builtin import HOC_2024, TUNTUM_2017
from app.domain.policies.model import Policy
from app.projections.complaints import row_for
from app.services.complaints import Complaint
from app.services.listing import sla_state
from tests.depth import examples
from tests.unit.scenario import (
    ENGLAND,
    LOGGED,
    acknowledged,
    closed,
    contacted,
    declined,
    escalated,
    escalation_requested,
    logged,
    responded,
    uk,
    when,
)
from tests.unit.scenario import given as fold_of
from tests.unit.test_properties import commands

S = ClockStatus

# tuntum-2017 stage 1 received Wednesday 23 December 2026: acknowledgement and contact due in 3
# working days, Wednesday 30 December (25 and 28 December are bank holidays); the response in 10
# from receipt, Monday 11 January 2027 (1 January is a holiday).
TUNTUM = logged(uk(2026, 12, 23), policy=TUNTUM_2017)
# hoc-2024 stage 1 received Monday 21 December 2026: acknowledgement due Wednesday 30 December;
# with none, the response is counted from that deadline: Thursday 14 January 2027.
XMAS = logged(uk(2026, 12, 21, 10), received_at=uk(2026, 12, 21, 9))
# hoc-2024 stage 2 requested Monday 22 March 2027, escalated on the 25th: acknowledgement due
# Wednesday 31 March (Good Friday 26 March and Easter Monday 29 March are holidays).
EASTER = (
    logged(uk(2027, 3, 1)),
    acknowledged(uk(2027, 3, 2)),
    responded(uk(2027, 3, 12)),
    escalation_requested(uk(2027, 3, 22)),
    escalated(uk(2027, 3, 25)),
)

Row = tuple[str, Policy, tuple[ComplaintEvent, ...], str, date, ClockStatus, datetime | None]
WITHDRAWN = ClosureReason.withdrawn
ROWS: list[Row] = [
    # The stage ended by the due day: no breach ever happened, and the clock says when it ended.
    ("tuntum-withdrawn-before", TUNTUM_2017, (TUNTUM, closed(uk(2026, 12, 29), WITHDRAWN)),
     "acknowledgement", date(2026, 12, 30), S.met, uk(2026, 12, 29)),
    ("tuntum-withdrawn-due-day", TUNTUM_2017, (TUNTUM, closed(uk(2026, 12, 30, 23), WITHDRAWN)),
     "contact", date(2026, 12, 30), S.met, uk(2026, 12, 30, 23)),
    # Ended after the due day: missed, with no `met_at`.
    ("tuntum-ack-missed", TUNTUM_2017, (TUNTUM, closed(uk(2027, 1, 4), WITHDRAWN)),
     "acknowledgement", date(2026, 12, 30), S.missed, None),
    ("tuntum-contact-missed", TUNTUM_2017, (TUNTUM, closed(uk(2027, 1, 4), WITHDRAWN)),
     "contact", date(2026, 12, 30), S.missed, None),
    ("tuntum-response-in-time", TUNTUM_2017, (TUNTUM, closed(uk(2027, 1, 4), WITHDRAWN)),
     "response", date(2027, 1, 11), S.met, uk(2027, 1, 4)),
    ("tuntum-response-missed", TUNTUM_2017, (TUNTUM, closed(uk(2027, 1, 12), WITHDRAWN)),
     "response", date(2027, 1, 11), S.missed, None),
    ("tuntum-declined", TUNTUM_2017, (TUNTUM, declined(uk(2026, 12, 31))),
     "contact", date(2026, 12, 30), S.missed, None),
    # A step taken late stays `met_late`: it was taken.
    ("tuntum-contact-late", TUNTUM_2017,
     (TUNTUM, contacted(uk(2026, 12, 31)), closed(uk(2027, 1, 12), WITHDRAWN)),
     "contact", date(2026, 12, 30), S.met_late, uk(2026, 12, 31)),
    # The response ends the acknowledgement's wait (an acknowledgement is refused after it).
    ("hoc-answered-before-the-ack-day", HOC_2024, (XMAS, responded(uk(2026, 12, 29))),
     "acknowledgement", date(2026, 12, 30), S.met, uk(2026, 12, 29)),
    ("hoc-answered-after-the-ack-day", HOC_2024, (XMAS, responded(uk(2026, 12, 31))),
     "acknowledgement", date(2026, 12, 30), S.missed, None),
    ("hoc-answered-without-ack-in-time", HOC_2024, (XMAS, responded(uk(2027, 1, 14))),
     "response", date(2027, 1, 14), S.met, uk(2027, 1, 14)),
    # Stage 2 over Easter, withdrawn the day after its acknowledgement fell due.
    ("hoc-stage-2-easter", HOC_2024, (*EASTER, closed(uk(2027, 4, 1), WITHDRAWN)),
     "acknowledgement", date(2027, 3, 31), S.missed, None),
    ("hoc-stage-2-easter-response", HOC_2024, (*EASTER, closed(uk(2027, 4, 1), WITHDRAWN)),
     "response", date(2027, 4, 28), S.met, uk(2027, 4, 1)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "events", "name", "due", "status", "met_at"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_a_stopped_clock_reads_met_or_missed(
    policy: Policy,
    events: tuple[ComplaintEvent, ...],
    name: str,
    due: date,
    status: ClockStatus,
    met_at: datetime | None,
) -> None:
    state = fold_of(*events)
    assert state is not None
    clock = clocks(state, policy, ENGLAND, uk(2027, 6, 1))[name]
    assert (clock.due, clock.status, clock.met_at) == (due, status, met_at)


def test_before_the_end_the_clock_is_breached_and_after_it_missed() -> None:
    state = fold_of(TUNTUM, closed(uk(2027, 1, 4), WITHDRAWN))
    assert state is not None
    before = clocks(state, TUNTUM_2017, ENGLAND, uk(2026, 12, 31))["acknowledgement"]
    after = clocks(state, TUNTUM_2017, ENGLAND, uk(2027, 1, 4, 12))["acknowledgement"]
    assert (before.status, before.stopped) == (S.breached, False)
    assert (after.status, after.stopped) == (S.missed, True)


def test_an_acknowledgement_is_refused_once_the_stage_is_answered() -> None:
    """Why the response ends the acknowledgement's wait."""
    state = fold_of(XMAS, responded(uk(2026, 12, 31)))
    with pytest.raises(InvalidTransition):
        when(state, Acknowledge(occurred_at=uk(2027, 1, 4)))


def test_an_earlier_stage_keeps_its_missed_response() -> None:
    # Stage 1 never answered: the resident asked for stage 2 after its due day (16 March 2027).
    events = (logged(uk(2027, 3, 1)), acknowledged(uk(2027, 3, 2)), *EASTER[3:])
    state = fold_of(*events)
    assert state is not None
    first = stage_clocks(state, state.stages[0], HOC_2024, ENGLAND, uk(2027, 4, 1))
    assert (first["response"].status, first["response"].met_at) == (S.missed, None)


class TestLists:
    """`sla=breached` lists a complaint with a missed clock, live and `as_of`."""

    def complaint(self, *events: ComplaintEvent) -> Complaint:
        state = fold_of(*events)
        assert state is not None
        return Complaint(id="c-1", state=state, policy=HOC_2024, calendar=ENGLAND, events=())

    def test_a_closed_complaint_with_a_missed_step_stays_breached(self) -> None:
        c = self.complaint(XMAS, responded(uk(2027, 1, 5)), closed(uk(2027, 1, 6)))
        row = row_for(c.id, c.state, c.policy, c.calendar)
        assert row["sla_due"] == date(2026, 12, 30)  # the missed acknowledgement's due day
        assert sla_state(c, uk(2027, 1, 6, 12)) == "breached"
        assert sla_state(c, uk(2028, 1, 6)) == "breached"

    def test_a_closed_complaint_with_every_step_taken_is_not(self) -> None:
        c = self.complaint(
            XMAS, acknowledged(uk(2027, 1, 4)), responded(uk(2027, 1, 5)), closed(uk(2027, 1, 6))
        )
        assert row_for(c.id, c.state, c.policy, c.calendar)["sla_due"] is None
        assert sla_state(c, uk(2027, 1, 6, 12)) is None

    def test_a_response_missed_at_an_earlier_stage_keeps_the_complaint_breached(self) -> None:
        # Stage 1's response (due Tuesday 16 March 2027) never came; the resident asked for stage
        # 2 on the 22nd. The view shows stage 2's clocks, all in time, but the lists judge every
        # stage: the complaint is breached while the request waits and after the escalation.
        unanswered = (logged(uk(2027, 3, 1)), acknowledged(uk(2027, 3, 2)))
        requested = self.complaint(*unanswered, escalation_requested(uk(2027, 3, 22)))
        assert clocks(requested.state, HOC_2024, ENGLAND, uk(2027, 3, 23))["response"].stage == 2
        assert sla_state(requested, uk(2027, 3, 23)) == "breached"
        row = row_for(requested.id, requested.state, HOC_2024, ENGLAND)
        assert row["sla_due"] == date(2027, 3, 16)
        moved_on = self.complaint(
            *unanswered,
            escalation_requested(uk(2027, 3, 22)),
            escalated(uk(2027, 3, 25)),
            acknowledged(uk(2027, 3, 30)),
        )
        current = clocks(moved_on.state, HOC_2024, ENGLAND, uk(2027, 3, 31))
        assert {c.status for c in current.values()} <= {S.pending, S.met, S.due_soon}
        assert sla_state(moved_on, uk(2027, 3, 31)) == "breached"
        assert row_for(moved_on.id, moved_on.state, HOC_2024, ENGLAND)["sla_due"] == date(
            2027, 3, 16
        )

    def test_an_earlier_stage_answered_in_time_does_not_count(self) -> None:
        c = self.complaint(*EASTER, acknowledged(uk(2027, 3, 30)))
        assert sla_state(c, uk(2027, 3, 31)) is None
        assert row_for(c.id, c.state, HOC_2024, ENGLAND)["sla_due"] == date(2027, 4, 27)

    def test_the_missed_due_day_comes_before_any_running_one(self) -> None:
        missed = Clock(name="a", stage=1, due=date(2027, 1, 1), met_at=None, status=S.missed)
        running = Clock(name="b", stage=1, due=date(2026, 12, 1), met_at=None, status=S.pending)
        late = Clock(name="c", stage=1, due=date(2026, 11, 1), met_at=None, status=S.met_late)
        assert earliest_unmet_due({"a": missed, "c": late}) == date(2027, 1, 1)
        assert earliest_unmet_due({"a": missed, "b": running}) == date(2026, 12, 1)
        assert {S.breached, S.missed} == BREACHES


@settings(max_examples=examples(150, 1000), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_stopped_clock_is_met_by_its_due_day_or_missed(data: st.DataObject) -> None:
    """For any hoc-2024 history, read at any later moment: `met_late` always has its fact,
    `missed` never has one and ended after its due day, and a stopped `met` ended by it."""
    state = fold([LOGGED])
    assert state is not None
    for _ in range(data.draw(st.integers(min_value=1, max_value=30))):
        command, now = data.draw(commands(state.last_occurred_at))
        try:
            new = decide(command, state, policy=HOC_2024, calendar=ENGLAND, now=now)
        except DomainError:
            continue
        for event in new:
            state = evolve(state, event)
    later = state.last_occurred_at + timedelta(days=data.draw(st.integers(0, 60)))
    for record in state.stages:
        for clock in stage_clocks(state, record, HOC_2024, ENGLAND, later).values():
            assert clock.due is not None
            if clock.status is S.missed:
                assert clock.stopped
                assert clock.met_at is None
            if clock.status is S.met_late:
                assert not clock.stopped
                assert clock.met_at is not None
                assert london_date(clock.met_at) > clock.due
            if clock.stopped and clock.status is S.met:
                assert clock.met_at is not None
                assert london_date(clock.met_at) <= clock.due
