"""A made-up complaint for each kind of letter, to check a landlord's template before it is
published: rendered over these facts, it must show every part the Code requires. The people and
places are invented."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.events import (
    Acknowledged,
    ActionAgreed,
    Channel,
    Closed,
    ClosureReason,
    CompensationKind,
    CompensationOffered,
    Complainant,
    ComplaintEvent,
    ContactMethod,
    Declined,
    DeclineReason,
    Escalated,
    EscalationRefused,
    EscalationRequested,
    ExtensionAgreed,
    LetterKind,
    Logged,
    Outcome,
    PostalAddress,
    Responded,
)
from app.domain.complaint.evolve import fold
from app.domain.letters.context import Context, letter_context
from app.domain.letters.issuing import letter_stage
from app.domain.policies.builtin import HOC_2024

PERSON = Complainant(
    name="Ada Resident",
    email="ada@example.invalid",
    address=PostalAddress(lines=("Flat 4", "12 Imaginary Row", "Nowhereton"), postcode="ZZ1 1ZZ"),
    resident_id="R-SAMPLE",
)
LANDLORD_NAME = "Riverside Imaginary Homes"


def _at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _logged(at: datetime, stage: int = 1) -> Logged:
    return Logged(
        occurred_at=at, reference="CMP-2026-00001", landlord="sample", policy_id=HOC_2024.id,
        policy_version=HOC_2024.version, channel=Channel.phone, received_at=at, stage=stage,
        category="repairs", description="Damp in the bedroom, reported three times.",
        desired_outcome="The damp fixed and the wall redecorated.", complainant=PERSON,
        representative=None, anonymous=False, vulnerability=None, reasonable_adjustments=None,
    )  # fmt: skip


def _responded(at: datetime, stage: int) -> Responded:
    return Responded(
        occurred_at=at, stage=stage, outcome=Outcome.partly_upheld,
        summary="The repair visits on 2 and 9 February were missed without notice.",
        remedies=("repair", "apology"), escalation_rights_signposted=True,
        ombudsman_signposted=True,
    )  # fmt: skip


def _stage_1() -> list[ComplaintEvent]:
    return [
        _logged(_at(2, 16)),
        Acknowledged(occurred_at=_at(2, 17), stage=1, method=ContactMethod.email, summary=None),
        ActionAgreed(
            occurred_at=_at(2, 20), action_id="a-1", description="Replace the window seal",
            due=date(2026, 3, 13), owner=None,
        ),
        CompensationOffered(
            occurred_at=_at(2, 23), offer_id="o-1", amount_pence=7_500,
            kind=CompensationKind.time_and_trouble, reason="Two missed appointments",
        ),
        _responded(_at(2, 27), 1),
    ]  # fmt: skip


def sample_events(kind: LetterKind) -> list[ComplaintEvent]:
    """Events after which a letter of `kind` is called for, under hoc-2024."""
    logged, acknowledged = _logged(_at(2, 16)), _stage_1()[1]
    match kind:
        case LetterKind.acknowledgement:
            return [logged, acknowledged]
        case LetterKind.stage_1_response:
            return _stage_1()
        case LetterKind.stage_2_response:
            return [
                *_stage_1(),
                EscalationRequested(occurred_at=_at(3, 2), stage=2),
                Escalated(occurred_at=_at(3, 2, 11), stage=2),
                _responded(_at(3, 20), 2),
            ]
        case LetterKind.extension:
            return [
                logged, acknowledged,
                ExtensionAgreed(
                    occurred_at=_at(2, 26), stage=1, response_due=date(2026, 3, 10),
                    reason="third_party", explanation="We are waiting for the roofer's report.",
                ),
            ]  # fmt: skip
        case LetterKind.escalation_refusal:
            return [
                *_stage_1(),
                EscalationRequested(occurred_at=_at(3, 2), stage=2),
                EscalationRefused(
                    occurred_at=_at(3, 3), stage=2, reason="legal_proceedings",
                    explanation="The matter is before the county court.",
                ),
            ]  # fmt: skip
        case LetterKind.decline:
            return [
                logged,
                Declined(
                    occurred_at=_at(2, 17), reason=DeclineReason.service_request,
                    explanation="This is a first report of a repair; we have raised a job.",
                ),
            ]  # fmt: skip
        case LetterKind.quick_fix_confirmation:
            return [
                logged,
                Closed(
                    occurred_at=_at(2, 16, 15), reason=ClosureReason.resolved_at_first_contact,
                    summary="The communal door was repaired the same day.",
                ),
            ]  # fmt: skip


def sample_context(kind: LetterKind) -> Context:
    events = sample_events(kind)
    state = fold(events)
    assert state is not None
    return letter_context(
        kind=kind,
        stage=letter_stage(kind, state),
        state=state,
        events=events,
        policy=HOC_2024,
        calendar=WorkingCalendar(),
        landlord_name=LANDLORD_NAME,
        issued_at=state.last_occurred_at,
    )
