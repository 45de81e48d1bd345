"""The restrictions projection: one row per contact restriction (ADR 0020), written in the
transaction that appends its events and rebuilt from them alone (`redress rebuild`).

Its `shown` column is what a complaint view shows of the restriction in force on the complaint's
resident. `shown_for` is that column as a scalar subquery, so the complaint row's own statement
(a read, a write's read, a log's reference number) carries it: no round trip of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import upsert_by_id
from app.domain.clocks.calendar import london_date
from app.domain.reporting.restrictions import RestrictionFacts
from app.domain.restriction.state import RestrictionState
from app.projections.complaints import newest_first, page_ids
from app.projections.tables import restrictions

Row = dict[str, object]


def shown(restriction_id: str, state: RestrictionState) -> str | None:
    """What a complaint view shows while the restriction is in force (plain facts only: the
    measures, the staff contact, the channels and the review date)."""
    if not state.in_force:
        return None
    return orjson.dumps(
        {
            "restriction_id": restriction_id,
            "measures": [m.value for m in state.measures],
            "contact_person": state.contact_person,
            "channels": [c.value for c in state.channels],
            "review_due": None if state.review_due is None else state.review_due.isoformat(),
        }
    ).decode()


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else london_date(moment)


def row_for(restriction_id: str, state: RestrictionState, alert_due_on: date | None) -> Row:
    return {
        "id": restriction_id,
        "landlord": state.landlord,
        "resident_id": state.resident_id,
        "in_force": state.in_force,
        "measures": ",".join(m.value for m in state.measures),
        "shown": shown(restriction_id, state),
        "imposed_at": state.imposed_at,
        "imposed_date": london_date(state.imposed_at),
        "review_due": state.review_due,
        "alert_due_on": alert_due_on,
        "challenged_date": _day(state.challenged_at),
        "challenge_upheld": state.challenge_upheld,
        "ended_at": state.ended_at,
        "ended_date": _day(state.ended_at),
        "erased": state.erased_at is not None,
        "last_occurred_at": state.last_occurred_at,
        "version": state.version,
    }


async def upsert(conn: AsyncConnection, row: Row) -> None:
    await upsert_by_id(conn, restrictions, row)


def shown_for(
    landlord: sa.ColumnElement[str], resident_id: sa.ColumnElement[str | None]
) -> sa.ScalarSelect[str | None]:
    """The `shown` of the restriction in force on the resident (the latest imposed, should there
    be two), as a scalar subquery: correlated to a complaint row, or on bound values."""
    r = restrictions.c
    return (
        sa.select(r.shown)
        .where(r.landlord == landlord, r.resident_id == resident_id, r.in_force.is_(True))
        .order_by(r.imposed_at.desc(), r.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def parse_shown(raw: str | None) -> dict[str, object] | None:
    return None if raw is None else dict(orjson.loads(raw))


async def in_force_for(
    conn: AsyncConnection, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """`shown` for each (landlord, resident) with a restriction in force: the slow path, for
    complaints read by replaying their streams."""
    if not pairs:
        return {}
    r = restrictions.c
    query = (
        sa.select(r.landlord, r.resident_id, r.shown)
        .where(r.in_force.is_(True), sa.tuple_(r.landlord, r.resident_id).in_(sorted(pairs)))
        .order_by(r.imposed_at, r.id)  # the latest imposed is written last, so it stands
    )
    return {
        (str(row.landlord), str(row.resident_id)): str(row.shown)
        for row in await conn.execute(query)
    }


@dataclass(frozen=True)
class RestrictionFilter:
    landlord: str
    resident_id: str | None = None
    in_force: bool | None = None
    review_due_by: date | None = None  # reviews due on or before this date (in force only)


async def list_ids(
    conn: AsyncConnection, flt: RestrictionFilter, *, limit: int, cursor: str | None
) -> tuple[list[str], str | None]:
    """A page of restriction ids, newest imposed first, and the cursor of the next page
    (`InvalidCursor` for one this API did not issue)."""
    c = restrictions.c
    query = sa.select(c.id, c.imposed_at).where(c.landlord == flt.landlord)
    if flt.resident_id is not None:
        query = query.where(c.resident_id == flt.resident_id)
    if flt.in_force is not None:
        query = query.where(c.in_force.is_(flt.in_force))
    if flt.review_due_by is not None:
        query = query.where(c.in_force.is_(True), c.review_due <= flt.review_due_by)
    query = newest_first(query, c.imposed_at, c.id, limit=limit, cursor=cursor)
    return await page_ids(conn, query, c.imposed_at, limit)


async def ids_of_resident(conn: AsyncConnection, landlord: str, resident_id: str) -> list[str]:
    query = sa.select(restrictions.c.id).where(
        restrictions.c.landlord == landlord, restrictions.c.resident_id == resident_id
    )
    return sorted(str(row.id) for row in await conn.execute(query))


async def in_force_of_resident(conn: AsyncConnection, landlord: str, resident_id: str) -> list[str]:
    """The restrictions in force on the resident (one, normally)."""
    r = restrictions.c
    query = sa.select(r.id).where(
        r.landlord == landlord, r.resident_id == resident_id, r.in_force.is_(True)
    )
    return sorted(str(row.id) for row in await conn.execute(query))


async def report_facts(
    conn: AsyncConnection, landlord: str, before: date
) -> list[RestrictionFacts]:
    """The annual report's facts of the landlord's restrictions imposed before `before` (the
    period's end): a landlord has few, so their rows are read whole."""
    r = restrictions.c
    query = sa.select(
        r.measures, r.imposed_date, r.challenged_date, r.challenge_upheld, r.ended_date
    ).where(r.landlord == landlord, r.imposed_date < before)
    return [
        RestrictionFacts(
            measures=tuple(m for m in str(row.measures).split(",") if m),
            imposed_on=row.imposed_date,
            challenged_on=row.challenged_date,
            challenge_upheld=row.challenge_upheld,
            ended_on=row.ended_date,
        )
        for row in await conn.execute(query)
    ]
