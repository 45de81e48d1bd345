"""Given events, when a command, then events: the vocabulary of the domain tests.

Times are London wall-clock times (`uk(...)`), as a case handler would read them. Event builders
take the time first and default everything a scenario does not care about.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.commands import (
    AcceptCompensation,
    Acknowledge,
    AddNote,
    AgreeAction,
    AgreeExtension,
    Assign,
    Close,
    Command,
    CompleteAction,
    Decline,
    DeclineCompensation,
    Escalate,
    InformResident,
    IssueLetter,
    LogComplaint,
    OfferCompensation,
    ProvideOmbudsmanEvidence,
    RecordContact,
    RecordLearning,
    RecordSatisfaction,
    Refer,
    RefuseEscalation,
    Reopen,
    RequestEscalation,
    RequestOmbudsmanEvidence,
    Respond,
    RestartClock,
    StopClock,
)
from app.domain.complaint.decide import decide
from app.domain.complaint.events import (
    Acknowledged,
    Assigned,
    Channel,
    Closed,
    ClosureReason,
    CompensationKind,
    Complainant,
    ComplaintEvent,
    Contacted,
    ContactMethod,
    Declined,
    DeclineReason,
    Escalated,
    EscalationRefused,
    EscalationRequested,
    ExtensionAgreed,
    InformedOf,
    LetterKind,
    Logged,
    NoteAdded,
    NoteVisibility,
    Outcome,
    ReferralBody,
    Responded,
    Satisfaction,
    StopReasonCategory,
)
from app.domain.complaint.evolve import fold
from app.domain.complaint.state import ComplaintState
from app.domain.policies.builtin import HOC_2024
from app.domain.policies.model import Policy

LONDON = ZoneInfo("Europe/London")
ENGLAND = WorkingCalendar()


def uk(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def given(*events: ComplaintEvent) -> ComplaintState | None:
    return fold(events)


def when(
    state: ComplaintState | None,
    command: Command,
    *,
    now: datetime | None = None,
    policy: Policy = HOC_2024,
    calendar: WorkingCalendar = ENGLAND,
) -> list[ComplaintEvent]:
    """Decide `command`; `now` defaults to the moment the command says it happened."""
    return decide(
        command,
        state,
        policy=policy,
        calendar=calendar,
        now=command.occurred_at if now is None else now,
    )


COMPLAINANT = Complainant(name="Ada Resident", email="ada@example.org", resident_id="R-1")


def log_complaint(
    at: datetime,
    *,
    received_at: datetime | None = None,
    stage: int | None = None,
    policy: Policy = HOC_2024,
) -> LogComplaint:
    return LogComplaint(
        occurred_at=at,
        reference="HOC-0001",
        landlord="riverside",
        policy_id=policy.id,
        policy_version=policy.version,
        channel=Channel.web,
        received_at=at if received_at is None else received_at,
        stage=stage,
        category="repairs",
        description="Damp in the bedroom, reported three times.",
        desired_outcome="Fix the damp",
        complainant=COMPLAINANT,
        representative=None,
        anonymous=False,
        vulnerability=None,
        reasonable_adjustments=None,
    )


def logged(
    at: datetime,
    *,
    received_at: datetime | None = None,
    stage: int = 1,
    policy: Policy = HOC_2024,
) -> Logged:
    command = log_complaint(at, received_at=received_at, policy=policy)
    return Logged(
        occurred_at=command.occurred_at,
        reference=command.reference,
        landlord=command.landlord,
        policy_id=command.policy_id,
        policy_version=command.policy_version,
        channel=command.channel,
        received_at=command.received_at,
        stage=stage,
        category=command.category,
        description=command.description,
        desired_outcome=command.desired_outcome,
        complainant=command.complainant,
        representative=command.representative,
        anonymous=command.anonymous,
        vulnerability=command.vulnerability,
        reasonable_adjustments=command.reasonable_adjustments,
    )


def acknowledged(at: datetime, stage: int = 1) -> Acknowledged:
    return Acknowledged(occurred_at=at, stage=stage, method=ContactMethod.email, summary=None)


def contacted(at: datetime, stage: int = 1) -> Contacted:
    return Contacted(occurred_at=at, stage=stage, method=ContactMethod.phone, summary="Called")


def assigned(at: datetime, handler: str = "h-1", stage: int = 1) -> Assigned:
    return Assigned(occurred_at=at, stage=stage, handler=handler, role="officer")


def extension_agreed(at: datetime, due: date, stage: int = 1) -> ExtensionAgreed:
    return ExtensionAgreed(
        occurred_at=at, stage=stage, response_due=due, reason="other", explanation="contractor"
    )


def responded(at: datetime, stage: int = 1, outcome: Outcome = Outcome.upheld) -> Responded:
    return Responded(
        occurred_at=at,
        stage=stage,
        outcome=outcome,
        summary="We will fix it",
        remedies=("repair",),
        escalation_rights_signposted=True,
        ombudsman_signposted=stage == 2,
    )


def escalation_requested(at: datetime, stage: int = 2) -> EscalationRequested:
    return EscalationRequested(occurred_at=at, stage=stage, reason="Still damp")


def escalated(at: datetime, stage: int = 2) -> Escalated:
    return Escalated(occurred_at=at, stage=stage)


def escalation_refused(at: datetime, stage: int = 2) -> EscalationRefused:
    return EscalationRefused(
        occurred_at=at, stage=stage, reason="legal_proceedings", explanation="Outside the window"
    )


def declined(at: datetime) -> Declined:
    return Declined(
        occurred_at=at, reason=DeclineReason.service_request, explanation="A repair request"
    )


def closed(at: datetime, reason: ClosureReason = ClosureReason.withdrawn) -> Closed:
    return Closed(occurred_at=at, reason=reason, summary=None)


def note_added(at: datetime, text: str = "Chased contractor") -> NoteAdded:
    return NoteAdded(occurred_at=at, text=text, visibility=NoteVisibility.internal)


# A stage 1 complaint received on Monday 2 March 2026 and logged an hour later.
RECEIVED = uk(2026, 3, 2, 9)
LOGGED = logged(uk(2026, 3, 2, 10), received_at=RECEIVED)
ACKNOWLEDGED = acknowledged(uk(2026, 3, 3))
RESPONDED = responded(uk(2026, 3, 10))
ESCALATION_REQUESTED = escalation_requested(uk(2026, 3, 16))
ESCALATED = escalated(uk(2026, 3, 17))
STAGE_2_ACKNOWLEDGED = acknowledged(uk(2026, 3, 18), stage=2)
STAGE_2_RESPONDED = responded(uk(2026, 4, 1), stage=2)


# Every command but LogComplaint, each valid on a freshly acknowledged stage 1 in time order.
def every_other_command(at: datetime) -> list[Command]:
    return [
        Acknowledge(occurred_at=at),
        RecordContact(occurred_at=at, method=ContactMethod.phone, summary="Called"),
        Assign(occurred_at=at, handler="h-1"),
        AgreeExtension(
            occurred_at=at, response_due=uk(2026, 3, 20).date(), reason="other", explanation="x"
        ),
        Respond(occurred_at=at, outcome=Outcome.upheld, summary="Fixed"),
        RequestEscalation(occurred_at=at, reason="Unhappy"),
        Escalate(occurred_at=at),
        RefuseEscalation(occurred_at=at, reason="legal_proceedings", explanation="No"),
        Decline(occurred_at=at, reason=DeclineReason.other, explanation="No"),
        Close(occurred_at=at, reason=ClosureReason.withdrawn),
        AddNote(occurred_at=at, text="A note"),
        StopClock(
            occurred_at=at, reason_category=StopReasonCategory.awaiting_resident, reason="Photos"
        ),
        RestartClock(occurred_at=at),
        Reopen(occurred_at=at, reason="Repair failed again"),
        AgreeAction(
            occurred_at=at, action_id="A-1", description="Fit a fan", due=date(2026, 12, 31)
        ),
        CompleteAction(occurred_at=at, action_id="A-1", summary="Fan fitted"),
        RecordSatisfaction(occurred_at=at, satisfied=Satisfaction.fairly_satisfied),
        OfferCompensation(
            occurred_at=at,
            offer_id="C-1",
            amount_pence=15_000,
            kind=CompensationKind.time_and_trouble,
            reason="Delay",
        ),
        AcceptCompensation(occurred_at=at, offer_id="C-1"),
        DeclineCompensation(occurred_at=at, offer_id="C-1"),
        Refer(occurred_at=at, to=ReferralBody.housing_ombudsman),
        RequestOmbudsmanEvidence(occurred_at=at, due=date(2026, 12, 31)),
        ProvideOmbudsmanEvidence(occurred_at=at),
        RecordLearning(occurred_at=at, root_cause="c", lesson="l", improvement="i"),
        InformResident(occurred_at=at, about=InformedOf.decline, method=ContactMethod.letter),
        IssueLetter(
            occurred_at=at,
            kind=LetterKind.acknowledgement,
            stage=1,
            template_id="builtin",
            template_version=0,
            sha256="0" * 64,
            method=ContactMethod.letter,
        ),
    ]


def command_name(command: Command) -> str:
    return type(command).__name__
