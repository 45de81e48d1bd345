"""/v1/complaints: log, list, read (now or as of a past moment), append events, read the stream."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.api import search
from app.api.commands import event_command, log_command
from app.api.deps import (
    Action,
    Actor,
    Engine,
    Store,
    authorize,
    authorize_event,
    reject_unknown_query,
)
from app.api.errors import ApiError
from app.api.event_examples import BODIES, openapi_examples
from app.api.event_requests import EventRequest
from app.api.event_views import event_view
from app.api.reads import Reads, lagging
from app.api.schemas.complaint_requests import LogComplaintRequest
from app.api.schemas.complaints import ComplaintPage, ComplaintView
from app.api.schemas.events import StreamEvents
from app.api.schemas.inputs import MOMENT_RANGE, Moment
from app.api.views import complaint_view
from app.api.writes import (
    CorrelationId,
    IdempotencyKey,
    IfMatch,
    Planned,
    Rederive,
    Written,
    dump,
    event_metadata,
    parse_if_match,
    run_write,
)
from app.db import reading
from app.domain.clocks.calendar import london_date
from app.domain.complaint.commands import Command
from app.domain.complaint.state import Status
from app.events.blind_index import SearchField
from app.events.store import EventStore
from app.projections import complaints as projection
from app.services import complaints as service
from app.services import current, listing
from app.services.catalog import settings_for
from app.services.idempotency import StoredResponse

router = APIRouter(prefix="/v1", tags=["complaints"], dependencies=[Depends(reject_unknown_query)])

ComplaintId = Annotated[str, Path(min_length=1, max_length=64, description="The complaint id.")]
AsOf = Annotated[
    Moment | None,
    Query(
        description="Show the complaint as it stood at this moment (timezone required). "
        + MOMENT_RANGE
    ),
]


def _etag(version: int) -> str:
    return f'"{version}"'


async def visible_complaint(
    conn: AsyncConnection,
    store: EventStore,
    actor: Actor,
    complaint_id: str,
    *,
    replay: bool = True,
) -> service.Complaint:
    """`replay=False`: the complaint as it stands now, from its projection row (no events)."""
    if replay:
        complaint = await service.load(conn, store, complaint_id)
    else:
        complaint = await current.read(conn, store, complaint_id)
    # Another landlord's (or another resident's) complaint is indistinguishable from none.
    if complaint is None or not actor.can_see(complaint.state):
        raise ApiError(404, "not-found", "No such complaint.")
    return complaint


def _planned(pending: service.Pending, actor: Actor, now: datetime) -> Planned:
    complaint = pending.complaint

    def render() -> Written:
        view = complaint_view(complaint, actor, at=now)
        return Written(
            201,
            dump(view),
            {"Location": f"/v1/complaints/{complaint.id}", "ETag": _etag(complaint.version)},
            complaint_id=complaint.id,
        )

    return Planned(render, pending)


def _rederive(store: EventStore, actor: Actor) -> Rederive:
    """A replay's body once the remembered one is shredded (the complaint was erased): the
    complaint at the version the remembered ETag names, as it reads now, at the moment it was
    first answered."""

    async def rederive(conn: AsyncConnection, seen: StoredResponse) -> bytes:
        complaint = None
        if seen.complaint_id is not None:
            complaint = await service.load(conn, store, seen.complaint_id)
        if complaint is None:
            raise ApiError(404, "not-found", "No such complaint.")
        then = service.at_version(complaint, int(seen.headers["ETag"].strip('"')))
        return dump(complaint_view(then, actor, at=seen.created_at or datetime.now(UTC)))

    return rederive


@router.post(
    "/complaints",
    status_code=201,
    response_model=ComplaintView,
    summary="Log a complaint",
    responses={409: {}, 412: {}},
)
async def log_complaint(
    request: Request,
    body: LogComplaintRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.log_complaint))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    async def operation(conn: AsyncConnection) -> Planned:
        now = datetime.now(UTC)
        settings = await settings_for(conn, actor.landlord)
        command = log_command(
            body,
            landlord=actor.landlord,
            policy=settings.policy,
            now=now,
            resident_id=actor.resident_id,
        )
        pending = await service.prepare_log(
            conn, store, command, metadata=event_metadata(actor, correlation_id), now=now
        )
        return _planned(pending, actor, now)

    return await run_write(
        request, engine, actor, idempotency_key, operation, rederive=_rederive(store, actor)
    )


@router.get(
    "/complaints",
    response_model=ComplaintPage,
    summary="List complaints",
    responses=lagging(),
)
async def list_complaints(
    request: Request,
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_complaint))],
    landlord: Annotated[str | None, Query(max_length=64)] = None,
    status: Status | None = None,
    stage: Annotated[int | None, Query(ge=0, le=3)] = None,
    sla: Annotated[
        Literal["breached", "due_soon"] | None,
        Query(
            description="`breached`: a landlord clock of the current stage (or the complaint's) "
            "reads `breached` or `missed`, so a complaint whose step was never taken stays listed "
            "after it ends; `due_soon`: else one is inside its warning window."
        ),
    ] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    handler: Annotated[str | None, Query(max_length=128)] = None,
    team: Annotated[str | None, Query(max_length=64, description="The handler's team.")] = None,
    received_from: Annotated[Moment | None, Query(description=f"Inclusive. {MOMENT_RANGE}")] = None,
    received_to: Annotated[Moment | None, Query(description=f"Exclusive. {MOMENT_RANGE}")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    as_of: AsOf = None,
    resident_id: search.ResidentId = None,
    email: search.Email = None,
    phone: search.Phone = None,
    postcode: search.Postcode = None,
    uprn: search.Uprn = None,
) -> Response:
    """Newest received first. With `as_of`, every filter (status, stage, handler, `sla`) is judged
    on each complaint as it stood at that moment, e.g. `?sla=breached&as_of=2026-01-03T12:00:00Z`
    lists the complaints that were breaching then. May be served by the read replica, a little
    behind the primary (`X-Redress-Read-Source`)."""
    if landlord is not None and landlord != actor.landlord:
        raise ApiError(403, "forbidden", "This key may only list its own landlord's complaints.")
    searched = {
        SearchField.resident_id: resident_id,
        SearchField.email: email,
        SearchField.phone: phone,
        SearchField.postcode: postcode,
        SearchField.uprn: uprn,
    }
    found_by = search.found_by(request, actor, searched)
    flt = projection.ListFilter(
        landlord=actor.landlord,
        status=status,
        stage=stage,
        sla=sla,
        category=category,
        handler=handler,
        team=team,
        resident_id=actor.resident_id,
        received_from=received_from,
        received_to=received_to,
        found_by=found_by,
    )
    at = as_of or datetime.now(UTC)
    async with reads.guard(), reading(reads.engine) as conn:
        if as_of is not None:
            loaded, next_cursor = await listing.list_as_of(
                conn, store, flt, as_of=as_of, limit=limit, cursor=cursor
            )
        else:
            ids, next_cursor = await projection.list_ids(
                conn, flt, today=london_date(at), limit=limit, cursor=cursor
            )
            loaded = await current.read_many(conn, store, ids)
    page = ComplaintPage(
        items=[complaint_view(c, actor, at=at, as_of=as_of) for c in loaded],
        next_cursor=next_cursor,
    )
    return Response(dump(page), media_type="application/json", headers=reads.headers)


@router.get(
    "/complaints/by-reference/{reference}",
    response_model=ComplaintView,
    summary="Find a complaint by the reference given to the resident",
)
async def get_by_reference(
    reference: Annotated[str, Path(min_length=1, max_length=32)],
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_complaint))],
) -> Response:
    now = datetime.now(UTC)
    async with reading(engine) as conn:
        complaint_id = await projection.find_id_by_reference(conn, actor.landlord, reference)
        if complaint_id is None:
            raise ApiError(404, "not-found", "No complaint has that reference.")
        complaint = await visible_complaint(conn, store, actor, complaint_id, replay=False)
    view = complaint_view(complaint, actor, at=now)
    return Response(
        dump(view), media_type="application/json", headers={"ETag": _etag(complaint.version)}
    )


@router.get("/complaints/{complaint_id}", response_model=ComplaintView, summary="Read a complaint")
async def get_complaint(
    complaint_id: ComplaintId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_complaint))],
    as_of: AsOf = None,
) -> Response:
    at = as_of or datetime.now(UTC)
    async with reading(engine, snapshot=as_of is not None) as conn:
        # Existence and ownership are judged on the whole stream, not the past moment; only a
        # past moment needs the events.
        complaint = await visible_complaint(
            conn, store, actor, complaint_id, replay=as_of is not None
        )
    if as_of is not None:
        then = service.at_moment(complaint, as_of)
        if then is None:
            raise ApiError(404, "not-found", "No such complaint.")
        complaint = then
    view = complaint_view(complaint, actor, at=at, as_of=as_of)
    return Response(
        dump(view), media_type="application/json", headers={"ETag": _etag(complaint.version)}
    )


@router.post(
    "/complaints/{complaint_id}/events",
    status_code=201,
    response_model=ComplaintView,
    summary="Record what happened on a complaint",
    responses={409: {}, 412: {}},
)
async def append_event(
    request: Request,
    complaint_id: ComplaintId,
    body: Annotated[EventRequest, Body(openapi_examples=openapi_examples(BODIES))],
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize_event(Action.record_event))],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    return await record(
        request,
        engine,
        store,
        actor,
        complaint_id,
        event_command(body),
        if_match=if_match,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
    )


async def record(
    request: Request,
    engine: AsyncEngine,
    store: EventStore,
    actor: Actor,
    complaint_id: str,
    command: Command,
    *,
    if_match: str | None,
    idempotency_key: str | None,
    correlation_id: str | None,
) -> Response:
    """Append what `command` decides to the complaint, answered with its view: the one write path
    of every route that records an event (the case file's, the resident's portal's)."""
    expected = parse_if_match(if_match)

    async def operation(conn: AsyncConnection) -> Planned:
        now = datetime.now(UTC)
        writable = await current.for_write(conn, store, complaint_id)
        # Another landlord's (or another resident's) complaint is indistinguishable from none.
        if writable is None or not actor.can_see(writable.complaint.state):
            raise ApiError(404, "not-found", "No such complaint.")
        pending = await service.prepare_record(
            conn,
            store,
            writable,
            command,
            if_match=expected,
            metadata=event_metadata(actor, correlation_id),
            now=now,
        )
        return _planned(pending, actor, now)

    return await run_write(
        request, engine, actor, idempotency_key, operation, rederive=_rederive(store, actor)
    )


@router.get(
    "/complaints/{complaint_id}/events",
    response_model=StreamEvents,
    summary="The complaint's events, in order",
)
async def list_complaint_events(
    complaint_id: ComplaintId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_events))],
) -> Response:
    async with reading(engine) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id)
    body = StreamEvents(items=[event_view(e, actor, complaint.pseudonym) for e in complaint.events])
    return Response(
        dump(body), media_type="application/json", headers={"ETag": _etag(complaint.version)}
    )
