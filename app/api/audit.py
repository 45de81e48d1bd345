"""/v1/audit: tamper evidence and backdated events, for analysts and auditors.

The check runs over the whole log (a deleted row shows as a gap in global positions whoever owned
it), but a key is shown findings only about its own landlord's complaints.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.api.deps import Action, Actor, Engine, authorize, reject_unknown_query
from app.api.schemas.audit import (
    AuditFinding,
    AuditPositions,
    AuditVerifyReport,
    BackdatedEvent,
    BackdatedPage,
)
from app.api.writes import dump
from app.audit.backdating import backdated
from app.audit.verify import verify
from app.db import reading
from app.events.scan import snapshot

router = APIRouter(prefix="/v1/audit", tags=["audit"], dependencies=[Depends(reject_unknown_query)])


@router.get(
    "/verify",
    response_model=AuditVerifyReport,
    summary="Check the hash chains and positions of the event log",
)
async def verify_log(
    engine: Engine, actor: Annotated[Actor, Depends(authorize(Action.audit))]
) -> Response:
    async with snapshot(engine) as conn:
        report = await verify(conn, landlord=actor.landlord)
    body = AuditVerifyReport(
        ok=report.ok,
        events=report.events,
        streams=report.streams,
        positions=AuditPositions(
            last=report.last_position,
            gapless=report.positions_ok,
            first_missing=report.first_missing_position,
        ),
        findings=[
            AuditFinding(
                kind=finding.kind.value,
                complaint_id=finding.stream_id,
                version=finding.version,
                position=finding.position,
                detail=finding.detail,
            )
            for finding in report.findings()
        ],
    )
    return Response(dump(body), media_type="application/json")


@router.get(
    "/backdated",
    response_model=BackdatedPage,
    summary="Events recorded more than N working days after they occurred",
)
async def list_backdated(
    engine: Engine,
    actor: Annotated[Actor, Depends(authorize(Action.audit))],
    working_days: Annotated[
        int, Query(ge=0, le=365, description="Report events recorded more than this late.")
    ] = 5,
    after: Annotated[int, Query(ge=0, le=2**62, description="Last position already seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    async with reading(engine) as conn:
        page = await backdated(
            conn, landlord=actor.landlord, working_days=working_days, after=after, limit=limit
        )
    body = BackdatedPage(
        working_days=working_days,
        items=[
            BackdatedEvent(
                position=item.event.position,
                complaint_id=item.event.stream_id,
                version=item.event.version,
                type=item.event.type,
                occurred_at=item.event.occurred_at,
                recorded_at=item.event.recorded_at,
                working_days_late=item.working_days,
                recorded_lag_seconds=(
                    item.event.recorded_at - item.event.occurred_at
                ).total_seconds(),
            )
            for item in page.items
        ],
        next_after=page.next_after,
    )
    return Response(dump(body), media_type="application/json")
