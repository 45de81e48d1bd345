"""Liveness, readiness and metrics."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deadline import within
from app.api.deps import Engine
from app.api.errors import RETRY_AFTER_SECONDS, database_unavailable, problem
from app.api.middleware import Metrics
from app.api.reads import Reads
from app.db import reading
from app.migrations import current_revision
from app.services import webhooks

# A load balancer polls readiness often and must hear back either way, database or not.
READY_WITHIN_SECONDS = 1.0

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the database answers and its schema is at the current migration",
    responses={503: {}},
)
async def readyz(request: Request, engine: Engine, reads: Reads) -> Response:
    """With a read replica, `replica` says whether it answers at the current migration; a replica
    that is away or behind leaves the service ready (`degraded`): writes and reads of one
    complaint still work, and only the lag-tolerant reads answer 503 `replica-unavailable`."""
    expected: str | None = request.app.state.schema_head
    # Both at once, each bounded: the answer comes within READY_WITHIN_SECONDS either way.
    checks = [_revision(engine)]
    if reads.source == "replica":
        checks.append(_revision(reads.engine))
    revisions = await asyncio.gather(*checks, return_exceptions=True)
    current = revisions[0]
    if isinstance(current, BaseException):
        return database_unavailable("The database cannot be reached or did not answer in time.")
    if current != expected:
        return problem(
            503,
            "migrations-pending",
            f"The database schema is at {current}, expected {expected}: run `redress migrate`.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if len(revisions) == 1:
        return Response(b'{"status":"ready"}', media_type="application/json")
    replica = revisions[1]
    if isinstance(replica, BaseException):
        replica_state = "unavailable"
    else:
        replica_state = "ready" if replica == expected else "behind"
    body = {"status": "ready" if replica_state == "ready" else "degraded", "replica": replica_state}
    return Response(orjson.dumps(body), media_type="application/json")


async def _revision(engine: AsyncEngine) -> str | None:
    return await within(READY_WITHIN_SECONDS, current_revision(engine))


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request, engine: Engine) -> Response:
    found: Metrics = request.app.state.metrics
    with contextlib.suppress(TimeoutError, OSError, SQLAlchemyError):
        await within(READY_WITHIN_SECONDS, _webhooks(engine, found))
    return Response(generate_latest(found.registry), media_type=CONTENT_TYPE_LATEST)


async def _webhooks(engine: AsyncEngine, metrics: Metrics) -> None:
    """The webhook gauges, as the database has them now (the HTTP metrics are served anyway
    when it is away)."""
    async with reading(engine) as conn:
        found = await webhooks.backlogs(conn, datetime.now(UTC))
    gauges = (
        metrics.webhook_behind,
        metrics.webhook_lag,
        metrics.webhook_failures,
        metrics.webhook_failed,
        metrics.webhook_disabled,
    )
    for gauge in gauges:
        gauge.clear()  # a deleted subscription's series goes
    for b in found:
        labels = (b.subscription_id, b.landlord)
        metrics.webhook_behind.labels(*labels).set(b.positions_behind)
        metrics.webhook_lag.labels(*labels).set(b.lag_seconds)
        metrics.webhook_failures.labels(*labels).set(b.failures)
        metrics.webhook_failed.labels(*labels).set(b.failed_attempts)
        metrics.webhook_disabled.labels(*labels).set(int(b.disabled))
