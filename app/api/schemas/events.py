"""Events as the feed and a complaint's event list show them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class RecordedBy(StrEnum):
    """Who recorded an event, in words a resident and an auditor share."""

    resident = "resident"  # the resident, from the landlord's portal
    landlord = "landlord"  # the landlord's staff or systems (a CRM or admin key)
    operator = "operator"  # whoever runs the service, with the `redress` command
    service = "service"  # the service itself: a deadline alert its scheduler raised


class EventView(BaseModel):
    position: int
    stream_id: str = Field(
        description="The complaint id, `landlord:<id>` for a landlord's, `feedback:<id>` for a "
        "compliment, comment or enquiry, or `restriction:<id>` for a contact restriction."
    )
    complaint_id: str | None = Field(
        description="Null for a landlord's own events, feedback and restrictions."
    )
    feedback_id: str | None = Field(
        default=None, description="Set on a compliment's, comment's or enquiry's events."
    )
    restriction_id: str | None = Field(
        default=None, description="Set on a contact restriction's events."
    )
    landlord_id: str | None = Field(
        description="Set on a landlord's own events (calendar, homes, policies)."
    )
    version: int
    type: str
    schema_version: int = Field(
        description="The shape of `data` as shown: the type's current schema version. An event "
        "stored in an older shape is shown upcast, as the domain reads it."
    )
    stored_schema_version: int = Field(
        description="The schema version the event was stored (and hashed) in."
    )
    occurred_at: datetime
    recorded_at: datetime
    data: dict[str, object]
    metadata: dict[str, object]
    recorded_by: RecordedBy | None = Field(
        description="Who recorded it, from the role in its metadata (null where none was kept). "
        "Shown to every reader of the event, the resident included, who is not shown the "
        "metadata itself."
    )
    hash: str
    previous_hash: str | None


class EventPage(BaseModel):
    items: list[EventView]
    next_after: int = Field(description="Pass as `after` to continue; the last position returned.")


class StreamEvents(BaseModel):
    items: list[EventView]
