"""The workload's counts, from the complaint list's rows in one grouped query (app/domain/
workload.py puts them together). `due_soon` and `breached` are the list's own `sla` conditions
on the same columns, so the workload and the lists never disagree about a complaint."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.state import TERMINAL
from app.domain.workload import Counted
from app.projections.tables import complaints


async def counted(conn: AsyncConnection, landlord: str, today: date) -> list[Counted]:
    c = complaints.c
    breached = c.sla_due < today
    due_soon = sa.and_(c.sla_due >= today, c.sla_due_soon_from <= today)
    query = (
        sa.select(
            c.team,
            c.handler,
            c.stage,
            sa.func.count().label("open"),
            sa.func.sum(sa.case((due_soon, 1), else_=0)).label("due_soon"),
            sa.func.sum(sa.case((breached, 1), else_=0)).label("breached"),
        )
        .where(c.landlord == landlord, c.status.not_in([s.value for s in TERMINAL]))
        .group_by(c.team, c.handler, c.stage)
    )
    return [
        Counted(
            team=row.team,
            handler=row.handler,
            stage=int(row.stage),
            open=int(row.open),
            due_soon=int(row.due_soon or 0),
            breached=int(row.breached or 0),
        )
        for row in await conn.execute(query)
    ]
