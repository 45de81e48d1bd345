"""`redress import FILE --landlord L [--dry-run]`: a landlord's past complaints, from the CSV
template (docs/import.md, examples/past-complaints.csv) or NDJSON events. The whole file is read
and checked against the landlord's policy first; if any complaint would be refused, every refusal
is listed and nothing is written. Then each complaint is written in a transaction of its own, with
a progress bar; a run that stopped part way is started again as it was, and skips what it wrote."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from app.cli.import_rows import read_csv, read_ndjson
from app.db import create_engine
from app.domain.landlord.errors import LandlordNotRegistered
from app.events.factory import make_store
from app.events.store import JsonValue
from app.services.catalog import settings_for
from app.services.importing import Imported, Refusal, check, import_all
from app.settings import Settings

console = Console(stderr=True)


class FileFormat(StrEnum):
    csv = "csv"
    ndjson = "ndjson"


def import_complaints(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to import.")],
    landlord: Annotated[str, typer.Option(help="The landlord the complaints are of.")],
    file_format: Annotated[
        FileFormat | None,
        typer.Option("--format", help="csv or ndjson (default: from the file's suffix)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(help="Check the whole file and list what would be refused; write nothing."),
    ] = False,
) -> None:
    """Import a landlord's past complaints (CSV template or NDJSON events)."""
    chosen = file_format or (FileFormat.ndjson if path.suffix == ".ndjson" else FileFormat.csv)
    text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV may start with a BOM
    # The file's digest, in every event's metadata: which import wrote it.
    source = f"{path.name}#sha256:{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    refused, result = asyncio.run(_run(text, chosen, landlord, source, dry_run))
    for refusal in refused:
        print(refusal)
    if refused:
        console.print(
            f"{len(refused)} refused; nothing written. Correct the lines above and run it again."
        )
        raise typer.Exit(1)
    if result is None:
        console.print("every complaint would be accepted (dry run: nothing written)")
        return
    console.print(
        f"imported {result.written} complaints ({result.events} events); "
        f"{result.skipped} already imported by an earlier run"
    )


async def _run(
    text: str, chosen: FileFormat, landlord: str, source: str, dry_run: bool
) -> tuple[list[Refusal], Imported | None]:
    settings = Settings()
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    try:
        async with engine.connect() as conn:
            try:
                found = await settings_for(conn, landlord)
            except LandlordNotRegistered:
                return [
                    Refusal(0, "-", "landlord", f"no landlord {landlord!r} is registered")
                ], None
        read = read_ndjson if chosen is FileFormat.ndjson else read_csv
        planned, refused = read(text, landlord=landlord, policy=found.policy, now=now)
        refused += check(planned, policy=found.policy, calendar=found.calendar, now=now)
        if refused or dry_run:
            return sorted(refused, key=lambda r: r.line), None
        metadata: dict[str, JsonValue] = {"actor": "import", "role": "operator", "source": source}
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("importing", total=len(planned))
            result = await import_all(
                engine, make_store(settings), landlord, planned, metadata=metadata, now=now,
                progress=lambda n: bar.advance(task, n),
            )  # fmt: skip
        return [], result
    finally:
        await engine.dispose()
