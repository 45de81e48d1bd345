"""Listing complaints as they stood at a past moment (`as_of`).

The projection holds the present, so it can only narrow the candidates (landlord, resident,
received before the moment); each candidate's stream is folded up to the moment and the filters are
judged on that state, with the clocks evaluated at the moment. Candidates are read in chunks, so
memory stays bounded whatever the size of the landlord's history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import london_date
from app.domain.clocks.deadlines import BREACHES, ClockStatus, sla_clocks
from app.events.store import EventStore
from app.projections import complaints as projection
from app.services.complaints import Complaint, load_many

CHUNK = 200


def sla_state(complaint: Complaint, at: datetime) -> str | None:
    """`breached` if any of the landlord's clocks (any stage's: `sla_clocks`) is breached or
    missed, else `due_soon` if any is, else None (as the list's projection columns judge the
    earliest unmet or missed due date)."""
    judged = sla_clocks(complaint.state, complaint.policy, complaint.calendar, at)
    statuses = {clock.status for clock in judged.values()}
    if statuses & BREACHES:
        return "breached"
    if ClockStatus.due_soon in statuses:
        return "due_soon"
    return None


def matches(complaint: Complaint, flt: projection.ListFilter, at: datetime) -> bool:
    state = complaint.state
    return (
        (flt.status is None or state.status == flt.status)
        and (flt.stage is None or state.stage == flt.stage)
        and (flt.category is None or state.category == flt.category)
        and (flt.handler is None or state.handler == flt.handler)
        and (flt.team is None or state.team == flt.team)
        and (flt.sla is None or sla_state(complaint, at) == flt.sla)
    )


async def list_as_of(
    conn: AsyncConnection,
    store: EventStore,
    flt: projection.ListFilter,
    *,
    as_of: datetime,
    limit: int,
    cursor: str | None,
) -> tuple[list[Complaint], str | None]:
    before = as_of + timedelta(microseconds=1)
    received_to = before if flt.received_to is None else min(flt.received_to, before)
    candidates = replace(
        flt,
        status=None,
        stage=None,
        sla=None,
        category=None,
        handler=None,
        team=None,
        received_to=received_to,
    )
    page: list[Complaint] = []
    while True:
        ids, next_chunk = await projection.list_ids(
            conn, candidates, today=london_date(as_of), limit=CHUNK, cursor=cursor
        )
        for complaint in await load_many(conn, store, ids, as_of=as_of):
            if matches(complaint, flt, as_of):
                page.append(complaint)
                if len(page) > limit:
                    last = page[limit - 1]
                    return page[:limit], projection.encode_cursor(last.state.received_at, last.id)
        if next_chunk is None:
            return page, None
        cursor = next_chunk
