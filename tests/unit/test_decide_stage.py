"""Working a stage: acknowledge, contact, assign, extend, respond."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.complaint.commands import (
    Acknowledge,
    AgreeExtension,
    Assign,
    RecordContact,
    Respond,
)
from app.domain.complaint.errors import (
    AlreadyAcknowledged,
    AlreadyResponded,
    ComplaintClosed,
    ExtensionBeyondCap,
    ExtensionNotLater,
    InvalidTransition,
)
from app.domain.complaint.events import (
    Acknowledged,
    Assigned,
    ComplaintEvent,
    Contacted,
    ContactMethod,
    ExtensionAgreed,
    Outcome,
    Responded,
)
from app.domain.policies.builtin import HOC_2024
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy
from tests.unit.scenario import (
    ACKNOWLEDGED,
    ESCALATED,
    ESCALATION_REQUESTED,
    LOGGED,
    RESPONDED,
    acknowledged,
    closed,
    declined,
    extension_agreed,
    given,
    logged,
    uk,
    when,
)


class TestAcknowledge:
    def test_acknowledges_the_current_stage(self) -> None:
        command = Acknowledge(occurred_at=uk(2026, 3, 3), method=ContactMethod.email, summary="ok")
        assert when(given(LOGGED), command) == [
            Acknowledged(
                occurred_at=uk(2026, 3, 3), stage=1, method=ContactMethod.email, summary="ok"
            )
        ]

    def test_acknowledges_stage_2_after_escalation(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, ESCALATED)
        [event] = when(state, Acknowledge(occurred_at=uk(2026, 3, 18)))
        assert isinstance(event, Acknowledged)
        assert event.stage == 2

    def test_twice_is_refused(self) -> None:
        with pytest.raises(AlreadyAcknowledged) as refused:
            when(given(LOGGED, ACKNOWLEDGED), Acknowledge(occurred_at=uk(2026, 3, 4)))
        assert refused.value.code == "already-acknowledged"
        assert "stage 1" in refused.value.message

    def test_after_the_response_is_refused(self) -> None:
        state = given(LOGGED, RESPONDED)
        with pytest.raises(InvalidTransition, match="responded at stage 1"):
            when(state, Acknowledge(occurred_at=uk(2026, 3, 11)))

    def test_while_an_escalation_is_pending_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        with pytest.raises(InvalidTransition, match="escalation to stage 2 is pending"):
            when(state, Acknowledge(occurred_at=uk(2026, 3, 17)))

    def test_closed_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(given(LOGGED, closed(uk(2026, 3, 3))), Acknowledge(occurred_at=uk(2026, 3, 3)))


class TestRecordContact:
    def command(self, day: int) -> RecordContact:
        return RecordContact(
            occurred_at=uk(2026, 3, day), method=ContactMethod.phone, summary="Discussed"
        )

    @pytest.mark.parametrize(
        ("history", "stage"),
        [
            ((LOGGED,), 1),
            ((LOGGED, ACKNOWLEDGED, RESPONDED), 1),
            ((LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED), 1),
            ((LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, ESCALATED), 2),
        ],
        ids=["open", "responded", "escalation-requested", "stage-2"],
    )
    def test_records_contact_on_a_live_complaint(
        self, history: tuple[ComplaintEvent, ...], stage: int
    ) -> None:
        state = given(*history)
        assert when(state, self.command(20)) == [
            Contacted(
                occurred_at=uk(2026, 3, 20),
                stage=stage,
                method=ContactMethod.phone,
                summary="Discussed",
            )
        ]

    def test_closed_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed, match="closed"):
            when(given(LOGGED, closed(uk(2026, 3, 3))), self.command(4))

    def test_declined_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed, match="declined"):
            when(given(LOGGED, declined(uk(2026, 3, 3))), self.command(4))


class TestAssign:
    def test_assigns_the_current_stage(self) -> None:
        command = Assign(occurred_at=uk(2026, 3, 3), handler="h-7", role="complaints officer")
        assert when(given(LOGGED), command) == [
            Assigned(occurred_at=uk(2026, 3, 3), stage=1, handler="h-7", role="complaints officer")
        ]

    def test_reassigns_while_escalation_is_pending(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        [event] = when(state, Assign(occurred_at=uk(2026, 3, 16, 11), handler="h-2"))
        assert event == Assigned(occurred_at=uk(2026, 3, 16, 11), stage=1, handler="h-2", role=None)

    def test_declined_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(
                given(LOGGED, declined(uk(2026, 3, 3))),
                Assign(occurred_at=uk(2026, 3, 4), handler="h"),
            )


# Received Monday 16 March 2026; acknowledged Wednesday 18 March. Response due 10 working days
# after the acknowledgement: Wednesday 1 April. Cap: 10 more working days over Easter (Good Friday
# 3 April, Easter Monday 6 April): Friday 17 April.
EASTER_LOGGED = logged(uk(2026, 3, 16, 10), received_at=uk(2026, 3, 16, 9))
EASTER_ACKNOWLEDGED = acknowledged(uk(2026, 3, 18))


def extend(due: date, day: int = 25) -> AgreeExtension:
    return AgreeExtension(
        occurred_at=uk(2026, 3, day),
        response_due=due,
        reason="other",
        explanation="Contractor survey",
    )


class TestAgreeExtension:
    def test_extends_to_the_cap(self) -> None:
        state = given(EASTER_LOGGED, EASTER_ACKNOWLEDGED)
        assert when(state, extend(date(2026, 4, 17))) == [
            ExtensionAgreed(
                occurred_at=uk(2026, 3, 25),
                stage=1,
                response_due=date(2026, 4, 17),
                reason="other",
                explanation="Contractor survey",
            )
        ]

    def test_one_day_past_the_cap_is_refused_naming_the_latest_date(self) -> None:
        state = given(EASTER_LOGGED, EASTER_ACKNOWLEDGED)
        with pytest.raises(ExtensionBeyondCap) as refused:
            when(state, extend(date(2026, 4, 20)))
        assert refused.value.latest == date(2026, 4, 17)
        assert "2026-04-17" in refused.value.message
        assert refused.value.code == "extension-beyond-cap"

    def test_the_due_date_itself_is_not_later(self) -> None:
        state = given(EASTER_LOGGED, EASTER_ACKNOWLEDGED)
        with pytest.raises(ExtensionNotLater) as refused:
            when(state, extend(date(2026, 4, 1)))
        assert "2026-04-01" in refused.value.message

    def test_one_day_later_is_accepted(self) -> None:
        state = given(EASTER_LOGGED, EASTER_ACKNOWLEDGED)
        assert len(when(state, extend(date(2026, 4, 2)))) == 1

    def test_a_second_extension_must_pass_the_first(self) -> None:
        state = given(
            EASTER_LOGGED, EASTER_ACKNOWLEDGED, extension_agreed(uk(2026, 3, 20), date(2026, 4, 10))
        )
        with pytest.raises(ExtensionNotLater, match="2026-04-10"):
            when(state, extend(date(2026, 4, 9)))

    def test_several_extensions_share_one_cap(self) -> None:
        state = given(
            EASTER_LOGGED, EASTER_ACKNOWLEDGED, extension_agreed(uk(2026, 3, 20), date(2026, 4, 10))
        )
        assert len(when(state, extend(date(2026, 4, 17)))) == 1
        with pytest.raises(ExtensionBeyondCap, match="2026-04-17"):
            when(state, extend(date(2026, 4, 20)))

    def test_before_acknowledgement_the_cap_counts_from_the_provisional_due_date(self) -> None:
        # Provisional due: 10 working days after the acknowledgement's deadline (Monday 23
        # March), across Easter, Wednesday 8 April; cap: Wednesday 22 April.
        state = given(EASTER_LOGGED)
        assert len(when(state, extend(date(2026, 4, 22)))) == 1
        with pytest.raises(ExtensionBeyondCap, match="2026-04-22"):
            when(state, extend(date(2026, 4, 23)))
        with pytest.raises(ExtensionNotLater, match="2026-04-08"):
            when(state, extend(date(2026, 4, 8)))

    def test_stage_2_cap_is_20_working_days(self) -> None:
        # Escalation requested Monday 16 March; acknowledged Wednesday 18 March: due 20 working days
        # later, Friday 17 April (over Easter); cap 20 more: Monday 18 May (over May Day, 4 May).
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            ESCALATED,
            acknowledged(uk(2026, 3, 18), stage=2),
        )
        assert len(when(state, extend(date(2026, 5, 18)))) == 1
        with pytest.raises(ExtensionBeyondCap, match="2026-05-18"):
            when(state, extend(date(2026, 5, 19)))
        with pytest.raises(ExtensionNotLater, match="2026-04-17"):
            when(state, extend(date(2026, 4, 17)))

    def test_uncapped_policy_allows_any_later_date(self) -> None:
        uncapped = Policy(
            id=HOC_2024.id,
            version=HOC_2024.version,
            name="Uncapped",
            stages=(
                StagePolicy(
                    number=1,
                    name="Stage 1",
                    acknowledge_days=5,
                    response_days=10,
                    response_from=ResponseFrom.acknowledgement,
                    extension_cap_days=None,
                ),
            ),
            extension_reasons=HOC_2024.extension_reasons,
        )
        state = given(EASTER_LOGGED, EASTER_ACKNOWLEDGED)
        assert len(when(state, extend(date(2027, 3, 1)), policy=uncapped)) == 1

    def test_after_the_response_is_refused(self) -> None:
        history = given(LOGGED, ACKNOWLEDGED, RESPONDED)
        with pytest.raises(AlreadyResponded) as refused:
            when(history, extend(date(2026, 3, 31), day=11))
        assert refused.value.code == "already-responded"

    def test_while_an_unanswered_escalation_is_pending_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, ESCALATION_REQUESTED)
        with pytest.raises(InvalidTransition, match="pending"):
            when(state, extend(date(2026, 3, 31), day=17))

    def test_closed_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(given(EASTER_LOGGED, closed(uk(2026, 3, 17))), extend(date(2026, 4, 1)))


class TestRespond:
    def command(self, at_day: int, outcome: Outcome = Outcome.partly_upheld) -> Respond:
        return Respond(
            occurred_at=uk(2026, 3, at_day),
            outcome=outcome,
            summary="Repair booked",
            remedies=("repair", "apology"),
            escalation_rights_signposted=True,
        )

    def test_responds_to_the_current_stage(self) -> None:
        assert when(given(LOGGED, ACKNOWLEDGED), self.command(10)) == [
            Responded(
                occurred_at=uk(2026, 3, 10),
                stage=1,
                outcome=Outcome.partly_upheld,
                summary="Repair booked",
                remedies=("repair", "apology"),
                escalation_rights_signposted=True,
                ombudsman_signposted=False,
            )
        ]

    def test_before_acknowledgement_is_accepted(self) -> None:
        [event] = when(given(LOGGED), self.command(3))
        assert isinstance(event, Responded)

    def test_twice_to_one_stage_is_refused(self) -> None:
        with pytest.raises(AlreadyResponded, match="stage 1"):
            when(given(LOGGED, ACKNOWLEDGED, RESPONDED), self.command(11))

    def test_stage_2_may_be_responded_after_stage_1_was(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, ESCALATED)
        [event] = when(state, self.command(20))
        assert isinstance(event, Responded)
        assert event.stage == 2

    def test_while_escalation_is_pending_after_a_response_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        with pytest.raises(AlreadyResponded):
            when(state, self.command(17))

    def test_while_escalation_is_pending_without_a_response_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, ESCALATION_REQUESTED)
        with pytest.raises(InvalidTransition, match="escalated or escalation_refused first"):
            when(state, self.command(17))

    def test_closed_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(given(LOGGED, closed(uk(2026, 3, 3))), self.command(4))
