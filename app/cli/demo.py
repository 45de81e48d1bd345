"""`redress demo`: made-up complaints to try the service with, and a key to read them."""

from __future__ import annotations

import asyncio
from datetime import date
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
    history: Annotated[
        bool,
        typer.Option(help="Also complaints from the start of the last full reporting year."),
    ] = True,
) -> None:
    """Load made-up complaints (skipped if the landlord has some) and print two keys for them:
    a CRM key (cases, with the people) and an analyst key (reports, without them)."""
    from app.demo.load import load_demo
    from app.domain.reporting.period import reporting_year, year_of
    from app.projections.complaints import ListFilter, list_ids

    last_year = year_of(date.today()) - 1
    since = reporting_year(last_year).start if history else None

    async def run() -> tuple[int, key_service.CreatedKey, key_service.CreatedKey]:
        engine = create_engine(Settings().database_url)
        try:
            async with reading(engine) as conn:
                existing, _ = await list_ids(
                    conn, ListFilter(landlord=landlord), today=date.today(), limit=1, cursor=None
                )
            count = 0
            if not existing:
                count = await load_demo(
                    engine,
                    make_store(Settings()),
                    landlord=landlord,
                    copies=copies,
                    history_since=since,
                )
            async with engine.begin() as conn:
                crm = await key_service.create_key(
                    conn, role=Role.crm, landlord=landlord, name="demo"
                )
                analyst = await key_service.create_key(
                    conn, role=Role.analyst, landlord=landlord, name="demo analyst"
                )
            return count, crm, analyst
        finally:
            await engine.dispose()

    count, crm, analyst = asyncio.run(run())
    if count:
        console.print(f"logged {count} made-up complaints for landlord {landlord}")
        if since is not None:
            full, running = _year_name(last_year), _year_name(last_year + 1)
            console.print(f"from {since.day} {since:%B %Y}: {full} in full and {running} to date")
    else:
        console.print(f"landlord {landlord} already has complaints; none added")
    console.print("a CRM key (complaints, with the people in them; Authorize in /docs with it):")
    print(crm.token)
    console.print("an analyst key (reports and the feed, without personal data):")
    print(analyst.token)


def _year_name(year: int) -> str:
    """A reporting year as the regulator names it: 2025/26."""
    return f"{year}/{(year + 1) % 100:02d}"
