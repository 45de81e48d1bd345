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
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sql import SqlEventStore
from app.events.tables import events

pytestmark = pytest.mark.asyncio


def exported(database_url: str, *args: str, landlord: str | None = "demo-homes") -> bytes:
    chosen = [] if landlord is None else ["--landlord", landlord]
    result = subprocess.run(  # noqa: S603 - our own console script
        [sys.executable, "-m", "app.cli", "export", *chosen, *args],
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        capture_output=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def export(
    database_url: str, *args: str, landlord: str | None = "demo-homes"
) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in exported(database_url, *args, landlord=landlord).splitlines()
    ]


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


async def test_an_export_in_two_parts_is_the_export_in_one(
    db: AsyncEngine, database_url: str
) -> None:
    keyring = Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    await load_demo(db, SealingEventStore(SqlEventStore(), keyring), landlord="demo-homes")
    for flags in ([], ["--personal-data"]):
        whole = exported(database_url, *flags)
        lines = whole.splitlines(keepends=True)
        assert len(lines) > 20
        middle = str(json.loads(lines[len(lines) // 2])["position"])
        first = exported(database_url, *flags, "--until", middle)
        rest = exported(database_url, *flags, "--after", middle)
        assert first + rest == whole
        assert first.endswith(lines[len(lines) // 2])
