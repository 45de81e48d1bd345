"""Ending a complaint (decline, close), notes, and a whole complaint through both stages."""

from __future__ import annotations

import pytest

from app.domain.clocks.deadlines import ClockStatus, clocks
from app.domain.complaint.commands import (
    Acknowledge,
    AddNote,
    AgreeExtension,
    Assign,
    Close,
    Command,
    Decline,
    Escalate,
    RecordContact,
    RequestEscalation,
    Respond,
)
from app.domain.complaint.decide import AFTER_CLOSURE, AFTER_DECLINE, decide
from app.domain.complaint.errors import ComplaintClosed, InvalidTransition
from app.domain.complaint.events import (
    Closed,
    ClosureReason,
    ComplaintEvent,
    ContactMethod,
    Declined,
    DeclineReason,
    NoteAdded,
    NoteVisibility,
    Outcome,
)
from app.domain.complaint.evolve import evolve, fold
from app.domain.complaint.rules import closure_reasons
from app.domain.complaint.state import ComplaintState, Status
from app.domain.errors import DomainError
from app.domain.policies.builtin import HOC_2024
from tests.unit.scenario import (
    ACKNOWLEDGED,
    ENGLAND,
    ESCALATED,
    ESCALATION_REQUESTED,
    LOGGED,
    RESPONDED,
    STAGE_2_ACKNOWLEDGED,
    STAGE_2_RESPONDED,
    closed,
    command_name,
    declined,
    every_other_command,
    given,
    log_complaint,
    uk,
    when,
)

DECLINE = Decline(
    occurred_at=uk(2026, 3, 20), reason=DeclineReason.service_request, explanation="A repair"
)


class TestDecline:
    @pytest.mark.parametrize(
        "history", [(LOGGED,), (LOGGED, ACKNOWLEDGED)], ids=["logged", "acknowledged"]
    )
    def test_declines_at_the_first_stage_before_any_response(
        self, history: tuple[ComplaintEvent, ...]
    ) -> None:
        assert when(given(*history), DECLINE) == [
            Declined(
                occurred_at=uk(2026, 3, 20),
                reason=DeclineReason.service_request,
                explanation="A repair",
            )
        ]

    @pytest.mark.parametrize(
        "history",
        [
            (LOGGED, ACKNOWLEDGED, RESPONDED),
            (LOGGED, ACKNOWLEDGED, ESCALATION_REQUESTED),
            (LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, ESCALATED),
        ],
        ids=["responded", "escalation-requested", "stage-2"],
    )
    def test_refused_once_handled_as_a_complaint(self, history: tuple[ComplaintEvent, ...]) -> None:
        with pytest.raises(InvalidTransition, match="only be declined at the stage it was logged"):
            when(given(*history), DECLINE)

    def test_declined_is_terminal(self) -> None:
        with pytest.raises(ComplaintClosed, match="declined"):
            when(given(LOGGED, declined(uk(2026, 3, 3))), DECLINE)


def close(reason: ClosureReason, day: int = 25, month: int = 3) -> Close:
    return Close(occurred_at=uk(2026, month, day), reason=reason, summary="Done")


STAGE_1_OPEN = (LOGGED, ACKNOWLEDGED)
STAGE_1_RESPONDED = (LOGGED, ACKNOWLEDGED, RESPONDED)
STAGE_1_ESCALATION_PENDING = (*STAGE_1_RESPONDED, ESCALATION_REQUESTED)
STAGE_2_OPEN = (*STAGE_1_ESCALATION_PENDING, ESCALATED, STAGE_2_ACKNOWLEDGED)
STAGE_2_RESPONDED_ = (*STAGE_2_OPEN, STAGE_2_RESPONDED)

R = ClosureReason
# For each situation, the closure reasons that fit; every other reason is refused.
CLOSURE_TABLE: list[tuple[str, tuple[ComplaintEvent, ...], set[ClosureReason]]] = [
    ("stage-1-open", STAGE_1_OPEN, {R.withdrawn, R.resolved_at_first_contact}),
    ("stage-1-responded", STAGE_1_RESPONDED, {R.withdrawn, R.resolved, R.no_escalation_requested}),
    ("escalation-pending", STAGE_1_ESCALATION_PENDING, {R.withdrawn}),
    ("stage-2-open", STAGE_2_OPEN, {R.withdrawn}),
    ("stage-2-responded", STAGE_2_RESPONDED_, {R.withdrawn, R.resolved, R.final_response_issued}),
]


