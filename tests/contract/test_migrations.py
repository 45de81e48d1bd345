from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations
from app.audit import tables as audit_tables
from app.db import create_engine
from app.events import tables as event_tables
from app.projections import tables as projection_tables
from app.services import tables as service_tables
from tests.conftest import POSTGRES_ADMIN_URL, _pg_admin

pytestmark = pytest.mark.asyncio
BEFORE_NO_TEXT = "0006_idempotency_sealed"
# Rows as 0004 wrote them: (version, kind, code, text, detail).
OLD_ITEMS = [
    (3, "extension", None, "Resident away", None),
    (5, "learning", "Repairs missed", "Check repairs", "Call after 5 days"),
    (6, "referral", "housing_ombudsman", None, None),
]

# Each layer defines its own tables on its own MetaData; the migrations, not the MetaData, create
# them, so this is the one place they are put together. A table migrated but defined nowhere shows
# as `remove_table`, a table defined but never migrated as `add_table`.
METADATA = sa.MetaData()
for _owner in (
    event_tables.metadata,
    projection_tables.metadata,
    service_tables.metadata,
    audit_tables.metadata,
):
    for _table in _owner.tables.values():
        _table.to_metadata(METADATA)


async def test_database_is_at_the_head_revision(engine: AsyncEngine, database_url: str) -> None:
    assert await migrations.current_revision(engine) == migrations.head_revision(database_url)


async def test_migrations_create_exactly_the_tables_the_code_defines(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), METADATA)
        )
    assert differences == []


@pytest_asyncio.fixture
async def scratch_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the session's backend, to migrate step by step."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
        return
    name = f"redress_steps_{uuid.uuid4().hex[:8]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _items(url: str) -> tuple[list[str], list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("report_items")]
            )
            rows = await conn.execute(sa.text("SELECT * FROM report_items ORDER BY version"))
            return columns, [tuple(r) for r in rows]
    finally:
        await engine.dispose()


async def test_0007_takes_the_free_text_out_of_report_items(scratch_url: str) -> None:
    await migrations.upgrade_async(scratch_url, BEFORE_NO_TEXT)
    engine = create_engine(scratch_url)
    at = datetime(2025, 6, 1, 9, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO report_items (complaint_id, version, kind, occurred_at, code, "
                    "text, detail) VALUES (:c, :v, :k, :at, :code, :text, :detail)"
                ),
                [
                    {
                        "c": "c-1",
                        "v": v,
                        "k": k,
                        "at": at,
                        "code": code,
                        "text": text,
                        "detail": detail,
                    }
                    for v, k, code, text, detail in OLD_ITEMS
                ],
            )
    finally:
        await engine.dispose()

    await migrations.upgrade_async(scratch_url)
    columns, rows = await _items(scratch_url)
    assert not {"text", "detail"} & set(columns)
    code = columns.index("code")
    # The root cause is gone from the lesson; a category stays.
    assert [(r[1], r[code]) for r in rows] == [(3, None), (5, None), (6, "housing_ombudsman")]
    assert not [w for w in ("Resident away", "Check repairs", "Repairs missed") if w in str(rows)]

    config = migrations.alembic_config(scratch_url)
    await asyncio.to_thread(command.downgrade, config, BEFORE_NO_TEXT)
    columns, rows = await _items(scratch_url)
    assert {"text", "detail"} <= set(columns)
    assert len(rows) == 3


async def test_0017_fills_in_the_london_dates_of_existing_rows(
    scratch_url: str, backend: str
) -> None:
    await migrations.upgrade_async(scratch_url, "0016_audit_checkpoints")
    engine = create_engine(scratch_url)

    def moment(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
        at = datetime(year, month, day, hour, minute, tzinfo=UTC)  # as each backend holds it
        return at.replace(tzinfo=None) if backend == "sqlite" else at

    # 23:30 UTC on 30 June is 00:30 BST on 1 July; 23:30 UTC on 10 January is that day in GMT.
    summer, winter = moment(2025, 6, 30, 23, 30), moment(2026, 1, 10, 23, 30)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO report_stages (complaint_id, seq, stage, informal, reopened, "
                    "started_at, acknowledged_at, responded_at, remedies, response_due, "
                    "response_original_due, extended) VALUES ('c-1', 0, 1, false, false, :at, "
                    ":at, :winter, '[]', '2025-07-20', '2025-07-20', false)"
                ),
                {"at": summer, "winter": winter},
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO report_items (complaint_id, version, kind, occurred_at, "
                    "answered_at) VALUES ('c-1', 4, 'evidence_request', :at, :at)"
                ),
                {"at": summer},
            )
    finally:
        await engine.dispose()
    await migrations.upgrade_async(scratch_url)
    engine = create_engine(scratch_url)
    try:
        async with engine.connect() as conn:
            stage = (
                await conn.execute(
                    sa.text(
                        "SELECT acknowledged_date, responded_date, ended_date FROM report_stages"
                    )
                )
            ).one()
            answered = await conn.scalar(sa.text("SELECT answered_date FROM report_items"))
    finally:
        await engine.dispose()
    assert [str(d) if d else None for d in stage] == ["2025-07-01", "2026-01-10", None]
    assert str(answered) == "2025-07-01"


async def test_0019_sends_every_running_complaint_to_the_alert_scheduler_once(
    scratch_url: str, backend: str
) -> None:
    await migrations.upgrade_async(scratch_url, "0018_webhooks")
    engine = create_engine(scratch_url)
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    moment = at.replace(tzinfo=None) if backend == "sqlite" else at
    try:
        async with engine.begin() as conn:
            for complaint_id, sla_due in (("running", date(2026, 3, 9)), ("ended", None)):
                await conn.execute(
                    sa.text(
                        "INSERT INTO complaints (id, landlord, reference, policy_id, "
                        "policy_version, status, stage, category, channel, received_at, "
                        "last_occurred_at, version, sla_due) VALUES (:id, 'north-homes', :id, "
                        "'hoc-2024', 1, 'open', 1, 'repairs', 'web', :at, :at, 1, :due)"
                    ),
                    {"id": complaint_id, "at": moment, "due": sla_due and str(sla_due)}
                    if backend == "sqlite"
                    else {"id": complaint_id, "at": moment, "due": sla_due},
                )
    finally:
        await engine.dispose()

    await migrations.upgrade_async(scratch_url)
    engine = create_engine(scratch_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT id, alert_due_on FROM complaints ORDER BY id")
            )
            found = {str(r.id): None if r.alert_due_on is None else str(r.alert_due_on)[:10]
                     for r in rows}  # fmt: skip
    finally:
        await engine.dispose()
    # A day long past: the first pass visits the running one, recomputes it, and moves it on.
    assert found == {"ended": None, "running": "2000-01-01"}

    config = migrations.alembic_config(scratch_url)
    await asyncio.to_thread(command.downgrade, config, "0018_webhooks")
    engine = create_engine(scratch_url)
    try:
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("complaints")]
            )
    finally:
        await engine.dispose()
    assert "alert_due_on" not in columns
