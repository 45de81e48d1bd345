"""GET /v1/complaints/{id}/history over HTTP: replay event by event, backdating made visible."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, append, log

pytestmark = pytest.mark.asyncio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def history(
    client: httpx.AsyncClient, headers: dict[str, str], complaint_id: str
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/complaints/{complaint_id}/history", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def recorded(client: httpx.AsyncClient, crm: dict[str, str]) -> dict[str, Any]:
    """Logged on Friday 19 December 2025, acknowledged late on 2 January 2026 (the fifth working
    day after receipt is 30 December), then an internal and a resident-visible note."""
    complaint = await log(client, crm)
    for event_type, at, fields in [
        ("acknowledged", "2026-01-02T12:00:00+00:00", {}),
        ("note_added", "2026-01-05T09:00:00+00:00", {"text": "Chased the contractor."}),
        (
            "note_added",
            "2026-01-05T10:00:00+00:00",
            {"text": "We have asked the contractor to attend.", "visibility": "resident"},
        ),
    ]:
        response = await append(client, crm, complaint["id"], event_type, at, **fields)
        assert response.status_code == 201, response.text
    return complaint


async def test_each_event_with_the_view_it_produced_at_that_moment(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    complaint = await recorded(client, crm)
    items = await history(client, crm, complaint["id"])
    assert [item["event"]["type"] for item in items] == [
        "logged",
        "acknowledged",
        "note_added",
        "note_added",
    ]
    assert [item["event"]["version"] for item in items] == [1, 2, 3, 4]
    assert [item["complaint"]["version"] for item in items] == [1, 2, 3, 4]
    for item in items:
        assert item["complaint"]["evaluated_at"] == item["event"]["occurred_at"]
        assert item["complaint"]["as_of"] == item["event"]["occurred_at"]
    logged, acknowledged = items[0]["complaint"], items[1]["complaint"]
    assert logged["sla"]["acknowledgement"]["status"] == "pending"
    assert logged["sla"]["acknowledgement"]["due"] == "2025-12-30"
    assert acknowledged["sla"]["acknowledgement"]["status"] == "met_late"
    assert acknowledged["sla"]["response"]["provisional"] is False
    assert [len(item["complaint"]["notes"]) for item in items] == [0, 0, 1, 2]
    # The last entry is the complaint as it stands, evaluated when its last event occurred.
    now = await client.get(
        f"/v1/complaints/{complaint['id']}",
        params={"as_of": items[-1]["event"]["occurred_at"]},
        headers=crm,
    )
    assert now.json() == items[-1]["complaint"]


async def test_recorded_lag_shows_backdating(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    before = datetime.now(UTC)
    complaint = await recorded(client, crm)
    items = await history(client, crm, complaint["id"])
    for item in items:
        occurred = datetime.fromisoformat(item["event"]["occurred_at"])
        recorded_at = datetime.fromisoformat(item["event"]["recorded_at"])
        assert item["recorded_lag_seconds"] == (recorded_at - occurred).total_seconds()
        assert item["recorded_lag_seconds"] >= (before - occurred).total_seconds()


async def test_another_landlords_complaint_is_not_found(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    complaint = await log(client, crm)
    other = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    for complaint_id in (complaint["id"], "no-such-complaint"):
        response = await client.get(f"/v1/complaints/{complaint_id}/history", headers=other)
        assert response.status_code == 404
        assert response.json()["code"] == "not-found"


async def test_an_analyst_sees_no_personal_data(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    complaint = await recorded(client, crm)
    items = await history(client, bearer(await make_key(Role.analyst)), complaint["id"])
    assert len(items) == 4
    assert "complainant" not in items[0]["event"]["data"]
    assert all(item["complaint"]["complainant"] is None for item in items)


async def test_a_portal_sees_its_residents_complaint_without_internal_notes(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    complaint = await recorded(client, crm)
    portal = bearer(await make_key(Role.portal))
    own = {**portal, "X-Resident-Id": RESIDENT["resident_id"]}
    items = await history(client, own, complaint["id"])
    assert [item["event"]["version"] for item in items] == [1, 2, 4]
    assert all(item["event"]["metadata"] == {} for item in items)
    # Who recorded each event is the resident's to know; which key did it is not.
    assert [item["event"]["recorded_by"] for item in items] == ["landlord"] * 3
    assert [note["text"] for note in items[-1]["complaint"]["notes"]] == [
        "We have asked the contractor to attend."
    ]
    someone_else = {**portal, "X-Resident-Id": "R-9999"}
    response = await client.get(f"/v1/complaints/{complaint['id']}/history", headers=someone_else)
    assert response.status_code == 404
