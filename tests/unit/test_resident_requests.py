"""What a portal may send for its resident: the request schemas agree with the permission table,
and say only what the resident may read back (the event catalogue decides)."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from app.api.deps import EVENT_TYPES, PERMISSIONS, Action
from app.api.event_requests import EventRequest
from app.api.resident_requests import ResidentEventRequest, resident_command
from app.domain.catalogue import COMPLAINT_EVENTS
from app.domain.complaint import commands as c
from app.domain.complaint.events import ClosureReason, NoteVisibility, Satisfaction
from app.domain.treatment import Audience
from app.services.keys import Role

AT = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def requests(union: Any) -> dict[str, type[BaseModel]]:
    """The request classes of a discriminated union, by the event type each records."""
    classes = typing.get_args(typing.get_args(union)[0])
    return {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in classes}


def test_each_route_takes_exactly_the_types_the_table_allows_its_roles() -> None:
    assert set(requests(ResidentEventRequest)) == EVENT_TYPES[Role.portal]
    for role in PERMISSIONS[Action.record_event]:
        assert set(requests(EventRequest)) == EVENT_TYPES[role]
    for role in Role:
        records = (
            role in PERMISSIONS[Action.record_event] | PERMISSIONS[Action.record_resident_event]
        )
        assert bool(EVENT_TYPES[role]) == records, role


@pytest.mark.parametrize(("event_type", "request_class"), requests(ResidentEventRequest).items())
def test_a_resident_writes_only_what_the_resident_reads(
    event_type: str, request_class: type[BaseModel]
) -> None:
    spec = COMPLAINT_EVENTS[event_type]
    for name in set(request_class.model_fields) - {"type", "occurred_at"}:
        assert spec.field(name).treatment.audience is Audience.resident, (event_type, name)
    # And the resident is shown that the event happened (a note: as the portal makes it).
    assert spec.resident_sees({"visibility": NoteVisibility.resident.value})


def command(body: dict[str, Any]) -> c.Command:
    parsed = TypeAdapter(ResidentEventRequest).validate_python({"occurred_at": AT, **body})
    return resident_command(parsed)


def test_a_residents_note_is_always_theirs_to_read_and_a_closure_always_a_withdrawal() -> None:
    assert command({"type": "note_added", "text": "Photo sent."}) == c.AddNote(
        occurred_at=AT, text="Photo sent.", visibility=NoteVisibility.resident
    )
    assert command({"type": "closed", "reason": "withdrawn"}) == c.Close(
        occurred_at=AT, reason=ClosureReason.withdrawn
    )
    assert command({"type": "satisfaction_recorded", "satisfied": "neither"}) == (
        c.RecordSatisfaction(occurred_at=AT, satisfied=Satisfaction.neither)
    )
    assert command({"type": "compensation_declined", "offer_id": "O-1"}) == (
        c.DeclineCompensation(occurred_at=AT, offer_id="O-1")
    )


def test_the_reason_for_escalating_is_passed_on_as_the_resident_gave_it() -> None:
    assert command({"type": "escalation_requested", "reason": "Still broken."}) == (
        c.RequestEscalation(occurred_at=AT, reason="Still broken.")
    )
