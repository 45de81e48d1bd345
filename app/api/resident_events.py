"""/v1/complaints/{id}/resident-events: a resident acts on their own complaint from the portal.

A door of its own, beside the case file's `/events`, so that /docs shows a portal integrator
exactly what a portal may send; behind it the same write path (`complaints.record`): the same
rules, clocks, idempotency, rate limit and one-statement append as an event a CRM records.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import Response

from app.api.complaints import ComplaintId, record
from app.api.deps import Action, Actor, Engine, Store, authorize_event, reject_unknown_query
from app.api.event_examples import RESIDENT_BODIES, openapi_examples
from app.api.resident_requests import ResidentEventRequest, resident_command
from app.api.schemas.complaints import ComplaintView
from app.api.writes import CorrelationId, IdempotencyKey, IfMatch

router = APIRouter(prefix="/v1", tags=["complaints"], dependencies=[Depends(reject_unknown_query)])


@router.post(
    "/complaints/{complaint_id}/resident-events",
    status_code=201,
    response_model=ComplaintView,
    summary="Record what the resident did, from their portal",
    responses={409: {}, 412: {}},
)
async def record_resident_event(
    request: Request,
    complaint_id: ComplaintId,
    body: Annotated[ResidentEventRequest, Body(openapi_examples=openapi_examples(RESIDENT_BODIES))],
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize_event(Action.record_resident_event))],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """For portal keys, acting for the resident named in `X-Resident-Id`, on that resident's own
    complaints (any other answers 404, as if it did not exist). The resident may:

    - ask for the next stage: `escalation_requested` (the Code asks for no reason);
    - withdraw the complaint: `closed` with `reason` `withdrawn`;
    - comment or add evidence: `note_added` (always visible to the resident);
    - answer the satisfaction survey: `satisfaction_recorded`;
    - accept or decline a compensation offer: `compensation_accepted`, `compensation_declined`.

    Any other event type is the landlord's and is refused with 403
    `urn:redress:problem:event-not-allowed`, naming it and the types allowed. Each event is
    recorded as the resident's (`recorded_by: resident` in the complaint's history) and the
    landlord's clocks react to it exactly as to the same event recorded by a CRM. `If-Match`,
    `Idempotency-Key` and the answer (201 with the complaint as the resident sees it) are those of
    `POST /v1/complaints/{id}/events`."""
    return await record(
        request,
        engine,
        store,
        actor,
        complaint_id,
        resident_command(body),
        if_match=if_match,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
    )
