"""Determinism: random valid histories, written through the service on each database, give the
same complaint from the live projection, the rebuild, the history replay and a read as of then."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deps import Actor
from app.api.history import replay
from app.api.views import complaint_view
from app.db import reading
from app.domain.complaint import commands as c
from app.domain.complaint.events import Channel, Complainant
from app.domain.errors import DomainError
from app.domain.policies.builtin import HOC_2024
from app.events.sql import SqlEventStore
from app.services import complaints as service
from app.services.keys import Role
from app.services.rebuild import Mode, rebuild
from tests.conftest import truncate_all
from tests.depth import examples
from tests.unit.test_properties import commands

pytestmark = pytest.mark.asyncio

LANDLORD = "north-homes"
RECEIVED = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
ACTOR = Actor(key_id="k", role=Role.crm, landlord=LANDLORD, resident_id=None)
STORE = SqlEventStore()


def log_command() -> c.LogComplaint:
    return c.LogComplaint(
        occurred_at=RECEIVED,
        reference="",
        landlord=LANDLORD,
        policy_id=HOC_2024.id,
        policy_version=HOC_2024.version,
        channel=Channel.email,
        received_at=RECEIVED,
        stage=None,
        category="repairs",
        description="d",
        desired_outcome="o",
        complainant=Complainant(name="Ada Testwood", resident_id="R-1"),
        representative=None,
        anonymous=False,
        vulnerability=None,
        reasonable_adjustments=None,
    )


@settings(
    max_examples=examples(10, 100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_live_projection_rebuild_and_history_agree(
    db: AsyncEngine, data: st.DataObject
) -> None:
    # `db` empties the database after the last example too, so no complaint outlives the test.
    engine = db
    await truncate_all(engine)
    async with engine.begin() as conn:
        complaint = await service.log_complaint(
            conn, STORE, log_command(), metadata={"actor": "test"}, now=RECEIVED
        )
    for _ in range(data.draw(st.integers(min_value=0, max_value=40), label="length")):
        command, now = data.draw(commands(complaint.state.last_occurred_at), label="command")
        try:
            async with engine.begin() as conn:
                loaded = await service.load(conn, STORE, complaint.id)
                assert loaded is not None
                complaint = await service.record(
                    conn, STORE, loaded, command, if_match=None, metadata={}, now=now
                )
        except DomainError:
            continue  # refused: the transaction rolled back, nothing was written

    async with reading(engine) as conn:
        report = await rebuild(conn, Mode.check, batch_size=3)
        stored = await service.load(conn, STORE, complaint.id)
        assert stored is not None
        as_of = {
            event.version: await service.load(conn, STORE, complaint.id, as_of=event.occurred_at)
            for event in stored.events
        }
    assert report.equal, report.listed
    assert report.complaints == 1
    assert stored.state == complaint.state

    entries = replay(stored, ACTOR)
    assert [entry.event.version for entry in entries] == list(range(1, stored.version + 1))
    occurred = [event.occurred_at for event in stored.events]
    for entry, event in zip(entries, stored.events, strict=True):
        if occurred.count(event.occurred_at) > 1 and event is not stored.events[-1]:
            continue  # a read as of that moment also includes the later events at the same time
        then = as_of[event.version]
        assert then is not None
        assert entry.complaint == complaint_view(
            then, ACTOR, at=event.occurred_at, as_of=event.occurred_at
        )
