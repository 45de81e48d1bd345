"""`redress serve` runs the HTTP API; `redress openapi` writes the document it serves."""

from __future__ import annotations

import json
from typing import Annotated

import typer
import uvicorn
from fastapi import FastAPI
from rich.console import Console

from app.logs import log_config
from app.settings import Settings

console = Console()


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Run the HTTP API (run `redress migrate` first)."""
    settings = Settings()
    uvicorn.run(
        "app.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level, settings.log_format),
        # uvicorn's access log would carry paths and query strings (complaint ids, references);
        # the service writes its own, by route template (`redress.access`).
        access_log=False,
    )


def openapi(
    output: Annotated[str, typer.Option(help="Where to write the document.")] = (
        "openapi/openapi.json"
    ),
) -> None:
    """Write the OpenAPI document the app serves (committed, and tested against the app)."""
    from pathlib import Path

    from app.main import create_app

    Path(output).write_text(openapi_json(create_app()))
    console.print(f"wrote {output}")


def openapi_json(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
