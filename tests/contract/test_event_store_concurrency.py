"""The event store under concurrent writers, on SQLite and PostgreSQL.

Each writer has its own connection and transaction. On SQLite writers queue for the database's write
lock (BEGIN IMMEDIATE + busy timeout); on PostgreSQL they race for real.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.events.hashing import verify_stream
from app.events.store import ConcurrencyError, EventStore, StoredEvent
from tests.contract.support import new_event

pytestmark = pytest.mark.asyncio

TIMEOUT_SECONDS = 120


class TestOneStream:
    @pytest.mark.parametrize("head", [0, 2])
    async def test_of_16_writers_with_the_same_expected_version_exactly_one_wins(
        self, db: AsyncEngine, store: EventStore, head: int
    ) -> None:
        if head:
            async with db.begin() as conn:
                await store.append(conn, "c-1", 0, [new_event(n) for n in range(head)])
        start = asyncio.Event()

        async def write(writer: int) -> list[StoredEvent]:
            await start.wait()
            async with db.begin() as conn:
                return await store.append(
                    conn, "c-1", head, [new_event(100 * writer + n) for n in range(3)]
                )

        tasks = [asyncio.create_task(write(w)) for w in range(16)]
        await asyncio.sleep(0)
        start.set()
        results = await asyncio.wait_for(
            asyncio.gather(*tasks, return_exceptions=True), TIMEOUT_SECONDS
        )

        winners = [r for r in results if isinstance(r, list)]
        losers = [r for r in results if isinstance(r, ConcurrencyError)]
        assert (len(winners), len(losers)) == (1, 15), results
        assert all(e.expected_version == head for e in losers)
        assert {e.actual_version for e in losers} <= {head + 3, None}
        async with db.connect() as conn:
            stream = await store.read_stream(conn, "c-1")
            last_position = await store.last_position(conn)
        assert [e.version for e in stream] == list(range(1, head + 4))
        assert stream[head:] == winners[0]
        assert last_position == head + 3
        assert verify_stream(stream) is None


class TestFeedUnderConcurrentWriters:
    async def test_a_follower_sees_every_event_once_in_order(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        writers, appends_each, page_size = 8, 50, 7
        total = writers * appends_each
        writing = True

        async def write(writer: int) -> None:
            stream_id = f"w-{writer}"
            for version in range(appends_each):
                async with db.begin() as conn:
                    await store.append(conn, stream_id, version, [new_event(version)])
                    # Keep the transaction open a moment after the position is assigned, as the
                    # projection write does: a store that handed out positions in some other
                    # order than commit order would let a later position commit first.
                    await asyncio.sleep(random.uniform(0, 0.002))
                await asyncio.sleep(random.uniform(0, 0.001))

        async def follow() -> tuple[list[StoredEvent], int]:
            seen: list[StoredEvent] = []
            seen_while_writing = 0
            after = 0
            while True:
                finished = not writing  # every append has committed before this read
                async with reading(db) as conn:
                    page = await store.feed(conn, after, page_size)
                if page:
                    seen.extend(page)
                    seen_while_writing += 0 if finished else len(page)
                    after = page[-1].position
                elif finished:
                    return seen, seen_while_writing
                else:
                    await asyncio.sleep(0.001)

        async def write_all() -> None:
            nonlocal writing
            await asyncio.gather(*(write(w) for w in range(writers)))
            writing = False

        follower = asyncio.create_task(follow())
        await asyncio.wait_for(write_all(), TIMEOUT_SECONDS)
        seen, seen_while_writing = await asyncio.wait_for(follower, TIMEOUT_SECONDS)

        positions = [e.position for e in seen]
        assert positions == list(range(1, total + 1))  # each once, in order, none skipped
        assert {(e.stream_id, e.version) for e in seen} == {
            (f"w-{w}", v) for w in range(writers) for v in range(1, appends_each + 1)
        }
        # The follower really ran alongside the writers (otherwise this proves nothing).
        assert seen_while_writing >= total // 4
        async with reading(db) as conn:
            assert await store.feed(conn, total, page_size) == []
            assert seen == await store.feed(conn, 0, total)

    async def test_an_append_waits_for_the_open_one_and_is_positioned_after_it(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        async with db.begin() as conn:
            await store.append(conn, "c-0", 0, [new_event(0)])

        async def second() -> list[StoredEvent]:
            async with db.begin() as conn:
                return await store.append(conn, "c-2", 0, [new_event(2)])

        async with db.begin() as first_conn:
            (first,) = await store.append(first_conn, "c-1", 0, [new_event(1)])
            later = asyncio.create_task(second())
            await asyncio.sleep(0.3)
            # The second append is held back until the first commits ...
            assert not later.done()
            # ... and a follower meanwhile sees nothing past what has committed.
            async with reading(db) as conn:
                assert [e.position for e in await store.feed(conn, 0, 10)] == [1]
        (after,) = await asyncio.wait_for(later, TIMEOUT_SECONDS)

        assert (first.position, after.position) == (2, 3)
        async with reading(db) as conn:
            assert [e.stream_id for e in await store.feed(conn, 0, 10)] == ["c-0", "c-1", "c-2"]
