"""`redress demo` fills the last full reporting year and the current one, and prints a CRM key and
an analyst key: what the README's walkthrough and its report examples use."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from app import migrations
from app.cli import cli
from app.db import create_engine
from app.domain.reporting.period import year_of
from app.projections.tables import restrictions
from app.services.keys import TOKEN_PREFIX

pytestmark = pytest.mark.asyncio


async def test_the_demo_fills_last_year_and_this_one(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    await migrations.upgrade_async(url)
    env = {"REDRESS_DATABASE_URL": url}
    runner = CliRunner()
    loaded = await asyncio.to_thread(runner.invoke, cli, ["demo"], env=env)
    assert loaded.exit_code == 0, loaded.output
    keys = [line for line in loaded.stdout.splitlines() if line.startswith(f"{TOKEN_PREFIX}_")]
    assert len(set(keys)) == 2, loaded.stdout
    last = year_of(date.today()) - 1
    for year, at_least in ((last, 50), (last + 1, 20)):
        annual = await asyncio.to_thread(
            runner.invoke, cli,
            ["report", "annual", "--landlord", "demo-homes", "--year", str(year)], env=env,
        )  # fmt: skip
        assert annual.exit_code == 0, annual.output
        figures = json.loads(annual.stdout)
        assert figures["volumes"]["received"] >= at_least, (year, figures["volumes"])
        if year == last:  # a whole year: every kind of figure has something in it
            assert figures["outcomes"][0]["responded"] > 0
            assert figures["compensation"]["offered"]["count"] > 0
            assert figures["learning"]["recorded"] > 0
            assert figures["referrals"]["referred"] > 0
    again = await asyncio.to_thread(runner.invoke, cli, ["demo"], env=env)
    assert "none added" in again.stdout
    # A contact restriction in force on a recent complaint's resident, and one lifted.
    engine = create_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(restrictions.c.in_force))).scalars().all()
    await engine.dispose()
    assert sorted(rows) == [False, True]
