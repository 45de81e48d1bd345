"""How every write request runs: one transaction holding the append, the projection row and the
idempotency record; a replay of a remembered response; a bounded retry when another writer got in
first (the retry re-reads the complaint, so an If-Match that is now stale becomes a 412).

A response that belongs to a complaint is remembered sealed with the complaint's data key
(app/services/idempotency.py). Once the complaint is erased its body cannot be opened: a replay
then answers with the same status and headers and a body re-derived from the log (the complaint at
the version the ETag names, personal data erased), and never runs the write again."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.api.deps import Actor
from app.api.errors import ApiError
from app.db import writing
from app.events.keyring import Keyring
from app.events.sealed_store import SealingEventStore
from app.events.store import ConcurrencyError, JsonValue
from app.services import idempotency
from app.services.complaints import Pending
from app.settings import Settings

ATTEMPTS = 3

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        description="Retry-safe POST: the same key and body return the first response.",
    ),
]
CorrelationId = Annotated[
    str | None,
    Header(
        alias="X-Correlation-Id",
        max_length=128,
        description="Carried into each event's metadata; generated when absent.",
    ),
]


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        pattern=r'^(\*|(W/)?"?[0-9]{1,12}"?)$',
        description='The ETag last read, e.g. `"3"` (412 if stale).',
    ),
]


def parse_if_match(value: str | None) -> int | None:
    """The version an If-Match names; None for `*` or no header."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 12:
        raise ApiError(412, "stale-version", "If-Match must be an ETag this service gave.")
    return int(tag)


@dataclass(frozen=True)
class Written:
    status_code: int
    body: bytes
    headers: dict[str, str]
    # The complaint the response shows: remembered sealed with its key, not in the clear.
    complaint_id: str | None = None


# How a route answers a replay whose remembered body is gone (its complaint was erased).
Rederive = Callable[[AsyncConnection, idempotency.StoredResponse], Awaitable[bytes]]

Found = TypeVar("Found")


def rederive_stream(
    prefix: str,
    load: Callable[[AsyncConnection, str], Awaitable[Found | None]],
    at_version: Callable[[Found, int], Found],
    render: Callable[[Found], bytes],
    missing: str,
) -> Rederive:
    """The `Rederive` of a stream of its own (`<prefix><id>`: a piece of feedback, a
    restriction): once the remembered body is shredded (the stream was erased), the record as it
    stood at the version the remembered ETag names, rendered for the caller as it reads now."""

    async def rederive(conn: AsyncConnection, seen: idempotency.StoredResponse) -> bytes:
        found = None
        if seen.complaint_id is not None:
            found = await load(conn, seen.complaint_id.removeprefix(prefix))
        if found is None:
            raise ApiError(404, "not-found", missing)
        return render(at_version(found, int(seen.headers["ETag"].strip('"'))))

    return rederive


def event_metadata(actor: Actor, correlation_id: str | None) -> dict[str, JsonValue]:
    return {
        "actor": actor.key_id,
        "role": actor.role.value,
        "correlation_id": correlation_id or str(uuid.uuid4()),
    }


def json_response(written: Written, *, replayed: bool = False) -> Response:
    headers = dict(written.headers)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        written.body,
        status_code=written.status_code,
        media_type="application/json",
        headers=headers,
    )


def _keyring(request: Request) -> Keyring | None:
    store = request.app.state.store
    return store.keyring if isinstance(store, SealingEventStore) else None


def _ttl(request: Request) -> timedelta:
    settings: Settings = request.app.state.settings
    return timedelta(hours=settings.idempotency_ttl_hours)


async def _replay(
    conn: AsyncConnection,
    seen: idempotency.StoredResponse,
    request_hash: str,
    rederive: Rederive | None,
) -> Response:
    if seen.request_hash != request_hash:
        raise ApiError(
            422,
            "idempotency-key-reused",
            "This Idempotency-Key was used for a different request.",
        )
    body = seen.body
    if body is None:
        if rederive is None:  # only complaint routes remember a response without its body
            raise RuntimeError("a remembered response without a body on a route with no rederive")
        body = await rederive(conn, seen)
    return json_response(Written(seen.status_code, body, seen.headers), replayed=True)


