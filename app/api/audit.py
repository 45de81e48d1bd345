"""/v1/audit: tamper evidence for analysts and auditors.

The check runs over the whole log (a deleted row shows as a gap in global positions whoever owned
it), but a key is shown findings only about its own landlord's complaints.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.api.deps import Action, Actor, Engine, authorize, reject_unknown_query
from app.api.schemas import AuditFinding, AuditPositions, AuditVerifyReport
from app.api.writes import dump
from app.audit.verify import verify
from app.db import reading

router = APIRouter(prefix="/v1/audit", tags=["audit"], dependencies=[Depends(reject_unknown_query)])


@router.get(
    "/verify",
    response_model=AuditVerifyReport,
    summary="Check the hash chains and positions of the event log",
)
async def verify_log(
    engine: Engine, actor: Annotated[Actor, Depends(authorize(Action.audit))]
) -> Response:
    async with reading(engine) as conn:
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
