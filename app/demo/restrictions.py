"""Made-up contact restrictions for the demo landlord (docs/restrictions.md): one in force on the
resident of a recent complaint, so its view shows `restriction_in_force` and the restriction can be
clicked through in /docs, and one that was challenged and lifted. Every person here is made up."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.complaint.events import ContactMethod
from app.domain.restriction import commands as r
from app.domain.restriction.events import Measure
from app.events.store import EventStore, JsonValue
from app.projections.tables import complaints
from app.services import restrictions as service

DEMO_METADATA: dict[str, JsonValue] = {"actor": "demo", "role": "admin", "correlation_id": "demo"}


async def load_demo_restrictions(
    engine: AsyncEngine, store: EventStore, *, landlord: str, now: datetime
) -> int:
    """Restrict the residents of the two most recent complaints; how many were imposed."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(complaints.c.resident_id)
            .where(complaints.c.landlord == landlord, complaints.c.resident_id.is_not(None))
            .order_by(complaints.c.received_at.desc())
            .limit(10)
        )
        residents = list(dict.fromkeys(str(row.resident_id) for row in rows))[:2]
    imposed_at = now - timedelta(days=60)
    steps: list[list[r.RestrictionCommand]] = [
        [],
        [
            r.Challenge(
                occurred_at=imposed_at + timedelta(days=5),
                grounds="I only phoned so often because my emails went unanswered.",
            ),
            r.DecideChallenge(
                occurred_at=imposed_at + timedelta(days=12),
                upheld=True,
                explanation="Your emails were not answered in time; we have lifted it.",
            ),
        ],
    ]
    for resident_id, later in zip(residents, steps, strict=False):
        rid = str(uuid.uuid4())
        commands: list[r.RestrictionCommand] = [
            r.Impose(
                occurred_at=imposed_at,
                landlord=landlord,
                resident_id=resident_id,
                measures=(Measure.single_point_of_contact, Measure.channels, Measure.set_times),
                contact_person="Priya Example",
                channels=(ContactMethod.email, ContactMethod.letter),
                times="Tuesdays and Thursdays, 10:00 to 12:00",
                reason="Several calls a day to the repairs line about a repair that has been "
                "completed and inspected; our answer has not changed.",
            ),
            *later,
        ]
        for command in commands:
            async with engine.begin() as conn:
                await service.execute(conn, store, rid, command, metadata=DEMO_METADATA, now=now)
    return len(residents)
