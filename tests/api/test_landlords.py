"""Landlords over HTTP: registration by the landlord's admin key, changes recorded as events,
landlord policy versions, and calendars that move running deadlines. Every person is made up."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.domain.clocks.calendar import holidays_version
from app.projections.tables import complaints
from app.services.keys import Role, create_key
from app.services.rebuild import Mode, rebuild
from tests.api.conftest import LANDLORD, OTHER_LANDLORD, MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def unregistered_key(
    db: AsyncEngine, role: Role, landlord: str = "new-homes"
) -> dict[str, str]:
    """A key for a landlord nobody has registered yet (the operator's bootstrap key)."""
    async with db.begin() as conn:
        created = await create_key(conn, role=role, landlord=landlord, name="bootstrap")
    return {"Authorization": f"Bearer {created.token}"}


async def admin(make_key: MakeKey, landlord: str = LANDLORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_key(Role.admin, landlord)}"}


async def code_policy(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/v1/policies/hoc-2024", headers=headers)).json()
    return body


async def test_an_admin_registers_its_own_landlord(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    headers = await unregistered_key(db, Role.admin)
    body = {
        "id": "new-homes",
        "name": "New Homes Housing Association",
        "region": "scotland",
        "closures": ["2026-12-30", "2026-12-29", "2026-12-29"],
        "homes": {"rented": 4200, "shared_ownership": 310},
    }
    response = await client.post("/v1/landlords", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/v1/landlords/new-homes"
    assert response.headers["etag"] == '"1"'
    view = response.json()
    assert view["closures"] == ["2026-12-29", "2026-12-30"]  # sorted, once each
    assert view["homes"] == {"rented": 4200, "shared_ownership": 310, "total": 4510}
    assert view["default_policy"] == {"id": "hoc-2024", "version": 1}
    assert view["calendar"]["region"] == "scotland"
    assert view["calendar"]["holidays_version"]
    again = await client.post("/v1/landlords", json=body, headers=headers)
    assert again.status_code == 409
    assert again.json()["type"] == "urn:redress:problem:landlord-exists"
    assert (await client.get("/v1/landlords/new-homes", headers=headers)).json() == view
    listed = (await client.get("/v1/landlords", headers=headers)).json()["items"]
    assert [item["id"] for item in listed] == ["new-homes"]


async def test_a_key_manages_only_its_own_landlord(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    headers = await unregistered_key(db, Role.admin)
    foreign = await client.post(
        "/v1/landlords", json={"id": "someone-else", "name": "X"}, headers=headers
    )
    assert foreign.status_code == 403
    mine = await admin(make_key)
    await make_key(Role.crm, OTHER_LANDLORD)  # registers the other landlord
    for method, path in [
        ("GET", f"/v1/landlords/{OTHER_LANDLORD}"),
        ("GET", f"/v1/landlords/{OTHER_LANDLORD}/events"),
        ("PATCH", f"/v1/landlords/{OTHER_LANDLORD}"),
    ]:
        response = await client.request(method, path, json={"name": "Taken"}, headers=mine)
        assert response.status_code == 404, (method, path)
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    assert (await client.get(f"/v1/landlords/{LANDLORD}", headers=crm)).status_code == 200
    refused = await client.patch(f"/v1/landlords/{LANDLORD}", json={"name": "X"}, headers=crm)
    assert refused.status_code == 403
    portal = {"Authorization": f"Bearer {await make_key(Role.portal)}"}
    assert (await client.get(f"/v1/landlords/{LANDLORD}", headers=portal)).status_code == 403


async def test_complaints_wait_for_the_landlord_to_be_registered(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    crm = await unregistered_key(db, Role.crm)
    response = await client.post("/v1/complaints", json=_complaint(), headers=crm)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:redress:problem:landlord-not-registered"


async def test_every_change_is_an_event_with_who_and_what(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    headers = await admin(make_key)
    changed = await client.patch(
        f"/v1/landlords/{LANDLORD}",
        json={"closures": ["2026-12-29"], "homes": {"rented": 900}},
        headers={**headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    # Asking for what is already so records nothing.
    same = await client.patch(
        f"/v1/landlords/{LANDLORD}", json={"homes": {"rented": 900}}, headers=headers
    )
    assert same.status_code == 200
    assert same.json()["version"] == 2
    stale = await client.patch(
        f"/v1/landlords/{LANDLORD}",
        json={"name": "Renamed"},
        headers={**headers, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    history = (await client.get(f"/v1/landlords/{LANDLORD}/events", headers=headers)).json()
    assert [item["type"] for item in history["items"]] == [
        "landlord_registered",
        "landlord_changed",
    ]
    change = history["items"][1]
    assert change["changes"] == {
        "closures": {"before": [], "after": ["2026-12-29"]},
        "homes_rented": {"before": 0, "after": 900},
    }
    assert change["actor"]  # the key id that made the change
    invalid = await client.patch(
        f"/v1/landlords/{LANDLORD}", json={"region": "wales"}, headers=headers
    )
    assert invalid.status_code == 422
    unknown = await client.patch(
        f"/v1/landlords/{LANDLORD}", json={"default_policy": {"id": "made-up"}}, headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["type"] == "urn:redress:problem:unknown-policy"


async def test_a_landlord_publishes_its_own_policy_and_is_told_where_it_breaks_the_code(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    headers = await admin(make_key)
    policy = await code_policy(client, headers)
    policy |= {"id": "north-2026", "name": "North Homes complaints policy 2026", "version": 1}
    policy["stages"][1]["response_days"] = 25
    path = f"/v1/landlords/{LANDLORD}/policies"
    published = await client.post(path, json={"policy": policy}, headers=headers)
    assert published.status_code == 201, published.text
    assert published.headers["location"] == "/v1/policies/north-2026?version=1"
    body = published.json()
    assert body["complies"] is False
    assert [d["rule"] for d in body["divergences"]] == ["response_longer"]
    # Versions are published in order.
    clash = await client.post(path, json={"policy": policy}, headers=headers)
    assert clash.status_code == 409
    assert clash.json()["type"] == "urn:redress:problem:policy-version-conflict"
    reserved = await client.post(
        path, json={"policy": policy | {"id": "hoc-2024"}}, headers=headers
    )
    assert reserved.json()["type"] == "urn:redress:problem:policy-id-reserved"
    broken = copy.deepcopy(policy) | {"version": 2}
    broken["stages"][0]["response_days"] = -1
    assert (await client.post(path, json={"policy": broken}, headers=headers)).status_code == 422
    # The landlord's keys see it; another landlord's do not.
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    served = await client.get("/v1/policies/north-2026", headers=crm)
    assert served.status_code == 200
    assert served.json()["stages"][1]["response_days"] == 25
    check = (await client.get("/v1/policies/north-2026/check", headers=crm)).json()
    assert [d["rule"] for d in check["divergences"]] == ["response_longer"]
    assert "north-2026" in {
        p["id"] for p in (await client.get("/v1/policies", headers=crm)).json()["items"]
    }
    other = {"Authorization": f"Bearer {await make_key(Role.crm, OTHER_LANDLORD)}"}
    assert (await client.get("/v1/policies/north-2026", headers=other)).status_code == 404


async def test_changing_the_policy_never_moves_deadlines_already_set(
    client: httpx.AsyncClient, make_key: MakeKey, crm: dict[str, str]
) -> None:
    headers = await admin(make_key)
    before = await log(client, crm)
    assert before["policy"] == {"id": "hoc-2024", "version": 1}
    policy = await code_policy(client, headers)
    policy |= {"id": "north-slow", "name": "A slower policy", "version": 1}
    policy["stages"][0]["acknowledge_days"] = 10
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/policies",
        json={"policy": policy, "make_default": True},
        headers=headers,
    )
    assert published.status_code == 201, published.text
    landlord = (await client.get(f"/v1/landlords/{LANDLORD}", headers=headers)).json()
    assert landlord["default_policy"] == {"id": "north-slow", "version": 1}

    still = (await client.get(f"/v1/complaints/{before['id']}", headers=crm)).json()
    assert still["policy"] == {"id": "hoc-2024", "version": 1}
    assert still["sla"]["acknowledgement"]["due"] == before["sla"]["acknowledgement"]["due"]
    after = await log(client, crm)
    assert after["policy"] == {"id": "north-slow", "version": 1}
    # Received Friday 19 December 2025: 5 working days is 30 December, 10 is 7 January 2026.
    assert before["sla"]["acknowledgement"]["due"] == "2025-12-30"
    assert after["sla"]["acknowledgement"]["due"] == "2026-01-07"


async def test_a_new_closure_day_moves_running_deadlines_and_the_sla_lists(
    client: httpx.AsyncClient, make_key: MakeKey, crm: dict[str, str], db: AsyncEngine
) -> None:
    headers = await admin(make_key)
    complaint = await log(client, crm)
    assert complaint["sla"]["acknowledgement"]["due"] == "2025-12-30"
    assert await sla_due(db, complaint["id"]) == date(2025, 12, 30)
    changed = await client.patch(
        f"/v1/landlords/{LANDLORD}", json={"closures": ["2025-12-29"]}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    moved = (await client.get(f"/v1/complaints/{complaint['id']}", headers=crm)).json()
    assert moved["sla"]["acknowledgement"]["due"] == "2025-12-31"
    # Each clock says which calendar it was computed with.
    assert complaint["sla"]["acknowledgement"]["calendar"]["closures"] == []
    assert moved["sla"]["acknowledgement"]["calendar"] == {
        "region": "england-and-wales",
        "holidays_version": holidays_version(),
        "closures": ["2025-12-29"],
    }
    assert moved["sla"]["response"]["due"] == complaint_response_due_after_closure()
    # The list's SLA filter (a projection column) moved with it, as a rebuild would set it.
    assert await sla_due(db, complaint["id"]) == date(2025, 12, 31)
    async with reading(db) as conn:
        assert (await rebuild(conn, Mode.check)).equal


async def sla_due(db: AsyncEngine, complaint_id: str) -> date | None:
    async with reading(db) as conn:
        row = (
            await conn.execute(
                sa.select(complaints.c.sla_due).where(complaints.c.id == complaint_id)
            )
        ).one()
    due: date | None = row.sla_due
    return due


def complaint_response_due_after_closure() -> str:
    # Provisional response (not acknowledged yet): 10 working days from the acknowledgement's
    # deadline, itself moved by the 29 December closure to 31 December, skipping 1 January:
    # 2, 5-9, 12-15 January 2026.
    return "2026-01-15"


async def test_a_scottish_landlord_counts_scottish_bank_holidays(
    client: httpx.AsyncClient, make_key: MakeKey, crm: dict[str, str]
) -> None:
    headers = await admin(make_key)
    await client.patch(f"/v1/landlords/{LANDLORD}", json={"region": "scotland"}, headers=headers)
    complaint = await log(
        client,
        crm,
        received_at="2025-12-30T10:00:00+00:00",
        occurred_at="2025-12-30T10:00:00+00:00",
    )
    # England: 31 Dec, 2, 5, 6, 7 January. Scotland also keeps 2 January: 8 January.
    assert complaint["sla"]["acknowledgement"]["due"] == "2026-01-08"
    response = await append(
        client, crm, complaint["id"], "acknowledged", "2026-01-08T16:00:00+00:00"
    )
    assert response.json()["sla"]["acknowledgement"]["status"] == "met"


def _complaint() -> dict[str, Any]:
    from tests.api.factories import complaint_body

    return complaint_body()
