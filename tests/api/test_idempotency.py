"""Idempotency-Key over HTTP: a retry is answered with the first response and appends nothing;
what is remembered holds nothing personal in the clear, outlives an erasure and expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.keys import Role
from app.services.tables import idempotency_records
from tests.api.conftest import LANDLORD, MakeKey
from tests.api.factories import RESIDENT, complaint_body, log

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


async def records(db: AsyncEngine) -> list[dict[str, Any]]:
    async with db.connect() as conn:
        rows = await conn.execute(sa.select(idempotency_records))
        return [dict(row._mapping) for row in rows]


async def test_a_complaints_response_is_remembered_sealed_under_a_hashed_key(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    headers = {**crm, "Idempotency-Key": "case-of-wilma-fictional"}
    first = await client.post("/v1/complaints", json=complaint_body(), headers=headers)
    [row] = await records(db)
    assert row["complaint_id"] == first.json()["id"]
    assert row["body"] is None
    assert row["sealed_key_id"] is not None
    assert row["key_hash"] != "case-of-wilma-fictional"
    assert row["expires_at"] - row["created_at"] == timedelta(hours=24)
    for secret in (RESIDENT["name"], RESIDENT["email"], "wilma", "boiler"):
        assert secret.encode() not in bytes(row["sealed_body"])
        assert secret not in str({k: v for k, v in row.items() if k != "sealed_body"})


async def test_a_retry_after_erasure_is_replayed_not_run_again(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    logging = {**crm, "Idempotency-Key": "log-then-erase"}
    first = await client.post("/v1/complaints", json=complaint_body(), headers=logging)
    cid = first.json()["id"]
    ack = {"type": "acknowledged", "occurred_at": "2025-12-22T10:00:00+00:00", "summary": "Hi W"}
    acking = {**crm, "Idempotency-Key": "ack-then-erase"}
    acked = await client.post(f"/v1/complaints/{cid}/events", json=ack, headers=acking)
    assert acked.status_code == 201
    erased = await client.post(f"/v1/complaints/{cid}/erasure", json={}, headers=admin)
    assert erased.status_code == 200

    again = await client.post("/v1/complaints", json=complaint_body(), headers=logging)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"] == '"1"'
    view, before = again.json(), first.json()
    assert view["complainant"]["name"] == "[erased]"
    assert RESIDENT["email"] not in again.text
    assert "boiler" not in again.text
    for kept in ("id", "reference", "version", "status", "stage", "category", "received_at"):
        assert view[kept] == before[kept]
    assert len((await client.get("/v1/complaints", headers=crm)).json()["items"]) == 1

    acked_again = await client.post(f"/v1/complaints/{cid}/events", json=ack, headers=acking)
    assert acked_again.status_code == 201
    assert acked_again.headers["etag"] == '"2"'
    assert acked_again.json()["version"] == 2
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert [e["type"] for e in events] == ["logged", "acknowledged", "personal_data_erased"]


async def test_a_sealed_body_moved_to_another_record_is_not_replayed(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    other = {"name": "Otto Madeup", "email": "otto@example.invalid", "resident_id": "R-0009"}
    first = await client.post(
        "/v1/complaints", json=complaint_body(), headers={**crm, "Idempotency-Key": "a"}
    )
    body, retry = complaint_body(complainant=other), {**crm, "Idempotency-Key": "b"}
    second = await client.post("/v1/complaints", json=body, headers=retry)
    by_complaint = {row["complaint_id"]: row for row in await records(db)}
    stolen = by_complaint[first.json()["id"]]
    async with db.begin() as conn:
        await conn.execute(
            sa.update(idempotency_records)
            .where(idempotency_records.c.complaint_id == second.json()["id"])
            .values(
                sealed_key_id=stolen["sealed_key_id"],
                sealed_nonce=stolen["sealed_nonce"],
                sealed_body=stolen["sealed_body"],
            )
        )
    replayed = await client.post("/v1/complaints", json=body, headers=retry)
    assert replayed.status_code == 201
    assert replayed.json()["id"] == second.json()["id"]
    assert replayed.json()["complainant"]["name"] == "Otto Madeup"
    assert RESIDENT["name"] not in replayed.text


async def test_an_expired_record_is_not_replayed(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    headers = {**crm, "Idempotency-Key": "log-expiring"}
    first = await client.post("/v1/complaints", json=complaint_body(), headers=headers)
    async with db.begin() as conn:
        await conn.execute(
            sa.update(idempotency_records).values(
                expires_at=datetime.now(UTC) - timedelta(seconds=1)
            )
        )
    second = await client.post("/v1/complaints", json=complaint_body(), headers=headers)
    assert second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert len((await client.get("/v1/complaints", headers=crm)).json()["items"]) == 2
    [row] = await records(db)  # the expired record made way for the new one
    assert row["complaint_id"] == second.json()["id"]
    assert row["expires_at"] > datetime.now(UTC)


async def test_a_landlords_response_names_no_one_and_is_kept_as_it_was(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    headers = {
        "Authorization": f"Bearer {await make_key(Role.admin)}",
        "Idempotency-Key": "retention-7",
    }
    path = f"/v1/landlords/{LANDLORD}"
    first = await client.patch(path, json={"retention_years": 7}, headers=headers)
    second = await client.patch(path, json={"retention_years": 7}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.headers["idempotent-replayed"] == "true"
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    [row] = await records(db)
    assert row["complaint_id"] is None
    assert row["body"] == first.text


async def test_key_routes_remember_nothing_not_even_with_an_idempotency_key(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    """A new token is shown once and never stored, so there is nothing to replay it from: the key
    routes do not honour Idempotency-Key (a retry makes another key, which can be revoked)."""
    headers = {
        "Authorization": f"Bearer {await make_key(Role.admin)}",
        "Idempotency-Key": "new-crm-key",
    }
    created = await client.post("/v1/keys", json={"role": "crm"}, headers=headers)
    assert created.status_code == 201
    key_id = created.json()["key"]["id"]
    rotated = await client.post(f"/v1/keys/{key_id}/rotate", json={}, headers=headers)
    assert rotated.status_code == 201
    assert await records(db) == []
