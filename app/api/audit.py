"""/v1/audit: tamper evidence and backdated events, for analysts and auditors.

The check runs over the whole log (a deleted row shows as a gap in global positions whoever owned
it), but a key is shown findings only about its own landlord's complaints. It checks what was
appended since the last signed checkpoint, at most `VERIFY_BOUND` events a request (the report
says up to which position), and signs a new checkpoint when that is clean; `redress verify
--full` checks everything again (docs/adr/0010-verify-checkpoints.md).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.api.deps import Action, Actor, Engine, authorize, reject_unknown_query
from app.api.schemas.audit import (
    AuditChecked,
    AuditCheckpoint,
    AuditCheckpointProblem,
    AuditFinding,
    AuditPositions,
    AuditVerifyReport,
    BackdatedEvent,
    BackdatedPage,
)
from app.api.writes import dump
from app.audit.backdating import backdated
from app.audit.verify import check
from app.db import reading
from app.events.keyring import Keyring

router = APIRouter(prefix="/v1/audit", tags=["audit"], dependencies=[Depends(reject_unknown_query)])

# Events one request checks at most: about a second's work, well inside the request's deadline,
# however long it has been since the last checkpoint.
VERIFY_BOUND = 100_000


async def get_keyring(request: Request) -> Keyring:
    keyring: Keyring = request.app.state.keyring
    return keyring


@router.get(
    "/verify",
    response_model=AuditVerifyReport,
    summary="Check the events appended since the last checkpoint, and sign a new one",
)
async def verify_log(
    engine: Engine,
    keyring: Annotated[Keyring, Depends(get_keyring)],
    actor: Annotated[Actor, Depends(authorize(Action.audit))],
) -> Response:
    report = await check(
        engine, keyring.checkpoint_key, full=False, landlord=actor.landlord, limit=VERIFY_BOUND
    )
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
        checked=AuditChecked(
            full=report.full,
            after=report.checked_after,
            up_to=report.checked_to,
            events=report.checked_events,
        ),
        checkpoint=None
        if report.start is None
        else AuditCheckpoint(position=report.start.position, created_at=report.start.created_at),
        checkpoint_problems=[
            AuditCheckpointProblem(position=p.position, detail=p.detail)
            for p in report.checkpoint_problems
        ],
        new_checkpoint=report.written,
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
