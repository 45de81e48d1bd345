"""`redress export`: the landlord's log as NDJSON CloudEvents, resumable from any position."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.demo.load import load_demo
from app.events.sql import SqlEventStore
from app.events.tables import events

pytestmark = pytest.mark.asyncio


def export(
    database_url: str, *args: str, landlord: str | None = "demo-homes"
) -> list[dict[str, Any]]:
    chosen = [] if landlord is None else ["--landlord", landlord]
    result = subprocess.run(  # noqa: S603 - our own console script
        [sys.executable, "-m", "app.cli", "export", *chosen, *args],
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        capture_output=True,
        check=True,
        timeout=120,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


async def test_export_resumes_exactly_once_and_omits_personal_data(
    db: AsyncEngine, database_url: str
) -> None:
    await load_demo(db, SqlEventStore(), landlord="demo-homes", copies=1)
    await load_demo(db, SqlEventStore(), landlord="elsewhere", copies=1, seed=3)
    async with db.connect() as conn:
        total = await conn.scalar(sa.select(sa.func.count()).select_from(events))
    everything = export(database_url)
    assert 0 < len(everything) < (total or 0)  # only demo-homes, not "elsewhere"
    assert {e["source"] for e in everything} == {"urn:redress:landlord:demo-homes"}
    positions = [e["position"] for e in everything]
    assert positions == sorted(set(positions))
    assert all("complainant" not in e["data"] for e in everything)

    cut = len(everything) // 3
    resumed = export(database_url, "--after", str(everything[cut - 1]["position"]))
    assert [e["id"] for e in everything[:cut] + resumed] == [e["id"] for e in everything]

    # The landlord's registration comes first, then the first complaint's logging.
    assert everything[0]["type"] == "uk.redress.landlord.landlord_registered"
    with_people = export(database_url, "--personal-data", "--until", str(positions[1]))
    assert [e["id"] for e in with_people] == [everything[0]["id"], everything[1]["id"]]
    with_people = with_people[1:]
    assert "name" in with_people[0]["data"]["complainant"]

    whole = export(database_url, landlord=None)
    assert len(whole) == total
    assert {e["source"] for e in whole} == {
        "urn:redress:landlord:demo-homes",
        "urn:redress:landlord:elsewhere",
    }
    assert [e["position"] for e in whole] == list(range(1, len(whole) + 1))
