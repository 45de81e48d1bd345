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


class AuditChecked(BaseModel):
    full: bool = Field(
        description="Every event from position 1 was checked (`redress verify --full`); the API "
        "checks the events after `checkpoint`."
    )
    after: int = Field(
        description="The position of the checkpoint the check continued from (0: the start)."
    )
    up_to: int = Field(
        description="The last position checked. Short of `positions.last` when the check stopped "
        "at its bound: ask again to continue from the checkpoint it wrote."
    )
    events: int = Field(description="How many events this check read.")


class AuditCheckpoint(BaseModel):
    position: int = Field(description="The last position the checkpoint covers.")
    created_at: datetime


class AuditCheckpointProblem(BaseModel):
    position: int = Field(description="The position of the checkpoint concerned.")
    detail: str


class AuditVerifyReport(BaseModel):
    ok: bool = Field(
        description="What was checked (every landlord's events up to `checked.up_to`, and the "
        "checkpoints) verified without a problem."
    )
    events: int = Field(description="Events in the log up to `checked.up_to`.")
    streams: int = Field(description="Streams in the log up to `checked.up_to`.")
    positions: AuditPositions
    findings: list[AuditFinding] = Field(
        description="The first problem of each kind in this landlord's complaints."
    )
    checked: AuditChecked
    checkpoint: AuditCheckpoint | None = Field(
        description="The signed checkpoint the check continued from: what came before it was "
        "checked when it was signed. Null: none yet, checked from position 1."
    )
    checkpoint_problems: list[AuditCheckpointProblem] = Field(
        description="Checkpoints whose signature does not hold (edited or forged), or that the "
        "log no longer matches."
    )
    new_checkpoint: int | None = Field(
        description="The position of the checkpoint this check signed (a clean check that read "
        "new events signs one, and the next continues from it), or null."
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
