"""Signed checkpoints: `verify` checks what came after the last one, `verify --full` everything
against every one, on SQLite and PostgreSQL, with the database tampered with directly in SQL."""

from __future__ import annotations

import asyncio
import os

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.audit import checkpoints
from app.audit.findings import Kind, VerifyReport
from app.audit.tables import audit_checkpoints
from app.audit.verify import check, record, verify, verify_since_checkpoint
from app.cli import cli
from app.db import reading
from app.demo.load import load_demo
from app.events.hashing import event_hash
from app.events.keyring import Keyring, parse_master_key
from app.events.scan import snapshot
from app.events.sql import SqlEventStore
from app.events.store import Head, NewEvent
from app.events.tables import events
from app.projections.tables import complaints, feedback, restrictions

pytestmark = pytest.mark.asyncio

LANDLORD = "north-homes"
OTHER = "south-homes"
# The session's master key (tests/conftest.py), so the command signs with the same key.
KEY = Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"])).checkpoint_key


async def populate(db: AsyncEngine, landlord: str = LANDLORD) -> None:
    await load_demo(db, SqlEventStore(), landlord=landlord, copies=1)


async def count(db: AsyncEngine, table: sa.Table = events) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


async def execute(db: AsyncEngine, *statements: sa.Executable) -> None:
    async with db.begin() as conn:
        for statement in statements:
            await conn.execute(statement)


async def since(db: AsyncEngine, *, limit: int | None = None) -> VerifyReport:
    return await check(db, KEY, full=False, limit=limit)


async def full(db: AsyncEngine) -> VerifyReport:
    return await check(db, KEY, full=True)


async def rehash(db: AsyncEngine, position: int, data: dict[str, object]) -> str:
    """Rewrite the event at `position` with `data` and a hash recomputed to match: a rewrite the
    stream chain alone cannot see when the event is its stream's last."""
    async with db.begin() as conn:
        row = (await conn.execute(sa.select(events).where(events.c.position == position))).one()
        fields = {
            name: getattr(row, name)
            for name in ("stream_id", "version", "type", "schema_version", "metadata")
        }
        hash_ = event_hash(
            previous_hash=row.previous_hash,
            data=data,  # type: ignore[arg-type]
            occurred_at=row.occurred_at,
            recorded_at=row.recorded_at,
            **fields,
        )
        await conn.execute(
            sa.update(events).where(events.c.position == position).values(data=data, hash=hash_)
        )
        await conn.execute(
            sa.update(complaints).where(complaints.c.id == row.stream_id).values(head_hash=hash_)
        )
    return hash_


async def last_of_a_stream(db: AsyncEngine) -> sa.Row[tuple[object, ...]]:
    """The last event of the first complaint stream with at least three events."""
    async with db.connect() as conn:
        stream_id = (
            await conn.execute(
                sa.select(events.c.stream_id)
                .where(~events.c.stream_id.startswith("landlord:"))
                .group_by(events.c.stream_id)
                .having(sa.func.count() >= 3)
                .order_by(events.c.stream_id)
                .limit(1)
            )
        ).scalar_one()
        query = sa.select(events).where(events.c.stream_id == stream_id)
        return (await conn.execute(query.order_by(events.c.version.desc()).limit(1))).one()


async def test_a_clean_check_signs_a_checkpoint_and_the_next_continues_from_it(
    db: AsyncEngine,
) -> None:
    await populate(db)
    first = await since(db)  # no checkpoint yet: the full check, which signs the first
    assert first.ok, first.findings()
    assert first.full
    assert first.written == first.last_position == await count(db)
    await populate(db, OTHER)
    total = await count(db)
    second = await since(db)
    assert second.ok, (second.findings(), second.checkpoint_problems)
    assert not second.full
    assert second.start is not None
    assert second.start.position == second.checked_after == first.last_position
    # Only the events appended since were read, and the whole log is accounted for.
    assert second.checked_events == total - first.last_position
    assert second.checked_to == second.written == second.last_position == second.events == total
    # And the two landlords' streams, and the demo's compliments, comments and enquiries.
    kinds = [await count(db, table) for table in (complaints, feedback, restrictions)]
    assert second.streams == sum(kinds) + 2  # and the two landlords'
    again = await since(db)
    assert (again.checked_events, again.written, again.ok) == (0, None, True)
    whole = await full(db)
    assert whole.ok, (whole.findings(), whole.checkpoint_problems)
    assert whole.checkpoints_compared == 2


