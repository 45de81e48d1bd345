"""The ASGI application: `app.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.db import create_engine
from app.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
        app.state.engine = engine
        app.state.settings = settings
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Redress",
        version="1.0.0",
        summary="Event-sourced complaint handling for social housing landlords.",
        lifespan=lifespan,
    )

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """Liveness: the process is up."""
        return {"status": "ok"}

    return app


def __getattr__(name: str) -> FastAPI:
    # `app.main:app` is built on first access, so importing this module builds nothing.
    if name == "app":
        return create_app()
    raise AttributeError(name)
