"""Application service for reports: load the period's facts from the reporting projection, then
let the domain count. Also keeps the projection true when a landlord's calendar changes."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.landlord.errors import LandlordNotRegistered
from app.domain.landlord.state import fold_landlord
from app.domain.reporting.annual import AnnualReport, annual
from app.domain.reporting.code_compliance import CodeComplianceReport, code_compliance
from app.domain.reporting.facts import complaint_facts
from app.domain.reporting.period import Period, reporting_year
from app.domain.reporting.tsm import Homes, TsmReport, tsm
from app.events.codec import decode, decode_landlord
from app.events.store import EventStore
from app.events.streams import landlord_stream
from app.projections import reports as projection
from app.services import complaints as complaint_service

REPROJECT_BATCH = 500


async def code_compliance_report(
    conn: AsyncConnection, landlord: str, period: Period, *, today: date
) -> CodeComplianceReport:
    data = await projection.load(conn, landlord, period)
    return code_compliance(data, period, landlord=landlord, today=today)


async def tsm_report(
    conn: AsyncConnection, store: EventStore, landlord: str, year: int, *, today: date
) -> TsmReport:
    homes = await homes_at_year_end(conn, store, landlord, year, today=today)
    data = await projection.load(conn, landlord, reporting_year(year))
    return tsm(data, year, landlord=landlord, homes=homes)


async def annual_report(
    conn: AsyncConnection, landlord: str, year: int, *, learning_text: bool
) -> AnnualReport:
    data = await projection.load(conn, landlord, reporting_year(year))
    return annual(data, year, landlord=landlord, learning_text=learning_text)


async def homes_at_year_end(
    conn: AsyncConnection, store: EventStore, landlord: str, year: int, *, today: date
) -> Homes:
    """The landlord's homes as its record stood on the last day of the reporting year (today,
    for a year not yet over), or as first registered if it registered after that day."""
    last_day = min(reporting_year(year).end - timedelta(days=1), today)
    stored = await store.read_stream(conn, landlord_stream(landlord))
    events = [decode_landlord(e) for e in stored]
    if not events:
        raise LandlordNotRegistered(landlord)
    then = [
        e for e, s in zip(events, stored, strict=True) if london_date(s.occurred_at) <= last_day
    ]
    state = fold_landlord(landlord, then or events[:1])
    assert state is not None
    return Homes(
        rented=state.homes_rented, shared_ownership=state.homes_shared_ownership, as_at=last_day
    )


async def reproject_calendar_change(
    conn: AsyncConnection,
    store: EventStore,
    landlord: str,
    before: WorkingCalendar,
    after: WorkingCalendar,
) -> int:
    """Rewrite the reporting rows of the landlord's complaints whose working-day figures span a
    day that stopped or started being a working day. Returns how many complaints were rewritten.

    Each row records the last day its figures depend on (`calendar_until`), so a closure day
    added for next Christmas touches the complaints running then, not every complaint ever."""
    spans = await projection.calendar_spans(conn, landlord)
    if not spans:
        return 0
    changed = _changed_days(before, after, min(s.first for s in spans), max(s.last for s in spans))
    affected = sorted(s.complaint_id for s in spans if _covers(changed, s.first, s.last))
    for start in range(0, len(affected), REPROJECT_BATCH):
        batch = affected[start : start + REPROJECT_BATCH]
        loaded = await complaint_service.load_many(conn, store, batch)
        await projection.replace(
            conn,
            batch,
            [
                complaint_facts(c.id, c.state, [decode(e) for e in c.events], c.policy, c.calendar)
                for c in loaded
            ],
        )
    return len(affected)


def _changed_days(
    before: WorkingCalendar, after: WorkingCalendar, first: date, last: date
) -> list[date]:
    days, day = [], first
    while day <= last:
        if before.is_working_day(day) != after.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _covers(days: Sequence[date], first: date, last: date) -> bool:
    index = bisect.bisect_left(days, first)
    return index < len(days) and days[index] <= last
