"""/v1/feedback: compliments, comments and enquiries. Log one, list them, read one, record its
lifecycle (acknowledged; passed on, considered or answered; closed; an enquiry converted into the
complaint it turned out to be), read its events, erase its personal data (docs/feedback.md).

Roles as for complaints: CRM and admin keys write; a portal logs and reads its own resident's;
analysts read without personal data (the event catalogue decides, field by field)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.commands import complainant
from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.erasure import ErasureRequest, sealing
from app.api.errors import ApiError
from app.api.event_views import event_view
from app.api.feedback_views import feedback_command, feedback_view
from app.api.schemas.events import StreamEvents
from app.api.schemas.feedback import (
    FeedbackErasureResult,
    FeedbackEventRequest,
    FeedbackPage,
    FeedbackView,
    LogFeedbackRequest,
)
from app.api.schemas.inputs import MOMENT_RANGE, Moment
from app.api.writes import (
    CorrelationId,
    IdempotencyKey,
    IfMatch,
    Rederive,
    Written,
    dump,
    event_metadata,
    parse_if_match,
    rederive_stream,
    run_write,
)
from app.db import reading
from app.domain.feedback import commands as c
from app.domain.feedback.events import FeedbackKind
from app.domain.feedback.state import FeedbackStatus
from app.events.store import EventStore
from app.events.streams import FEEDBACK_PREFIX, feedback_stream
from app.projections import feedback as projection
from app.projections.complaints import InvalidCursor
from app.services import feedback as service

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[Depends(reject_unknown_query)])

FeedbackId = Annotated[str, Path(min_length=1, max_length=36, description="The feedback id.")]


def _written(found: service.Feedback, actor: Actor) -> Written:
    return Written(
        201,
        dump(feedback_view(found, actor)),
        {"Location": f"/v1/feedback/{found.id}", "ETag": f'"{found.version}"'},
        # Sealed with the feedback's own key, which its erasure destroys (app/api/writes.py).
        complaint_id=feedback_stream(found.id),
    )


def _rederive(store: EventStore, actor: Actor) -> Rederive:
    """A replay's body once the remembered one is shredded (the feedback was erased)."""
    return rederive_stream(
        FEEDBACK_PREFIX,
        lambda conn, feedback_id: service.load(conn, store, feedback_id),
        service.at_version,
        lambda found: dump(feedback_view(found, actor)),
        "No such feedback.",
    )


async def _visible(
    conn: AsyncConnection, store: EventStore, actor: Actor, feedback_id: str
) -> service.Feedback:
    found = await service.load(conn, store, feedback_id)
    # Another landlord's (or another resident's) feedback is indistinguishable from none.
    if found is None or not actor.can_see_record(found.state):
        raise ApiError(404, "not-found", "No such feedback.")
    return found


async def _execute(
    conn: AsyncConnection,
    store: EventStore,
    feedback_id: str,
    command: c.FeedbackCommand,
    *,
    actor: Actor,
    correlation_id: str | None,
    if_match: int | None,
) -> service.Feedback:
    try:
        return await service.execute(
            conn,
            store,
            feedback_id,
            command,
            metadata=event_metadata(actor, correlation_id),
            now=datetime.now(UTC),
            if_match=if_match,
        )
    except service.ComplaintNotFound as error:
        raise ApiError(
            422,
            "unknown-complaint",
            "This landlord has no such complaint: log it first (POST /v1/complaints).",
        ) from error


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackView,
    summary="Log a compliment, comment or enquiry",
)
async def log_feedback(
    request: Request,
    body: LogFeedbackRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.log_feedback))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """Never a complaint: a complaint is logged at `POST /v1/complaints` (an enquiry that turns
    out to be one is then linked to it with `enquiry_converted`)."""

    async def operation(conn: AsyncConnection) -> Callable[[], Written]:
        now = datetime.now(UTC)
        occurred_at = body.occurred_at or now
        command = c.ReceiveFeedback(
            occurred_at=occurred_at,
            landlord=actor.landlord,
            kind=body.kind,
            received_at=body.received_at or occurred_at,
            channel=body.channel,
            category=body.category,
            team=body.team,
            text=body.text,
            resident=complainant(body.resident, actor.resident_id),
            staff_member=body.staff_member,
        )
        found = await _execute(
            conn,
            store,
            str(uuid.uuid4()),
            command,
            actor=actor,
            correlation_id=correlation_id,
            if_match=None,
        )
        return lambda: _written(found, actor)

    return await run_write(
        request,
        engine,
        actor,
        idempotency_key,
        operation,
        rederive=_rederive(store, actor),
        several_statements=True,
    )


