"""The hot path stays lean: what one request sends to the database, counted on the app's engine
(`bench/round_trips.py`), once its caches are warm. A change that adds a statement to an append, a
log or a read fails here first; raise a number only on purpose, with the bench's figures in the
commit."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.http_appends import prepare_redress
from bench.round_trips import Cost, measure

pytestmark = pytest.mark.asyncio

# request -> (statements, BEGIN + COMMIT, connection checkouts) at most, on PostgreSQL.
POSTGRESQL = {
    "append": (2, 0, 1),  # the complaint row with its key; the one statement that appends
    "append, idempotent": (3, 0, 1),  # and the look-up of the Idempotency-Key
    "log": (2, 0, 1),  # the reference number; the one statement that appends
    "get": (1, 0, 1),  # the complaint row with its wrapped key
    "list": (2, 2, 1),  # a page of ids, then their rows with their keys, in one snapshot
    "log, portal": (2, 0, 1),  # a resident's portal logs as a CRM does
    "resident append": (2, 0, 1),  # and appends as a CRM does, at its own door
}


async def costs(database_url: str) -> dict[str, Cost]:
    token = await prepare_redress(database_url)
    return await measure(database_url, token)


async def test_an_append_is_one_read_and_one_write(database_url: str, db: AsyncEngine) -> None:
    found = await costs(database_url)
    if db.dialect.name != "postgresql":
        # SQLite: its statements are calls, not round trips. The write is one transaction; the
        # key check reads the cache's version in a read-only one of its own.
        for request in ("append", "log", "get", "resident append"):
            assert found[request].begins <= 2, (request, found[request])
        return
    for request, (statements, transaction, checkouts) in POSTGRESQL.items():
        cost = found[request]
        assert cost.statements <= statements, (request, cost)
        assert cost.begins + cost.commits <= transaction, (request, cost)
        assert cost.checkouts <= checkouts, (request, cost)
