"""Bad input gets a clear problem+json answer and writes nothing."""

from __future__ import annotations

import httpx
import pytest

from tests.api.factories import append, complaint_body, log

pytestmark = pytest.mark.asyncio

PROBLEM = "application/problem+json"


async def events_of(client: httpx.AsyncClient, crm: dict[str, str], cid: str) -> list[str]:
    items = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    return [item["type"] for item in items]


async def test_invalid_bodies_are_problems(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    cases = [
        complaint_body(channel="carrier_pigeon"),
        complaint_body(category=""),
        complaint_body(received_at="2025-12-19T10:00:00"),  # no timezone
        complaint_body(unexpected="field"),
        complaint_body(description="x" * 10_001),
        complaint_body(description="nul \x00 inside"),
    ]
    for body in cases:
        response = await client.post("/v1/complaints", json=body, headers=crm)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"] == "urn:redress:problem:validation-error"
        assert problem["errors"]
    garbage = await client.post(
        "/v1/complaints", content=b"{not json", headers={**crm, "Content-Type": "application/json"}
    )
    assert garbage.status_code == 422
    assert (await client.get("/v1/complaints", headers=crm)).json()["items"] == []


async def test_validation_errors_do_not_echo_personal_data(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    body = complaint_body(complainant={"name": "Secret Person", "email": "not-an-email"})
    response = await client.post("/v1/complaints", json=body, headers=crm)
    assert response.status_code == 422
    assert "not-an-email" not in response.text


async def test_impossible_events_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    future = await append(client, crm, cid, "acknowledged", "2099-01-01T00:00:00+00:00")
    assert future.status_code == 422
    assert future.json()["code"] == "occurred-in-future"
    early = await append(client, crm, cid, "acknowledged", "2025-12-01T00:00:00+00:00")
    assert early.status_code == 422
    assert early.json()["code"] == "occurred-out-of-order"
    escalate = await append(client, crm, cid, "escalated", "2025-12-22T10:00:00+00:00")
    assert escalate.status_code == 409
    assert escalate.json()["type"] == "urn:redress:problem:invalid-transition"
    assert (await append(client, crm, cid, "acknowledged", "2025-12-22T10:00:00+00:00")).is_success
    again = await append(client, crm, cid, "acknowledged", "2025-12-22T11:00:00+00:00")
    assert again.status_code == 409
    unknown_type = await append(client, crm, cid, "teleported", "2025-12-22T11:00:00+00:00")
    assert unknown_type.status_code == 422
    assert await events_of(client, crm, cid) == ["logged", "acknowledged"]


async def test_stale_if_match_is_412_and_unknown_complaint_404(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    stale = await client.post(
        f"/v1/complaints/{cid}/events",
        json={"type": "acknowledged", "occurred_at": "2025-12-22T10:00:00+00:00"},
        headers={**crm, "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 1
    fresh = await client.post(
        f"/v1/complaints/{cid}/events",
        json={"type": "acknowledged", "occurred_at": "2025-12-22T10:00:00+00:00"},
        headers={**crm, "If-Match": '"1"'},
    )
    assert fresh.status_code == 201
    missing = await client.get("/v1/complaints/no-such-complaint", headers=crm)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


async def test_oversized_bodies_are_refused(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    response = await client.post(
        "/v1/complaints",
        content=b"x" * (300 * 1024),
        headers={**crm, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"


async def test_bad_cursor_and_filters(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    bad = await client.get("/v1/complaints", params={"cursor": "!!!"}, headers=crm)
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid-cursor"
    assert (
        await client.get("/v1/complaints", params={"sla": "late"}, headers=crm)
    ).status_code == 422
