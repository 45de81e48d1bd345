"""The deadline alert scheduler (docs/deadline-alerts.md): a pass raises every alert owed at `now`.

The complaints to look at are the rows whose `alert_due_on` has come; each is read for writing as a
CRM's append reads it, the domain says which alerts it owes (`due_alerts`), and they are appended
through the same write (projection row, hash chain, sealed state document, feed position) on the
version read. Another writer that got in first (a CRM, a second scheduler) makes the append fail on
that version: the complaint is skipped, and the next pass decides again from what was committed, so
no alert is raised twice. A complaint owing nothing has its `alert_due_on` moved on to the next
point, which is what takes a row out of the candidates once its alerts are raised.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import is_unavailable, reading, writing
from app.domain.clocks.alerts import due_alerts, next_alert_on
from app.domain.clocks.calendar import london_date
from app.events.store import ConcurrencyError, EventStore, JsonValue
from app.projections.tables import complaints
from app.services import complaints as service
from app.services import current
from app.services.complaints import Complaint
from app.services.restriction_alerts import raise_review_alerts

ACTOR = "system:alerts"
ROLE = "system"  # no key's role: the service itself (app/api/event_views.py)

log = logging.getLogger(__name__)


async def raise_due_alerts(
    engine: AsyncEngine, store: EventStore, *, now: datetime, batch: int = 200
) -> int:
    """Raise the alerts owed at `now`; how many were raised. Each candidate is visited once a pass
    (in id order), so a complaint skipped on a conflict waits for the next pass. Contact
    restrictions' review dates are clocks too (app/services/restriction_alerts.py)."""
    today = london_date(now)
    metadata: dict[str, JsonValue] = {
        "actor": ACTOR,
        "role": ROLE,
        "correlation_id": f"alerts-{uuid.uuid4()}",
    }
    raised = 0
    after = ""
    while True:
        async with reading(engine) as conn:
            query = (
                sa.select(complaints.c.id)
                .where(complaints.c.alert_due_on <= today, complaints.c.id > after)
                .order_by(complaints.c.id)
                .limit(batch)
            )
            ids = [str(row.id) for row in await conn.execute(query)]
        if not ids:
            return raised + await raise_review_alerts(engine, store, now=now, metadata=metadata)
        for complaint_id in ids:
            raised += await _visit(engine, store, complaint_id, now, metadata)
        after = ids[-1]


async def _visit(
    engine: AsyncEngine,
    store: EventStore,
    complaint_id: str,
    now: datetime,
    metadata: dict[str, JsonValue],
) -> int:
    try:
        async with writing(engine, one_statement=True) as conn:
            writable = await current.for_write(conn, store, complaint_id)
            if writable is None:
                return 0
            complaint = writable.complaint
            # Never judged before its last fact: another process's clock may be a little ahead,
            # and a clock met by a fact "after" `now` would read as owed.
            at = max(now, complaint.state.last_occurred_at)
            alerts = due_alerts(complaint.state, complaint.policy, complaint.calendar, at)
            if not alerts:
                await _move_on(conn, complaint, at)
                return 0
            pending = await service.prepare_events(conn, store, writable, alerts, metadata=metadata)
            await pending.commit()
            return len(alerts)
    except (ConcurrencyError, IntegrityError):
        return 0  # another writer got in first: the next pass decides again
    except Exception as error:
        if is_unavailable(error):
            raise
        # One complaint that cannot be read must not stop everyone else's alerts. Its id and the
        # kind of failure only: an error's text may quote the complaint.
        log.error("alerts: complaint %s skipped (%s)", complaint_id, type(error).__name__)
        return 0


async def _move_on(conn: AsyncConnection, complaint: Complaint, now: datetime) -> None:
    """Nothing owed now: the row waits for its next point. Only if no write got in since (that
    write set the row from the newer state)."""
    state = complaint.state
    next_on = next_alert_on(state, complaint.policy, complaint.calendar, now)
    await conn.execute(
        sa.update(complaints)
        .where(complaints.c.id == complaint.id, complaints.c.version == state.version)
        .values(alert_due_on=next_on)
    )
