"""Analysts see stable pseudonyms instead of people; an anonymous complaint hides who made it from
case handlers, while the landlord's admins and the resident (through the portal) still see it."""

from __future__ import annotations

import json

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import RESIDENT, log

pytestmark = pytest.mark.asyncio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_analysts_see_the_same_pseudonym_for_the_same_resident(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    first = await log(client, crm)
    second = await log(client, crm)
    stranger = await log(
        client, crm, complainant={"name": "Stan Stranger", "resident_id": "R-0099"}
    )
    analyst = bearer(await make_key(Role.analyst))

    async def pseudonym(cid: str) -> str:
        view = (await client.get(f"/v1/complaints/{cid}", headers=analyst)).json()
        assert view["complainant"] is None
        value: str = view["complainant_pseudonym"]
        return value

    same = await pseudonym(first["id"])
    assert same.startswith("person-")
    assert await pseudonym(second["id"]) == same
    assert await pseudonym(stranger["id"]) != same
    assert RESIDENT["resident_id"] not in same
    # The feed and the export carry the same pseudonym in place of the person.
    feed = (await client.get("/v1/events", headers=analyst)).json()["items"]
    logged = [e for e in feed if e["type"] == "logged" and e["complaint_id"] == first["id"]]
    assert logged[0]["data"]["complainant_pseudonym"] == same
    assert "complainant" not in logged[0]["data"]
    export = await client.get("/v1/events", headers={**analyst, "Accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert same in {line["data"].get("complainant_pseudonym") for line in lines}
    assert RESIDENT["name"] not in export.text


async def test_an_anonymous_complaint_hides_who_made_it_from_case_handlers(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    complaint = await log(client, crm, anonymous=True)
    cid = complaint["id"]
    assert complaint["complainant"] is None  # the CRM that logged it is a case handler too
    handled = (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()
    assert handled["anonymous"] is True
    assert handled["complainant"] is None
    assert handled["description"]  # the case itself stays workable
    for path in (f"/v1/complaints/{cid}/events", f"/v1/complaints/{cid}/history", "/v1/events"):
        assert RESIDENT["name"] not in (await client.get(path, headers=crm)).text
    admin = bearer(await make_key(Role.admin))
    assert (await client.get(f"/v1/complaints/{cid}", headers=admin)).json()["complainant"][
        "name"
    ] == RESIDENT["name"]
    portal = bearer(await make_key(Role.portal)) | {"X-Resident-Id": "R-0001"}
    own = (await client.get(f"/v1/complaints/{cid}", headers=portal)).json()
    assert own["complainant"]["name"] == RESIDENT["name"]
    # Still counted: it is in the list like any other complaint.
    listed = (await client.get("/v1/complaints", headers=crm)).json()["items"]
    assert cid in {item["id"] for item in listed}
