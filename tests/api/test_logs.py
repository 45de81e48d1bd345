"""No personal data in logs: a full run of the complaint scenarios (logging, case handling,
refusals, invalid input, unexpected paths) with every log record captured, then scanned for the
made-up resident's name, email, phone, address and postcode."""

from __future__ import annotations

import re

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import RESIDENT, append, complaint_body, log
from tests.conftest import LOG_TAP

pytestmark = pytest.mark.asyncio

PERSONAL = [
    RESIDENT["name"],
    RESIDENT["email"],
    RESIDENT["phone"],
    RESIDENT["address"]["lines"][0],
    RESIDENT["address"]["postcode"],
    "The boiler has failed twice",  # the description, free text that may identify someone
]


def leaks(lines: list[str]) -> list[str]:
    return [line for line in lines if any(value in line for value in PERSONAL)]


async def test_the_scenarios_leave_no_personal_data_in_the_logs(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    start = len(LOG_TAP.lines)
    complaint = await log(client, crm)
    cid = complaint["id"]
    await append(client, crm, cid, "acknowledged", "2025-12-22T10:00:00+00:00")
    await append(client, crm, cid, "acknowledged", "2025-12-22T10:00:00+00:00")  # refused
    await append(client, crm, cid, "responded", "2025-12-20T10:00:00+00:00")  # invalid body
    await client.post("/v1/complaints", json=complaint_body(channel="pigeon"), headers=crm)
    await client.post(
        "/v1/complaints",
        content=b'{"complainant": {"name": "' + RESIDENT["name"].encode() + b'"',  # broken JSON
        headers={**crm, "Content-Type": "application/json"},
    )
    await client.get(f"/v1/complaints/{cid}", params={"as_of": "not a date"}, headers=crm)
    await client.get(f"/v1/complaints/{cid}/history", headers=crm)
    portal = {"Authorization": f"Bearer {await make_key(Role.portal)}", "X-Resident-Id": "R-0001"}
    await client.get(f"/v1/complaints/{cid}", headers=portal)
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    await client.get("/v1/events", headers={**analyst, "Accept": "application/x-ndjson"})
    await client.get("/v1/complaints", headers={"Authorization": "Bearer " + RESIDENT["email"]})
    assert len(LOG_TAP.lines) >= start  # the tap is installed for the whole session
    assert leaks(LOG_TAP.lines[start:]) == []


async def test_the_whole_session_so_far_left_no_personal_data_in_the_logs() -> None:
    assert leaks(LOG_TAP.lines) == []


async def test_each_request_is_logged_by_its_route_with_a_request_id(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    complaint = await log(client, crm)
    start = len(LOG_TAP.lines)
    given = {"X-Request-Id": "crm-trace-42"}
    read = await client.get(f"/v1/complaints/{complaint['id']}", headers=crm | given)
    assert read.headers["x-request-id"] == "crm-trace-42"
    odd = await client.get("/v1/complaints", headers=crm | {"X-Request-Id": "no spaces here"})
    assert len(odd.headers["x-request-id"]) == 32  # not a plain token: ours instead
    lines = [line for line in LOG_TAP.lines[start:] if line.startswith("redress.access:")]
    assert any(
        re.fullmatch(r"redress\.access: GET /v1/complaints/\{complaint_id\} 200 [0-9.]+ms "
                     r"crm-trace-42 ", line)
        for line in lines
    ), lines  # fmt: skip
    # The route, never the path: no complaint id, reference or query string.
    assert not [line for line in lines if complaint["id"] in line or complaint["reference"] in line]
