"""A complaint's history: each event with the complaint as it left it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.api.schemas.complaints import ComplaintView
from app.api.schemas.events import EventView


class HistoryEntry(BaseModel):
    event: EventView
    complaint: ComplaintView = Field(
        description="The complaint as this event left it, clocks evaluated at its occurred_at."
    )
    recorded_lag_seconds: float = Field(
        description="recorded_at minus occurred_at: how long after the fact it was recorded "
        "(large values show backdating)."
    )


class ComplaintHistory(BaseModel):
    items: list[HistoryEntry]
