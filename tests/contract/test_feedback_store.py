"""Feedback streams in the log, on each database: sealed at rest like a complaint's, anchored by
their projection row for the audit, rebuilt from their events, and erased by destroying their own
keys. Every person here is made up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.findings import Kind
from app.audit.verify import verify
from app.db import reading
from app.domain.complaint.events import Channel, Complainant, ErasureReason
from app.domain.feedback.commands import ReceiveFeedback
from app.domain.feedback.events import FeedbackKind
from app.events.factory import make_store
from app.events.streams import feedback_stream
from app.projections.tables import feedback
from app.services import feedback as service
from app.services.rebuild import Mode, rebuild
from app.settings import Settings

pytestmark = pytest.mark.asyncio

STORE = make_store(Settings())
AT = datetime(2026, 2, 2, 10, tzinfo=UTC)
WORDS = "Nadia Pretend fixed the lift with great care"


async def give(db: AsyncEngine, feedback_id: str, resident_id: str = "R-1") -> None:
    command = ReceiveFeedback(
        occurred_at=AT,
        landlord="north-homes",
        kind=FeedbackKind.compliment,
        received_at=AT,
        channel=Channel.phone,
        category="estates",
        team="lifts",
        text=WORDS,
        resident=Complainant(name="Quentin Notreal", resident_id=resident_id),
        staff_member="Nadia Pretend",
    )
    async with db.begin() as conn:
        await service.execute(conn, STORE, feedback_id, command, metadata={}, now=AT)


async def text_of_events(db: AsyncEngine) -> str:
    async with db.connect() as conn:
        return "\n".join(str(r) for r in await conn.execute(sa.text("SELECT * FROM events")))


async def test_sealed_at_rest_and_erased_with_its_own_keys(db: AsyncEngine) -> None:
    await give(db, "f-1")
    await give(db, "f-2", resident_id="R-2")
    stored = await text_of_events(db)
    for secret in ("Nadia", "Quentin", "great care"):
        assert secret not in stored
    async with db.begin() as conn:
        done = await service.erase(
            conn, STORE, STORE.keyring, ["f-1"], reason=ErasureReason.request, metadata={}, now=AT
        )
    assert (done.feedback, done.keys_destroyed) == (["f-1"], 1)
    async with reading(db) as conn:
        erased = await service.load(conn, STORE, "f-1")
        kept = await service.load(conn, STORE, "f-2")
        assert erased is not None
        assert kept is not None
        assert erased.received.data["text"] == "[erased]"
        assert kept.received.data["text"] == WORDS
        report = await verify(conn)
    assert report.ok, report.findings()


async def test_rebuilt_from_its_events_and_anchored_for_the_audit(db: AsyncEngine) -> None:
    await give(db, "f-3")
    async with db.begin() as conn:
        await conn.execute(sa.update(feedback).values(team="someone_else"))
    async with reading(db) as conn:
        found = await rebuild(conn, Mode.check)
    assert found.feedback == 1
    assert [(d.subject, d.kind) for d in found.listed] == [(feedback_stream("f-3"), "changed")]
    async with db.begin() as conn:
        await rebuild(conn, Mode.apply)
    async with reading(db) as conn:
        assert (await rebuild(conn, Mode.check)).equal
    async with db.begin() as conn:
        await conn.execute(sa.delete(feedback))
    async with reading(db) as conn:
        report = await verify(conn)
    assert not report.ok
    assert report.first[Kind.inserted].stream_id == feedback_stream("f-3")
