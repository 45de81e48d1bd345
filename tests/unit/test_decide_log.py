"""Logging a complaint, and the time rules every command obeys."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.complaint.commands import (
    Acknowledge,
    AddNote,
    Command,
)
from app.domain.complaint.errors import (
    AlreadyLogged,
    InvalidReceivedAt,
    InvalidTransition,
    NaiveDatetime,
    NotLogged,
    OccurredBeforePreviousEvent,
    OccurredInFuture,
    StageNotInPolicy,
)
from app.domain.complaint.events import (
    Logged,
)
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy
from tests.unit.scenario import (
    ACKNOWLEDGED,
    LOGGED,
    RECEIVED,
    closed,
    command_name,
    every_other_command,
    given,
    log_complaint,
    logged,
    uk,
    when,
)

WITH_STAGE_0 = Policy(
    id="with-stage-0",
    version=3,
    name="A policy with a quick-fix stage",
    stages=(
        StagePolicy(
            number=0,
            name="Quick fix",
            acknowledge_days=None,
            response_days=1,
            response_from=ResponseFrom.start,
            extension_cap_days=0,
        ),
        StagePolicy(
            number=1,
            name="Stage 1",
            acknowledge_days=3,
            response_days=10,
            response_from=ResponseFrom.acknowledgement,
            extension_cap_days=None,
        ),
    ),
)


class TestLogComplaint:
    def test_logs_at_the_first_stage_when_no_stage_is_given(self) -> None:
        command = log_complaint(uk(2026, 3, 2, 10), received_at=RECEIVED)
        assert when(None, command) == [LOGGED]

    def test_logs_at_stage_1_when_asked(self) -> None:
        command = log_complaint(uk(2026, 3, 2, 10), received_at=RECEIVED, stage=1)
        assert when(None, command) == [LOGGED]

    def test_hoc_2024_has_no_stage_0(self) -> None:
        with pytest.raises(StageNotInPolicy) as refused:
            when(None, log_complaint(uk(2026, 3, 2), stage=0))
        assert refused.value.code == "stage-not-in-policy"
        assert "no stage 0" in refused.value.message

    def test_cannot_start_part_way_through_the_policy(self) -> None:
        with pytest.raises(InvalidTransition, match="only be logged at stage 1"):
            when(None, log_complaint(uk(2026, 3, 2), stage=2))

    def test_policy_with_stage_0_logs_there_by_default(self) -> None:
        command = replace(log_complaint(uk(2026, 3, 2)), policy_id="with-stage-0", policy_version=3)
        [event] = when(None, command, policy=WITH_STAGE_0)
        assert isinstance(event, Logged)
        assert event.stage == 0

    def test_policy_with_stage_0_may_log_straight_at_stage_1(self) -> None:
        command = replace(
            log_complaint(uk(2026, 3, 2), stage=1), policy_id="with-stage-0", policy_version=3
        )
        [event] = when(None, command, policy=WITH_STAGE_0)
        assert isinstance(event, Logged)
        assert event.stage == 1

    def test_refused_once_logged(self) -> None:
        with pytest.raises(AlreadyLogged):
            when(given(LOGGED), log_complaint(uk(2026, 3, 3)))

    def test_refused_once_logged_even_when_closed(self) -> None:
        state = given(LOGGED, closed(uk(2026, 3, 3)))
        with pytest.raises(AlreadyLogged):
            when(state, log_complaint(uk(2026, 3, 4)))

    def test_received_after_logging_is_refused(self) -> None:
        command = log_complaint(uk(2026, 3, 2, 10), received_at=uk(2026, 3, 2, 11))
        with pytest.raises(InvalidReceivedAt, match="after occurred_at"):
            when(None, command, now=uk(2026, 3, 2, 12))

    def test_received_in_the_future_is_refused(self) -> None:
        command = log_complaint(uk(2026, 3, 2, 10), received_at=uk(2026, 3, 2, 11))
        with pytest.raises(InvalidReceivedAt, match="in the future"):
            when(None, command, now=uk(2026, 3, 2, 10, 30))

    def test_received_days_before_logging_is_accepted(self) -> None:
        command = log_complaint(uk(2026, 3, 5), received_at=uk(2026, 2, 27, 16))
        [event] = when(None, command)
        assert isinstance(event, Logged)
        assert event.received_at == uk(2026, 2, 27, 16)

    def test_naive_received_at_is_refused(self) -> None:
        command = log_complaint(uk(2026, 3, 2), received_at=datetime(2026, 3, 2, 9, 0))
        with pytest.raises(NaiveDatetime) as refused:
            when(None, command)
        assert refused.value.field == "received_at"

    def test_policy_other_than_the_named_one_is_a_caller_bug(self) -> None:
        with pytest.raises(ValueError, match="policy"):
            when(None, log_complaint(uk(2026, 3, 2)), policy=WITH_STAGE_0)


class TestBeforeLogging:
    @pytest.mark.parametrize("command", every_other_command(uk(2026, 3, 2)), ids=command_name)
    def test_every_command_but_log_is_refused(self, command: Command) -> None:
        with pytest.raises(NotLogged) as refused:
            when(None, command)
        assert refused.value.code == "not-logged"


class TestTimeRules:
    @pytest.mark.parametrize("command", every_other_command(uk(2026, 3, 4)), ids=command_name)
    def test_occurred_in_the_future_is_refused(self, command: Command) -> None:
        with pytest.raises(OccurredInFuture):
            when(given(LOGGED), command, now=uk(2026, 3, 3))

    @pytest.mark.parametrize("command", every_other_command(uk(2026, 3, 2, 9)), ids=command_name)
    def test_before_the_previous_event_is_refused(self, command: Command) -> None:
        with pytest.raises(OccurredBeforePreviousEvent) as refused:
            when(given(LOGGED), command, now=uk(2026, 3, 3))
        assert refused.value.code == "occurred-out-of-order"

    def test_at_the_same_moment_as_the_previous_event_is_accepted(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED)
        command = AddNote(occurred_at=ACKNOWLEDGED.occurred_at, text="Same minute")
        assert len(when(state, command)) == 1

    def test_one_microsecond_earlier_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED)
        earlier = ACKNOWLEDGED.occurred_at - timedelta(microseconds=1)
        with pytest.raises(OccurredBeforePreviousEvent):
            when(state, AddNote(occurred_at=earlier, text="Too early"))

    def test_occurred_exactly_now_is_accepted(self) -> None:
        command = AddNote(occurred_at=uk(2026, 3, 3), text="Now")
        assert len(when(given(LOGGED), command, now=uk(2026, 3, 3))) == 1

    def test_other_timezones_compare_as_instants(self) -> None:
        # 09:30 UTC on 3 March is 09:30 in London (GMT); the previous event was at 10:00 London.
        state = given(logged(uk(2026, 3, 3, 10)))
        earlier = AddNote(occurred_at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC), text="x")
        with pytest.raises(OccurredBeforePreviousEvent):
            when(state, earlier, now=uk(2026, 3, 4))

    def test_naive_occurred_at_is_refused(self) -> None:
        with pytest.raises(NaiveDatetime) as refused:
            when(given(LOGGED), AddNote(occurred_at=datetime(2026, 3, 3, 10), text="x"))
        assert refused.value.field == "occurred_at"
        assert refused.value.code == "naive-datetime"

    def test_naive_now_is_refused(self) -> None:
        with pytest.raises(NaiveDatetime) as refused:
            when(
                given(LOGGED),
                AddNote(occurred_at=uk(2026, 3, 3), text="x"),
                now=datetime(2026, 3, 4),
            )
        assert refused.value.field == "now"

    def test_a_policy_other_than_the_pinned_one_is_a_caller_bug(self) -> None:
        with pytest.raises(ValueError, match="pinned"):
            when(given(LOGGED), Acknowledge(occurred_at=uk(2026, 3, 3)), policy=WITH_STAGE_0)