class TestClose:
    @pytest.mark.parametrize(
        ("history", "reason"),
        [(h, r) for _, h, fits in CLOSURE_TABLE for r in sorted(fits)],
        ids=[f"{name}-{r}" for name, _, fits in CLOSURE_TABLE for r in sorted(fits)],
    )
    def test_closes_with_a_reason_that_fits(
        self, history: tuple[ComplaintEvent, ...], reason: ClosureReason
    ) -> None:
        assert when(given(*history), close(reason, month=4, day=20)) == [
            Closed(occurred_at=uk(2026, 4, 20), reason=reason, summary="Done")
        ]

    @pytest.mark.parametrize(
        ("history", "reason", "fits"),
        [(h, r, fits) for _, h, fits in CLOSURE_TABLE for r in ClosureReason if r not in fits],
        ids=[f"{n}-{r}" for n, _, fits in CLOSURE_TABLE for r in ClosureReason if r not in fits],
    )
    def test_refuses_a_reason_that_does_not_fit_and_lists_those_that_do(
        self, history: tuple[ComplaintEvent, ...], reason: ClosureReason, fits: set[ClosureReason]
    ) -> None:
        with pytest.raises(InvalidTransition) as refused:
            when(given(*history), close(reason, month=4, day=20))
        listed = refused.value.message.split("reasons possible now: ")[1].split(", ")
        assert set(listed) == {str(r) for r in fits}

    def test_message_names_status_and_stage(self) -> None:
        with pytest.raises(InvalidTransition) as refused:
            when(given(*STAGE_1_OPEN), close(ClosureReason.resolved))
        assert refused.value.message == (
            "cannot close as resolved: the complaint is open at stage 1; "
            "reasons possible now: resolved_at_first_contact, withdrawn"
        )

    def test_resolved_at_first_contact_is_refused_at_stage_2_even_unanswered(self) -> None:
        with pytest.raises(InvalidTransition):
            when(given(*STAGE_2_OPEN), close(ClosureReason.resolved_at_first_contact, day=30))

    def test_closed_is_terminal(self) -> None:
        state = given(*STAGE_1_OPEN, closed(uk(2026, 3, 4)))
        with pytest.raises(ComplaintClosed, match="closed"):
            when(state, close(ClosureReason.withdrawn))
        assert state is not None
        assert closure_reasons(state, HOC_2024) == []


class TestAddNote:
    @pytest.mark.parametrize(
        "history",
        [
            (LOGGED,),
            STAGE_1_RESPONDED,
            STAGE_1_ESCALATION_PENDING,
            (*STAGE_1_OPEN, closed(uk(2026, 3, 4))),
            (LOGGED, declined(uk(2026, 3, 4))),
        ],
        ids=["open", "responded", "escalation-requested", "closed", "declined"],
    )
    def test_adds_a_note_in_any_status(self, history: tuple[ComplaintEvent, ...]) -> None:
        command = AddNote(
            occurred_at=uk(2026, 3, 20), text="Resident called", visibility=NoteVisibility.resident
        )
        assert when(given(*history), command) == [
            NoteAdded(
                occurred_at=uk(2026, 3, 20),
                text="Resident called",
                visibility=NoteVisibility.resident,
            )
        ]

    def test_notes_keep_their_order(self) -> None:
        state = given(LOGGED)
        for day, text in ((3, "first"), (4, "second")):
            [event] = when(state, AddNote(occurred_at=uk(2026, 3, day), text=text))
            assert state is not None
            state = evolve(state, event)
        assert state is not None
        assert [n.text for n in state.notes] == ["first", "second"]


def outcome(state: ComplaintState | None, command: Command) -> str:
    try:
        when(state, command)
    except DomainError as refused:
        return refused.code
    return "accepted"


