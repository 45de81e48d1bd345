"""The ASGI application: `app.main:app`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from app.api import (
    attachments,
    audit,
    complaints,
    erasure,
    errors,
    evidence_pack,
    feed,
    feedback,
    health,
    history,
    keys,
    landlord_history,
    landlord_policies,
    landlords,
    letter_templates,
    letters,
    policies,
    reports,
    resident_events,
    restrictions,
    webhooks,
    workload,
)
from app.api.deadline import Deadline
from app.api.follow import Appended
from app.api.middleware import HttpMiddleware, Metrics
from app.api.openapi import build_openapi
from app.api.ratelimit import RateLimiter
from app.api.reads import ReadDatabase
from app.db import read_engine, service_engine
from app.events.factory import make_store
from app.migrations import head_revision
from app.services import cache
from app.services.idempotency import purge_periodically
from app.settings import Settings
from app.worker import run as worker
from app.worker.payloads import WebhookPayload

DESCRIPTION = """
Every complaint is an append-only stream of facts; its stage, status and every deadline of the
landlord's complaints policy are derived from them. Authenticate with `Authorization: Bearer <key>`
(`redress keys create`, or the key `redress demo` prints). Errors are `application/problem+json`.

Lists, reports, the event feed and histories may be served by a streaming replica a little
behind the primary: their responses say so with `X-Redress-Read-Source: replica` (or `primary`),
and answer 503 `replica-unavailable` while the replica is away. Writes and reads of one complaint
(by id, by reference, its events) always read the primary, so they show every write answered.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = service_engine(settings)
        app.state.engine = engine
        replica = read_engine(settings)
        app.state.reads = (
            ReadDatabase(engine, "primary") if replica is None else ReadDatabase(replica, "replica")
        )
        store = make_store(settings)
        app.state.store = store
        app.state.keyring = store.keyring
        app.state.settings = settings
        app.state.schema_head = head_revision(settings.database_url)
        caching = await cache.start(
            engine,
            entries=settings.cache_entries,
            retry=settings.cache_listener_retry_seconds,
            connect_timeout=settings.db_connect_timeout_seconds,
        )
        app.state.caching = caching
        purging = asyncio.create_task(
            purge_periodically(engine, settings.idempotency_purge_seconds),
            name="idempotency-purge",
        )
        stopping = asyncio.Event()
        delivering = (
            asyncio.create_task(
                worker.run(engine, store, settings, stopping, wake=app.state.appended),
                name="delivery-worker",
            )
            if settings.worker_in_serve
            else None
        )
        try:
            yield
        finally:
            stopping.set()
            if delivering is not None:
                await delivering
            purging.cancel()
            with suppress(asyncio.CancelledError):
                await purging
            if caching is not None:
                await caching.stop()
            if replica is not None:
                await replica.dispose()
            await engine.dispose()

    # Swagger UI and ReDoc from the package's own files: /docs works without internet.
    app = FastAPIOffline(
        title="Redress",
        version="1.0.0",
        summary="Event-sourced complaint handling for social housing landlords.",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.metrics = metrics

    @app.webhooks.post("complaint-event")
    def complaint_event(body: WebhookPayload) -> None:
        """What Redress sends a subscription (`POST /v1/webhooks`) for each event it selects:
        signed with Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
        `webhook-signature`); answer 2xx within the timeout, or it is sent again later."""

    app.state.appended = Appended()
    app.state.feed_wait_cap = settings.feed_wait_cap_seconds
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    errors.install(app)
    app.include_router(complaints.router)
    app.include_router(resident_events.router)
    app.include_router(attachments.router)
    app.include_router(evidence_pack.router)
    app.include_router(history.router)
    app.include_router(feed.router)
    app.include_router(audit.router)
    app.include_router(reports.router)
    app.include_router(policies.router)
    app.include_router(landlords.router)
    app.include_router(landlord_history.router)
    app.include_router(landlord_policies.router)
    app.include_router(letters.router)
    app.include_router(letter_templates.router)
    app.include_router(keys.router)
    app.include_router(webhooks.router)
    app.include_router(workload.router)
    app.include_router(erasure.router)
    app.include_router(feedback.router)
    app.include_router(restrictions.router)
    app.include_router(health.router)
    # Inside HttpMiddleware, so a request answered at its deadline is counted and gets its headers.
    app.add_middleware(Deadline, seconds=settings.request_timeout_seconds)
    app.add_middleware(
        HttpMiddleware,
        metrics=metrics,
        max_body_bytes=settings.max_body_bytes,
        upload_bytes=settings.attachment_max_bytes,
    )

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def __getattr__(name: str) -> FastAPI:
    # `app.main:app` is built on first access, so importing this module builds nothing.
    if name == "app":
        return create_app()
    raise AttributeError(name)
