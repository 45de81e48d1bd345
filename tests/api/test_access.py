"""Keys, roles and landlord isolation."""

from __future__ import annotations

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, append, complaint_body, log

pytestmark = pytest.mark.asyncio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_another_landlords_key_sees_and_changes_nothing(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    view = await log(client, crm)
    cid, reference = view["id"], view["reference"]
    other = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    assert (await client.get(f"/v1/complaints/{cid}", headers=other)).status_code == 404
    assert (await client.get(f"/v1/complaints/{cid}/events", headers=other)).status_code == 404
    assert (
        await client.get(f"/v1/complaints/by-reference/{reference}", headers=other)
    ).status_code == 404
    write = await append(client, other, cid, "acknowledged", "2025-12-22T10:00:00+00:00")
    assert write.status_code == 404
    assert (await client.get("/v1/complaints", headers=other)).json()["items"] == []
    # The other landlord's feed holds only its own registration.
    feed = (await client.get("/v1/events", headers=other)).json()["items"]
    assert [(e["stream_id"], e["complaint_id"]) for e in feed] == [("landlord:south-homes", None)]
    forbidden = await client.get(
        "/v1/complaints", params={"landlord": "north-homes"}, headers=other
    )
    assert forbidden.status_code == 403
    # And the owner's complaint is untouched.
    assert (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()["version"] == 1


async def test_missing_wrong_and_revoked_keys_are_refused(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    missing = await client.get("/v1/complaints")
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert (await client.get("/v1/complaints", headers=bearer("rdr_nope_nope"))).status_code == 401
    token = await make_key(Role.crm)
    assert (await client.get("/v1/complaints", headers=bearer(token))).status_code == 200
    assert (await client.get("/v1/complaints", headers=bearer(token + "x"))).status_code == 401


async def test_an_analyst_reads_without_personal_data_and_cannot_write(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = (await log(client, crm))["id"]
    analyst = bearer(await make_key(Role.analyst))
    view = await client.get(f"/v1/complaints/{cid}", headers=analyst)
    assert view.status_code == 200
    assert view.json()["complainant"] is None
    assert RESIDENT["name"] not in view.text
    events = await client.get(f"/v1/complaints/{cid}/events", headers=analyst)
    assert RESIDENT["email"] not in events.text
    assert RESIDENT["name"] not in (await client.get("/v1/events", headers=analyst)).text
    write = await append(client, analyst, cid, "acknowledged", "2025-12-22T10:00:00+00:00")
    assert write.status_code == 403
    assert (
        await client.post("/v1/complaints", json=complaint_body(), headers=analyst)
    ).status_code == 403


async def test_a_portal_sees_only_its_residents_complaints(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    portal = bearer(await make_key(Role.portal))
    mine = await client.post(
        "/v1/complaints",
        json=complaint_body(complainant={"name": "Pat Invented"}),
        headers={**portal, "X-Resident-Id": "R-7"},
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["complainant"]["resident_id"] == "R-7"
    someone_else = (await log(client, crm))["id"]
    as_r7 = {**portal, "X-Resident-Id": "R-7"}
    assert (await client.get(f"/v1/complaints/{someone_else}", headers=as_r7)).status_code == 404
    listed = (await client.get("/v1/complaints", headers=as_r7)).json()["items"]
    assert [c["id"] for c in listed] == [mine.json()["id"]]
    assert (await client.get("/v1/complaints", headers=portal)).status_code == 403
    assert (await client.get("/v1/events", headers=as_r7)).status_code == 403


async def test_a_refused_key_is_named_in_plain_english(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    complaint = await log(client, crm)
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    refused = await client.post(
        f"/v1/complaints/{complaint['id']}/events",
        json={"type": "acknowledged", "occurred_at": "2025-12-22T10:00:00Z"},
        headers=analyst,
    )
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("An analyst key may not ")