class TestEndedComplaint:
    @pytest.mark.parametrize("command", every_other_command(uk(2026, 3, 20)), ids=command_name)
    @pytest.mark.parametrize(
        "ending", [closed(uk(2026, 3, 5)), declined(uk(2026, 3, 5))], ids=["closed", "declined"]
    )
    def test_only_what_may_follow_the_end_is_considered(
        self, command: Command, ending: ComplaintEvent
    ) -> None:
        # Whatever may follow the end is judged on its own rules (an unknown action, a policy
        # without reopening); everything else is refused because the complaint ended.
        possible = AFTER_CLOSURE if isinstance(ending, Closed) else AFTER_DECLINE
        result = outcome(given(*STAGE_1_OPEN, ending), command)
        assert (result == "complaint-closed") == (type(command) not in possible)

    def test_the_refusal_says_what_may_still_be_recorded(self) -> None:
        state = given(*STAGE_1_OPEN, declined(uk(2026, 3, 5)))
        with pytest.raises(ComplaintClosed) as refused:
            when(state, Acknowledge(occurred_at=uk(2026, 3, 20)))
        assert refused.value.message == (
            "the complaint is declined: only notes, attachments, actions, compensation, referral, "
            "Ombudsman evidence, Ombudsman determination, learning, telling the resident, "
            "letters and erasure of personal data can be recorded now"
        )


class TestWholeComplaint:
    def test_through_both_stages_to_the_final_response(self) -> None:
        journey: list[Command] = [
            log_complaint(uk(2026, 12, 21, 10), received_at=uk(2026, 12, 21, 9)),
            Assign(occurred_at=uk(2026, 12, 21, 11), handler="h-1", role="officer"),
            Acknowledge(occurred_at=uk(2026, 12, 23), method=ContactMethod.email),
            RecordContact(occurred_at=uk(2026, 12, 24), method=ContactMethod.phone, summary="x"),
            AgreeExtension(
                occurred_at=uk(2027, 1, 6),
                response_due=uk(2027, 1, 20).date(),
                reason="other",
                explanation="Survey",
            ),
            Respond(occurred_at=uk(2027, 1, 19), outcome=Outcome.partly_upheld, summary="x"),
            RequestEscalation(occurred_at=uk(2027, 1, 25), reason="Not fixed"),
            Escalate(occurred_at=uk(2027, 1, 27)),
            Assign(occurred_at=uk(2027, 1, 27, 11), handler="h-2", role="manager"),
            Acknowledge(occurred_at=uk(2027, 1, 29)),
            Respond(
                occurred_at=uk(2027, 2, 19),
                outcome=Outcome.upheld,
                summary="x",
                remedies=("compensation",),
                ombudsman_signposted=True,
            ),
            Close(occurred_at=uk(2027, 2, 19, 12), reason=ClosureReason.final_response_issued),
            AddNote(occurred_at=uk(2027, 3, 1), text="Resident thanked us"),
        ]
        events: list[ComplaintEvent] = []
        state: ComplaintState | None = None
        for command in journey:
            new = decide(command, state, policy=HOC_2024, calendar=ENGLAND, now=command.occurred_at)
            for event in new:
                state = evolve(state, event)
            events.extend(new)

        assert state is not None
        assert state == fold(events)
        assert state.version == len(journey)
        assert state.status is Status.closed
        assert state.closure_reason is ClosureReason.final_response_issued
        assert [r.stage for r in state.stages] == [1, 2]
        assert state.stages[1].started_at == uk(2027, 1, 25)  # the request, not the escalation
        assert [r.outcome for r in state.stages] == [Outcome.partly_upheld, Outcome.upheld]
        assert state.handler == "h-2"
        assert len(state.notes) == 1
        # Stage 2 acknowledged within 5 working days of the request and answered within 20 of
        # the acknowledgement (due Friday 26 February 2027).
        final = clocks(state, HOC_2024, ENGLAND, uk(2027, 3, 1))
        assert {name: c.status for name, c in final.items()} == {
            "acknowledgement": ClockStatus.met,
            "response": ClockStatus.met,
        }
        assert final["response"].due == uk(2027, 2, 26).date()
