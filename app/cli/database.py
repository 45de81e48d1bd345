"""The database as a whole: `redress migrate`, `redress verify` (the log's hash chains and
positions) and `redress rebuild` (the projections from the events)."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer
from rich.console import Console

from app import migrations
from app.audit.findings import VerifyReport
from app.db import create_engine, reading
from app.services.rebuild import RebuildReport
from app.settings import Settings

console = Console()


def migrate() -> None:
    """Apply the database migrations."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    console.print(f"database at revision {migrations.head_revision(settings.database_url)}")


def verify(
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Check every event from position 1 against every checkpoint, not only those "
            "appended since the last checkpoint.",
        ),
    ] = False,
) -> None:
    """Check the hash chains, the global positions and the signed checkpoints of the events
    appended since the last checkpoint (--full: of every event), and write a new checkpoint when
    all is well; exit 1 if anything is wrong."""
    from app.audit.report import render_verify_report
    from app.audit.verify import check
    from app.events.factory import master_key
    from app.events.keyring import Keyring

    async def run() -> VerifyReport:
        settings = Settings()
        key = Keyring(master_key(settings)).checkpoint_key
        engine = create_engine(settings.database_url)
        try:
            return await check(engine, key, full=full)
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    render_verify_report(console, report)
    if not report.ok:
        raise typer.Exit(1)


def rebuild(
    check: Annotated[
        bool, typer.Option("--check", help="Only compare with the live projection; write nothing.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Processes for --check on PostgreSQL (0: one per core); SQLite and the "
            "rebuild itself use one.",
        ),
    ] = 0,
) -> None:
    """Rebuild the complaint projection from the events alone (exit 1 if --check finds a
    difference)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from app.audit.report import render_rebuild_report
    from app.events.factory import master_key
    from app.events.keyring import Keyring
    from app.events.scan import snapshot
    from app.services import rebuild_parallel
    from app.services.rebuild import Mode, count_events
    from app.services.rebuild import rebuild as rebuild_projection

    mode = Mode.check if check else Mode.apply

    async def run() -> RebuildReport:
        settings = Settings()
        # The keyring opens the events to rebuild (and compare) the sealed state documents.
        key = master_key(settings)
        keyring = Keyring(key)
        engine = create_engine(settings.database_url)
        try:
            async with reading(engine) as conn:
                total = await count_events(conn)
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
            ) as bar:
                task = bar.add_task(f"{mode.value}: events", total=total)
                split = workers or os.cpu_count() or 1
                if check and split > 1 and engine.dialect.name == "postgresql":
                    return await rebuild_parallel.check(
                        settings.database_url,
                        workers=split,
                        progress=lambda n: bar.advance(task, n),
                        master_key=key,
                    )
                transaction = snapshot(engine) if check else engine.begin()
                async with transaction as conn:
                    return await rebuild_projection(
                        conn, mode, progress=lambda n: bar.advance(task, n), keyring=keyring
                    )
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    render_rebuild_report(console, report)
    if check and not report.equal:
        raise typer.Exit(1)
