"""Contact restriction streams in the log, on each database (ADR 0020): sealed at rest, their
review an alerting clock on the landlord's calendar (across Christmas and New Year), anchored by
their row for the audit, rebuilt from their events, past retention once ended, and erased by
destroying their own keys. Every person here is made up."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.findings import Kind
from app.audit.verify import verify
from app.db import reading
from app.domain.clocks.alerts import points
from app.domain.complaint.events import ContactMethod, ErasureReason
from app.domain.restriction.commands import End, Impose
from app.domain.restriction.events import EndReason, Measure
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sql import SqlEventStore
from app.events.streams import restriction_stream
from app.projections.tables import restrictions
from app.services import restrictions as service
from app.services.alerts import raise_due_alerts
from app.services.catalog import settings_for
from app.services.rebuild import Mode, rebuild
from tests.api.conftest import register

pytestmark = pytest.mark.asyncio

LANDLORD = "north-homes"
AT = datetime(2025, 12, 1, 10, tzinfo=UTC)
REASON = "Daily calls to Ursula Invented about the same closed repair."
REVIEW = date(2025, 12, 29)  # between Christmas and New Year: few working days before it


def sealing() -> SealingEventStore:
    return SealingEventStore(
        SqlEventStore(), Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    )


STORE = sealing()


async def impose(db: AsyncEngine, rid: str, resident_id: str = "R-1", **changes: object) -> None:
    fields: dict[str, object] = {
        "occurred_at": AT,
        "landlord": LANDLORD,
        "resident_id": resident_id,
        "measures": (Measure.single_point_of_contact, Measure.set_times),
        "contact_person": "Ursula Invented",
        "channels": (ContactMethod.letter,),
        "times": "Mondays 9 to 11",
        "reason": REASON,
        "review_due": REVIEW,
    } | changes
    async with db.begin() as conn:
        await register(conn, LANDLORD)
        await service.execute(conn, STORE, rid, Impose(**fields), metadata={}, now=AT)  # type: ignore[arg-type]


async def alerts_of(db: AsyncEngine, rid: str) -> list[tuple[object, ...]]:
    async with reading(db) as conn:
        stream = await STORE.read_stream(conn, restriction_stream(rid))
    return [
        (e.data["alert"], e.data["working_days_before"], e.data["point_date"])
        for e in stream
        if e.type == "restriction_review_alert_raised"
    ]


async def test_the_review_alerts_on_its_points_and_on_its_day(db: AsyncEngine) -> None:
    await impose(db, "r-alerts")
    async with reading(db) as conn:
        settings = await settings_for(conn, LANDLORD)
    expected = points(REVIEW, settings.policy, settings.calendar)
    # Working days are counted on the landlord's calendar: no point falls on a bank holiday.
    assert not any(p.on in (date(2025, 12, 25), date(2025, 12, 26)) for p in expected[:-1])
    assert expected[-1].on == date(2025, 12, 30)  # overdue the day after
    before = datetime.combine(expected[0].on - timedelta(days=1), datetime.min.time(), UTC)
    assert await raise_due_alerts(db, STORE, now=before + timedelta(hours=12)) == 0
    raised = []
    for point in expected:
        noon = datetime.combine(point.on, datetime.min.time(), UTC) + timedelta(hours=12)
        assert await raise_due_alerts(db, STORE, now=noon) == 1
        assert await raise_due_alerts(db, STORE, now=noon) == 0  # once
        kind = "due_soon" if point.working_days_before is not None else "breached"
        raised.append((kind, point.working_days_before, point.on.isoformat()))
    assert await alerts_of(db, "r-alerts") == raised
    # "Alerts on its day": the review date itself is a point (0 working days before it).
    assert ("due_soon", 0, REVIEW.isoformat()) in raised
    async with reading(db) as conn:
        left = await conn.scalar(
            sa.select(restrictions.c.alert_due_on).where(restrictions.c.id == "r-alerts")
        )
        assert left is None
        assert (await verify(conn)).ok


async def test_sealed_at_rest_erased_with_its_keys_and_past_retention_once_ended(
    db: AsyncEngine,
) -> None:
    await impose(db, "r-sealed", resident_id="R-2")
    async with db.connect() as conn:
        stored = "\n".join(str(r) for r in await conn.execute(sa.text("SELECT * FROM events")))
    for secret in ("Daily calls", "Mondays 9"):
        assert secret not in stored
    later = datetime(2032, 1, 5, tzinfo=UTC)
    async with reading(db) as conn:
        assert "r-sealed" not in await service.past_retention(conn, now=later)  # in force
    async with db.begin() as conn:
        ended = End(occurred_at=AT + timedelta(days=3), reason=EndReason.withdrawn)
        await service.execute(
            conn, STORE, "r-sealed", ended, metadata={}, now=AT + timedelta(days=3)
        )
    async with reading(db) as conn:
        assert "r-sealed" in await service.past_retention(conn, now=later)
    async with db.begin() as conn:
        done = await service.erase(
            conn, STORE, STORE.keyring, ["r-sealed"], reason=ErasureReason.retention,
            metadata={}, now=later,
        )  # fmt: skip
    assert (done.restrictions, done.keys_destroyed) == (["r-sealed"], 1)
    async with reading(db) as conn:
        found = await service.load(conn, STORE, "r-sealed")
        assert found is not None
        assert found.events[0].data["reason"] == "[erased]"
        assert found.state.erased_at is not None
        assert "r-sealed" not in await service.past_retention(conn, now=later)
        assert (await verify(conn)).ok


async def test_rebuilt_from_its_events_and_anchored_for_the_audit(db: AsyncEngine) -> None:
    await impose(db, "r-rebuilt", resident_id="R-3")
    async with db.begin() as conn:
        await conn.execute(sa.update(restrictions).values(in_force=False, alert_due_on=None))
    async with reading(db) as conn:
        found = await rebuild(conn, Mode.check)
    assert found.restrictions == 1
    assert [(d.subject, d.kind) for d in found.listed] == [
        (restriction_stream("r-rebuilt"), "changed")
    ]
    assert set(found.listed[0].columns) == {"in_force", "alert_due_on"}
    async with db.begin() as conn:
        await rebuild(conn, Mode.apply)
    async with reading(db) as conn:
        assert (await rebuild(conn, Mode.check)).equal
    async with db.begin() as conn:
        await conn.execute(sa.delete(restrictions))
    async with reading(db) as conn:
        report = await verify(conn)
    assert not report.ok
    assert report.first[Kind.inserted].stream_id == restriction_stream("r-rebuilt")
