"""Liveness, readiness and metrics."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.api.deps import Engine
from app.api.errors import problem
from app.migrations import current_revision

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
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
        current = await current_revision(engine)
    except Exception:
        return problem(503, "database-unavailable", "The database cannot be reached.")
    if current != expected:
        return problem(
            503,
            "migrations-pending",
            f"The database schema is at {current}, expected {expected}: run `redress migrate`.",
        )
    return Response(b'{"status":"ready"}', media_type="application/json")


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
