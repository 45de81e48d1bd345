"""`verify` against a database tampered with directly in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.audit.findings import Finding, Kind, VerifyReport
from app.audit.verify import verify
from app.cli import cli
from app.db import reading
from app.demo.load import load_demo
from app.events.hashing import event_hash
from app.events.scan import snapshot
from app.events.sql import SqlEventStore
from app.events.tables import events

pytestmark = pytest.mark.asyncio

LANDLORD = "north-homes"
OTHER = "south-homes"


async def populate(db: AsyncEngine, landlord: str = LANDLORD) -> None:
    await load_demo(db, SqlEventStore(), landlord=landlord, copies=1)


async def check(db: AsyncEngine, landlord: str | None = None) -> VerifyReport:
    async with reading(db) as conn:
        # A small batch so that streams straddle batches.
        return await verify(conn, landlord=landlord, batch_size=7)


async def row(db: AsyncEngine, *, min_events: int = 3, last: bool = False) -> sa.Row[tuple]:  # type: ignore[type-arg]
    """The second event (or the last one) of the first stream with at least `min_events`."""
    async with db.connect() as conn:
        stream_id = (
            await conn.execute(
                sa.select(events.c.stream_id)
                .group_by(events.c.stream_id)
                .having(sa.func.count() >= min_events)
                .order_by(events.c.stream_id)
                .limit(1)
            )
        ).scalar_one()
        query = sa.select(events).where(events.c.stream_id == stream_id)
        query = query.order_by(events.c.version.desc() if last else events.c.version)
        rows = (await conn.execute(query)).all()
    return rows[0] if last else rows[1]


async def execute(db: AsyncEngine, *statements: sa.Executable) -> None:
    async with db.begin() as conn:
        for statement in statements:
            await conn.execute(statement)


def only(report: VerifyReport, kind: Kind) -> Finding:
    assert not report.ok
    assert list(report.first) == [kind], report.findings()
    return report.first[kind]


async def test_an_untampered_log_verifies_clean(db: AsyncEngine) -> None:
    await populate(db)
    await populate(db, OTHER)
    report = await check(db)
    assert report.ok, report.findings()
    async with db.connect() as conn:
        count = (await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar_one()
        complaints = (await conn.execute(sa.text("SELECT count(*) FROM complaints"))).scalar_one()
        landlords = (await conn.execute(sa.text("SELECT count(*) FROM landlords"))).scalar_one()
        feedback = (await conn.execute(sa.text("SELECT count(*) FROM feedback"))).scalar_one()
        restricted = (await conn.execute(sa.text("SELECT count(*) FROM restrictions"))).scalar_one()
    assert report.events == report.last_position == count
    assert feedback > 0  # the demo's compliments, comments and enquiries: streams of their own
    assert restricted == 4  # and its contact restrictions, two for each landlord
    assert report.streams == complaints + landlords + feedback + restricted
    assert landlords == 2
    assert report.findings() == []


async def test_an_empty_log_verifies_clean(db: AsyncEngine) -> None:
    report = await check(db)
    assert report.ok
    assert report.events == 0
    assert report.streams == 0


async def test_altered_data_names_the_row(db: AsyncEngine) -> None:
    await populate(db)
    target = await row(db)
    await execute(
        db,
        sa.update(events)
        .where(events.c.position == target.position)
        .values(data={**target.data, "tampered": True}),
    )
    finding = only(await check(db), Kind.altered)
    assert (finding.stream_id, finding.version, finding.position) == (
        target.stream_id,
        target.version,
        target.position,
    )


async def test_altered_time_names_the_row(db: AsyncEngine) -> None:
    await populate(db)
    target = await row(db)
    await execute(
        db,
        sa.update(events)
        .where(events.c.position == target.position)
        .values(recorded_at=target.recorded_at.replace(year=2020)),
    )
    finding = only(await check(db), Kind.altered)
    assert finding.position == target.position


async def test_a_deleted_middle_row_names_the_missing_version_and_position(
    db: AsyncEngine,
) -> None:
    await populate(db)
    target = await row(db)
    await execute(db, sa.delete(events).where(events.c.position == target.position))
    report = await check(db)
    finding = only(report, Kind.deleted)
    assert (finding.stream_id, finding.version, finding.position) == (
        target.stream_id,
        target.version,
        None,
    )
    assert report.first_missing_position == target.position
    assert report.missing_positions == 1


async def test_a_deleted_last_row_is_caught_by_the_projection_anchor(db: AsyncEngine) -> None:
    await populate(db)
    async with db.connect() as conn:
        last = (await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar_one()
        target = (await conn.execute(sa.select(events).where(events.c.position == last))).one()
    # The very last event of the log: the chain that is left is valid, but the counter gave its
    # position out.
    await execute(db, sa.delete(events).where(events.c.position == last))
    report = await check(db)
    assert (report.first_missing_position, report.missing_positions) == (last, 1)
    finding = only(report, Kind.deleted)
    assert (finding.stream_id, finding.version) == (target.stream_id, target.version)


async def test_a_deleted_last_row_of_a_stream_mid_log(db: AsyncEngine) -> None:
    await populate(db)
    target = await row(db, last=True)
    await execute(db, sa.delete(events).where(events.c.position == target.position))
    finding = only(await check(db), Kind.deleted)
    assert (finding.stream_id, finding.version) == (target.stream_id, target.version)


async def test_a_forged_row_with_a_valid_hash_is_inserted(db: AsyncEngine) -> None:
    await populate(db)
    head = await row(db, last=True)
    async with db.connect() as conn:
        position = (await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar_one() + 1
    forged = {
        "stream_id": head.stream_id,
        "version": head.version + 1,
        "type": "note_added",
        "schema_version": 1,
        "data": {"text": "forged", "visibility": "internal"},
        "metadata": {"actor": "mallory"},
        "occurred_at": head.occurred_at,
        "recorded_at": head.recorded_at,
    }
    hash_ = event_hash(previous_hash=head.hash, **forged)
    await execute(
        db,
        sa.insert(events).values(position=position, hash=hash_, previous_hash=head.hash, **forged),
    )
    finding = only(await check(db), Kind.inserted)
    assert (finding.stream_id, finding.version, finding.position) == (
        head.stream_id,
        head.version + 1,
        position,
    )


async def test_a_forged_stream_is_inserted(db: AsyncEngine) -> None:
    await populate(db)
    head = await row(db, last=True)
    async with db.connect() as conn:
        position = (await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar_one() + 1
    await execute(
        db,
        sa.insert(events).values(
            position=position,
            stream_id="forged-stream",
            version=1,
            type=head.type,
            schema_version=1,
            data=head.data,
            metadata=head.metadata,
            occurred_at=head.occurred_at,
            recorded_at=head.recorded_at,
            hash="0" * 64,
            previous_hash=None,
        ),
    )
    finding = only(await check(db), Kind.inserted)
    assert (finding.stream_id, finding.position) == ("forged-stream", position)


async def test_a_broken_link_is_inserted(db: AsyncEngine) -> None:
    await populate(db)
    target = await row(db)
    await execute(
        db,
        sa.update(events)
        .where(events.c.position == target.position)
        .values(previous_hash="f" * 64),
    )
    finding = only(await check(db), Kind.inserted)
    assert finding.position == target.position


async def test_swapped_positions_are_reordered(db: AsyncEngine) -> None:
    await populate(db)
    second = await row(db)
    async with db.connect() as conn:
        first = (
            await conn.execute(
                sa.select(events).where(
                    events.c.stream_id == second.stream_id, events.c.version == 1
                )
            )
        ).one()
        spare = (await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar_one() + 1
    where = events.c.position
    await execute(
        db,
        sa.update(events).where(where == first.position).values(position=spare),
        sa.update(events).where(where == second.position).values(position=first.position),
        sa.update(events).where(where == spare).values(position=second.position),
    )
    report = await check(db)
    assert report.positions_ok
    finding = only(report, Kind.reordered)
    assert (finding.stream_id, finding.version, finding.position) == (
        second.stream_id,
        2,
        first.position,
    )


async def test_each_kind_at_once_is_named(db: AsyncEngine) -> None:
    await populate(db)
    target = await row(db)
    await execute(
        db,
        sa.update(events).where(events.c.position == target.position).values(data={"x": 1}),
        sa.delete(events).where(events.c.position == target.position + 1),
    )
    report = await check(db)
    assert report.first[Kind.altered].position == target.position
    assert report.first[Kind.deleted].version == target.version + 1
    assert report.counts == {Kind.altered: 1, Kind.deleted: 1}


async def test_a_landlord_sees_only_findings_about_its_complaints(db: AsyncEngine) -> None:
    await populate(db)
    await populate(db, OTHER)
    async with db.connect() as conn:
        stream_id = (
            await conn.execute(
                sa.text("SELECT id FROM complaints WHERE landlord = :l ORDER BY id LIMIT 1"),
                {"l": OTHER},
            )
        ).scalar_one()
    await execute(
        db,
        sa.update(events)
        .where(events.c.stream_id == stream_id, events.c.version == 1)
        .values(type="declined"),
    )
    mine = await check(db, LANDLORD)
    assert not mine.ok
    assert mine.first == {}
    theirs = await check(db, OTHER)
    assert theirs.first[Kind.altered].stream_id == stream_id


async def test_the_command_exits_1_and_names_the_row(db: AsyncEngine, database_url: str) -> None:
    await populate(db)
    runner = CliRunner()
    env = {"REDRESS_DATABASE_URL": database_url}
    clean = await asyncio.to_thread(runner.invoke, cli, ["verify"], env=env)
    assert clean.exit_code == 0, clean.output
    assert "verified" in clean.output
    target = await row(db)
    await execute(db, sa.update(events).where(events.c.position == target.position).values(data={}))
    # Before the checkpoint the clean run wrote: `--full` reads it again.
    tampered = await asyncio.to_thread(runner.invoke, cli, ["verify", "--full"], env=env)
    assert tampered.exit_code == 1
    assert "altered" in tampered.output
    assert str(target.position) in tampered.output
    assert target.stream_id in tampered.output  # whole, however narrow the terminal


async def test_a_whole_log_pass_reads_one_snapshot(db: AsyncEngine) -> None:
    await populate(db)
    count = sa.select(sa.func.count()).select_from(events)
    async with snapshot(db) as conn:
        before = (await conn.execute(count)).scalar_one()
        # A writer carries on while the pass runs: the pass must not see its rows.
        await load_demo(db, SqlEventStore(), landlord=OTHER, copies=1)
        assert (await conn.execute(count)).scalar_one() == before
        report = await verify(conn)
    assert report.ok
    assert report.events == before
