"""Every filter of the complaint list is served by an index in the list's order (migration 0011):
PostgreSQL can walk it backwards and stop after a page, instead of sorting every match. Checked on
the query the list endpoint sends (`list_query`), with sorting priced out of the planner's reach, so
a filter without a usable index shows up as a Sort node."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.complaint.state import Status
from app.projections.complaints import ListFilter, encode_cursor, list_query
from tests.conftest import BACKENDS

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.postgres,
    pytest.mark.skipif("postgresql" not in BACKENDS, reason="plans are PostgreSQL's"),
]

LANDLORD = "north-homes"
TODAY = date(2026, 12, 3)
CURSOR = encode_cursor(datetime(2026, 11, 1, 9, tzinfo=UTC), "c-0042")

CLOCKS = "ix_complaints_landlord_clocks_received"  # only complaints with a due date
CASES: dict[str, tuple[ListFilter, str | None, str]] = {
    "all": (ListFilter(LANDLORD), None, "ix_complaints_landlord_received"),
    "next page": (ListFilter(LANDLORD), CURSOR, "ix_complaints_landlord_received"),
    "status": (
        ListFilter(LANDLORD, status=Status.open),
        None,
        "ix_complaints_landlord_status_received",
    ),
    "stage": (ListFilter(LANDLORD, stage=1), CURSOR, "ix_complaints_landlord_stage_received"),
    "category": (
        ListFilter(LANDLORD, category="repairs"),
        None,
        "ix_complaints_landlord_category_received",
    ),
    "handler": (
        ListFilter(LANDLORD, handler="H. Andler"),
        None,
        "ix_complaints_landlord_handler_received",
    ),
    "resident": (ListFilter(LANDLORD, resident_id="R-1"), None, "ix_complaints_resident"),
    "breached": (ListFilter(LANDLORD, sla="breached"), None, CLOCKS),
    "due soon": (ListFilter(LANDLORD, sla="due_soon"), CURSOR, CLOCKS),
}


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


@pytest.mark.parametrize("case", list(CASES))
async def test_a_list_page_walks_an_index_in_order(db: AsyncEngine, case: str) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    flt, cursor, index = CASES[case]
    query = list_query(flt, today=TODAY, limit=50, cursor=cursor)
    compiled = query.compile(dialect=db.dialect)
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    async with db.begin() as conn:
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        await conn.execute(text("SET LOCAL enable_sort = off"))
        raw = await conn.get_raw_connection()
        explained = await raw.driver_connection.fetchval(  # type: ignore[union-attr]
            f"EXPLAIN (FORMAT JSON) {compiled}", *params
        )
    # The engine's connections decode json already; a bare asyncpg connection would not.
    plan = (orjson.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
    kinds = [node["Node Type"] for node in nodes(plan)]
    assert not {"Sort", "Incremental Sort"} & set(kinds), (case, kinds)
    scans = [node for node in nodes(plan) if "Index" in node["Node Type"]]
    assert scans, (case, kinds)
    if index:
        assert [scan.get("Index Name") for scan in scans] == [index], (case, scans)
