"""`redress idempotency purge`: delete the remembered responses whose time is up. The service
does the same on a schedule (REDRESS_IDEMPOTENCY_PURGE_SECONDS); this is for a one-off or a cron."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from app.db import create_engine
from app.services import idempotency
from app.settings import Settings

idempotency_cli = typer.Typer(
    help="Remembered responses to Idempotency-Key retries.", no_args_is_help=True
)
console = Console()


@idempotency_cli.command("purge")
def purge() -> None:
    """Delete the expired idempotency records (older than REDRESS_IDEMPOTENCY_TTL_HOURS)."""

    async def run() -> int:
        engine = create_engine(Settings().database_url)
        try:
            return await idempotency.purge_expired(engine)
        finally:
            await engine.dispose()

    purged = asyncio.run(run())
    console.print(f"purged {purged} expired idempotency record(s)")
