"""`redress search reindex`: blind index digests for complaints logged before they existed."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from app.db import service_engine
from app.events.factory import make_store
from app.services.search_index import reindex as reindex_all
from app.settings import Settings

search_cli = typer.Typer(help="Finding complaints by a person or a home (blind indexes).")
console = Console()


@search_cli.command("reindex")
def reindex() -> None:
    """Write the blind index digests of every complaint whose personal data is not erased (run
    once after migrating to 0020_complaint_search; safe to run again)."""

    async def run() -> int:
        settings = Settings()
        engine = service_engine(settings)
        try:
            return await reindex_all(engine, make_store(settings))
        finally:
            await engine.dispose()

    console.print(f"indexed {asyncio.run(run())} complaints")
