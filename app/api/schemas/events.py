"""Events as the feed and a complaint's event list show them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class EventView(BaseModel):
    position: int
    stream_id: str = Field(description="The complaint id, or `landlord:<id>` for a landlord's.")
    complaint_id: str | None = Field(description="Null for a landlord's own events.")
    landlord_id: str | None = Field(
        description="Set on a landlord's own events (calendar, homes, policies)."
    )
    version: int
    type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    data: dict[str, object]
    metadata: dict[str, object]
    hash: str
    previous_hash: str | None


class EventPage(BaseModel):
    items: list[EventView]
    next_after: int = Field(description="Pass as `after` to continue; the last position returned.")


class StreamEvents(BaseModel):
    items: list[EventView]
