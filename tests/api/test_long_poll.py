"""Long polling on the feed: `GET /v1/events?after=P&wait=S` answers as soon as there is an event
after P (a write of this process wakes it at once, another process's within half a second), and
with nothing new after S seconds, empty; a deadline starts after the wait asked for."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.sql import SqlEventStore
from app.events.store import NewEvent
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def head(client: httpx.AsyncClient, crm: dict[str, str]) -> int:
    page = (await client.get("/v1/events", params={"limit": 1000}, headers=crm)).json()
    return int(page["next_after"])


async def test_a_waiting_follower_gets_the_next_event_as_soon_as_it_is_written(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    complaint = await log(client, crm)
    after = await head(client, crm)
    started = time.monotonic()
    waiting = asyncio.ensure_future(
        client.get("/v1/events", params={"after": after, "wait": 20}, headers=crm)
    )
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await append(client, crm, complaint["id"], "acknowledged", "2025-12-22T10:00:00Z")
    page = (await waiting).json()
    assert [e["type"] for e in page["items"]] == ["acknowledged"]
    assert time.monotonic() - started < 5  # woken by the write, not by the end of the wait


async def test_with_nothing_new_it_answers_empty_after_the_wait(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    await log(client, crm)
    after = await head(client, crm)
    started = time.monotonic()
    page = (await client.get("/v1/events", params={"after": after, "wait": 1}, headers=crm)).json()
    assert page == {"items": [], "next_after": after}
    assert 0.9 <= time.monotonic() - started < 5
    # With something already there it does not wait at all.
    started = time.monotonic()
    ready = await client.get("/v1/events", params={"after": 0, "wait": 20}, headers=crm)
    assert ready.json()["items"]
    assert time.monotonic() - started < 5


async def test_another_processs_write_is_seen_while_waiting(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    complaint = await log(client, crm)
    after = await head(client, crm)
    waiting = asyncio.ensure_future(
        client.get("/v1/events", params={"after": after, "wait": 20}, headers=crm)
    )
    await asyncio.sleep(0.3)
    # Written straight to the store, as another process would: no wake-up in this one.
    note = NewEvent(
        type="note_added",
        data={"text": "Called back.", "visibility": "internal"},
        occurred_at=datetime.now(UTC),
    )
    started = time.monotonic()
    async with db.begin() as conn:
        await SqlEventStore().append(conn, complaint["id"], complaint["version"], [note])
    page = (await waiting).json()
    assert [e["type"] for e in page["items"]] == ["note_added"]
    assert time.monotonic() - started < 5
