"""The deadline alert scheduler (app/services/alerts.py) on SQLite and PostgreSQL: each alert once,
across passes, concurrent passes and restarts; nothing for met clocks; bank holidays skipped. Time
is injected (`now=`); nothing sleeps. Every person is made up."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.verify import verify
from app.db import create_engine, reading
from app.domain.complaint.commands import Acknowledge
from app.domain.complaint.events import ContactMethod
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sql import SqlEventStore
from app.projections.tables import complaints
from app.services import complaints as service
from app.services import current
from app.services.alerts import ACTOR, raise_due_alerts
from app.services.rebuild import Mode, rebuild
from tests.api.conftest import register
from tests.unit.scenario import log_complaint, uk

pytestmark = pytest.mark.asyncio

LANDLORD = "riverside"  # the scenario's commands are for this landlord


def sealing() -> SealingEventStore:
    return SealingEventStore(
        SqlEventStore(), Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    )


async def log(db: AsyncEngine, store: SealingEventStore, received: datetime, n: int = 1) -> str:
    async with db.begin() as conn:
        await register(conn, LANDLORD)
        command = replace(log_complaint(received), reference=f"HOC-{n:04d}")
        logged = await service.log_complaint(
            conn, store, command, metadata={"actor": "test"}, now=received
        )
    return logged.id


async def alerts_of(
    db: AsyncEngine, store: SealingEventStore, complaint_id: str
) -> list[tuple[object, ...]]:
    async with reading(db) as conn:
        stream = await store.read_stream(conn, complaint_id)
    return [
        (e.data["clock"], e.data["alert"], e.data["working_days_before"], e.data["point_date"])
        for e in stream
        if e.type == "deadline_alert_raised"
    ]


async def alert_due_on(db: AsyncEngine, complaint_id: str) -> date | None:
    async with reading(db) as conn:
        found = await conn.scalar(
            sa.select(complaints.c.alert_due_on).where(complaints.c.id == complaint_id)
        )
    return found if found is None or isinstance(found, date) else date.fromisoformat(str(found))


async def test_unacknowledged_past_its_due_date_raises_exactly_one_breach_alert(
    db: AsyncEngine,
) -> None:
    store = sealing()
    # Received Monday 2 March 2026: acknowledge by Monday 9 March. Nobody did.
    complaint_id = await log(db, store, uk(2026, 3, 2, 9))
    counts = [await raise_due_alerts(db, store, now=uk(2026, 3, 12, h)) for h in (8, 9, 10)]
    assert counts == [1, 0, 0]
    assert await alerts_of(db, store, complaint_id) == [
        ("acknowledgement", "breached", None, "2026-03-10")
    ]
    async with reading(db) as conn:
        stream = await store.read_stream(conn, complaint_id)
        assert stream[-1].metadata["actor"] == ACTOR
        assert (await verify(conn)).ok
        # The row the alert's append wrote is the row a rebuild makes.
        assert (await rebuild(conn, Mode.check, keyring=store.keyring)).equal
    # The response, provisionally due 23 March, is warned on 19 March.
    assert await alert_due_on(db, complaint_id) == date(2026, 3, 19)


async def test_concurrent_passes_raise_each_alert_once(db: AsyncEngine) -> None:
    store = sealing()
    ids = [await log(db, store, uk(2026, 3, 2, 9), n) for n in range(1, 6)]
    counts = await asyncio.gather(
        *(raise_due_alerts(db, store, now=uk(2026, 3, 12), batch=2) for _ in range(4))
    )
    # A pass that lost a race skips the complaint; the next pass decides again from the log.
    counts.append(await raise_due_alerts(db, store, now=uk(2026, 3, 12)))
    assert sum(counts) == len(ids)
    for complaint_id in ids:
        assert await alerts_of(db, store, complaint_id) == [
            ("acknowledgement", "breached", None, "2026-03-10")
        ]


async def test_due_soon_then_breached_each_once_across_days(db: AsyncEngine) -> None:
    store = sealing()
    complaint_id = await log(db, store, uk(2026, 3, 2, 9))
    assert await alert_due_on(db, complaint_id) == date(2026, 3, 5)
    days = [(4, 0), (5, 1), (5, 0), (6, 0), (9, 1), (9, 0), (10, 1), (11, 0)]
    for day, expected in days:
        assert await raise_due_alerts(db, store, now=uk(2026, 3, day, 7)) == expected, day
    assert await alerts_of(db, store, complaint_id) == [
        ("acknowledgement", "due_soon", 2, "2026-03-05"),
        ("acknowledgement", "due_soon", 0, "2026-03-09"),
        ("acknowledgement", "breached", None, "2026-03-10"),
    ]


async def test_nothing_for_a_met_clock_and_a_restart_raises_nothing_again(
    db: AsyncEngine, database_url: str
) -> None:
    store = sealing()
    complaint_id = await log(db, store, uk(2026, 3, 2, 9))
    async with db.begin() as conn:
        writable = await current.for_write(conn, store, complaint_id)
        assert writable is not None
        command = Acknowledge(occurred_at=uk(2026, 3, 4), method=ContactMethod.email, summary=None)
        pending = await service.prepare_record(
            conn, store, writable, command, if_match=None, metadata={"actor": "test"},
            now=uk(2026, 3, 4),
        )  # fmt: skip
        await pending.commit()
    # Acknowledged on the 4th: the response is due 18 March, warned on the 16th.
    assert await alert_due_on(db, complaint_id) == date(2026, 3, 16)
    assert await raise_due_alerts(db, store, now=uk(2026, 3, 12)) == 0
    assert await raise_due_alerts(db, store, now=uk(2026, 3, 16)) == 1
    # A new process: a new engine and store, nothing remembered but the log.
    engine = create_engine(database_url)
    try:
        assert await raise_due_alerts(engine, sealing(), now=uk(2026, 3, 17)) == 0
    finally:
        await engine.dispose()
    assert await alerts_of(db, store, complaint_id) == [("response", "due_soon", 2, "2026-03-16")]


async def test_a_row_sent_by_the_migration_is_recomputed_once(db: AsyncEngine) -> None:
    store = sealing()
    complaint_id = await log(db, store, uk(2026, 3, 2, 9))
    async with db.begin() as conn:
        await conn.execute(
            sa.update(complaints)
            .where(complaints.c.id == complaint_id)
            .values(alert_due_on=date(2000, 1, 1))
        )
    assert await raise_due_alerts(db, store, now=uk(2026, 3, 3)) == 0
    assert await alert_due_on(db, complaint_id) == date(2026, 3, 5)


async def test_bank_holidays_christmas_new_year_easter(db: AsyncEngine) -> None:
    store = sealing()
    # Acknowledge by 30 December 2025 (Christmas, Boxing Day skipped), by 2 January 2026 (New
    # Year's Day), by 8 April 2026 (Good Friday, Easter Monday).
    christmas = await log(db, store, uk(2025, 12, 19), 1)
    new_year = await log(db, store, uk(2025, 12, 23), 2)
    easter = await log(db, store, uk(2026, 3, 30), 3)
    for day in (
        uk(2025, 12, 23, 18),
        uk(2025, 12, 24, 7),
        uk(2025, 12, 29, 7),
        uk(2025, 12, 30, 7),
        uk(2026, 1, 2, 7),
        uk(2026, 1, 3, 7),
        uk(2026, 4, 2, 7),
    ):
        await raise_due_alerts(db, store, now=day)
    assert (await alerts_of(db, store, christmas))[:2] == [
        ("acknowledgement", "due_soon", 2, "2025-12-24"),
        ("acknowledgement", "due_soon", 0, "2025-12-30"),
    ]
    assert (await alerts_of(db, store, new_year))[:3] == [
        ("acknowledgement", "due_soon", 2, "2025-12-30"),
        ("acknowledgement", "due_soon", 0, "2026-01-02"),
        ("acknowledgement", "breached", None, "2026-01-03"),
    ]
    assert (await alerts_of(db, store, easter))[:1] == [
        ("acknowledgement", "due_soon", 2, "2026-04-02"),
    ]


def alerts_run(database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "alerts", "run"],
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


async def test_redress_alerts_run_is_one_pass(db: AsyncEngine, database_url: str) -> None:
    store = sealing()
    # Received 40 days ago and never acknowledged: by now both its clocks have breached.
    complaint_id = await log(db, store, datetime.now(UTC) - timedelta(days=40))
    assert "raised 2 deadline alert(s)" in alerts_run(database_url)
    assert "raised 0 deadline alert(s)" in alerts_run(database_url)
    assert [a[:2] for a in await alerts_of(db, store, complaint_id)] == [
        ("acknowledgement", "breached"),
        ("response", "breached"),
    ]


async def test_a_pass_whose_clock_is_behind_the_last_fact_judges_at_that_fact(
    db: AsyncEngine,
) -> None:
    store = sealing()
    complaint_id = await log(db, store, uk(2026, 3, 2, 9))
    async with db.begin() as conn:
        writable = await current.for_write(conn, store, complaint_id)
        assert writable is not None
        late = Acknowledge(
            occurred_at=uk(2026, 3, 12, 10), method=ContactMethod.email, summary=None
        )
        pending = await service.prepare_record(
            conn, store, writable, late, if_match=None, metadata={"actor": "test"},
            now=uk(2026, 3, 12, 10),
        )  # fmt: skip
        await pending.commit()
    # A scheduler on a machine a second behind: the acknowledgement has happened all the same.
    assert await raise_due_alerts(db, store, now=uk(2026, 3, 12, 9, 59)) == 0
    assert await alerts_of(db, store, complaint_id) == []
