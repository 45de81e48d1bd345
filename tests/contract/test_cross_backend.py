"""Determinism across databases: the same commands written to SQLite and to PostgreSQL leave the
same facts in the log and replay to the same complaint view, at every moment."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations
from app.api.views import complaint_view
from app.db import create_engine, reading
from app.domain.errors import DomainError
from app.events.sql import SqlEventStore
from app.services import complaints as service
from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL, _pg_admin, truncate_all
from tests.contract.test_rebuild_properties import ACTOR, RECEIVED, log_command
from tests.depth import examples
from tests.unit.test_properties import commands

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(
        set(BACKENDS) != {"sqlite", "postgresql"}, reason="needs both database backends"
    ),
]
STORE = SqlEventStore()


@pytest.fixture(scope="module")
def urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cross') / 'redress.db'}"
    name = f"redress_cross_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    pg_url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(sqlite_url)
        migrations.upgrade(pg_url)
        yield sqlite_url, pg_url
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture(scope="module")
async def engines(urls: tuple[str, str]) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    pair = (create_engine(urls[0]), create_engine(urls[1]))
    yield pair
    for engine in pair:
        await engine.dispose()


@settings(
    max_examples=examples(8, 100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_sqlite_and_postgresql_replay_to_the_same_view(
    engines: tuple[AsyncEngine, AsyncEngine], data: st.DataObject
) -> None:
    for engine in engines:
        await truncate_all(engine)
    ids: list[str] = []
    for engine in engines:
        async with engine.begin() as conn:
            logged = await service.log_complaint(
                conn, STORE, log_command(), metadata={"actor": "test"}, now=RECEIVED
            )
        ids.append(logged.id)
    last = RECEIVED
    for _ in range(data.draw(st.integers(min_value=0, max_value=30), label="length")):
        command, now = data.draw(commands(last), label="command")
        outcomes = []
        for engine, cid in zip(engines, ids, strict=True):
            try:
                async with engine.begin() as conn:
                    loaded = await service.load(conn, STORE, cid)
                    assert loaded is not None
                    done = await service.record(
                        conn, STORE, loaded, command, if_match=None, metadata={}, now=now
                    )
                    last = done.state.last_occurred_at
                outcomes.append("written")
            except DomainError as error:
                outcomes.append(error.code)
        assert outcomes[0] == outcomes[1]  # both accept, or both refuse for the same reason

    loaded_pair = []
    for engine, cid in zip(engines, ids, strict=True):
        async with reading(engine) as conn:
            complaint = await service.load(conn, STORE, cid)
        assert complaint is not None
        loaded_pair.append(complaint)
    lite, pg = loaded_pair
    assert [(e.type, e.version, e.schema_version, e.data, e.occurred_at) for e in lite.events] == [
        (e.type, e.version, e.schema_version, e.data, e.occurred_at) for e in pg.events
    ]
    assert lite.state == pg.state
    moments = [e.occurred_at for e in lite.events] + [last + timedelta(days=40)]
    for moment in moments:
        views = [
            complaint_view(c, ACTOR, at=moment).model_dump(exclude={"id"}) for c in loaded_pair
        ]
        assert views[0] == views[1]
