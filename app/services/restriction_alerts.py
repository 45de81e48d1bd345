"""The review clock of contact restrictions (ADR 0020), raised by the same pass as the complaints'
deadline alerts (app/services/alerts.py): the restrictions whose `alert_due_on` has come are read,
the domain says which alert each owes, and it is appended on the version read. Another writer that
got in first makes the append fail on that version; the next pass decides again."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import is_unavailable, reading
from app.domain.clocks.calendar import london_date
from app.domain.restriction.alerts import review_alerts
from app.events.store import ConcurrencyError, EventStore, JsonValue
from app.projections.tables import restrictions
from app.services import restrictions as service
from app.services.catalog import settings_for

log = logging.getLogger(__name__)


async def raise_review_alerts(
    engine: AsyncEngine,
    store: EventStore,
    *,
    now: datetime,
    metadata: dict[str, JsonValue],
    batch: int = 200,
) -> int:
    """Raise the review alerts owed at `now`; how many were raised."""
    today = london_date(now)
    raised = 0
    after = ""
    while True:
        async with reading(engine) as conn:
            query = (
                sa.select(restrictions.c.id)
                .where(restrictions.c.alert_due_on <= today, restrictions.c.id > after)
                .order_by(restrictions.c.id)
                .limit(batch)
            )
            ids = [str(row.id) for row in await conn.execute(query)]
        if not ids:
            return raised
        for restriction_id in ids:
            raised += await _visit(engine, store, restriction_id, now, metadata)
        after = ids[-1]


async def _visit(
    engine: AsyncEngine,
    store: EventStore,
    restriction_id: str,
    now: datetime,
    metadata: dict[str, JsonValue],
) -> int:
    try:
        async with engine.begin() as conn:
            found = await service.load(conn, store, restriction_id)
            if found is None:
                return 0
            at = max(now, found.state.last_occurred_at)
            settings = await settings_for(conn, found.state.landlord)
            alerts = review_alerts(found.state, settings.policy, settings.calendar, at)
            if alerts:
                await service.append(conn, store, found, restriction_id, alerts, metadata, settings)
                return len(alerts)
            # Nothing owed now: the row waits for its next point (set from the state read).
            due_on = service.alert_due_on(found.state, settings)
            await conn.execute(
                sa.update(restrictions)
                .where(
                    restrictions.c.id == restriction_id,
                    restrictions.c.version == found.state.version,
                )
                .values(alert_due_on=due_on)
            )
            return 0
    except (ConcurrencyError, IntegrityError):
        return 0  # another writer got in first: the next pass decides again
    except Exception as error:
        if is_unavailable(error):
            raise
        # Its id and the kind of failure only: an error's text may quote the restriction.
        log.error("alerts: restriction %s skipped (%s)", restriction_id, type(error).__name__)
        return 0
