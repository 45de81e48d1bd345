from __future__ import annotations

import httpx
import pytest

from tests.api.factories import complaint_body, log

pytestmark = pytest.mark.asyncio


async def test_a_retried_log_appends_once(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    headers = {**crm, "Idempotency-Key": "log-1"}
    first = await client.post("/v1/complaints", json=complaint_body(), headers=headers)
    second = await client.post("/v1/complaints", json=complaint_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    listed = (await client.get("/v1/complaints", headers=crm)).json()["items"]
    assert len(listed) == 1


async def test_a_retried_event_appends_once(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    cid = (await log(client, crm))["id"]
    body = {"type": "acknowledged", "occurred_at": "2025-12-22T10:00:00+00:00"}
    headers = {**crm, "Idempotency-Key": "ack-1"}
    first = await client.post(f"/v1/complaints/{cid}/events", json=body, headers=headers)
    second = await client.post(f"/v1/complaints/{cid}/events", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json()["version"] == 2
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert len(events) == 2


async def test_the_same_key_with_another_body_is_refused(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    headers = {**crm, "Idempotency-Key": "log-2"}
    assert (await client.post("/v1/complaints", json=complaint_body(), headers=headers)).is_success
    other = await client.post(
        "/v1/complaints", json=complaint_body(category="rent"), headers=headers
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"


async def test_concurrent_retries_with_one_key_append_once(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    import asyncio

    headers = {**crm, "Idempotency-Key": "log-3"}
    responses = await asyncio.gather(
        *(client.post("/v1/complaints", json=complaint_body(), headers=headers) for _ in range(5))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    listed = (await client.get("/v1/complaints", headers=crm)).json()["items"]
    assert len(listed) == 1
