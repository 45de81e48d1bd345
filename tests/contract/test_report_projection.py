"""The reporting projection: written with every append, rebuilt equal from the events alone, and
kept true when a landlord's calendar changes; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.demo.load import load_demo
from app.domain.complaint.commands import LogComplaint
from app.domain.landlord.commands import ChangeLandlord, RegisterLandlord
from app.events.sql import SqlEventStore
from app.projections.reports import TABLES
from app.projections.tables import report_complaints, report_items, report_stages
from app.services import complaints as service
from app.services import landlords
from app.services.rebuild import Mode, RebuildReport, rebuild
from tests.contract.test_rebuild_properties import log_command

pytestmark = pytest.mark.asyncio
STORE = SqlEventStore()
Snapshot = dict[str, list[dict[str, object]]]


def logged_at(received: datetime) -> LogComplaint:
    return replace(log_command(), received_at=received, occurred_at=received)


async def snapshot(db: AsyncEngine) -> Snapshot:
    async with db.connect() as conn:
        return {
            table.name: [
                dict(r._mapping)
                for r in await conn.execute(sa.select(table).order_by(*table.primary_key))
            ]
            for table in TABLES
        }


async def run(db: AsyncEngine, mode: Mode) -> RebuildReport:
    if mode is Mode.check:
        async with reading(db) as conn:
            return await rebuild(conn, mode, batch_size=5)
    async with db.begin() as conn:
        return await rebuild(conn, mode, batch_size=5)


async def test_appends_write_the_rows_the_rebuild_computes(db: AsyncEngine) -> None:
    await load_demo(db, STORE, landlord="north-homes", copies=2)
    live = await snapshot(db)
    assert len(live["report_complaints"]) > 0
    assert len(live["report_stages"]) > len(live["report_complaints"])  # some reached stage 2
    assert {row["kind"] for row in live["report_items"]} >= {"extension", "escalation_request"}
    assert (await run(db, Mode.check)).equal

    async with db.begin() as conn:
        for table in TABLES:
            await conn.execute(sa.delete(table))
    lost = await run(db, Mode.check)
    assert lost.differences == len(live["report_complaints"])
    assert all(d.kind == "changed" for d in lost.listed)
    assert all((None, "row") in d.columns.values() for d in lost.listed)
    await run(db, Mode.apply)
    assert await snapshot(db) == live


async def test_a_corrupted_row_is_named_and_fixed(db: AsyncEngine) -> None:
    await load_demo(db, STORE, landlord="north-homes", copies=1)
    live = await snapshot(db)
    target = live["report_stages"][0]
    key = (target["complaint_id"], target["seq"])
    async with db.begin() as conn:
        await conn.execute(
            sa.update(report_stages)
            .where(report_stages.c.complaint_id == key[0], report_stages.c.seq == key[1])
            .values(response_due=date(2001, 1, 1))
        )
        await conn.execute(
            sa.insert(report_items).values(
                complaint_id=key[0],
                version=999,
                kind="extension",
                occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
            )
        )
    check = await run(db, Mode.check)
    assert check.differences == 1
    assert check.listed[0].columns == {
        f"report_stages[{key}].response_due": (date(2001, 1, 1), target["response_due"]),
        f"report_items[{(key[0], 999)}]": ("row", None),
    }
    await run(db, Mode.apply)
    assert await snapshot(db) == live


async def test_rows_without_events_are_extra(db: AsyncEngine) -> None:
    await load_demo(db, STORE, landlord="north-homes", copies=1)
    live = await snapshot(db)
    forged = {**live["report_complaints"][0], "id": "no-such-stream"}
    async with db.begin() as conn:
        await conn.execute(sa.insert(report_complaints).values(**forged))
    check = await run(db, Mode.check)
    assert [(d.subject, d.kind) for d in check.listed] == [("no-such-stream", "extra")]
    await run(db, Mode.apply)
    assert await snapshot(db) == live


async def test_a_closure_day_rewrites_only_the_complaints_it_falls_within(
    db: AsyncEngine,
) -> None:
    now = datetime(2026, 2, 2, 12, 0, tzinfo=UTC)
    async with db.begin() as conn:
        await landlords.execute(
            conn,
            STORE,
            "north-homes",
            RegisterLandlord(occurred_at=now, name="North", region="england-and-wales"),
            metadata={},
            now=now,
        )
        early = await service.log_complaint(
            conn,
            STORE,
            logged_at(datetime(2025, 10, 1, 9, 0, tzinfo=UTC)),
            metadata={},
            now=now,
        )
        late = await service.log_complaint(
            conn,
            STORE,
            logged_at(datetime(2025, 12, 1, 9, 0, tzinfo=UTC)),
            metadata={},
            now=now,
        )
    before = await snapshot(db)
    async with db.begin() as conn:
        # 2 December falls within the late complaint's acknowledgement clock only.
        await landlords.execute(
            conn,
            STORE,
            "north-homes",
            ChangeLandlord(occurred_at=now, closures=(date(2025, 12, 2),)),
            metadata={},
            now=now,
        )
    after = await snapshot(db)
    stage = {row["complaint_id"]: row for row in after["report_stages"]}
    was = {row["complaint_id"]: row for row in before["report_stages"]}
    assert stage[early.id] == was[early.id]
    assert was[late.id]["acknowledgement_due"] == date(2025, 12, 8)
    assert stage[late.id]["acknowledgement_due"] == date(2025, 12, 9)
    assert (await run(db, Mode.check)).equal
