"""`redress report ...` on both databases: the same figures as the API, in every format."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner, Result

from app.cli import cli
from tests.contract.report_fixture import LANDLORD, write_fixture_year

pytestmark = pytest.mark.asyncio


async def run(database_url: str, *args: str) -> Result:
    env = {"REDRESS_DATABASE_URL": database_url}
    return await asyncio.to_thread(CliRunner().invoke, cli, ["report", *args], env=env)


async def test_every_report_in_every_format(
    db: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await write_fixture_year(db)
    code = await run(
        database_url, "code-compliance", "--landlord", LANDLORD,
        "--from", "2025-04-01", "--to", "2026-04-01",
    )  # fmt: skip
    assert code.exit_code == 0, code.output
    assert [s["received"] for s in json.loads(code.stdout)["stages"]] == [3, 17, 3]

    tsm = await run(
        database_url, "tsm", "--landlord", LANDLORD, "--year", "2025", "--format", "csv"
    )
    assert tsm.exit_code == 0, tsm.output
    assert ["ch01[shared_ownership].stage_1", "4", "200", "", "20.0", "per 1,000 homes"] in list(
        csv.reader(io.StringIO(tsm.stdout))
    )

    page = tmp_path / "annual.html"
    annual = await run(
        database_url, "annual", "--landlord", LANDLORD, "--year", "2025",
        "--format", "html", "--output", str(page),
    )  # fmt: skip
    assert annual.exit_code == 0, annual.output
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") >= 5
    # The operator's command shows the lessons' wording.
    assert "Check repairs are completed" in html


async def test_bad_arguments_and_an_unknown_landlord(db: AsyncEngine, database_url: str) -> None:
    backwards = await run(
        database_url, "code-compliance", "--landlord", LANDLORD,
        "--from", "2026-04-01", "--to", "2025-04-01",
    )  # fmt: skip
    assert backwards.exit_code == 2
    not_a_date = await run(
        database_url, "code-compliance", "--landlord", LANDLORD, "--from", "April", "--to", "May"
    )
    assert not_a_date.exit_code == 2
    unknown = await run(database_url, "tsm", "--landlord", "nobody", "--year", "2025")
    assert unknown.exit_code == 2
    assert "landlord-not-registered" in unknown.output
