from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations
from app.events import tables as event_tables
from app.projections import tables as projection_tables
from app.services import tables as service_tables

pytestmark = pytest.mark.asyncio

# Each layer defines its own tables on its own MetaData; the migrations, not the MetaData, create
# them, so this is the one place they are put together. A table migrated but defined nowhere shows
# as `remove_table`, a table defined but never migrated as `add_table`.
METADATA = sa.MetaData()
for _owner in (event_tables.metadata, projection_tables.metadata, service_tables.metadata):
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
