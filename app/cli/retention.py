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
    """Erase the personal data of complaints, compliments, comments, enquiries and contact
    restrictions that ended more than their landlord's retention period ago (`retention_years`,
    counted from the last event)."""
    from app.domain.complaint.events import ErasureReason
    from app.services import erasure
    from app.services import feedback as feedback_service
    from app.services import restrictions as restriction_service

    metadata = {"actor": "cli", "role": "operator", "correlation_id": "retention"}
    reason = ErasureReason.retention

    async def run() -> tuple[list[str], list[str], list[str], int]:
        settings = Settings()
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                await erasure.one_retention_run_at_a_time(conn)
                now = datetime.now(UTC)
                due = await erasure.past_retention(conn, now=now, landlord=landlord)
                given = await feedback_service.past_retention(conn, now=now, landlord=landlord)
                lifted = await restriction_service.past_retention(conn, now=now, landlord=landlord)
                if dry_run or not (due or given or lifted):
                    return due, given, lifted, 0
                store = make_store(settings)
                done = await erasure.erase(conn, store, due, reason=reason, metadata=metadata)
                gone = await feedback_service.erase(
                    conn, store, store.keyring, given, reason=reason, metadata=metadata, now=now
                )
                ended = await restriction_service.erase(
                    conn, store, store.keyring, lifted, reason=reason, metadata=metadata, now=now
                )
                keys = done.keys_destroyed + gone.keys_destroyed + ended.keys_destroyed
                return done.complaints, gone.feedback, ended.restrictions, keys
        finally:
            await engine.dispose()

    complaints, feedback, restrictions, keys = asyncio.run(run())
    verb = "would erase" if dry_run else "erased"
    console.print(f"{verb} the personal data of {len(complaints)} complaint(s)")
    for complaint_id in complaints:
        print(complaint_id)
    console.print(f"and of {len(feedback)} compliment(s), comment(s) and enquiry(ies)")
    for feedback_id in feedback:
        print(feedback_id)
    console.print(f"and of {len(restrictions)} contact restriction(s)")
    for restriction_id in restrictions:
        print(restriction_id)
    if not dry_run:
        console.print(f"{keys} data key(s) destroyed")
