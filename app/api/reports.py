"""/v1/reports: regulator and board reports for the key's landlord, from the reporting projection.

Each report is JSON by default, CSV with `Accept: text/csv` or `?format=csv`, and a page with
charts with `Accept: text/html` or `?format=html`. Figures are defined in docs/reports.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from app.api.deps import Action, Actor, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.reads import ReadDatabase, Reads, lagging
from app.api.schemas.inputs import DAY_RANGE, Day
from app.domain.clocks.calendar import london_date
from app.domain.reporting.annual import AnnualReport
from app.domain.reporting.code_compliance import CodeComplianceReport
from app.domain.reporting.period import Period
from app.domain.reporting.tsm import TsmReport
from app.events.scan import snapshot
from app.rendering.formats import MEDIA_TYPES, AnyReport, Format, render
from app.services import reports as service

router = APIRouter(
    prefix="/v1/reports", tags=["reports"], dependencies=[Depends(reject_unknown_query)]
)

CSV = "text/csv"
HTML = "text/html"
JSON = "application/json"
MAX_PERIOD_DAYS = 3660  # ten years: a period, not the whole history in one page

FORMATS = lagging(
    {
        200: {
            "content": {
                CSV: {
                    "schema": {"type": "string", "description": "One row per figure (see docs)."}
                },
                HTML: {"schema": {"type": "string", "description": "A page with charts."}},
            }
        }
    }
)
FormatQuery = Annotated[
    Format | None, Query(description="json, csv or html; overrides the Accept header.")
]
AcceptHeader = Annotated[str | None, Header(max_length=500, include_in_schema=False)]
Year = Annotated[
    int,
    Query(ge=2000, le=2100, description="The reporting year by its first year: 2025 is 2025/26."),
]


def chosen_format(requested: Format | None, accept: str | None) -> Format:
    """`?format=` first; else the first of our media types the Accept header names; else JSON."""
    if requested is not None:
        return requested
    for media_range in (accept or "").split(","):
        media = media_range.split(";")[0].strip().lower()
        if media == CSV:
            return Format.csv
        if media == HTML:
            return Format.html
        if media in (JSON, "application/*", "*/*"):
            return Format.json
    return Format.json


def respond(report: AnyReport, fmt: Format, filename: str, reads: ReadDatabase) -> Response:
    headers = dict(reads.headers)
    if fmt is Format.csv:
        headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return Response(render(report, fmt), media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get(
    "/code-compliance",
    response_model=CodeComplianceReport,
    summary="Complaint Handling Code self-assessment figures for a period",
    responses=FORMATS,
)
async def code_compliance(
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_reports))],
    from_: Annotated[
        Day, Query(alias="from", description=f"First day (London), included. {DAY_RANGE}")
    ],
    to: Annotated[Day, Query(description=f"Day after the last (London): excluded. {DAY_RANGE}")],
    format: FormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Complaints received, acknowledged and responded to per stage, on time with and without
    extensions, extensions and their reasons, escalations refused and why, informal complaints
    that became formal, and complaints declined: each share with its numerator and denominator.
    The reasons are listed only for keys that may read free text (`text_shown`); every count is
    the same for every key. `to` is exclusive: `from=2025-04-01&to=2026-04-01` is the year to 31
    March 2026."""
    if not from_ < to or (to - from_).days > MAX_PERIOD_DAYS:
        raise ApiError(
            422,
            "invalid-period",
            f"`to` must be after `from`, and the period at most {MAX_PERIOD_DAYS} days.",
        )
    period = Period(from_, to)
    async with reads.guard(), snapshot(reads.engine) as conn:
        report = await service.code_compliance_report(
            conn,
            store,
            actor.landlord,
            period,
            today=london_date(datetime.now(UTC)),
            reader=actor.reader,
        )
    name = f"code-compliance-{actor.landlord}-{from_}-{to}"
    return respond(report, chosen_format(format, accept), name, reads)


@router.get(
    "/tsm",
    response_model=TsmReport,
    summary="Tenant Satisfaction Measures CH01 and CH02 for a reporting year",
    responses=FORMATS,
)
async def tenant_satisfaction_measures(
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_reports))],
    year: Year,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """CH01 (stage 1 and stage 2 complaints per 1,000 homes) and CH02 (responses within the
    Complaint Handling Code's timescales), for rented (LCRA) and shared-ownership (LCHO) homes,
    complaints of unknown tenure apart, with the counts behind each figure."""
    async with reads.guard(), snapshot(reads.engine) as conn:
        report = await service.tsm_report(
            conn, store, actor.landlord, year, today=london_date(datetime.now(UTC))
        )
    return respond(report, chosen_format(format, accept), f"tsm-{actor.landlord}-{year}", reads)


@router.get(
    "/annual",
    response_model=AnnualReport,
    summary="Annual complaints performance and service improvement report",
    responses=FORMATS,
)
async def annual_report(
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_reports))],
    year: Year,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Volumes by category and channel, outcomes, remedies, time to respond (median and 90th
    percentile in working days), for the reporting year (1 April to 31 March). Lessons are
    grouped by root cause only for keys that may read free text (`text_shown`)."""
    async with reads.guard(), snapshot(reads.engine) as conn:
        report = await service.annual_report(conn, store, actor.landlord, year, reader=actor.reader)
    name = f"annual-{actor.landlord}-{year}"
    return respond(report, chosen_format(format, accept), name, reads)