@router.get(
    "/feedback",
    response_model=FeedbackPage,
    summary="List compliments, comments and enquiries",
)
async def list_feedback(
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_feedback))],
    kind: FeedbackKind | None = None,
    status: FeedbackStatus | None = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    received_from: Annotated[Moment | None, Query(description=f"Inclusive. {MOMENT_RANGE}")] = None,
    received_to: Annotated[Moment | None, Query(description=f"Exclusive. {MOMENT_RANGE}")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    """Newest received first; a portal lists its own resident's only."""
    flt = projection.FeedbackFilter(
        landlord=actor.landlord,
        kind=None if kind is None else kind.value,
        status=None if status is None else status.value,
        category=category,
        resident_id=actor.resident_id,
        received_from=received_from,
        received_to=received_to,
    )
    async with reading(engine) as conn:
        try:
            ids, next_cursor = await projection.list_ids(conn, flt, limit=limit, cursor=cursor)
        except InvalidCursor as error:
            raise ApiError(422, "invalid-cursor", str(error)) from error
        found = await service.load_many(conn, store, ids)
    page = FeedbackPage(items=[feedback_view(f, actor) for f in found], next_cursor=next_cursor)
    return Response(dump(page), media_type="application/json")


@router.get(
    "/feedback/{feedback_id}",
    response_model=FeedbackView,
    summary="Read a compliment, comment or enquiry",
)
async def get_feedback(
    feedback_id: FeedbackId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_feedback))],
) -> Response:
    async with reading(engine) as conn:
        found = await _visible(conn, store, actor, feedback_id)
    return Response(
        dump(feedback_view(found, actor)),
        media_type="application/json",
        headers={"ETag": f'"{found.version}"'},
    )


@router.post(
    "/feedback/{feedback_id}/events",
    status_code=201,
    response_model=FeedbackView,
    summary="Record what happened to a compliment, comment or enquiry",
    responses={409: {}, 412: {}},
)
async def append_feedback_event(
    request: Request,
    feedback_id: FeedbackId,
    body: FeedbackEventRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.record_feedback))],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """The view's `next` lists what may be recorded now. An enquiry that is really a complaint:
    log the complaint (`POST /v1/complaints`), then record `enquiry_converted` naming it."""
    expected = parse_if_match(if_match)
    command = feedback_command(body)

    async def operation(conn: AsyncConnection) -> Callable[[], Written]:
        await _visible(conn, store, actor, feedback_id)
        found = await _execute(
            conn,
            store,
            feedback_id,
            command,
            actor=actor,
            correlation_id=correlation_id,
            if_match=expected,
        )
        return lambda: _written(found, actor)

    return await run_write(
        request,
        engine,
        actor,
        idempotency_key,
        operation,
        rederive=_rederive(store, actor),
        several_statements=True,
    )


@router.get(
    "/feedback/{feedback_id}/events",
    response_model=StreamEvents,
    summary="The feedback's events, in order",
)
async def list_feedback_events(
    feedback_id: FeedbackId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_events))],
) -> Response:
    async with reading(engine) as conn:
        found = await _visible(conn, store, actor, feedback_id)
    body = StreamEvents(items=[event_view(e, actor) for e in found.events])
    return Response(
        dump(body), media_type="application/json", headers={"ETag": f'"{found.version}"'}
    )


@router.post(
    "/feedback/{feedback_id}/erasure",
    response_model=FeedbackErasureResult,
    summary="Erase the personal data of one compliment, comment or enquiry",
    tags=["privacy"],
)
async def erase_feedback(
    feedback_id: FeedbackId,
    body: ErasureRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.erase))],
    correlation_id: CorrelationId = None,
) -> Response:
    """As a complaint's erasure: the events stay and still count; the resident, their words and
    the staff member named become `[erased]`. A resident's erasure
    (`POST /v1/complainants/{resident_id}/erasure`) reaches their feedback too."""
    sealed = sealing(store)
    async with engine.begin() as conn:
        await _visible(conn, store, actor, feedback_id)
        done = await service.erase(
            conn,
            sealed,
            sealed.keyring,
            [feedback_id],
            reason=body.reason,
            metadata=event_metadata(actor, correlation_id),
            now=datetime.now(UTC),
        )
    result = FeedbackErasureResult(feedback=done.feedback, keys_destroyed=done.keys_destroyed)
    return Response(dump(result), media_type="application/json")
