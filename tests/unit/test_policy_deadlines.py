"""Clocks of every built-in policy, one row per rule, each id citing its document's section.

Dates cross Christmas 2026 (25 and 28 December), New Year 2027 (1 January; 4 January in Scotland),
St Patrick's Day 2027 (Wednesday 17 March, Northern Ireland only) and Easter 2027 (Good Friday
26 March; Easter Monday 29 March everywhere but Scotland).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import Clock, ClockStatus, clocks, stage_clocks
from app.domain.complaint.events import ClosureReason, ComplaintEvent
from app.domain.policies.builtin import (
    HOC_2024,
    JJH_2020,
    JLIVING_2018,
    POLICY_2022,
    TUNTUM_2017,
)
from app.domain.policies.model import Policy
from tests.unit.scenario import (
    acknowledged,
    closed,
    contacted,
    declined,
    escalated,
    escalation_requested,
    given,
    logged,
    responded,
    uk,
)

S = ClockStatus
E = WorkingCalendar()
SCT = WorkingCalendar(region="scotland")
NIR = WorkingCalendar(region="northern-ireland")
T, J, JL, P = TUNTUM_2017, JJH_2020, JLIVING_2018, POLICY_2022


def clock_of(
    policy: Policy,
    calendar: WorkingCalendar,
    events: tuple[ComplaintEvent, ...],
    at: datetime,
    name: str,
    stage: int,
) -> Clock:
    """The clock `name` of `stage`: the current clocks, or an earlier stage's own."""
    state = given(*events)
    assert state is not None
    current = clocks(state, policy, calendar, at)
    if name in current and current[name].stage == stage:
        return current[name]
    record = next(r for r in state.stages if r.stage == stage)
    return stage_clocks(state, record, policy, calendar, at)[name]


# tuntum-2017: a quick fix logged on Thursday 24 December 2026.
T0 = (logged(uk(2026, 12, 24), stage=0, policy=T),)
T0_FIXED = (*T0, responded(uk(2026, 12, 30), stage=0))
# tuntum-2017: stage 1 received on Wednesday 23 December 2026.
T1 = (logged(uk(2026, 12, 23), stage=1, policy=T),)
T1_RESPONDED = (*T1, responded(uk(2027, 1, 11, 15)))
# tuntum-2017: stage 2 requested on Thursday 25 March 2027, before Easter.
T2 = (
    logged(uk(2027, 3, 1), policy=T),
    acknowledged(uk(2027, 3, 2)),
    responded(uk(2027, 3, 12)),
    escalation_requested(uk(2027, 3, 25)),
)
# jjh-2020: stage 0 on Christmas Eve; stage 1 received before Easter; stage 2 before Christmas.
J0 = (logged(uk(2026, 12, 24), stage=0, policy=J),)
J1 = (logged(uk(2027, 3, 25), policy=J),)
J2 = (
    logged(uk(2026, 12, 1), policy=J),
    responded(uk(2026, 12, 10)),
    escalation_requested(uk(2026, 12, 21)),
    escalated(uk(2026, 12, 22)),
)
J_CLOSED = (*J2, responded(uk(2026, 12, 23), stage=2), closed(uk(2026, 12, 23, 16)))
# jliving-2018: informal stage received Monday 15 March 2027, two days before St Patrick's Day.
JL0 = (logged(uk(2027, 3, 15), stage=0, policy=JL),)
JL1 = (logged(uk(2027, 3, 10), policy=JL),)
JL1_RESPONDED = (*JL1, responded(uk(2027, 3, 16)))
JL3 = (
    logged(uk(2026, 11, 2), policy=JL),
    responded(uk(2026, 11, 10)),
    escalation_requested(uk(2026, 11, 12)),
    escalated(uk(2026, 11, 13)),
    responded(uk(2026, 12, 1), stage=2),
    escalation_requested(uk(2026, 12, 21), stage=3),
)
# policy-2022: stage 1 received Monday 21 December 2026; stage 2 requested before Easter 2027.
P1 = (logged(uk(2026, 12, 21), policy=P),)
P2 = (
    logged(uk(2027, 3, 1), policy=P),
    responded(uk(2027, 3, 12)),
    escalation_requested(uk(2027, 3, 25)),
)
H1 = (logged(uk(2026, 12, 30), policy=HOC_2024),)


