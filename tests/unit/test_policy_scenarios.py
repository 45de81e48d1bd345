"""Each built-in policy walked through its stages with decide, evolve and the clocks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import Clock, ClockStatus, clocks
from app.domain.complaint.commands import (
    Acknowledge,
    AgreeExtension,
    Close,
    Command,
    Escalate,
    RecordContact,
    RefuseEscalation,
    RequestEscalation,
    Respond,
)
from app.domain.complaint.errors import (
    ExtensionBeyondCap,
    InvalidTransition,
    NoFurtherStage,
    StageNotInPolicy,
)
from app.domain.complaint.events import ClosureReason, ComplaintEvent, ContactMethod, Outcome
from app.domain.complaint.evolve import fold
from app.domain.complaint.state import ComplaintState, Status
from app.domain.policies.builtin import (
    HOC_2024,
    JJH_2020,
    JLIVING_2018,
    POLICY_2022,
    TUNTUM_2017,
)
from app.domain.policies.model import Policy
from tests.unit.scenario import log_complaint, uk, when

S = ClockStatus


class Case:
    """One complaint under `policy`: commands go through decide, events through evolve."""

    def __init__(self, policy: Policy, calendar: WorkingCalendar | None = None) -> None:
        self.policy = policy
        self.calendar = WorkingCalendar() if calendar is None else calendar
        self.events: list[ComplaintEvent] = []

    @property
    def state(self) -> ComplaintState:
        state = fold(self.events)
        assert state is not None
        return state

    def log(self, at: datetime, stage: int | None = None) -> Case:
        command = log_complaint(at, stage=stage, policy=self.policy)
        self.events += when(None, command, policy=self.policy, calendar=self.calendar)
        return self

    def do(self, command: Command) -> Case:
        self.events += when(self.state, command, policy=self.policy, calendar=self.calendar)
        return self

    def clocks(self, at: datetime) -> dict[str, Clock]:
        return clocks(self.state, self.policy, self.calendar, at)


def respond(at: datetime) -> Respond:
    return Respond(occurred_at=at, outcome=Outcome.partly_upheld, summary="Put right")


def ask(at: datetime) -> RequestEscalation:
    return RequestEscalation(occurred_at=at, reason="Still unhappy")


def contact(at: datetime) -> RecordContact:
    return RecordContact(occurred_at=at, method=ContactMethod.phone, summary="Discussed")


def due_and_status(clock: Clock) -> tuple[date | None, ClockStatus]:
    return clock.due, clock.status


class TestTuntum2017:
    def test_quick_fix_then_both_formal_stages(self) -> None:
        case = Case(TUNTUM_2017).log(uk(2026, 12, 24), stage=0)
        case.do(respond(uk(2026, 12, 29)))
        assert due_and_status(case.clocks(uk(2026, 12, 29, 12))["response"]) == (
            date(2026, 12, 29),
            S.met,
        )
        # "move onto the formal complaints process within five working days"
        case.do(ask(uk(2026, 12, 31))).do(Escalate(occurred_at=uk(2026, 12, 31, 11)))
        assert case.state.stage == 1
        now = case.clocks(uk(2026, 12, 31, 12))
        assert due_and_status(now["acknowledgement"]) == (date(2027, 1, 6), S.pending)
        assert due_and_status(now["contact"]) == (date(2027, 1, 6), S.pending)
        assert due_and_status(now["response"]) == (date(2027, 1, 15), S.pending)
        assert due_and_status(now["overall"]) == (date(2027, 2, 23), S.pending)
        case.do(Acknowledge(occurred_at=uk(2027, 1, 4))).do(contact(uk(2027, 1, 4, 11)))
        case.do(respond(uk(2027, 1, 14)))
        # "let you know within 20 working days why you are unsatisfied"
        assert case.clocks(uk(2027, 1, 14, 12))["escalation_window"].due == date(2027, 2, 11)
        case.do(ask(uk(2027, 1, 20)))
        # "we may decline your request for escalation"
        case.do(
            RefuseEscalation(
                occurred_at=uk(2027, 1, 21),
                reason="outcome_cannot_be_met",
                explanation="Outcome not possible",
            )
        )
        assert case.state.status is Status.responded
        window = case.clocks(uk(2027, 1, 21, 12))["escalation_window"]
        assert (window.status, window.met_at) == (S.met, uk(2027, 1, 20))
        case.do(Close(occurred_at=uk(2027, 1, 22), reason=ClosureReason.no_escalation_requested))
        assert case.clocks(uk(2027, 1, 25))["overall"].status is S.met

    def test_stage_2_is_the_last_and_the_quick_fix_cannot_be_refused(self) -> None:
        case = Case(TUNTUM_2017).log(uk(2026, 3, 2), stage=0).do(respond(uk(2026, 3, 2, 12)))
        case.do(ask(uk(2026, 3, 3)))
        with pytest.raises(InvalidTransition, match="does not allow refusing"):
            case.do(
                RefuseEscalation(
                    occurred_at=uk(2026, 3, 4), reason="legal_proceedings", explanation="No"
                )
            )
        case.do(Escalate(occurred_at=uk(2026, 3, 4)))
        case.do(respond(uk(2026, 3, 10))).do(ask(uk(2026, 3, 11)))
        case.do(Escalate(occurred_at=uk(2026, 3, 12))).do(respond(uk(2026, 3, 20)))
        assert case.state.stage == 2
        with pytest.raises(NoFurtherStage):
            case.do(ask(uk(2026, 3, 23)))


class TestJjh2020:
    def test_stage_0_to_the_review_with_revised_dates_and_a_survey(self) -> None:
        case = Case(JJH_2020).log(uk(2026, 3, 2), stage=0)
        assert case.clocks(uk(2026, 3, 2, 12))["response"].due == date(2026, 3, 2)
        case.do(ask(uk(2026, 3, 2, 15))).do(Escalate(occurred_at=uk(2026, 3, 2, 16)))
        # 6.3 "speak to the complainant within 2 working days"; 5.2 "within 10 working days"
        now = case.clocks(uk(2026, 3, 3))
        assert due_and_status(now["contact"]) == (date(2026, 3, 4), S.due_soon)
        assert now["response"].due == date(2026, 3, 16)
        case.do(contact(uk(2026, 3, 4)))
        # 5.2 "agree a revised date": no cap
        case.do(
            AgreeExtension(
                occurred_at=uk(2026, 3, 5),
                response_due=date(2026, 6, 1),
                reason="other",
                explanation="x",
            )
        )
        assert case.clocks(uk(2026, 3, 5, 12))["response"].due == date(2026, 6, 1)
        case.do(respond(uk(2026, 5, 20))).do(ask(uk(2026, 5, 21)))
        # 6.1: the review is the resident's right
        with pytest.raises(InvalidTransition, match="record escalated"):
            case.do(
                RefuseEscalation(
                    occurred_at=uk(2026, 5, 22), reason="legal_proceedings", explanation="No"
                )
            )
        case.do(Escalate(occurred_at=uk(2026, 5, 22))).do(respond(uk(2026, 6, 5)))
        case.do(Close(occurred_at=uk(2026, 6, 5, 12), reason=ClosureReason.final_response_issued))
        # 6.7 survey within five working days of closure
        survey = case.clocks(uk(2026, 6, 8))["survey"]
        assert (survey.due, survey.status, survey.met_at) == (date(2026, 6, 12), S.pending, None)


class TestJliving2018:
    def test_informal_then_three_formal_stages(self) -> None:
        case = Case(JLIVING_2018).log(uk(2026, 3, 2), stage=0)
        assert set(case.clocks(uk(2026, 3, 2, 12))) == {"contact", "response"}
        case.do(contact(uk(2026, 3, 3))).do(ask(uk(2026, 3, 5)))
        case.do(Escalate(occurred_at=uk(2026, 3, 5, 11))).do(respond(uk(2026, 3, 16)))
        case.do(ask(uk(2026, 3, 17)))
        # 4.4: an upheld complaint seeking no clear resolution may be refused...
        case.do(
            RefuseEscalation(
                occurred_at=uk(2026, 3, 18),
                reason="upheld_no_resolution_sought",
                explanation="Upheld, nothing sought",
            )
        )
        # ...and the resident may ask again within 4.2's 10 working days.
        case.do(ask(uk(2026, 3, 19))).do(Escalate(occurred_at=uk(2026, 3, 20)))
        case.do(respond(uk(2026, 4, 8))).do(ask(uk(2026, 4, 9)))
        case.do(Escalate(occurred_at=uk(2026, 4, 10)))
        assert case.state.stage == 3
        # 4.3: the panel within 20 working days of the request (Easter 2026: 3 and 6 April)
        assert case.clocks(uk(2026, 4, 10, 12))["response"].due == date(2026, 5, 8)
        case.do(respond(uk(2026, 5, 1)))
        with pytest.raises(NoFurtherStage):
            case.do(ask(uk(2026, 5, 4)))


class TestPolicy2022:
    def test_extensions_are_capped_at_10_then_30_working_days(self) -> None:
        case = Case(POLICY_2022).log(uk(2026, 3, 2))
        assert set(case.clocks(uk(2026, 3, 2, 12))) == {"response"}
        with pytest.raises(ExtensionBeyondCap, match="2026-03-30"):
            case.do(
                AgreeExtension(
                    occurred_at=uk(2026, 3, 3),
                    response_due=date(2026, 3, 31),
                    reason="other",
                    explanation="x",
                )
            )
        case.do(
            AgreeExtension(
                occurred_at=uk(2026, 3, 3),
                response_due=date(2026, 3, 30),
                reason="other",
                explanation="x",
            )
        )
        case.do(respond(uk(2026, 3, 13))).do(ask(uk(2026, 3, 16)))
        with pytest.raises(InvalidTransition, match="policy-2022"):
            case.do(
                RefuseEscalation(
                    occurred_at=uk(2026, 3, 17), reason="legal_proceedings", explanation="No"
                )
            )
        case.do(Escalate(occurred_at=uk(2026, 3, 17)))
        assert case.clocks(uk(2026, 3, 17, 12))["response"].due == date(2026, 4, 15)
        with pytest.raises(ExtensionBeyondCap, match="2026-05-29"):
            case.do(
                AgreeExtension(
                    occurred_at=uk(2026, 3, 18),
                    response_due=date(2026, 6, 1),
                    reason="other",
                    explanation="x",
                )
            )


class TestHoc2024:
    def test_no_stage_0(self) -> None:
        with pytest.raises(StageNotInPolicy):
            Case(HOC_2024).log(uk(2026, 3, 2), stage=0)

    def test_escalation_may_still_be_refused(self) -> None:
        case = Case(HOC_2024).log(uk(2026, 3, 2)).do(respond(uk(2026, 3, 3)))
        case.do(ask(uk(2026, 3, 4)))
        case.do(
            RefuseEscalation(
                occurred_at=uk(2026, 3, 5),
                reason="legal_proceedings",
                explanation="Not a complaint",
            )
        )
        assert case.state.status is Status.responded


class TestClosingAfterTheWindow:
    """JLiving 4.5: "closed if no request for a review has been received by the deadline"."""

    def test_not_before_the_window_lapses(self) -> None:
        case = Case(JLIVING_2018).log(uk(2026, 3, 2), stage=1).do(respond(uk(2026, 3, 10)))
        # 4.2: 10 working days from Tuesday 10 March 2026: Tuesday 24 March.
        with pytest.raises(InvalidTransition, match="resolved, withdrawn"):
            case.do(
                Close(occurred_at=uk(2026, 3, 24, 17), reason=ClosureReason.no_escalation_requested)
            )
        case.do(Close(occurred_at=uk(2026, 3, 25), reason=ClosureReason.no_escalation_requested))
        assert case.state.status is Status.closed

    def test_resolved_may_close_within_the_window(self) -> None:
        case = Case(JLIVING_2018).log(uk(2026, 3, 2), stage=1).do(respond(uk(2026, 3, 10)))
        case.do(Close(occurred_at=uk(2026, 3, 11), reason=ClosureReason.resolved))
        assert case.state.status is Status.closed

    def test_without_a_window_any_time_after_the_response(self) -> None:
        case = Case(HOC_2024).log(uk(2026, 3, 2)).do(respond(uk(2026, 3, 10)))
        reason = ClosureReason.no_escalation_requested
        case.do(Close(occurred_at=uk(2026, 3, 10, 12), reason=reason))
        assert case.state.status is Status.closed
