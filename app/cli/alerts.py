"""`redress alerts run`: one pass of the deadline alert scheduler, for a cron or an operator. The
webhook worker runs the same pass on each of its own (docs/deadline-alerts.md)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import typer
from rich.console import Console

from app.db import create_engine
from app.events.factory import make_store
from app.settings import Settings

alerts_cli = typer.Typer(help="Deadline alerts.", no_args_is_help=True)
console = Console()


@alerts_cli.command("run")
def alerts_run() -> None:
    """Raise every deadline alert owed now (each once; a pass that finds none owed raises none)."""
    from app.services.alerts import raise_due_alerts

    async def run() -> int:
        settings = Settings()
        engine = create_engine(settings.database_url)
        try:
            return await raise_due_alerts(engine, make_store(settings), now=datetime.now(UTC))
        finally:
            await engine.dispose()

    raised = asyncio.run(run())
    console.print(f"raised {raised} deadline alert(s)")
