"""The bodies of `POST /v1/complaints/{id}/resident-events`: what a resident does themselves, from
their landlord's portal, one request per event type told apart by `type`, and the domain command
each becomes.

A portal can say only what a resident says: no field here reaches anything internal (the catalogue
test in tests/unit/test_resident_requests.py holds every field to a resident-visible one), a note is
always resident-visible, and the only closure is a withdrawal. Where the resident's act is the
same fact a case handler records, the case file's request is reused (`app.api.event_requests`).
"""

from __future__ import annotations

from typing import Annotated, Literal, assert_never

from pydantic import Field

from app.api.commands import event_command
from app.api.event_requests import (
    CompensationAcceptedIn,
    CompensationDeclinedIn,
    SatisfactionRecordedIn,
)
from app.api.schemas.inputs import MOMENT_RANGE, Input, Instant, LongText, Text
from app.domain.complaint import commands as c
from app.domain.complaint.events import ClosureReason, NoteVisibility


class _ResidentEventIn(Input):
    occurred_at: Instant = Field(
        description=f"When the resident did it (not in the future). {MOMENT_RANGE}"
    )


class ResidentEscalationRequestedIn(_ResidentEventIn):
    """The resident asks for the next stage of the complaints process."""

    type: Literal["escalation_requested"]
    reason: Text | None = Field(
        default=None,
        description="Why, in the resident's words. The Complaint Handling Code asks for none; a "
        "policy that needs reasons refuses a request without one (422).",
    )


class ResidentWithdrawalIn(_ResidentEventIn):
    """The resident withdraws the complaint: it is closed, as `withdrawn`."""

    type: Literal["closed"]
    reason: Literal["withdrawn"] = Field(
        description="A resident closes a complaint only by withdrawing it."
    )
    summary: Text | None = Field(default=None, description="Why, in the resident's words.")


class ResidentNoteIn(_ResidentEventIn):
    """A comment, or a note of evidence, from the resident: the landlord and the resident see it."""

    type: Literal["note_added"]
    text: LongText


ResidentEventRequest = Annotated[
    ResidentEscalationRequestedIn
    | ResidentWithdrawalIn
    | ResidentNoteIn
    | SatisfactionRecordedIn
    | CompensationAcceptedIn
    | CompensationDeclinedIn,
    Field(discriminator="type"),
]


def resident_command(body: ResidentEventRequest) -> c.Command:
    at = body.occurred_at
    match body:
        case ResidentEscalationRequestedIn():
            return _escalation(body)
        case ResidentWithdrawalIn():
            return c.Close(occurred_at=at, reason=ClosureReason.withdrawn, summary=body.summary)
        case ResidentNoteIn():
            return c.AddNote(occurred_at=at, text=body.text, visibility=NoteVisibility.resident)
        case SatisfactionRecordedIn() | CompensationAcceptedIn() | CompensationDeclinedIn():
            return event_command(body)
        case _:
            assert_never(body)


def _escalation(body: ResidentEscalationRequestedIn) -> c.RequestEscalation:
    """The reason is passed through as the resident gave it, or not at all: whether the complaint's
    policy needs one is the domain's rule (`escalation_reasons_required`)."""
    return c.RequestEscalation(occurred_at=body.occurred_at, reason=body.reason)
