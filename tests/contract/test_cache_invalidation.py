"""Every change to the tables the caches hold is announced by the database itself (migration 0010),
whoever makes it, and only once committed: a notification on PostgreSQL, a new `cache_version`
on SQLite. SQLite drops a table's triggers when a batch migration rebuilds the table, so the
head's triggers are checked here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services import cache
from app.services.tables import cache_version
from tests.api.conftest import register
from tests.conftest import _asyncpg_dsn

pytestmark = pytest.mark.asyncio

TABLES = ("api_keys", "landlords", "landlord_policies")


async def test_every_cached_table_has_its_triggers(db: AsyncEngine, backend: str) -> None:
    async with db.connect() as conn:
        if backend == "postgresql":
            query = sa.text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
            expected = {(t, f"{t}_cache") for t in TABLES} | {
                (t, f"{t}_cache_truncate") for t in TABLES
            }
        else:
            query = sa.text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            expected = {
                (t, f"{t}_cache_{op}") for t in TABLES for op in ("insert", "update", "delete")
            }
        found = {(str(row[0]), str(row[1])) for row in await conn.execute(query)}
    assert expected <= found


@pytest_asyncio.fixture
async def heard(database_url: str, backend: str) -> AsyncIterator[list[str]]:
    """PostgreSQL: the payloads a listener of the caches' channel receives."""
    if backend != "postgresql":
        pytest.skip("SQLite has no notifications")
    payloads: list[str] = []
    listener = await asyncpg.connect(_asyncpg_dsn(database_url))
    await listener.add_listener(cache.CHANNEL, lambda *args: payloads.append(args[-1]))
    try:
        yield payloads
    finally:
        await listener.close()


INSERT_KEY = sa.text(
    "INSERT INTO api_keys (id, secret_hash, role, landlord, name, created_at) "
    "VALUES ('k1', 'h', 'crm', 'x', NULL, :at)"
)


async def settled(payloads: list[str]) -> list[str]:
    await asyncio.sleep(0.2)  # delivery is asynchronous; nothing more is coming
    return sorted(payloads)


async def test_changes_are_notified_at_commit_and_never_for_a_rollback(
    db: AsyncEngine, heard: list[str]
) -> None:
    at = datetime.now(UTC)
    async with db.connect() as conn, conn.begin() as transaction:
        await conn.execute(INSERT_KEY, {"at": at})
        await transaction.rollback()
    assert await settled(heard) == []
    async with db.begin() as conn:  # an operator's hand-written SQL is covered too
        await conn.execute(INSERT_KEY, {"at": at})
        await conn.execute(sa.text("UPDATE api_keys SET revoked_at = :at"), {"at": at})
        assert heard == []  # not before the commit
    assert await settled(heard) == ["key:k1"]  # the same payload twice is sent once
    heard.clear()
    async with db.begin() as conn:
        await register(conn, "north-homes")
    assert await settled(heard) == ["landlord:north-homes"]
    heard.clear()
    async with db.begin() as conn:
        await conn.execute(sa.text("DELETE FROM landlords"))
        await conn.execute(sa.text("TRUNCATE api_keys"))
    assert await settled(heard) == ["key:*", "landlord:north-homes"]


async def version(db: AsyncEngine) -> int | None:
    async with db.connect() as conn:
        found = await conn.scalar(sa.select(cache_version.c.version))
    return None if found is None else int(found)


async def test_sqlite_changes_give_the_version_a_new_value_once_committed(
    db: AsyncEngine, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL notifies instead")
    at = datetime.now(UTC)
    before = await version(db)
    async with db.connect() as conn, conn.begin() as transaction:
        await conn.execute(INSERT_KEY, {"at": at})
        await transaction.rollback()
    assert await version(db) == before
    seen = {before}
    for statement in (
        INSERT_KEY,
        sa.text("UPDATE api_keys SET revoked_at = :at"),
        sa.text("DELETE FROM api_keys"),
    ):
        async with db.begin() as conn:
            await conn.execute(statement, {"at": at})
        now = await version(db)
        assert now not in seen
        seen.add(now)
    async with db.begin() as conn:
        await register(conn, "north-homes")
    assert await version(db) not in seen
