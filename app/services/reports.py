"""Application service for reports: the database counts the period's facts in the reporting
projection (app/projections/report_tallies.py), and the domain makes the figures of the counts.
Also keeps the projection true when a landlord's calendar changes.

The few figures that list words (extension and refusal reasons, lessons) get them from the events
of the period's items, read through the sealing store, and only where the event catalogue lets
the reader see every field they come from: the projection holds no free text (wording.py)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.landlord.errors import LandlordNotRegistered
from app.domain.landlord.state import fold_landlord
from app.domain.reporting.annual import WORDED_KINDS as ANNUAL_WORDS
from app.domain.reporting.annual import AnnualReport, annual
from app.domain.reporting.code_compliance import WORDED_KINDS as CODE_WORDS
from app.domain.reporting.code_compliance import CodeComplianceReport, code_compliance
from app.domain.reporting.facts import ItemFacts, ItemKind, complaint_facts
from app.domain.reporting.period import Period, reporting_year
from app.domain.reporting.tsm import Homes, TsmReport, tsm
from app.domain.reporting.wording import WORDED, ItemKey, Wording, fields_of, words_of
from app.events.codec import decode, decode_landlord
from app.events.store import EventStore
from app.events.streams import landlord_stream
from app.projections import landlords as landlords_projection
from app.projections import report_tallies
from app.projections import reports as projection
from app.projections import restrictions as restriction_rows
from app.projections.feedback_tallies import count_feedback
from app.services import complaints as complaint_service
from app.services.privacy import Reader

REPROJECT_BATCH = 500
WORDING_BATCH = 500  # items whose events are read at once for their words


async def code_compliance_report(
    conn: AsyncConnection,
    store: EventStore,
    landlord: str,
    period: Period,
    *,
    today: date,
    reader: Reader,
) -> CodeComplianceReport:
    kinds = shown_kinds(reader) & CODE_WORDS
    tallies = await report_tallies.count(
        conn, landlord, period, today, worded=kinds, needs=report_tallies.CODE_COMPLIANCE
    )
    wording = await read_wording(conn, store, tallies.worded, kinds)
    return code_compliance(
        tallies, period, landlord=landlord, today=today, wording=wording,
        landlord_name=await landlord_name(conn, landlord),
    )  # fmt: skip


async def tsm_report(
    conn: AsyncConnection, store: EventStore, landlord: str, year: int, *, today: date
) -> TsmReport:
    homes = await homes_at_year_end(conn, store, landlord, year, today=today)
    period = reporting_year(year)
    tallies = await report_tallies.count(conn, landlord, period, today, needs=report_tallies.TSM)
    return tsm(
        tallies, year, landlord=landlord, homes=homes,
        landlord_name=await landlord_name(conn, landlord),
    )  # fmt: skip


async def annual_report(
    conn: AsyncConnection,
    store: EventStore,
    landlord: str,
    year: int,
    *,
    reader: Reader,
    today: date | None = None,
) -> AnnualReport:
    """The annual report; for a year still running on `today` (London), its figures to date."""
    period = reporting_year(year)
    kinds = shown_kinds(reader) & ANNUAL_WORDS
    # No annual figure is judged on a day: every one is of what happened in the year.
    tallies = await report_tallies.count(
        conn, landlord, period, period.end, worded=kinds, needs=report_tallies.ANNUAL
    )
    wording = await read_wording(conn, store, tallies.worded, kinds)
    today = today or london_date(datetime.now(UTC))
    return annual(
        tallies, year, landlord=landlord, wording=wording,
        landlord_name=await landlord_name(conn, landlord),
        as_at=today if period.start <= today < period.end else None,
        feedback=await count_feedback(conn, landlord, period),
        restrictions=await restriction_rows.report_facts(conn, landlord, period.end),
    )  # fmt: skip


async def landlord_name(conn: AsyncConnection, landlord: str) -> str | None:
    """The name the landlord registered under, for the pages a board reads."""
    row = (await landlords_projection.find(conn, [landlord])).get(landlord)
    return None if row is None else str(row["name"])


def shown_kinds(reader: Reader) -> frozenset[ItemKind]:
    """The kinds of item whose words `reader` may see: every field they come from, by the
    catalogue's treatment of it (an analyst sees none, having no personal-data rights)."""
    return frozenset(
        kind for kind in WORDED if all(reader.sees(field) for field in fields_of(kind))
    )


async def read_wording(
    conn: AsyncConnection,
    store: EventStore,
    items: Sequence[ItemFacts],
    shown: frozenset[ItemKind],
) -> Wording:
    """The words of `items` (the period's of the kinds a report lists, `shown` to the reader),
    from their events as `store` opens them: an erased complaint's read "[erased]". Only those
    events are read, a few in a period, not the log."""
    kinds = {(item.complaint_id, item.version): item.kind for item in items}
    keys = sorted(kinds)
    words: dict[ItemKey, dict[str, str]] = {}
    for start in range(0, len(keys), WORDING_BATCH):
        for event in await store.read_events(conn, keys[start : start + WORDING_BATCH]):
            key = (event.stream_id, event.version)
            words[key] = words_of(kinds[key], decode(event))
    return Wording(shown=shown, words=words)


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