@dataclass(frozen=True)
class Planned:
    """A complaint write decided but not yet sent: its response, and the append that commits it
    (in one statement, with the idempotency record if there is one)."""

    render: Callable[[], Written]
    pending: Pending


def _remembered(written: Written, request_hash: str) -> idempotency.StoredResponse:
    return idempotency.StoredResponse(
        request_hash,
        written.status_code,
        written.body,
        written.headers,
        complaint_id=written.complaint_id,
    )


async def _commit(
    request: Request,
    actor: Actor,
    idempotency_key: str | None,
    request_hash: str,
    planned: Planned,
) -> Response:
    written = planned.render()
    also = []
    if idempotency_key is not None:
        response = _remembered(written, request_hash)
        also.append(
            idempotency.record(
                actor.key_id, idempotency_key, response, ttl=_ttl(request),
                live_key=planned.pending.key,
            )
        )  # fmt: skip
    await planned.pending.commit(also)
    return json_response(written)


async def run_write(
    request: Request,
    engine: AsyncEngine,
    actor: Actor,
    idempotency_key: str | None,
    operation: Callable[[AsyncConnection], Awaitable[Callable[[], Written] | Planned]],
    *,
    rederive: Rederive | None = None,
    asked_also: bytes = b"",
    several_statements: bool = False,
) -> Response:
    """Run `operation` on one connection. A complaint write returns a `Planned`: its response is
    rendered, and its append sent with the idempotency record, as one statement; on PostgreSQL
    outside any transaction (autocommit), so the ordering lock that statement takes is never held
    across a round trip (ADR 0001). Another write returns how to render its response and runs in
    a transaction with the record. A route whose responses belong to a complaint
    (`Written.complaint_id`) gives `rederive`, for replays after erasure. `asked_also`: what else
    the request asks that is not in its body (an upload's name, kind and visibility), so that a
    key reused with another of them is refused as a different request. One that is not a
    `Planned` but still seals its response (a piece of feedback's) says `several_statements`, so
    its statements share one transaction."""
    request_hash = idempotency.request_hash(request.method, request.url.path, await request.body())
    if asked_also:
        request_hash = idempotency.request_hash(request_hash, "", asked_also)
    keyring = _keyring(request)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            one_statement = rederive is not None and not several_statements
            async with writing(engine, one_statement=one_statement) as conn:
                if idempotency_key is not None:
                    seen = await idempotency.find(conn, keyring, actor.key_id, idempotency_key)
                    if seen is not None:
                        return await _replay(conn, seen, request_hash, rederive)
                planned = await operation(conn)
                committed: Response | None = None
                if isinstance(planned, Planned):
                    committed = await _commit(
                        request, actor, idempotency_key, request_hash, planned
                    )
                else:
                    render = planned
                    written = None if idempotency_key is None else render()
                    if idempotency_key is not None and written is not None:
                        if written.complaint_id is not None and rederive is None:
                            raise RuntimeError("a complaint's response needs a rederive to replay")
                        await idempotency.remember(
                            conn, keyring, actor.key_id, idempotency_key,
                            _remembered(written, request_hash), ttl=_ttl(request),
                        )  # fmt: skip
            # Committed (the connection's work is done): followers waiting on the feed may look.
            _appended(request)
            if committed is not None:
                return committed
            return json_response(written or render())
        except (ConcurrencyError, IntegrityError):
            # Another writer committed first (same complaint, or the same idempotency key).
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _appended(request: Request) -> None:
    """A write is committed: wake the feed's followers waiting in this process (follow.py)."""
    request.app.state.appended.notify()


def dump(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()
