"""`redress demo`: made-up complaints to try the service with, and a key to read them."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from app.db import create_engine, reading
from app.events.factory import make_store
from app.services import keys as key_service
from app.services.keys import Role
from app.settings import Settings

console = Console()


def demo(
    landlord: Annotated[str, typer.Option(help="Landlord id for the demo data.")] = "demo-homes",
    copies: Annotated[int, typer.Option(min=1, max=50, help="Copies of each scenario.")] = 3,
) -> None:
    """Load made-up complaints (skipped if the landlord has some) and print a CRM key for them."""
    from app.demo.load import load_demo
    from app.projections.complaints import ListFilter, list_ids

    async def run() -> tuple[int, key_service.CreatedKey]:
        engine = create_engine(Settings().database_url)
        try:
            async with reading(engine) as conn:
                from datetime import date

                existing, _ = await list_ids(
                    conn, ListFilter(landlord=landlord), today=date.today(), limit=1, cursor=None
                )
            count = 0
            if not existing:
                count = await load_demo(
                    engine, make_store(Settings()), landlord=landlord, copies=copies
                )
            async with engine.begin() as conn:
                key = await key_service.create_key(
                    conn, role=Role.crm, landlord=landlord, name="demo"
                )
            return count, key
        finally:
            await engine.dispose()

    count, key = asyncio.run(run())
    if count:
        console.print(f"logged {count} made-up complaints for landlord {landlord}")
    else:
        console.print(f"landlord {landlord} already has complaints; none added")
    console.print("a CRM key for them (Authorize in /docs with it):")
    print(key.token)