def row(
    rule: str,
    policy: Policy,
    calendar: WorkingCalendar,
    events: tuple[ComplaintEvent, ...],
    at: datetime,
    name: str,
    stage: int,
    due: date | None,
    status: ClockStatus,
) -> object:
    return pytest.param(policy, calendar, events, at, name, stage, due, status, id=rule)


ROWS = [
    # tuntum-2017 "Stage Zero"
    row("tuntum zero 'within one working day' Christmas", T, E, T0, uk(2026, 12, 24, 12),
        "response", 0, date(2026, 12, 29), S.due_soon),
    row("tuntum zero quick fix late", T, E, T0_FIXED, uk(2026, 12, 30, 12),
        "response", 0, date(2026, 12, 29), S.met_late),
    row("tuntum zero 'formal process within five working days' England", T, E, T0_FIXED,
        uk(2026, 12, 30, 12), "escalation_window", 0, date(2027, 1, 7), S.pending),
    row("tuntum zero five working days Scotland 4 January", T, SCT, T0_FIXED,
        uk(2026, 12, 30, 12), "escalation_window", 0, date(2027, 1, 8), S.pending),
    row("tuntum zero window due soon", T, E, T0_FIXED, uk(2027, 1, 5),
        "escalation_window", 0, date(2027, 1, 7), S.due_soon),
    row("tuntum zero window lapsed is no breach", T, E, T0_FIXED, uk(2027, 1, 8),
        "escalation_window", 0, date(2027, 1, 7), S.met),
    row("tuntum zero formal complaint asked in time", T, E,
        (*T0_FIXED, escalation_requested(uk(2027, 1, 7, 17), stage=1)), uk(2027, 1, 8),
        "escalation_window", 0, date(2027, 1, 7), S.met),
    row("tuntum zero formal complaint asked late", T, E,
        (*T0_FIXED, escalation_requested(uk(2027, 1, 11), stage=1)), uk(2027, 1, 11, 12),
        "escalation_window", 0, date(2027, 1, 7), S.met_late),
    # tuntum-2017 "At Stage 1"
    row("tuntum stage 1 'acknowledge ... within three working days' Christmas", T, E, T1,
        uk(2026, 12, 23, 12), "acknowledgement", 1, date(2026, 12, 30), S.pending),
    row("tuntum stage 1 'discuss your complaint' contact", T, E,
        (*T1, contacted(uk(2026, 12, 24))), uk(2026, 12, 24, 12),
        "contact", 1, date(2026, 12, 30), S.met),
    row("tuntum stage 1 'within two weeks of the receipt' England", T, E, T1,
        uk(2026, 12, 23, 12), "response", 1, date(2027, 1, 11), S.pending),
    row("tuntum stage 1 10 working days Scotland", T, SCT, T1,
        uk(2026, 12, 23, 12), "response", 1, date(2027, 1, 12), S.pending),
    row("tuntum 'let us know within 20 working days'", T, E, T1_RESPONDED, uk(2027, 2, 4),
        "escalation_window", 1, date(2027, 2, 8), S.due_soon),
    row("tuntum 8 weeks overall England", T, E, T1, uk(2026, 12, 23, 12),
        "overall", 1, date(2027, 2, 22), S.pending),
    row("tuntum 8 weeks overall Scotland", T, SCT, T1, uk(2026, 12, 23, 12),
        "overall", 1, date(2027, 2, 23), S.pending),
    row("tuntum 8 weeks overall breached", T, E, T1_RESPONDED, uk(2027, 2, 23),
        "overall", 1, date(2027, 2, 22), S.breached),
    row("tuntum 8 weeks overall met late by closure", T, E,
        (*T1_RESPONDED, closed(uk(2027, 2, 23), ClosureReason.no_escalation_requested)),
        uk(2027, 2, 24), "overall", 1, date(2027, 2, 22), S.met_late),
    # tuntum-2017 "If your complaint is escalated to Stage 2"
    row("tuntum stage 2 'acknowledge your request ... three working days' Easter", T, E, T2,
        uk(2027, 3, 25, 12), "acknowledgement", 2, date(2027, 4, 1), S.pending),
    row("tuntum stage 2 three working days Scotland Easter Monday", T, SCT, T2,
        uk(2027, 3, 25, 12), "acknowledgement", 2, date(2027, 3, 31), S.pending),
    row("tuntum stage 2 'within 10 working days' Easter", T, E, T2, uk(2027, 3, 25, 12),
        "response", 2, date(2027, 4, 12), S.pending),
    row("tuntum stage 2 10 working days Scotland", T, SCT, T2, uk(2027, 3, 25, 12),
        "response", 2, date(2027, 4, 9), S.pending),
    # jjh-2020
    row("jjh 4 stage 0 'first point of contact' same day", J, E, J0, uk(2026, 12, 24, 12),
        "response", 0, date(2026, 12, 24), S.due_soon),
    row("jjh 4 stage 0 resolved that day", J, E, (*J0, responded(uk(2026, 12, 24, 15), stage=0)),
        uk(2026, 12, 24, 16), "response", 0, date(2026, 12, 24), S.met),
    row("jjh 6.3 'speak ... within 2 working days' Easter", J, E, J1, uk(2027, 3, 25, 12),
        "contact", 1, date(2027, 3, 31), S.due_soon),
    row("jjh 6.3 2 working days Scotland Easter Monday", J, SCT, J1, uk(2027, 3, 25, 12),
        "contact", 1, date(2027, 3, 30), S.due_soon),
    row("jjh 6.3 contact breached", J, E, J1, uk(2027, 4, 1), "contact", 1,
        date(2027, 3, 31), S.breached),
    row("jjh 5.2 'within 10 working days' Easter", J, E, J1, uk(2027, 3, 25, 12),
        "response", 1, date(2027, 4, 12), S.pending),
    row("jjh 5.2 10 working days Scotland", J, SCT, J1, uk(2027, 3, 25, 12),
        "response", 1, date(2027, 4, 9), S.pending),
    row("jjh 6.2 'within 15 working days' Christmas", J, E, J2, uk(2026, 12, 22, 12),
        "response", 2, date(2027, 1, 14), S.pending),
    row("jjh 6.2 15 working days Scotland New Year", J, SCT, J2, uk(2026, 12, 22, 12),
        "response", 2, date(2027, 1, 15), S.pending),
    row("jjh 6.3 stage 2 contact from the request", J, E, J2, uk(2026, 12, 22, 12),
        "contact", 2, date(2026, 12, 23), S.due_soon),
    row("jjh 6.7 survey due once closed", J, E, J2, uk(2026, 12, 22, 12),
        "survey", 2, None, S.pending),
    row("jjh 6.7 'survey within five working days of ... closure'", J, E, J_CLOSED,
        uk(2026, 12, 24), "survey", 2, date(2027, 1, 4), S.pending),
    row("jjh 6.7 five working days Scotland", J, SCT, J_CLOSED, uk(2026, 12, 24),
        "survey", 2, date(2027, 1, 5), S.pending),
    row("jjh 6.7 survey never recorded", J, E, J_CLOSED, uk(2027, 1, 5),
        "survey", 2, date(2027, 1, 4), S.breached),
    # jliving-2018
    row("jliving 4 'contact the complainant within 3 working days'", JL, E, JL0,
        uk(2027, 3, 15, 12), "contact", 0, date(2027, 3, 18), S.pending),
    row("jliving 4 3 working days Northern Ireland St Patrick", JL, NIR, JL0,
        uk(2027, 3, 15, 12), "contact", 0, date(2027, 3, 19), S.pending),
    row("jliving 3.7 'agree a way forward within 3 working days' NI", JL, NIR, JL0,
        uk(2027, 3, 15, 12), "response", 0, date(2027, 3, 19), S.pending),
    row("jliving 4.1 'within 10 working days' England", JL, E, JL1, uk(2027, 3, 10, 12),
        "response", 1, date(2027, 3, 24), S.pending),
    row("jliving 4.1 10 working days Northern Ireland", JL, NIR, JL1, uk(2027, 3, 10, 12),
        "response", 1, date(2027, 3, 25), S.pending),
    row("jliving 4.2 'review within 10 working days of the outcome' Easter", JL, E,
        JL1_RESPONDED, uk(2027, 3, 16, 12), "escalation_window", 1, date(2027, 4, 1), S.pending),
    row("jliving 4.2 10 working days NI St Patrick and Easter", JL, NIR, JL1_RESPONDED,
        uk(2027, 3, 16, 12), "escalation_window", 1, date(2027, 4, 2), S.pending),
    row("jliving 4.3 panel 'within 20 working days of the request' Christmas", JL, E, JL3,
        uk(2026, 12, 21, 12), "response", 3, date(2027, 1, 21), S.pending),
    row("jliving 4.3 panel requested after the 10 days", JL, E, JL3, uk(2026, 12, 21, 12),
        "escalation_window", 2, date(2026, 12, 15), S.met_late),
    # policy-2022
    row("2022 stage 1 'within ten working days' of receipt Christmas", P, E, P1,
        uk(2026, 12, 21, 12), "response", 1, date(2027, 1, 7), S.pending),
    row("2022 stage 1 ten working days Scotland", P, SCT, P1, uk(2026, 12, 21, 12),
        "response", 1, date(2027, 1, 8), S.pending),
    row("2022 stage 2 'within 20 working days' Easter", P, E, P2, uk(2027, 3, 25, 12),
        "response", 2, date(2027, 4, 26), S.pending),
    row("2022 stage 2 20 working days Scotland", P, SCT, P2, uk(2027, 3, 25, 12),
        "response", 2, date(2027, 4, 23), S.pending),
    # hoc-2024 in the other regions
    row("hoc 5.4 acknowledge in 5 working days Scotland New Year", HOC_2024, SCT, H1,
        uk(2026, 12, 30, 12), "acknowledgement", 1, date(2027, 1, 8), S.pending),
    row("hoc 5.4 acknowledge in 5 working days England", HOC_2024, E, H1,
        uk(2026, 12, 30, 12), "acknowledgement", 1, date(2027, 1, 7), S.pending),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "calendar", "events", "at", "name", "stage", "due", "status"), ROWS
)
def test_clock(
    policy: Policy,
    calendar: WorkingCalendar,
    events: tuple[ComplaintEvent, ...],
    at: datetime,
    name: str,
    stage: int,
    due: date | None,
    status: ClockStatus,
) -> None:
    clock = clock_of(policy, calendar, events, at, name, stage)
    assert (clock.due, clock.status) == (due, status)


