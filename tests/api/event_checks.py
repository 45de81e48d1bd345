"""Appending over HTTP and checking what was written, or that nothing was: shared by the event
catalogue's tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.factories import append

PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def view_of(client: httpx.AsyncClient, headers: dict[str, str], cid: str) -> Any:
    response = await client.get(f"/v1/complaints/{cid}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def events_of(client: httpx.AsyncClient, headers: dict[str, str], cid: str) -> Any:
    response = await client.get(f"/v1/complaints/{cid}/events", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def accepted(
    client: httpx.AsyncClient,
    crm: dict[str, str],
    cid: str,
    event_type: str,
    occurred_at: str,
    **fields: Any,
) -> Any:
    response = await append(client, crm, cid, event_type, occurred_at, **fields)
    assert response.status_code == 201, response.text
    return response.json()


async def refused(
    client: httpx.AsyncClient,
    crm: dict[str, str],
    cid: str,
    event_type: str,
    occurred_at: str,
    *,
    code: str,
    status: int,
    **fields: Any,
) -> Any:
    """Append, expect the problem `code`, and check that nothing was written."""
    before = await view_of(client, crm, cid)
    response = await append(client, crm, cid, event_type, occurred_at, **fields)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert (problem["type"], problem["code"]) == (f"urn:redress:problem:{code}", code)
    after = await view_of(client, crm, cid)
    assert after["version"] == before["version"]
    assert len(await events_of(client, crm, cid)) == before["version"]
    return problem
