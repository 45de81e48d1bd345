from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations

pytestmark = pytest.mark.asyncio


async def test_database_is_at_the_head_revision(engine: AsyncEngine, database_url: str) -> None:
    assert await migrations.current_revision(engine) == migrations.head_revision(database_url)
