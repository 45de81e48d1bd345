"""Backdating: events recorded more than N working days after they occurred.

`occurred_at` is given by the caller and may be in the past; `recorded_at` is the store's clock. A
long gap is legitimate (a letter logged late) but is exactly what an auditor wants to see. Lateness
is counted in the landlord's working days between the two London dates, the unit of the Code's
timescales: a Friday event recorded on Monday is one working day late.

The report pages through the log in position order (keyset, as the feed), examining a bounded
number of events per call, so it costs the same on any size of log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import london_date
from app.events.sql import stored_event
from app.events.store import StoredEvent
from app.events.tables import events
from app.projections.tables import complaints
from app.services.catalog import load_catalog

CHUNK = 1_000


@dataclass(frozen=True)
class Backdated:
    event: StoredEvent
    working_days: int  # working days after the day it occurred that it was recorded


@dataclass(frozen=True)
class BackdatedPage:
    items: list[Backdated]
    next_after: int  # the last position examined: pass as `after` to continue


async def backdated(
    conn: AsyncConnection,
    *,
    landlord: str,
    working_days: int,
    after: int = 0,
    limit: int = 100,
    examine: int = 10_000,
) -> BackdatedPage:
    """Up to `limit` of `landlord`'s events after position `after` recorded more than
    `working_days` working days after they occurred, looking at no more than `examine` events."""
    calendar = (await load_catalog(conn, [landlord], [])).calendar(landlord)
    thresholds: dict[date, date] = {}
    items: list[Backdated] = []
    examined = 0
    while len(items) < limit and examined < examine:
        query = (
            sa.select(*events.c)
            .join(complaints, complaints.c.id == events.c.stream_id)
            .where(complaints.c.landlord == landlord, events.c.position > after)
            .order_by(events.c.position)
            .limit(min(CHUNK, examine - examined))
        )
        chunk = [stored_event(row._mapping) for row in await conn.execute(query)]
        if not chunk:
            break
        for event in chunk:
            examined += 1
            after = event.position
            occurred, recorded = london_date(event.occurred_at), london_date(event.recorded_at)
            if occurred not in thresholds:
                thresholds[occurred] = calendar.add_working_days(occurred, working_days)
            if recorded > thresholds[occurred]:
                late = calendar.working_days_between(occurred, recorded)
                items.append(Backdated(event, late))
                if len(items) == limit:
                    break
    return BackdatedPage(items, after)
