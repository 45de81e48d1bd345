"""The annual report's feedback counts (app/domain/reporting/feedback.py), counted by the
database: one grouped select over the feedback projection, never its rows one by one. A piece of
feedback is received in a period when the London date of its receipt (`received_date`) is in it,
as `feedback_tallies_of` defines; a test holds the two equal on both databases."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.feedback.state import FeedbackStatus
from app.domain.reporting.feedback import FeedbackTallies
from app.domain.reporting.period import Period
from app.projections.tables import feedback


async def count_feedback(conn: AsyncConnection, landlord: str, period: Period) -> FeedbackTallies:
    f = feedback.c
    query = (
        sa.select(f.kind, f.category, f.team, f.status, sa.func.count())
        .where(
            f.landlord == landlord,
            f.received_date >= period.start,
            f.received_date < period.end,
        )
        .group_by(f.kind, f.category, f.team, f.status)
    )
    received: Counter[tuple[str, str, str]] = Counter()
    became = 0
    for kind, category, team, status, n in await conn.execute(query):
        if status == FeedbackStatus.converted.value:
            became += int(n)
        else:
            received[(str(kind), str(category), str(team or ""))] += int(n)
    return FeedbackTallies(received=received, converted=became)
