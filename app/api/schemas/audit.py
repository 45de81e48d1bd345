"""The audit routes' reports: the log's verification and the backdated events."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class AuditFinding(BaseModel):
    kind: Literal["altered", "deleted", "inserted", "reordered"]
    complaint_id: str
    version: int = Field(description="The version concerned; for `deleted`, the missing one.")
    position: int | None = Field(description="The row's position; null for a deleted row.")
    detail: str


class AuditPositions(BaseModel):
    last: int = Field(description="The highest position in the log.")
    gapless: bool = Field(description="Every position from 1 to `last` is present.")
    first_missing: int | None


class AuditVerifyReport(BaseModel):
    ok: bool = Field(description="The whole log (every landlord's) verified without a problem.")
    events: int
    streams: int
    positions: AuditPositions
    findings: list[AuditFinding] = Field(
        description="The first problem of each kind in this landlord's complaints."
    )


class BackdatedEvent(BaseModel):
    position: int
    complaint_id: str
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    working_days_late: int = Field(
        description="Working days after the day it occurred (London) that it was recorded."
    )
    recorded_lag_seconds: float


class BackdatedPage(BaseModel):
    working_days: int = Field(description="Events recorded more than this many working days late.")
    items: list[BackdatedEvent]
    next_after: int = Field(
        description="Pass as `after` to continue; the last position examined. The end of the log "
        "is reached when it no longer moves."
    )