async def test_positions_swapped_across_streams_are_named_by_full(db: AsyncEngine) -> None:
    await populate(db)
    await since(db)
    async with db.connect() as conn:
        rows_ = (await conn.execute(sa.select(events).order_by(events.c.position))).all()
    # Two neighbours of different streams: swapping them leaves each stream in version order,
    # every hash and link intact and no position missing.
    a, b = next(
        (x, y)
        for x, y in zip(rows_[len(rows_) // 2 :], rows_[len(rows_) // 2 + 1 :], strict=False)
        if x.stream_id != y.stream_id
    )
    spare = rows_[-1].position + 1
    where = events.c.position
    await execute(
        db,
        sa.update(events).where(where == a.position).values(position=spare),
        sa.update(events).where(where == b.position).values(position=a.position),
        sa.update(events).where(where == spare).values(position=b.position),
    )
    async with snapshot(db) as conn:
        assert (await verify(conn)).ok  # the stream chains alone cannot see it
    assert (await since(db)).ok  # nor a check of what came after the checkpoint
    report = await full(db)
    assert not report.ok
    assert report.counts == {Kind.reordered: 2}
    moved = report.first[Kind.reordered]
    assert (moved.stream_id, moved.version, moved.position) == (
        b.stream_id,
        b.version,
        a.position,
    )
    assert f"from position {b.position}" in moved.detail
    assert f"stream {a.stream_id} version {a.version}" in moved.detail
    assert [p.position for p in report.checkpoint_problems] == [report.last_position]
    assert report.written is None  # a log with a problem is never signed
    runner = CliRunner()
    env = {"REDRESS_DATABASE_URL": str(db.url.render_as_string(hide_password=False))}
    named = await asyncio.to_thread(runner.invoke, cli, ["verify", "--full"], env=env)
    assert named.exit_code == 1
    assert "reordered" in named.output
    for text in (a.stream_id, b.stream_id, f"position {a.position}", f"position {b.position}"):
        assert text in named.output


async def test_an_edited_checkpoint_fails_its_signature(db: AsyncEngine) -> None:
    await populate(db)
    position = (await since(db)).written
    await execute(db, sa.update(audit_checkpoints).values(streams=audit_checkpoints.c.streams + 1))
    for report in (await since(db), await full(db)):
        assert not report.ok
        assert report.findings() == []
        [problem] = report.checkpoint_problems
        assert problem.position == position
        assert "signature" in problem.detail
        assert report.written is None
    runner = CliRunner()
    env = {"REDRESS_DATABASE_URL": str(db.url.render_as_string(hide_password=False))}
    refused = await asyncio.to_thread(runner.invoke, cli, ["verify"], env=env)
    assert refused.exit_code == 1
    assert f"checkpoint at position {position}" in refused.output
    assert "signature" in refused.output


async def test_edited_fingerprints_and_a_deleted_checkpoint_are_named(db: AsyncEngine) -> None:
    await populate(db)
    first = (await since(db)).written
    await populate(db, OTHER)
    second = (await since(db)).written
    assert first is not None
    assert second is not None
    await execute(
        db,
        sa.update(audit_checkpoints)
        .where(audit_checkpoints.c.position == second)
        .values(fingerprints=b"\x00" * 8 * (second - first)),
        sa.delete(audit_checkpoints).where(audit_checkpoints.c.position == first),
    )
    report = await full(db)
    assert [(p.position, "missing" in p.detail) for p in report.checkpoint_problems] == [
        (second, True),
        (second, False),
    ]
    assert "fingerprints" in report.checkpoint_problems[1].detail
    assert report.findings() == []  # the log itself is intact


async def test_tampering_before_the_checkpoint_is_found_by_full(db: AsyncEngine) -> None:
    await populate(db)
    await since(db)
    target = await last_of_a_stream(db)
    await execute(
        db, sa.update(events).where(events.c.position == target.position).values(data={"x": 1})
    )
    report = await since(db)
    assert report.ok  # nothing new since the checkpoint: nothing read
    assert report.checked_events == 0
    report = await full(db)
    assert list(report.first) == [Kind.altered]
    assert report.first[Kind.altered].position == target.position


async def test_a_log_cut_short_below_the_checkpoint_is_seen_since_it(db: AsyncEngine) -> None:
    await populate(db)
    position = (await since(db)).written
    await execute(db, sa.delete(events).where(events.c.position == position))
    report = await since(db)
    assert [p.position for p in report.checkpoint_problems] == [position]
    assert "cut short" in report.checkpoint_problems[0].detail
    assert report.written is None


async def test_a_rewrite_with_recomputed_hashes_is_found_by_full(db: AsyncEngine) -> None:
    await populate(db)
    await since(db)
    target = await last_of_a_stream(db)
    await rehash(db, target.position, {"text": "rewritten", "visibility": "internal"})
    async with snapshot(db) as conn:
        assert (await verify(conn)).ok  # every hash recomputes and every link holds
    report = await full(db)
    finding = report.first[Kind.altered]
    assert (finding.stream_id, finding.version, finding.position) == (
        target.stream_id,
        target.version,
        target.position,
    )
    assert "recomputed hash" in finding.detail


async def test_a_stream_continued_from_a_rewritten_head_is_found_since_the_checkpoint(
    db: AsyncEngine,
) -> None:
    await populate(db)
    await since(db)
    target = await last_of_a_stream(db)
    rewritten = await rehash(db, target.position, {"text": "rewritten", "visibility": "internal"})
    # An append after the checkpoint continues the stream from the rewritten head.
    async with db.begin() as conn:
        data = {"text": "later", "visibility": "internal"}
        note = NewEvent("note_added", data, target.occurred_at)
        await SqlEventStore().append(
            conn, target.stream_id, target.version, [note], head=Head(target.version, rewritten)
        )
        await conn.execute(
            sa.update(complaints)
            .where(complaints.c.id == target.stream_id)
            .values(version=target.version + 1)
        )
    report = await since(db)
    assert report.checked_events == 1
    assert list(report.first) == [Kind.altered]
    assert report.first[Kind.altered].position == target.position
    assert "last checkpoint" in report.first[Kind.altered].detail


async def test_new_events_tampered_after_the_checkpoint_are_found_by_the_check_since(
    db: AsyncEngine,
) -> None:
    await populate(db)
    checkpointed = (await since(db)).written
    assert checkpointed is not None
    await populate(db, OTHER)
    last = await count(db)
    await execute(
        db,
        sa.update(events).where(events.c.position == checkpointed + 3).values(data={}),
        sa.delete(events).where(events.c.position.in_([checkpointed + 5, last])),
    )
    report = await since(db)
    assert report.first[Kind.altered].position == checkpointed + 3
    assert report.first[Kind.deleted].version >= 1
    # A deleted row after the checkpoint, and the log's last (the counter gave it out).
    assert report.first_missing_position == checkpointed + 5
    assert report.missing_positions == 2


async def test_a_bounded_check_says_up_to_which_position_and_the_next_continues(
    db: AsyncEngine,
) -> None:
    await populate(db)
    total = await count(db)
    first = await since(db, limit=5)
    assert (first.checked_after, first.checked_to, first.events, first.written) == (0, 5, 5, 5)
    assert first.last_position == total
    second = await since(db, limit=5)
    assert (second.checked_after, second.checked_to, second.written) == (5, 10, 10)
    rest = await since(db)
    assert (rest.checked_after, rest.checked_to, rest.ok) == (10, total, True)
    assert (await full(db)).ok


async def test_two_checks_racing_from_one_checkpoint_write_one(db: AsyncEngine) -> None:
    await populate(db)
    async with snapshot(db) as conn:
        one = await verify_since_checkpoint(conn, key=KEY, limit=4)
        other = await verify_since_checkpoint(conn, key=KEY, limit=7)
    await record(db, one)
    await record(db, other)
    assert (one.written, other.written) == (4, None)
    async with reading(db) as conn:
        assert [c.position for c in await checkpoints.every(conn)] == [4]
