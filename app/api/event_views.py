"""An event as the API shows it (history, the stream, the feed): its data as this reader may see
it (the event catalogue decides, field by field), and who recorded it."""

from __future__ import annotations

from collections.abc import Mapping

from app.api.deps import Actor
from app.api.schemas.events import EventView, RecordedBy
from app.events.store import StoredEvent
from app.events.streams import (
    feedback_of_stream,
    is_complaint_stream,
    is_feedback_stream,
    is_landlord_stream,
    is_restriction_stream,
    landlord_of_stream,
    restriction_of_stream,
)
from app.services import alerts
from app.services.keys import Role
from app.services.privacy import current, visible


def event_view(event: StoredEvent, actor: Actor, pseudonym: str | None = None) -> EventView:
    schema_version, data = current(event.type, event.schema_version, event.data)
    return EventView(
        position=event.position,
        stream_id=event.stream_id,
        complaint_id=event.stream_id if is_complaint_stream(event.stream_id) else None,
        feedback_id=(
            feedback_of_stream(event.stream_id) if is_feedback_stream(event.stream_id) else None
        ),
        landlord_id=(
            landlord_of_stream(event.stream_id) if is_landlord_stream(event.stream_id) else None
        ),
        restriction_id=(
            restriction_of_stream(event.stream_id)
            if is_restriction_stream(event.stream_id)
            else None
        ),
        version=event.version,
        type=event.type,
        schema_version=schema_version,
        stored_schema_version=event.schema_version,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        data=visible(event.type, data, actor.reader, pseudonym),
        metadata=dict(event.metadata),
        recorded_by=recorded_by(event.metadata),
        hash=event.hash,
        previous_hash=event.previous_hash,
    )


# The role each writer keeps in an event's metadata (app/api/writes.py; `operator` is the
# `redress` command's, `system` the alert scheduler's), as the resident and an auditor say it.
_RECORDED_BY = {
    Role.portal.value: RecordedBy.resident,
    Role.crm.value: RecordedBy.landlord,
    Role.admin.value: RecordedBy.landlord,
    "operator": RecordedBy.operator,
    alerts.ROLE: RecordedBy.service,
}


def recorded_by(metadata: Mapping[str, object]) -> RecordedBy | None:
    """Who recorded an event; None for an event whose metadata keeps no role a writer uses."""
    role = metadata.get("role")
    return _RECORDED_BY.get(role) if isinstance(role, str) else None
