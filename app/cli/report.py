"""`redress report ...`: the regulator and board reports of one landlord, as JSON, CSV or an HTML
page with charts, to standard output or a file. The same figures as `GET /v1/reports/...`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import create_engine, reading_url
from app.domain.clocks.calendar import london_date
from app.domain.errors import DomainError
from app.domain.reporting.period import Period
from app.events.factory import make_store
from app.events.scan import snapshot
from app.events.sql import SqlEventStore
from app.rendering.formats import AnyReport, Format, render
from app.services import reports as service
from app.services.privacy import OPERATOR
from app.settings import Settings

report_cli = typer.Typer(
    help="Reports: code-compliance (a period), tsm and annual (a reporting year).",
    no_args_is_help=True,
)
errors = Console(stderr=True)

LandlordOpt = Annotated[str, typer.Option(help="The landlord id (slug).", min=1)]
YearOpt = Annotated[
    int, typer.Option(min=2000, max=2100, help="Reporting year by its first year: 2025 = 2025/26.")
]
FormatOpt = Annotated[Format, typer.Option(help="json, csv or html.")]
OutputOpt = Annotated[
    Path | None, typer.Option(help="File to write (default: standard output).", dir_okay=False)
]


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("expected a date, YYYY-MM-DD", param_hint=option) from None


def _produce(
    work: Callable[[AsyncConnection], Awaitable[AnyReport]], fmt: Format, output: Path | None
) -> None:
    async def run() -> AnyReport:
        engine = create_engine(reading_url(Settings()))
        try:
            async with snapshot(engine) as conn:
                return await work(conn)
        finally:
            await engine.dispose()

    try:
        report = asyncio.run(run())
    except DomainError as error:
        errors.print(f"[red]refused[/red] ({error.code}): {error.message}")
        raise typer.Exit(2) from error
    text = render(report, fmt, indent=2)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    else:
        output.write_text(text, encoding="utf-8")
        errors.print(f"wrote {output}")


@report_cli.command("code-compliance")
def code_compliance(
    landlord: LandlordOpt,
    from_: Annotated[str, typer.Option("--from", help="First day (London), included.")],
    to: Annotated[str, typer.Option(help="Day after the last (London), excluded.")],
    format: FormatOpt = Format.json,
    output: OutputOpt = None,
) -> None:
    """Complaint Handling Code self-assessment figures for a period."""
    first, end = _day(from_, "--from"), _day(to, "--to")
    if end <= first:
        raise typer.BadParameter("--to must be after --from", param_hint="--to")
    today = london_date(datetime.now(UTC))

    async def work(conn: AsyncConnection) -> AnyReport:
        # The operator's command, like `redress export --personal-data`, sees every free text.
        return await service.code_compliance_report(
            conn, make_store(Settings()), landlord, Period(first, end), today=today, reader=OPERATOR
        )

    _produce(work, format, output)


@report_cli.command("tsm")
def tsm(
    landlord: LandlordOpt,
    year: YearOpt,
    format: FormatOpt = Format.json,
    output: OutputOpt = None,
) -> None:
    """Tenant Satisfaction Measures CH01 and CH02 for a reporting year."""

    async def work(conn: AsyncConnection) -> AnyReport:
        return await service.tsm_report(
            conn, SqlEventStore(), landlord, year, today=london_date(datetime.now(UTC))
        )

    _produce(work, format, output)


@report_cli.command("annual")
def annual(
    landlord: LandlordOpt,
    year: YearOpt,
    format: FormatOpt = Format.json,
    output: OutputOpt = None,
) -> None:
    """The annual complaints performance and service improvement report."""

    async def work(conn: AsyncConnection) -> AnyReport:
        # The operator's command, like `redress export --personal-data`, sees every free text.
        return await service.annual_report(
            conn, make_store(Settings()), landlord, year, reader=OPERATOR
        )

    _produce(work, format, output)
