"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.api.deadline import within
from app.api.deps import Engine
from app.api.errors import RETRY_AFTER_SECONDS, database_unavailable, problem
from app.migrations import current_revision

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
async def readyz(request: Request, engine: Engine) -> Response:
    expected: str | None = request.app.state.schema_head
    try:
        current = await within(READY_WITHIN_SECONDS, current_revision(engine))
    except Exception:
        return database_unavailable("The database cannot be reached or did not answer in time.")
    if current != expected:
        return problem(
            503,
            "migrations-pending",
            f"The database schema is at {current}, expected {expected}: run `redress migrate`.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return Response(b'{"status":"ready"}', media_type="application/json")


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
