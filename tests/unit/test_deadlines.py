"""Clocks under hoc-2024 in England, table-driven across Christmas, New Year, Easter and BST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.clocks.deadlines import (
    Clock,
    ClockStatus,
    clock_status,
    clocks,
    earliest_unmet_due,
    stage_clocks,
)
from app.domain.complaint.events import ClosureReason, ComplaintEvent
from app.domain.policies.builtin import HOC_2024
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    closed,
    declined,
    escalated,
    escalation_refused,
    escalation_requested,
    extension_agreed,
    given,
    logged,
    responded,
    uk,
)

S = ClockStatus

# Stage 1 over Christmas 2026: received Monday 21 December. Acknowledgement due 5 working days
# later, Wednesday 30 December (25 and 28 December are bank holidays). Response due provisionally
# 10 working days after the acknowledgement's deadline, Thursday 14 January 2027 (1 January is a
# holiday); once acknowledged on Thursday 24 December, 10 working days after that: Tuesday 12
# January 2027.
XMAS = logged(uk(2026, 12, 21, 10), received_at=uk(2026, 12, 21, 9))
XMAS_ACK = acknowledged(uk(2026, 12, 24, 15))

# Stage 2 over Easter 2027 (Good Friday 26 March, Easter Monday 29 March): stage 1 answered, then
# escalation requested on Monday 22 March. Stage 2 acknowledgement due Wednesday 31 March; response
# provisionally 20 working days after that deadline, Wednesday 28 April; once acknowledged on
# 31 March, the same date, now firm.
EASTER_HISTORY: tuple[ComplaintEvent, ...] = (
    logged(uk(2027, 3, 1)),
    acknowledged(uk(2027, 3, 2)),
    responded(uk(2027, 3, 12)),
    escalation_requested(uk(2027, 3, 22)),
)
EASTER_ESCALATED = escalated(uk(2027, 3, 25))
EASTER_ACK = acknowledged(uk(2027, 3, 31, 16), stage=2)

# Summer (BST, UTC+1): received Monday 6 July 2026, acknowledgement due Monday 13 July.
SUMMER = logged(uk(2026, 7, 6, 9))


def clocks_at(events: tuple[ComplaintEvent, ...], at: datetime) -> dict[str, Clock]:
    state = given(*events)
    assert state is not None
    return clocks(state, HOC_2024, ENGLAND, at)


Row = tuple[str, tuple[ComplaintEvent, ...], datetime, ClockStatus]
X_ACK = (XMAS, XMAS_ACK)
X_EXT = (*X_ACK, extension_agreed(uk(2027, 1, 6), date(2027, 1, 26)))
E_ESC = (*EASTER_HISTORY, EASTER_ESCALATED)
E_ACK = (*E_ESC, EASTER_ACK)
BST_23_30 = datetime(2026, 7, 13, 22, 30, tzinfo=UTC)  # 23:30 in London
BST_00_30 = datetime(2026, 7, 13, 23, 30, tzinfo=UTC)  # 00:30 the next day in London

# (clock, due date, rows of (id, events, evaluated at, expected status))
TABLES: list[tuple[str, date, list[Row]]] = [
    ("acknowledgement", date(2026, 12, 30), [  # stage 1, over Christmas
        ("at-receipt", (XMAS,), uk(2026, 12, 21, 11), S.pending),
        ("3-working-days-before", (XMAS,), uk(2026, 12, 23), S.pending),
        ("2-working-days-before", (XMAS,), uk(2026, 12, 24), S.due_soon),
        ("christmas-day", (XMAS,), uk(2026, 12, 25), S.due_soon),
        ("due-day-23-30", (XMAS,), uk(2026, 12, 30, 23, 30), S.due_soon),
        ("day-after", (XMAS,), uk(2026, 12, 31, 0, 1), S.breached),
        ("met", X_ACK, uk(2026, 12, 24, 16), S.met),
        ("met-23-30", (XMAS, acknowledged(uk(2026, 12, 30, 23, 30))), uk(2027, 1, 4), S.met),
        ("met-next-day", (XMAS, acknowledged(uk(2026, 12, 31, 9))), uk(2027, 1, 4), S.met_late),
    ]),
    ("response", date(2027, 1, 14), [  # stage 1, provisional, over New Year
        ("provisional-pending", (XMAS,), uk(2026, 12, 31), S.pending),
        ("provisional-pending-after-the-ack-deadline", (XMAS,), uk(2027, 1, 8), S.pending),
        ("provisional-due-soon", (XMAS,), uk(2027, 1, 12), S.due_soon),
        ("provisional-breached", (XMAS,), uk(2027, 1, 15), S.breached),
    ]),
    ("response", date(2027, 1, 12), [  # stage 1, from the acknowledgement
        ("pending", X_ACK, uk(2027, 1, 7), S.pending),
        ("due-soon", X_ACK, uk(2027, 1, 8), S.due_soon),
        ("due-soon-on-due-day", X_ACK, uk(2027, 1, 12, 17), S.due_soon),
        ("breached", X_ACK, uk(2027, 1, 13), S.breached),
        ("met-23-30", (*X_ACK, responded(uk(2027, 1, 12, 23, 30))), uk(2027, 1, 13), S.met),
        ("met-00-01", (*X_ACK, responded(uk(2027, 1, 13, 0, 1))), uk(2027, 1, 13, 1), S.met_late),
    ]),
    ("response", date(2027, 1, 26), [  # stage 1, extended to the cap
        ("extended-pending", X_EXT, uk(2027, 1, 13), S.pending),
        ("extended-due-soon", X_EXT, uk(2027, 1, 22), S.due_soon),
        ("extended-breached", X_EXT, uk(2027, 1, 27), S.breached),
        ("extended-met", (*X_EXT, responded(uk(2027, 1, 20))), uk(2027, 1, 27), S.met),
    ]),
    ("acknowledgement", date(2027, 3, 31), [  # stage 2 from the request, over Easter
        ("requested-pending", EASTER_HISTORY, uk(2027, 3, 23), S.pending),
        ("requested-due-soon", EASTER_HISTORY, uk(2027, 3, 25), S.due_soon),
        ("escalated-due-soon", E_ESC, uk(2027, 3, 29), S.due_soon),
        ("escalated-breached", E_ESC, uk(2027, 4, 1), S.breached),
        ("escalated-met", E_ACK, uk(2027, 4, 1), S.met),
    ]),
    ("response", date(2027, 4, 28), [  # stage 2, provisional from the acknowledgement's deadline
        ("requested-provisional", EASTER_HISTORY, uk(2027, 3, 23), S.pending),
        ("escalated-provisional-pending", E_ESC, uk(2027, 4, 22), S.pending),
        ("escalated-provisional-breached", E_ESC, uk(2027, 4, 29), S.breached),
    ]),
    ("response", date(2027, 4, 28), [  # stage 2, from the acknowledgement
        ("stage-2-pending", E_ACK, uk(2027, 4, 22), S.pending),
        ("stage-2-due-soon", E_ACK, uk(2027, 4, 26), S.due_soon),
        ("stage-2-late", (*E_ACK, responded(uk(2027, 4, 29), stage=2)), uk(2027, 5, 3), S.met_late),
    ]),
    ("acknowledgement", date(2026, 7, 13), [  # BST: deadlines end at midnight London time
        ("bst-23-30-unmet", (SUMMER,), BST_23_30, S.due_soon),
        ("bst-00-30-unmet", (SUMMER,), BST_00_30, S.breached),
        ("bst-met-23-30", (SUMMER, acknowledged(BST_23_30)), uk(2026, 7, 14), S.met),
        ("bst-met-00-30", (SUMMER, acknowledged(BST_00_30)), uk(2026, 7, 14), S.met_late),
    ]),
]  # fmt: skip
CASES = [(name, due, *row) for name, due, rows in TABLES for row in rows]


class TestClockTable:
    @pytest.mark.parametrize(
        ("name", "due", "events", "at", "status"),
        [(name, due, events, at, status) for name, due, _, events, at, status in CASES],
        ids=[f"{name}-{row_id}" for name, _, row_id, *_ in CASES],
    )
    def test_due_date_and_status(
        self,
        name: str,
        due: date,
        events: tuple[ComplaintEvent, ...],
        at: datetime,
        status: ClockStatus,
    ) -> None:
        clock = clocks_at(events, at)[name]
        assert (clock.due, clock.status) == (due, status)


class TestResponseClock:
    def test_provisional_until_acknowledged(self) -> None:
        clock = clocks_at((XMAS,), uk(2026, 12, 22))["response"]
        assert clock.provisional
        assert not clock.extended
        assert clock.original_due == clock.due == date(2027, 1, 14)

    def test_firm_once_acknowledged(self) -> None:
        clock = clocks_at((XMAS, XMAS_ACK), uk(2026, 12, 29))["response"]
        assert not clock.provisional
        assert clock.due == date(2027, 1, 12)

    def test_extension_keeps_the_original_due_date(self) -> None:
        events = (XMAS, XMAS_ACK, extension_agreed(uk(2027, 1, 6), date(2027, 1, 26)))
        clock = clocks_at(events, uk(2027, 1, 7))["response"]
        assert (clock.due, clock.original_due, clock.extended) == (
            date(2027, 1, 26),
            date(2027, 1, 12),
            True,
        )

    def test_extension_earlier_than_a_late_acknowledgement_does_not_bring_the_date_forward(
        self,
    ) -> None:
        # Extended to 11 January before acknowledging; acknowledging on 4 January puts the
        # original due date at 18 January, which stands.
        events = (
            XMAS,
            extension_agreed(uk(2026, 12, 22), date(2027, 1, 11)),
            acknowledged(uk(2027, 1, 4)),
        )
        clock = clocks_at(events, uk(2027, 1, 5))["response"]
        assert (clock.due, clock.original_due, clock.extended) == (
            date(2027, 1, 18),
            date(2027, 1, 18),
            False,
        )

    def test_met_at_is_the_response_time(self) -> None:
        events = (XMAS, XMAS_ACK, responded(uk(2027, 1, 8)))
        clock = clocks_at(events, uk(2027, 1, 9))["response"]
        assert clock.met_at == uk(2027, 1, 8)
        assert not clock.stopped

    def test_response_from_start_is_never_provisional(self) -> None:
        from_start = Policy(
            id=HOC_2024.id,
            version=HOC_2024.version,
            name="From start",
            stages=(
                StagePolicy(
                    number=1,
                    name="Stage 1",
                    acknowledge_days=None,
                    response_days=10,
                    response_from=ResponseFrom.start,
                    extension_cap_days=None,
                ),
            ),
        )
        state = given(XMAS, XMAS_ACK)
        assert state is not None
        result = clocks(state, from_start, ENGLAND, uk(2026, 12, 29))
        assert set(result) == {"response"}  # no acknowledgement deadline in this policy
        assert result["response"].due == date(2027, 1, 7)
        assert not result["response"].provisional


class TestStoppedClocks:
    def test_closing_stops_unmet_clocks_at_the_closure(self) -> None:
        events = (XMAS, closed(uk(2026, 12, 22), ClosureReason.withdrawn))
        result = clocks_at(events, uk(2027, 2, 1))
        for clock in result.values():
            assert clock.met_at == uk(2026, 12, 22)
            assert clock.stopped
            assert clock.status is S.met

    def test_a_clock_stopped_after_its_due_date_was_missed(self) -> None:
        events = (XMAS, declined(uk(2027, 1, 4)))
        result = clocks_at(events, uk(2027, 2, 1))
        ack, response = result["acknowledgement"], result["response"]
        # Never acknowledged, and the wait ran past 30 December: a final breach, never `met_late`.
        assert (ack.status, ack.met_at, ack.due) == (S.missed, None, date(2026, 12, 30))
        # Due 14 January: the decline ended the wait in time, so no breach ever happened.
        assert (response.status, response.met_at) == (S.met, uk(2027, 1, 4))
        assert not response.provisional  # no acknowledgement can come now
        assert all(c.stopped for c in result.values())

    def test_a_met_clock_is_not_stopped(self) -> None:
        events = (XMAS, XMAS_ACK, closed(uk(2026, 12, 29)))
        result = clocks_at(events, uk(2027, 2, 1))
        assert result["acknowledgement"].met_at == XMAS_ACK.occurred_at
        assert not result["acknowledgement"].stopped
        assert result["response"].stopped

    def test_an_escalated_stage_stops_at_the_request(self) -> None:
        # Stage 1 was never answered: the resident asked for stage 2 on 22 March 2027.
        events = (
            logged(uk(2027, 3, 1)),
            acknowledged(uk(2027, 3, 2)),
            escalation_requested(uk(2027, 3, 22)),
            escalated(uk(2027, 3, 25)),
        )
        state = given(*events)
        assert state is not None
        stage_1 = stage_clocks(state, state.stages[0], HOC_2024, ENGLAND, uk(2027, 4, 1))
        assert stage_1["response"].due == date(2027, 3, 16)
        assert stage_1["response"].met_at is None
        assert stage_1["response"].stopped
        assert stage_1["response"].status is S.missed

    def test_the_end_is_ignored_when_evaluated_before_it(self) -> None:
        events = (XMAS, closed(uk(2027, 1, 4)))
        result = clocks_at(events, uk(2026, 12, 31))
        assert result["acknowledgement"].status is S.breached
        assert not result["acknowledgement"].stopped


class TestFactsAfterTheMoment:
    def test_an_acknowledgement_after_the_moment_is_ignored(self) -> None:
        result = clocks_at((XMAS, XMAS_ACK), uk(2026, 12, 23))
        assert result["acknowledgement"].met_at is None
        assert result["acknowledgement"].status is S.pending
        assert result["response"].provisional
        assert result["response"].due == date(2027, 1, 14)

    def test_a_response_after_the_moment_is_ignored(self) -> None:
        events = (XMAS, XMAS_ACK, responded(uk(2027, 1, 13)))
        clock = clocks_at(events, uk(2027, 1, 12, 12))["response"]
        assert clock.met_at is None
        assert clock.status is S.due_soon


class TestClocksOfTheCurrentStage:
    def test_stage_follows_the_complaint(self) -> None:
        assert {c.stage for c in clocks_at((XMAS,), uk(2026, 12, 22)).values()} == {1}
        assert {c.stage for c in clocks_at(EASTER_HISTORY, uk(2027, 3, 23)).values()} == {2}

    def test_refused_escalation_returns_to_stage_1_clocks(self) -> None:
        state = given(*EASTER_HISTORY, escalation_refused(uk(2027, 3, 23)))
        assert state is not None
        result = clocks(state, HOC_2024, ENGLAND, uk(2027, 3, 24))
        assert {c.stage for c in result.values()} == {1}
        assert all(c.status is S.met for c in result.values())


class TestEarliestUnmetDue:
    def test_soonest_of_the_unmet(self) -> None:
        assert earliest_unmet_due(clocks_at((XMAS,), uk(2026, 12, 22))) == date(2026, 12, 30)

    def test_met_clocks_do_not_count(self) -> None:
        assert earliest_unmet_due(clocks_at((XMAS, XMAS_ACK), uk(2026, 12, 29))) == date(
            2027, 1, 12
        )

    def test_breached_clocks_count(self) -> None:
        assert earliest_unmet_due(clocks_at((XMAS,), uk(2027, 2, 1))) == date(2026, 12, 30)

    def test_none_when_everything_is_met(self) -> None:
        events = (XMAS, XMAS_ACK, responded(uk(2027, 1, 8)))
        assert earliest_unmet_due(clocks_at(events, uk(2027, 1, 9))) is None

    def test_none_without_clocks(self) -> None:
        assert earliest_unmet_due({}) is None


class TestClockWithoutDueDate:
    # A clock a policy sets no date for (a future "clock stopped" state) never breaches.
    def test_pending_until_met_then_met(self) -> None:
        at = uk(2027, 1, 1)
        assert clock_status(None, None, at=at, policy=HOC_2024, calendar=ENGLAND) is S.pending
        met = clock_status(None, uk(2026, 12, 1), at=at, policy=HOC_2024, calendar=ENGLAND)
        assert met is S.met
