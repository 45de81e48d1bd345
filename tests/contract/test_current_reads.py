"""Reads of the present open the sealed state document on the projection row (ADR 0007): equal to
folding the stream, without a read of the events table, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.demo.load import load_demo
from app.domain.complaint.events.vocabulary import ErasureReason
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sealing import ERASED
from app.events.sql import SqlEventStore
from app.projections.tables import complaints
from app.services import complaints as service
from app.services import current
from app.services.erasure import erase
from app.services.rebuild import Mode, rebuild

pytestmark = pytest.mark.asyncio

LANDLORD = "north-homes"


def sealing() -> SealingEventStore:
    return SealingEventStore(
        SqlEventStore(), Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    )


@contextmanager
def statements(db: AsyncEngine) -> Iterator[list[str]]:
    """Every statement the engine sends while the block runs."""
    seen: list[str] = []

    def listen(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(db.sync_engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", listen)


def reads_events(seen: list[str]) -> bool:
    return any("from events" in " ".join(s.lower().split()) for s in seen)


async def ids(db: AsyncEngine, limit: int = 50) -> list[str]:
    async with reading(db) as conn:
        query = sa.select(complaints.c.id).order_by(complaints.c.id).limit(limit)
        return [str(row.id) for row in await conn.execute(query)]


async def assert_equal_to_the_stream(
    db: AsyncEngine, store: SealingEventStore, complaint_ids: list[str]
) -> list[str]:
    """The statements the fast read sent."""
    with statements(db) as seen:
        async with reading(db) as conn:
            fast = await current.read_many(conn, store, complaint_ids)
    assert not reads_events(seen), seen
    async with reading(db) as conn:
        slow = await service.load_many(conn, store, complaint_ids)
    assert [c.id for c in fast] == complaint_ids
    assert [(c.state, c.policy, c.calendar, c.pseudonym) for c in fast] == [
        (c.state, c.policy, c.calendar, c.pseudonym) for c in slow
    ]
    return seen


async def test_a_read_opens_the_document_and_reads_no_events(db: AsyncEngine) -> None:
    store = sealing()
    await load_demo(db, store, landlord=LANDLORD, copies=1)
    for complaint_id in await ids(db, 10):
        with statements(db) as seen:
            async with reading(db) as conn:
                fast = await current.read(conn, store, complaint_id)
        assert not reads_events(seen), seen
        async with reading(db) as conn:
            slow = await service.load(conn, store, complaint_id)
        assert fast is not None
        assert slow is not None
        assert fast.state == slow.state
        assert fast.version == slow.version
        assert fast.events == ()


async def test_a_page_of_fifty_reads_no_events(db: AsyncEngine) -> None:
    store = sealing()
    await load_demo(db, store, landlord=LANDLORD, copies=4)
    page = await ids(db, 50)
    assert len(page) == 50
    seen = await assert_equal_to_the_stream(db, store, page)
    # The rows, their keys, the catalogue: a page costs a fixed number of statements.
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) <= 4, seen


async def test_an_erased_complaint_reads_from_its_stream_with_placeholders(
    db: AsyncEngine,
) -> None:
    store = sealing()
    await load_demo(db, store, landlord=LANDLORD, copies=1)
    erased, kept = (await ids(db, 2))[:2]
    async with db.begin() as conn:
        await erase(conn, store, [erased], reason=ErasureReason.request, metadata={})
    async with reading(db) as conn:
        found = await current.read_many(conn, store, [erased, kept])
        replayed = await service.load(conn, store, erased)
    assert [c.id for c in found] == [erased, kept]
    assert replayed is not None
    assert found[0].state == replayed.state
    assert found[0].state.description == ERASED
    assert found[0].state.personal_data_erased_at is not None
    assert found[1].state.description != ERASED


async def test_a_complaint_without_a_document_is_replayed(db: AsyncEngine) -> None:
    store = sealing()
    await load_demo(db, store, landlord=LANDLORD, copies=1)
    page = await ids(db, 5)
    async with db.begin() as conn:
        await conn.execute(sa.update(complaints).values(state_key_id=None, state_ciphertext=None))
    async with reading(db) as conn:
        fast = await current.read_many(conn, store, page)
        slow = await service.load_many(conn, store, page)
    assert [c.state for c in fast] == [c.state for c in slow]


async def test_a_rebuild_restores_the_documents(db: AsyncEngine) -> None:
    store = sealing()
    await load_demo(db, store, landlord=LANDLORD, copies=1)
    page = await ids(db, 10)
    async with db.begin() as conn:
        # An erased complaint's document no longer opens and a rebuild makes none: no difference.
        await erase(conn, store, page[:1], reason=ErasureReason.request, metadata={})
    async with reading(db) as conn:
        assert (await rebuild(conn, Mode.check, keyring=store.keyring)).equal
    async with db.begin() as conn:
        await conn.execute(
            sa.update(complaints).values(
                state_key_id=None, state_nonce=None, state_ciphertext=None, state_version=None
            )
        )
    async with reading(db) as conn:
        report = await rebuild(conn, Mode.check, keyring=store.keyring)
    assert not report.equal
    async with db.begin() as conn:
        await rebuild(conn, Mode.apply, keyring=store.keyring)
    async with reading(db) as conn:
        assert (await rebuild(conn, Mode.check, keyring=store.keyring)).equal
        assert (await rebuild(conn, Mode.check)).equal  # without keys, documents are not judged
    await assert_equal_to_the_stream(db, store, page[1:])  # the erased one is replayed
    async with reading(db) as conn:
        missing = await conn.execute(
            sa.select(sa.func.count()).where(complaints.c.state_ciphertext.is_(None))
        )
        assert missing.scalar_one() == 1  # the erased one
