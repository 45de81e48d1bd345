"""`redress export`: the log as NDJSON CloudEvents."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import Annotated, BinaryIO

import typer
from rich.console import Console

from app.db import create_engine, reading_url
from app.events.factory import make_store
from app.settings import Settings


def export(
    landlord: Annotated[
        str | None, typer.Option(help="Only this landlord's events (default: the whole log).")
    ] = None,
    after: Annotated[int, typer.Option(min=0, help="Resume after this position.")] = 0,
    until: Annotated[int | None, typer.Option(min=1, help="Last position wanted.")] = None,
    occurred_from: Annotated[
        datetime | None, typer.Option("--from", help="Occurred at or after (UTC if no offset).")
    ] = None,
    occurred_to: Annotated[
        datetime | None, typer.Option("--to", help="Occurred before (UTC if no offset).")
    ] = None,
    output: Annotated[str, typer.Option(help="File to write, or - for standard output.")] = "-",
    personal_data: Annotated[
        bool, typer.Option(help="Include complainants' personal data (omit it for analysts).")
    ] = False,
) -> None:
    """Write the log (or a landlord's part) as NDJSON CloudEvents, in position order, in
    constant memory, as it stood when the export began (one snapshot).
    Each line carries its `position`: rerun with `--after` the last one to resume."""
    from app.services.export import Selection, write
    from app.services.privacy import NO_PERSONAL_DATA, OPERATOR

    def aware(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=UTC)

    selection = Selection(
        landlord=landlord,
        after=after,
        until=until,
        occurred_from=aware(occurred_from),
        occurred_to=aware(occurred_to),
    )

    async def run(sink: BinaryIO) -> int:
        engine = create_engine(reading_url(Settings()))
        try:
            reader = OPERATOR if personal_data else NO_PERSONAL_DATA
            return await write(engine, make_store(Settings()), selection, reader, sink)
        finally:
            await engine.dispose()

    if output == "-":
        count = asyncio.run(run(sys.stdout.buffer))
        sys.stdout.buffer.flush()
    else:
        with open(output, "wb") as sink:
            count = asyncio.run(run(sink))
    Console(stderr=True).print(f"exported {count} events ({landlord or 'every landlord'})")
