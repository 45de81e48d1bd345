"""Expiry of idempotency records: lookups ignore an expired record, and the purge (scheduled in
the service, or `redress idempotency purge`) deletes the expired ones and only those."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import create_engine
from app.main import create_app
from app.services import idempotency
from app.services.idempotency import StoredResponse
from app.services.tables import idempotency_records
from app.settings import Settings
from tests.conftest import LOG_TAP

pytestmark = pytest.mark.asyncio

DAY = timedelta(hours=24)
NOW = datetime.now(UTC)


async def remembered(db: AsyncEngine, key: str, *, at: datetime) -> None:
    response = StoredResponse("request-hash", 200, b'{"id": "north-homes"}', {"ETag": '"1"'})
    async with db.begin() as conn:
        await idempotency.remember(conn, None, "key-1", key, response, ttl=DAY, now=at)


async def keys_left(db: AsyncEngine) -> int:
    async with db.connect() as conn:
        count = await conn.scalar(sa.select(sa.func.count()).select_from(idempotency_records))
    return int(count or 0)


async def test_a_lookup_ignores_an_expired_record(db: AsyncEngine) -> None:
    await remembered(db, "old", at=NOW - DAY - timedelta(seconds=1))
    await remembered(db, "new", at=NOW - DAY + timedelta(minutes=1))
    async with db.connect() as conn:
        assert await idempotency.find(conn, None, "key-1", "old", now=NOW) is None
        found = await idempotency.find(conn, None, "key-1", "new", now=NOW)
        assert found is not None
        assert found.body == b'{"id": "north-homes"}'
        assert found.headers == {"ETag": '"1"'}
        # Up to the moment it expires, and no longer.
        expires = NOW + timedelta(minutes=1)
        just_before = expires - timedelta(microseconds=1)
        assert await idempotency.find(conn, None, "key-1", "new", now=just_before) is not None
        assert await idempotency.find(conn, None, "key-1", "new", now=expires) is None


async def test_an_expired_key_can_be_remembered_again(db: AsyncEngine) -> None:
    await remembered(db, "reused", at=NOW - 2 * DAY)
    await remembered(db, "reused", at=NOW)
    async with db.connect() as conn:
        found = await idempotency.find(conn, None, "key-1", "reused", now=NOW)
    assert found is not None
    assert found.created_at == NOW
    assert await keys_left(db) == 1


async def test_the_purge_deletes_the_expired_records_only(db: AsyncEngine) -> None:
    for n in range(3):
        await remembered(db, f"expired-{n}", at=NOW - DAY - timedelta(hours=n))
    await remembered(db, "live", at=NOW)
    assert await idempotency.purge_expired(db, now=NOW) == 3
    assert await idempotency.purge_expired(db, now=NOW) == 0
    assert await keys_left(db) == 1


def purge_cli(database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "idempotency", "purge"],
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        capture_output=True,
        check=True,
        timeout=120,
        text=True,
    )
    return result.stdout


async def test_the_purge_command_prints_how_many_it_deleted(
    db: AsyncEngine, database_url: str
) -> None:
    await remembered(db, "expired-1", at=NOW - 2 * DAY)
    await remembered(db, "expired-2", at=NOW - DAY - timedelta(minutes=5))
    await remembered(db, "live", at=NOW)
    assert "purged 2 expired idempotency record(s)" in purge_cli(database_url)
    assert await keys_left(db) == 1
    assert "purged 0 expired idempotency record(s)" in purge_cli(database_url)


async def test_one_round_of_the_scheduled_purge(db: AsyncEngine) -> None:
    await remembered(db, "expired", at=NOW - 2 * DAY)
    await remembered(db, "live", at=NOW)
    assert await idempotency.purge_once(db) == 1
    assert await keys_left(db) == 1


async def test_the_scheduled_purge_repeats_until_cancelled(db: AsyncEngine) -> None:
    await remembered(db, "expired-first", at=NOW - 2 * DAY)
    task = asyncio.create_task(idempotency.purge_periodically(db, 0.05))
    try:
        await wait_until_none_left(db)
        await remembered(db, "expired-next", at=NOW - 2 * DAY)
        await wait_until_none_left(db)
    finally:
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def wait_until_none_left(db: AsyncEngine, *, but: int = 0) -> None:
    for _ in range(500):
        if await keys_left(db) == but:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the scheduled purge did not run")


async def test_the_service_purges_from_start_up_and_stops_at_shutdown(
    db: AsyncEngine, database_url: str
) -> None:
    await remembered(db, "expired", at=NOW - 2 * DAY)
    await remembered(db, "live", at=NOW)
    app = create_app(Settings(database_url=database_url))
    async with app.router.lifespan_context(app):
        await wait_until_none_left(db, but=1)
        [purging] = [t for t in asyncio.all_tasks() if t.get_name() == "idempotency-purge"]
        assert not purging.done()
    assert purging.cancelled()


async def test_a_failed_purge_is_logged_by_kind_and_never_raised(tmp_path: Path) -> None:
    # A database without the table: the purge fails as a broken or unmigrated database would.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    start = len(LOG_TAP.lines)
    try:
        assert await idempotency.purge_once(engine) is None
    finally:
        await engine.dispose()
    logged = LOG_TAP.lines[start:]
    assert any("idempotency purge failed (OperationalError)" in line for line in logged)
    assert not any("DELETE" in line or "expires_at" in line for line in logged)
