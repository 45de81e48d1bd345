"""`redress retention run`: erase personal data kept past the landlord's retention period."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from app.db import create_engine
from app.events.factory import make_store
from app.settings import Settings

retention_cli = typer.Typer(help="Retention of personal data after closure.", no_args_is_help=True)
console = Console()


@retention_cli.command("run")
def retention_run(
    landlord: Annotated[str | None, typer.Option(help="Only this landlord.")] = None,
    dry_run: Annotated[
        bool, typer.Option(help="List what would be erased; erase nothing.")
    ] = False,
) -> None:
    """Erase the personal data of complaints that ended more than their landlord's retention
    period ago (`retention_years`, counted from the complaint's last event)."""
    from app.domain.complaint.events import ErasureReason
    from app.services import erasure

    async def run() -> tuple[list[str], int]:
        settings = Settings()
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                await erasure.one_retention_run_at_a_time(conn)
                due = await erasure.past_retention(conn, now=datetime.now(UTC), landlord=landlord)
                if dry_run or not due:
                    return due, 0
                done = await erasure.erase(
                    conn,
                    make_store(settings),
                    due,
                    reason=ErasureReason.retention,
                    metadata={"actor": "cli", "role": "operator", "correlation_id": "retention"},
                )
                return done.complaints, done.keys_destroyed
        finally:
            await engine.dispose()

    complaints, keys = asyncio.run(run())
    verb = "would erase" if dry_run else "erased"
    console.print(f"{verb} the personal data of {len(complaints)} complaint(s)")
    for complaint_id in complaints:
        print(complaint_id)
    if not dry_run:
        console.print(f"{keys} data key(s) destroyed")