class TestEscalationWindow:
    def test_a_lapsed_window_is_met_and_stopped_with_no_moment(self) -> None:
        clock = clock_of(T, E, T0_FIXED, uk(2027, 1, 8), "escalation_window", 0)
        assert (clock.status, clock.stopped, clock.met_at) == (S.met, True, None)

    def test_closing_before_any_request_stops_it_at_the_closure(self) -> None:
        ended = (*T0_FIXED, closed(uk(2027, 1, 4), ClosureReason.resolved))
        clock = clock_of(T, E, ended, uk(2027, 1, 5), "escalation_window", 0)
        assert (clock.status, clock.stopped, clock.met_at) == (S.met, True, uk(2027, 1, 4))

    def test_its_due_date_is_unknown_until_the_response(self) -> None:
        clock = clock_of(T, E, T1, uk(2026, 12, 23, 12), "escalation_window", 1)
        assert (clock.due, clock.status, clock.stopped) == (None, S.pending, False)

    def test_a_request_after_the_moment_asked_about_does_not_count(self) -> None:
        late = (*T0_FIXED, escalation_requested(uk(2027, 1, 6), stage=1))
        clock = clock_of(T, E, late, uk(2027, 1, 5), "escalation_window", 0)
        assert (clock.status, clock.met_at) == (S.due_soon, None)


class TestOnlyThePolicysClocks:
    @pytest.mark.parametrize(
        ("policy", "events", "names"),
        [
            (HOC_2024, H1, {"acknowledgement", "response"}),
            (T, T0, {"response", "escalation_window", "overall"}),
            (T, T1, {"acknowledgement", "contact", "response", "escalation_window", "overall"}),
            (J, J0, {"response", "survey"}),
            (J, J1, {"contact", "response", "survey"}),
            (JL, JL0, {"contact", "response"}),
            (JL, JL1, {"response", "escalation_window"}),
            (JL, JL3, {"response"}),
            (P, P1, {"response"}),
        ],
        ids=["hoc", "tuntum-0", "tuntum-1", "jjh-0", "jjh-1", "jl-0", "jl-1", "jl-3", "2022"],
    )
    def test_names(
        self, policy: Policy, events: tuple[ComplaintEvent, ...], names: set[str]
    ) -> None:
        state = given(*events)
        assert state is not None
        assert set(clocks(state, policy, E, state.last_occurred_at)) == names

    def test_a_declined_complaint_has_no_survey(self) -> None:
        state = given(*J1, declined(uk(2027, 3, 26)))
        assert state is not None
        assert "survey" not in clocks(state, J, E, uk(2027, 3, 30))
