"""Deadline alerts (issue 15): which alerts a complaint's clocks owe at a moment, raised once each.

hoc-2024 warns 2 working days before a clock's due date and on the day (its `warning_days` and
the day itself); a breach is alerted the day after the due date. Bank holidays come from the
calendar (the `holidays` package); the expected dates below are what they make of each deadline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

from app.domain.clocks.alerts import Key, due_alerts, key_of, next_alert_on, points, watched
from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.clock import ClockStatus, clock_status
from app.domain.clocks.deadlines import sla_clocks
from app.domain.complaint.commands import Acknowledge
from app.domain.complaint.events import ActionAgreed, ComplaintEvent, ContactMethod
from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024
from app.domain.policies.model import Policy
from tests.depth import examples
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    escalated,
    escalation_requested,
    extension_agreed,
    given,
    logged,
    responded,
    uk,
    when,
)


def state_of(*events: ComplaintEvent) -> ComplaintState:
    state = given(*events)
    assert state is not None
    return state


def summary(
    state: ComplaintState,
    at: datetime,
    policy: Policy = HOC_2024,
    calendar: WorkingCalendar = ENGLAND,
) -> tuple[ComplaintState, list[tuple[str, int, date, str, int | None, date]]]:
    """The alerts owed at `at`, as (clock, stage, due, alert, days before, point date), and the
    state once they are raised."""
    alerts = due_alerts(state, policy, calendar, at)
    for alert in alerts:
        state = evolve(state, alert)
    return state, [
        (a.clock, a.stage, a.due, a.alert.value, a.working_days_before, a.point_date)
        for a in alerts
    ]


# Received Monday 2 March 2026: acknowledge by Monday 9 March (5 working days); respond 10 working
# days after the acknowledgement, provisionally from its deadline (Monday 23 March).
LOGGED = logged(uk(2026, 3, 2, 9))


class TestPoints:
    def test_a_clock_warns_two_working_days_before_on_the_day_and_breaches_the_day_after(
        self,
    ) -> None:
        found = [(p.working_days_before, p.on) for p in points(date(2026, 3, 9), HOC_2024, ENGLAND)]
        assert found == [(2, date(2026, 3, 5)), (0, date(2026, 3, 9)), (None, date(2026, 3, 10))]

    def test_a_policy_names_its_own_points(self) -> None:
        policy = replace(HOC_2024, alert_days_before=(5, 1))
        found = [(p.working_days_before, p.on) for p in points(date(2026, 3, 9), policy, ENGLAND)]
        assert found == [(5, date(2026, 3, 2)), (1, date(2026, 3, 6)), (None, date(2026, 3, 10))]

    def test_a_due_date_on_a_weekend_warns_on_the_day_itself(self) -> None:
        # Saturday 7 March: two working days before is Thursday; "on the day" is the Saturday,
        # the day the clock first reads due soon for a policy warning 0 days ahead.
        found = [(p.working_days_before, p.on) for p in points(date(2026, 3, 7), HOC_2024, ENGLAND)]
        assert found == [(2, date(2026, 3, 5)), (0, date(2026, 3, 7)), (None, date(2026, 3, 8))]


class TestOnce:
    def test_unacknowledged_past_its_due_date_raises_exactly_one_breach_alert(self) -> None:
        state = state_of(LOGGED)
        for day in (5, 9, 10):
            state, _ = summary(state, uk(2026, 3, day, 8))
        state, again = summary(state, uk(2026, 3, 10, 17))
        assert again == []
        breaches = [a for a in state.alerts if a.working_days_before is None]
        assert [(a.clock, a.due) for a in breaches] == [("acknowledgement", date(2026, 3, 9))]

    def test_each_point_is_raised_once_on_its_day(self) -> None:
        state = state_of(LOGGED)
        state, before = summary(state, uk(2026, 3, 4, 23, 59))
        assert before == []
        state, warned = summary(state, uk(2026, 3, 5, 0, 5))
        assert warned == [
            ("acknowledgement", 1, date(2026, 3, 9), "due_soon", 2, date(2026, 3, 5)),
        ]
        state, again = summary(state, uk(2026, 3, 6))
        assert again == []
        state, on_the_day = summary(state, uk(2026, 3, 9, 7))
        assert on_the_day == [
            ("acknowledgement", 1, date(2026, 3, 9), "due_soon", 0, date(2026, 3, 9)),
        ]
        state, breached = summary(state, uk(2026, 3, 10, 7))
        assert breached == [
            ("acknowledgement", 1, date(2026, 3, 9), "breached", None, date(2026, 3, 10)),
        ]
        assert summary(state, uk(2026, 3, 20))[1] == [
            ("response", 1, date(2026, 3, 23), "due_soon", 2, date(2026, 3, 19)),
        ]

    def test_after_downtime_a_breached_clock_gets_the_breach_not_a_stale_warning(self) -> None:
        _, found = summary(state_of(LOGGED), uk(2026, 3, 12))
        assert found == [
            ("acknowledgement", 1, date(2026, 3, 9), "breached", None, date(2026, 3, 10)),
        ]

    def test_a_superseded_point_is_never_raised_late(self) -> None:
        state, _ = summary(state_of(LOGGED), uk(2026, 3, 9))  # "due today", the 2 days skipped
        assert summary(state, uk(2026, 3, 9, 18))[1] == []
        assert [a.working_days_before for a in state.alerts] == [0]

    def test_nothing_for_a_met_clock(self) -> None:
        state = state_of(LOGGED, acknowledged(uk(2026, 3, 4)))
        found = summary(state, uk(2026, 3, 12))[1]
        assert [f[0] for f in found] == []  # the response is due 18 March: not yet warned
        assert next_alert_on(state, HOC_2024, ENGLAND, uk(2026, 3, 12)) == date(2026, 3, 16)

    def test_an_extension_is_a_new_due_date_alerted_afresh(self) -> None:
        state = state_of(LOGGED, acknowledged(uk(2026, 3, 4)))
        state, warned = summary(state, uk(2026, 3, 16))
        assert [(w[0], w[2], w[4]) for w in warned] == [("response", date(2026, 3, 18), 2)]
        state = evolve(state, extension_agreed(uk(2026, 3, 17), date(2026, 3, 27)))
        assert summary(state, uk(2026, 3, 17, 11))[1] == []
        assert [(w[2], w[4]) for w in summary(state, uk(2026, 3, 25))[1]] == [
            (date(2026, 3, 27), 2)
        ]

    def test_a_complaint_wide_clock_is_not_new_at_the_next_stage(self) -> None:
        action = ActionAgreed(
            occurred_at=uk(2026, 3, 4),
            action_id="A-1",
            description="Replace the boiler",
            due=date(2026, 4, 30),
            owner=None,
        )
        state = state_of(LOGGED, acknowledged(uk(2026, 3, 3)), action)
        state, stage_1 = summary(state, uk(2026, 4, 29))
        assert ("actions", 1, date(2026, 4, 30), "due_soon", 2, date(2026, 4, 28)) in stage_1
        for event in (
            responded(uk(2026, 4, 29, 12)),
            escalation_requested(uk(2026, 4, 29, 13)),
            escalated(uk(2026, 4, 29, 14)),
        ):
            state = evolve(state, event)
        _, stage_2 = summary(state, uk(2026, 4, 29, 15))
        assert [f for f in stage_2 if f[0] == "actions"] == []

    def test_an_alert_does_not_stop_a_fact_recorded_late(self) -> None:
        # Breach alerted at 08:00 on the 10th; the acknowledgement made by phone on the 9th is
        # entered afterwards, and accepted: an alert is not a fact of the handling.
        state, _ = summary(state_of(LOGGED), uk(2026, 3, 10, 8))
        by_phone = Acknowledge(
            occurred_at=uk(2026, 3, 9, 16), method=ContactMethod.phone, summary=None
        )
        late = when(state, by_phone, now=uk(2026, 3, 10, 9))
        assert len(late) == 1
        state = evolve(state, late[0])
        assert summary(state, uk(2026, 3, 10, 10))[1] == []


class TestCalendar:
    def test_christmas_and_boxing_day_are_skipped(self) -> None:
        # Received Friday 19 December 2025: acknowledge by Tuesday 30 December.
        state = state_of(logged(uk(2025, 12, 19)))
        assert summary(state, uk(2025, 12, 23, 18))[1] == []
        _, found = summary(state, uk(2025, 12, 24, 7))
        assert found == [
            ("acknowledgement", 1, date(2025, 12, 30), "due_soon", 2, date(2025, 12, 24)),
        ]
        assert next_alert_on(state, HOC_2024, ENGLAND, uk(2025, 12, 19)) == date(2025, 12, 24)

    def test_new_years_day_is_skipped(self) -> None:
        # Received Tuesday 23 December 2025: acknowledge by Friday 2 January 2026; two working
        # days before it, New Year's Day not counted, is Tuesday 30 December.
        state = state_of(logged(uk(2025, 12, 23)))
        state, found = summary(state, uk(2025, 12, 30, 9))
        assert found == [
            ("acknowledgement", 1, date(2026, 1, 2), "due_soon", 2, date(2025, 12, 30)),
        ]
        assert summary(state, uk(2026, 1, 1, 12))[1] == []
        state, on_the_day = summary(state, uk(2026, 1, 2, 9))
        assert [f[4] for f in on_the_day] == [0]
        # Due on a Friday: the breach is the Saturday, the first day it reads breached.
        assert [f[3:] for f in summary(state, uk(2026, 1, 3, 9))[1]] == [
            ("breached", None, date(2026, 1, 3))
        ]

    def test_easter_is_skipped(self) -> None:
        # Received Monday 30 March 2026: Good Friday (3 April) and Easter Monday (6 April) do not
        # count, so acknowledge by Wednesday 8 April; warned on Thursday 2 April.
        state = state_of(logged(uk(2026, 3, 30)))
        _, found = summary(state, uk(2026, 4, 2, 9))
        assert found == [
            ("acknowledgement", 1, date(2026, 4, 8), "due_soon", 2, date(2026, 4, 2)),
        ]
        assert all(
            ENGLAND.is_working_day(p.on) for p in points(date(2026, 4, 8), HOC_2024, ENGLAND)[:2]
        )

    def test_a_closure_day_of_the_landlord_is_skipped(self) -> None:
        # Closed Thursday 5 March 2026: acknowledge by Tuesday 10 March, warned on Friday 6 March.
        closed = WorkingCalendar(closures=frozenset({date(2026, 3, 5)}))
        state = state_of(LOGGED)
        assert summary(state, uk(2026, 3, 5, 12), calendar=closed)[1] == []
        _, found = summary(state, uk(2026, 3, 6, 9), calendar=closed)
        assert found == [
            ("acknowledgement", 1, date(2026, 3, 10), "due_soon", 2, date(2026, 3, 6)),
        ]


# Properties, over the built-in policies, receipts across four years and points 0 to 5 days.
POLICIES = st.sampled_from(list(BUILTIN_POLICIES.latest_each()))
RECEIVED = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 1)).map(
    lambda t: t.replace(tzinfo=uk(2026, 1, 1).tzinfo)
)
POINTS = st.lists(st.integers(0, 5), unique=True, max_size=3).map(tuple)


def _complaint(policy: Policy, received: datetime, acknowledge: int | None) -> ComplaintState:
    events: list[ComplaintEvent] = [logged(received, policy=policy)]
    if acknowledge is not None and policy.stage(policy.first_stage).acknowledge_days is not None:
        events.append(acknowledged(received + timedelta(days=acknowledge)))
    return state_of(*events)


@settings(max_examples=examples(50, 400))
@hypothesis_given(
    policy=POLICIES,
    alert_days=POINTS,
    received=RECEIVED,
    acknowledge=st.none() | st.integers(0, 20),
    looks=st.lists(st.integers(0, 60 * 24), min_size=1, max_size=12),
)
def test_passes_raise_each_point_at_most_once_and_every_breach_exactly_once(
    policy: Policy,
    alert_days: tuple[int, ...],
    received: datetime,
    acknowledge: int | None,
    looks: list[int],
) -> None:
    policy = replace(policy, alert_days_before=alert_days)
    state = _complaint(policy, received, acknowledge)
    moments = sorted(state.last_occurred_at + timedelta(hours=h) for h in looks)
    for at in moments:
        alerts = due_alerts(state, policy, ENGLAND, at)
        for alert in alerts:
            assert alert.point_date <= london_date(at)
            state = evolve(state, alert)
        # Raised, asked again at the same moment: nothing; and the next look is later.
        assert due_alerts(state, policy, ENGLAND, at) == []
        upcoming = next_alert_on(state, policy, ENGLAND, at)
        assert upcoming is None or upcoming > london_date(at)
    by_clock: dict[Key, list[int]] = {}
    for a in state.alerts:
        key = key_of(a.clock, a.stage, a.due)
        # Each clock's points in order: fewer days before each time, the breach (-1) last.
        by_clock.setdefault(key, []).append(
            -1 if a.working_days_before is None else a.working_days_before
        )
    for order in by_clock.values():
        assert order == sorted(set(order), reverse=True)
    last = moments[-1]
    for clock in watched(sla_clocks(state, policy, ENGLAND, last)):
        assert clock.due is not None
        if london_date(last) > clock.due:
            assert by_clock[key_of(clock.name, clock.stage, clock.due)][-1] == -1


@settings(max_examples=examples(50, 400))
@hypothesis_given(
    policy=POLICIES,
    received=RECEIVED,
    acknowledge=st.none() | st.integers(0, 20),
    hours=st.integers(0, 60 * 24),
)
def test_an_alert_is_owed_exactly_when_the_next_alert_day_has_come(
    policy: Policy, received: datetime, acknowledge: int | None, hours: int
) -> None:
    state = _complaint(policy, received, acknowledge)
    at = state.last_occurred_at + timedelta(hours=hours)  # a scheduler looks after the last event
    owed = due_alerts(state, policy, ENGLAND, at)
    upcoming = next_alert_on(state, policy, ENGLAND, state.last_occurred_at)
    assert bool(owed) == (upcoming is not None and upcoming <= london_date(at))


@settings(max_examples=examples(100, 1000))
@hypothesis_given(
    due=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    days=st.integers(0, 10),
    offset=st.integers(-30, 5),
)
def test_a_warning_point_is_the_first_day_the_clock_reads_due_soon_for_that_warning(
    due: date, days: int, offset: int
) -> None:
    """p working days before D is where a policy warning p days ahead turns the clock due soon,
    whatever the weekends, bank holidays and D itself are: crossing it is reading due soon (or
    breached) under `warning_days = p`."""
    policy = replace(HOC_2024, warning_days=days, alert_days_before=(days,))
    point = points(due, policy, ENGLAND)[0].on
    today = due + timedelta(days=offset)
    at = datetime(today.year, today.month, today.day, 12, tzinfo=uk(2026, 1, 1).tzinfo)
    status = clock_status(due, None, at=at, policy=policy, calendar=ENGLAND)
    assert (today >= point) == (status in (ClockStatus.due_soon, ClockStatus.breached))
    assert (today > due) == (status is ClockStatus.breached)
