"""The delivery log forgets attempts older than its retention, and nothing newer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services import webhooks
from app.services.tables import webhook_deliveries

pytestmark = pytest.mark.asyncio


async def test_old_attempts_are_purged(db: AsyncEngine) -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    rows = [
        {"subscription_id": "wh_1", "position": i, "event_id": f"c/{i}", "event_type": "logged",
         "attempt": 1, "attempted_at": now - timedelta(days=days), "status_code": 204,
         "error": None, "duration_ms": 3, "delivered": True, "manual": False}
        for i, days in enumerate([100, 91, 89, 1], start=1)
    ]  # fmt: skip
    async with db.begin() as conn:
        await conn.execute(webhook_deliveries.insert(), rows)
        assert await webhooks.purge_deliveries(conn, now - timedelta(days=90)) == 2
        left = (await conn.execute(sa.select(webhook_deliveries.c.position))).scalars().all()
    assert sorted(left) == [3, 4]
