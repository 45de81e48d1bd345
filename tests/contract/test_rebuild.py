"""Rebuilding the complaint projection from the events alone, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.cli import cli
from app.db import reading
from app.demo.load import load_demo
from app.events.sql import SqlEventStore
from app.projections.tables import complaints
from app.services.rebuild import Difference, Mode, RebuildReport, rebuild

pytestmark = pytest.mark.asyncio


async def populate(db: AsyncEngine) -> None:
    for landlord in ("north-homes", "south-homes"):
        await load_demo(db, SqlEventStore(), landlord=landlord, copies=2)


async def run(db: AsyncEngine, mode: Mode) -> RebuildReport:
    seen: list[int] = []
    if mode is Mode.check:
        async with reading(db) as conn:
            report = await rebuild(conn, mode, batch_size=7, progress=seen.append)
    else:
        async with db.begin() as conn:
            report = await rebuild(conn, mode, batch_size=7, progress=seen.append)
    assert sum(seen) == report.events
    return report


async def table(db: AsyncEngine) -> list[dict[str, object]]:
    async with db.connect() as conn:
        rows = await conn.execute(sa.select(complaints).order_by(complaints.c.id))
        return [dict(row._mapping) for row in rows]


async def test_the_rebuild_of_a_populated_log_equals_the_live_projection(
    db: AsyncEngine,
) -> None:
    await populate(db)
    live = await table(db)
    report = await run(db, Mode.check)
    assert report.equal, report.listed
    assert report.complaints == len(live) > 0
    assert report.events > report.complaints
    applied = await run(db, Mode.apply)
    assert applied.equal
    assert await table(db) == live


async def test_an_empty_log_rebuilds_to_nothing(db: AsyncEngine) -> None:
    report = await run(db, Mode.check)
    assert report.equal
    assert (report.events, report.complaints) == (0, 0)


async def test_a_lost_projection_is_rebuilt_from_the_events(db: AsyncEngine) -> None:
    await populate(db)
    live = await table(db)
    async with db.begin() as conn:
        await conn.execute(sa.delete(complaints))
    check = await run(db, Mode.check)
    assert check.differences == len(live)
    assert {d.kind for d in check.listed} == {"missing"}
    await run(db, Mode.apply)
    assert await table(db) == live


async def test_a_corrupted_row_is_reported_by_check_and_fixed_by_apply(db: AsyncEngine) -> None:
    await populate(db)
    live = await table(db)
    target = next(row for row in live if row["status"] == "open" and row["sla_due"] is not None)
    async with db.begin() as conn:
        await conn.execute(
            sa.update(complaints)
            .where(complaints.c.id == target["id"])
            .values(status="closed", sla_due=date(2001, 1, 1))
        )
    check = await run(db, Mode.check)
    assert check.listed == [
        Difference(
            str(target["id"]),
            "changed",
            {"status": ("closed", "open"), "sla_due": (date(2001, 1, 1), target["sla_due"])},
        )
    ]
    assert (await run(db, Mode.check)).differences == 1  # check wrote nothing
    applied = await run(db, Mode.apply)
    assert applied.differences == 1
    assert await table(db) == live
    assert (await run(db, Mode.check)).equal


async def test_a_row_without_events_is_extra_and_removed(db: AsyncEngine) -> None:
    await populate(db)
    live = await table(db)
    forged = {**live[0], "id": "no-such-stream", "reference": "FORGED-1"}
    async with db.begin() as conn:
        await conn.execute(sa.insert(complaints).values(**forged))
    check = await run(db, Mode.check)
    assert check.listed == [Difference("no-such-stream", "extra")]
    await run(db, Mode.apply)
    assert await table(db) == live


async def test_the_command(db: AsyncEngine, database_url: str) -> None:
    await populate(db)
    async with db.begin() as conn:
        await conn.execute(sa.update(complaints).values(handler="someone.else"))
    runner = CliRunner()
    env = {"REDRESS_DATABASE_URL": database_url}
    check = await asyncio.to_thread(runner.invoke, cli, ["rebuild", "--check"], env=env)
    assert check.exit_code == 1, check.output
    assert "difference(s) found" in check.output
    applied = await asyncio.to_thread(runner.invoke, cli, ["rebuild"], env=env)
    assert applied.exit_code == 0, applied.output
    again = await asyncio.to_thread(runner.invoke, cli, ["rebuild", "--check"], env=env)
    assert again.exit_code == 0, again.output
    assert "equals the rebuild" in again.output
