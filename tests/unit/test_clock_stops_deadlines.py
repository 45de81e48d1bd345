"""Clock stops move the stage's deadlines, and with extensions, across Christmas, New Year and
Easter."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import clocks, stage_clocks
from app.domain.complaint.commands import (
    AgreeExtension,
)
from app.domain.complaint.errors import (
    ExtensionBeyondCap,
)
from app.domain.complaint.evolve import evolve
from tests.unit.scenario import (
    acknowledged,
    closed,
    escalated,
    escalation_requested,
    extension_agreed,
    given,
    logged,
    responded,
    uk,
    when,
)
from tests.unit.stopping import (
    DEC_7,
    ENGLAND,
    SCOTLAND,
    STOPPED_DEC_18,
    STOPPING,
    TUNTUM_STOPPING,
    S,
    clocks_at,
    restarted,
    state_of,
    stopped,
)


class TestStopsMoveTheStagesDeadlines:
    @pytest.mark.parametrize(
        ("calendar", "paused"),
        # Working days from Friday 18 December to Monday 4 January: 21-24, 29-31 December and
        # 4 January in England (8); Scotland's New Year substitute day is 4 January (7).
        [(ENGLAND, 8), (SCOTLAND, 7)],
        ids=["england", "scotland"],
    )
    def test_across_christmas_and_new_year(self, calendar: WorkingCalendar, paused: int) -> None:
        assert calendar.working_days_between(date(2026, 12, 18), date(2027, 1, 4)) == paused
        events = (*STOPPED_DEC_18, restarted(uk(2027, 1, 4)))
        result = clocks_at(events, uk(2027, 1, 4, 12), calendar=calendar)
        # Each clock resumes with the working days it had left on 18 December: 1 for the
        # acknowledgement (21 December), 11 for the provisional response (to 7 January, or in
        # Scotland, whose 4 January is a holiday, 8 January). Both regions land on the same
        # dates, though the days paused differ.
        assert result["acknowledgement"].due == date(2027, 1, 5)
        assert result["response"].due == date(2027, 1, 19)
        assert result["response"].provisional
        assert not any(c.paused for c in result.values())

    def test_while_stopped_the_clock_is_paused_at_its_old_date(self) -> None:
        # Read on 29 December, after the acknowledgement's old due date (21 December): paused,
        # pending, not breached, and not moved yet.
        result = clocks_at(STOPPED_DEC_18, uk(2026, 12, 29))
        ack = result["acknowledgement"]
        assert (ack.due, ack.status, ack.paused) == (date(2026, 12, 21), S.pending, True)
        assert result["response"].paused
        assert result["response"].status is S.pending

    def test_a_read_as_of_a_moment_in_the_stop_ignores_the_later_restart(self) -> None:
        events = (*STOPPED_DEC_18, restarted(uk(2027, 1, 4)))
        assert clocks_at(events, uk(2026, 12, 29)) == clocks_at(STOPPED_DEC_18, uk(2026, 12, 29))

    def test_the_due_date_moves_at_the_restart(self) -> None:
        before = clocks_at(STOPPED_DEC_18, uk(2027, 1, 4, 9))["acknowledgement"]
        after = clocks_at((*STOPPED_DEC_18, restarted(uk(2027, 1, 4))), uk(2027, 1, 4, 10))
        assert before.due == date(2026, 12, 21)
        assert after["acknowledgement"].due == date(2027, 1, 5)
        assert after["acknowledgement"].status is S.due_soon

    @pytest.mark.parametrize(
        ("calendar", "paused", "due"),
        # Acknowledged Tuesday 16 March 2027: response due 1 April in England, 31 March in
        # Scotland (Easter Monday is not a Scottish holiday). Stopped Wednesday 24 March,
        # restarted Wednesday 31 March: 25, 30, 31 March paused in England (3), and 29 March too
        # in Scotland (4). Six working days were left: due Tuesday 6 April in both.
        [(ENGLAND, 3, date(2027, 4, 6)), (SCOTLAND, 4, date(2027, 4, 6))],
        ids=["england", "scotland"],
    )
    def test_across_easter(self, calendar: WorkingCalendar, paused: int, due: date) -> None:
        assert calendar.working_days_between(date(2027, 3, 24), date(2027, 3, 31)) == paused
        events = (
            logged(uk(2027, 3, 15), policy=STOPPING),
            acknowledged(uk(2027, 3, 16)),
            stopped(uk(2027, 3, 24)),
            restarted(uk(2027, 3, 31)),
        )
        response = clocks_at(events, uk(2027, 3, 31, 12), calendar=calendar)["response"]
        assert (response.due, response.original_due) == (due, due)

    def test_several_stops_add_up(self) -> None:
        # Response due 22 December; stopped 9-11 December (2 days: 10, 11) and 14-16 December
        # (2 days: 15, 16): due 4 working days later, Wednesday 30 December.
        events = (
            *DEC_7,
            stopped(uk(2026, 12, 9)),
            restarted(uk(2026, 12, 11)),
            stopped(uk(2026, 12, 14)),
            restarted(uk(2026, 12, 16)),
        )
        assert clocks_at(events, uk(2026, 12, 16, 12))["response"].due == date(2026, 12, 30)

    def test_a_stop_and_restart_on_the_same_day_moves_nothing(self) -> None:
        events = (*DEC_7, stopped(uk(2026, 12, 9, 10)), restarted(uk(2026, 12, 9, 15)))
        assert clocks_at(events, uk(2026, 12, 9, 16))["response"].due == date(2026, 12, 22)

    def test_a_met_clock_is_not_moved(self) -> None:
        events = (*DEC_7, stopped(uk(2026, 12, 9)), restarted(uk(2026, 12, 15)))
        ack = clocks_at(events, uk(2026, 12, 15, 12))["acknowledgement"]
        assert (ack.due, ack.status, ack.paused) == (date(2026, 12, 14), S.met, False)

    def test_a_breached_clock_stays_breached(self) -> None:
        # Stopped on 23 December, the day after the response was due: stopping undoes no breach.
        events = (*DEC_7, stopped(uk(2026, 12, 23)))
        during = clocks_at(events, uk(2026, 12, 29))["response"]
        assert (during.due, during.status, during.paused) == (date(2026, 12, 22), S.breached, False)
        after = clocks_at((*events, restarted(uk(2027, 1, 5))), uk(2027, 1, 5, 12))["response"]
        assert (after.due, after.status) == (date(2026, 12, 22), S.breached)

    def test_stopped_on_the_due_day_the_clock_is_paused(self) -> None:
        events = (*DEC_7, stopped(uk(2026, 12, 22, 16)), restarted(uk(2026, 12, 23, 9)))
        # 23 December was paused: one more working day, so the response is due that day.
        assert clocks_at(events, uk(2026, 12, 23, 12))["response"].due == date(2026, 12, 23)

    def test_a_clock_met_during_the_stop_was_paused_until_then(self) -> None:
        # Acknowledged on Wednesday 23 December while stopped: the acknowledgement's clock was
        # paused 21-23 December (3 days), so its due date is 24 December and it is met. The
        # response, counted from that acknowledgement, is paused from it until the restart on
        # Tuesday 5 January, so runs its 10 working days from there: Tuesday 19 January.
        events = (
            *STOPPED_DEC_18,
            acknowledged(uk(2026, 12, 23)),
            restarted(uk(2027, 1, 5)),
        )
        result = clocks_at(events, uk(2027, 1, 5, 12))
        ack = result["acknowledgement"]
        assert (ack.due, ack.status) == (date(2026, 12, 24), S.met)
        assert result["response"].due == date(2027, 1, 19)
        assert not result["response"].provisional

    def test_the_stage_ending_while_stopped_stops_its_clocks(self) -> None:
        events = (*DEC_7, stopped(uk(2026, 12, 9)), closed(uk(2027, 1, 6)))
        response = clocks_at(events, uk(2027, 2, 1))["response"]
        # Paused from 9 December until the closure on 6 January (17 working days): due
        # 19 January, and the stage ended before it.
        assert (response.stopped, response.paused) == (True, False)
        assert (response.due, response.status) == (date(2027, 1, 19), S.met)

    def test_the_contact_clock_moves_too(self) -> None:
        # tuntum-2017 stage 1: speak to the resident within 3 working days of receipt (Thursday
        # 18 March 2027 for Monday 15 March). Stopped 16-19 March: 3 days, due Tuesday 23 March.
        events = (
            logged(uk(2027, 3, 15), policy=TUNTUM_STOPPING),
            stopped(uk(2027, 3, 16)),
            restarted(uk(2027, 3, 19)),
        )
        contact = clocks_at(events, uk(2027, 3, 19, 12), policy=TUNTUM_STOPPING)["contact"]
        assert contact.due == date(2027, 3, 23)
        # The overall limit belongs to the complaint, not the stage: stops never move it.
        overall = clocks_at(events, uk(2027, 3, 19, 12), policy=TUNTUM_STOPPING)["overall"]
        assert overall.due == ENGLAND.add_working_days(date(2027, 3, 15), 40)

    def test_stops_belong_to_their_stage(self) -> None:
        events = (
            *DEC_7,
            stopped(uk(2026, 12, 9)),
            restarted(uk(2026, 12, 11)),
            responded(uk(2026, 12, 18)),
            escalation_requested(uk(2027, 1, 4)),
            escalated(uk(2027, 1, 5)),
            acknowledged(uk(2027, 1, 6), stage=2),
        )
        state = state_of(*events)
        assert len(state.stages[0].stops) == 1
        assert state.current.stops == ()
        # Stage 2: twenty working days from the acknowledgement, unmoved.
        now = clocks(state, STOPPING, ENGLAND, uk(2027, 1, 6, 12))
        assert now["response"].due == ENGLAND.add_working_days(date(2027, 1, 6), 20)
        stage_1 = stage_clocks(state, state.stages[0], STOPPING, ENGLAND, uk(2027, 1, 6, 12))
        assert stage_1["response"].due == date(2026, 12, 24)  # 22 December + 2 paused


class TestExtensionsAndStops:
    def test_an_extension_agreed_before_a_stop_is_moved_by_it(self) -> None:
        # Extended on 14 December to Tuesday 5 January; stopped 17 December - 5 January
        # (10 working days): Tuesday 19 January.
        events = (
            *DEC_7,
            extension_agreed(uk(2026, 12, 14), date(2027, 1, 5)),
            stopped(uk(2026, 12, 17)),
            restarted(uk(2027, 1, 5)),
        )
        response = clocks_at(events, uk(2027, 1, 5, 12))["response"]
        assert (response.due, response.original_due, response.extended) == (
            date(2027, 1, 19),
            date(2027, 1, 8),
            True,
        )

    def test_the_cap_does_not_count_the_days_already_stopped(self) -> None:
        # Stopped on 17 December; on 21 December two working days (18, 21) have been stopped, so
        # the due date without extension is 24 December and the cap of 10 more days 12 January.
        state = given(*DEC_7, stopped(uk(2026, 12, 17)))
        too_far = AgreeExtension(
            occurred_at=uk(2026, 12, 21),
            response_due=date(2027, 1, 13),
            reason="other",
            explanation="Contractor",
        )
        with pytest.raises(ExtensionBeyondCap) as refused:
            when(state, too_far, policy=STOPPING)
        assert refused.value.latest == date(2027, 1, 12)
        assert len(when(state, replace(too_far, response_due=date(2027, 1, 12)), policy=STOPPING))

    def test_a_date_agreed_during_a_stop_is_a_promise_the_stop_does_not_move(self) -> None:
        state = given(*DEC_7, stopped(uk(2026, 12, 17)))
        [agreed] = when(
            state,
            AgreeExtension(
                occurred_at=uk(2026, 12, 21),
                response_due=date(2027, 1, 12),
                reason="other",
                explanation="Contractor",
            ),
            policy=STOPPING,
        )
        assert state is not None
        state = evolve(state, agreed)
        # While stopped, the agreed date stands and runs: the response is not paused.
        during = clocks(state, STOPPING, ENGLAND, uk(2026, 12, 29))["response"]
        assert (during.due, during.paused, during.status) == (date(2027, 1, 12), False, S.pending)
        # Restarted on 5 January: the due date without extension moves to 8 January, earlier
        # than the promise, which stands.
        state = evolve(state, restarted(uk(2027, 1, 5)))
        after = clocks(state, STOPPING, ENGLAND, uk(2027, 1, 5, 12))["response"]
        assert (after.due, after.original_due) == (date(2027, 1, 12), date(2027, 1, 8))
