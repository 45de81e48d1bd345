"""Request bodies for API tests. Every person here is made up."""

from __future__ import annotations

from typing import Any

import httpx

RESIDENT: dict[str, Any] = {
    "name": "Wilma Fictional",
    "email": "wilma.fictional@example.invalid",
    "phone": "+44 20 7946 0000",
    "address": {"lines": ["1 Nowhere Lane", "Exampletown"], "postcode": "ZZ9 9ZZ"},
    "resident_id": "R-0001",
}


def complaint_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "email",
        "received_at": "2025-12-19T10:00:00+00:00",
        "occurred_at": "2025-12-19T10:05:00+00:00",
        "category": "repairs",
        "description": "The boiler has failed twice this month and nobody came.",
        "desired_outcome": "A working boiler.",
        "complainant": dict(RESIDENT),
    }
    body.update(overrides)
    return body


async def log(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/complaints", json=complaint_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    return view


async def append(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    complaint_id: str,
    event_type: str,
    occurred_at: str,
    **fields: Any,
) -> httpx.Response:
    return await _post_event(
        client, headers, complaint_id, "events", event_type, occurred_at, fields
    )


async def act(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    complaint_id: str,
    event_type: str,
    occurred_at: str,
    **fields: Any,
) -> httpx.Response:
    """What the resident did, from the portal (`headers`: a portal key and X-Resident-Id)."""
    return await _post_event(
        client, headers, complaint_id, "resident-events", event_type, occurred_at, fields
    )


async def _post_event(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    complaint_id: str,
    route: str,
    event_type: str,
    occurred_at: str,
    fields: dict[str, Any],
) -> httpx.Response:
    return await client.post(
        f"/v1/complaints/{complaint_id}/{route}",
        json={"type": event_type, "occurred_at": occurred_at, **fields},
        headers=headers,
    )


PRAISE = "Sam fixed the boiler fast and tidied up afterwards"
STAFF = "Sam Madeup"


def feedback_body(kind: str = "compliment", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "channel": "email",
        "received_at": "2025-12-19T10:00:00+00:00",
        "occurred_at": "2025-12-19T10:05:00+00:00",
        "category": "repairs",
        "team": "repairs_north",
        "text": PRAISE,
        "resident": dict(RESIDENT),
        "staff_member": STAFF,
    }
    body.update(overrides)
    return body


async def give(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str = "compliment", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/feedback", json=feedback_body(kind, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    return view
