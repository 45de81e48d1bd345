"""Finding complaints by a person or a home through keyed blind indexes: however the value was
written, only the landlord's own, never an anonymous complaint by its maker, never for analysts,
never the value in the database, and nobody found once erased. Every person is made up."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.factory import make_store
from app.events.tables import complaint_search
from app.services.keys import Role
from app.services.search_index import reindex
from app.settings import Settings
from tests.api.conftest import MakeKey
from tests.api.factories import RESIDENT, log

pytestmark = pytest.mark.asyncio

OTHER = {
    "name": "Otto Otherperson",
    "email": "otto@example.invalid",
    "phone": "+44 20 7946 0999",
    "address": {"lines": ["9 Elsewhere Road"], "postcode": "ZZ1 1ZZ"},
    "resident_id": "R-0002",
}


async def found(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[str]:
    response = await client.get("/v1/complaints", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_a_person_or_a_home_is_found_however_it_was_written(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine
) -> None:
    wilma = await log(client, crm, uprn="100012345678")
    otto = await log(client, crm, complainant=OTHER)
    hidden = await log(client, crm, anonymous=True)  # Wilma again, anonymously
    assert wilma["uprn"] == "100012345678"
    searches: list[dict[str, Any]] = [
        {"email": "  WILMA.Fictional@example.invalid"},
        {"phone": "020 7946 0000"},
        {"phone": "+442079460000"},
        {"postcode": "zz99zz"},
        {"uprn": "100012345678"},
        {"resident_id": "R-0001"},
        {"email": "wilma.fictional@example.invalid", "postcode": "ZZ9 9ZZ"},
    ]
    for params in searches:
        assert await found(client, crm, **params) == [wilma["id"]], params
    assert await found(client, crm, postcode="ZZ1 1ZZ") == [otto["id"]]
    assert (
        await found(client, crm, email="wilma.fictional@example.invalid", postcode="ZZ1 1ZZ") == []
    )
    assert hidden["id"] not in await found(client, crm, resident_id="R-0001")
    # Another landlord's key finds nothing of this landlord's.
    elsewhere = {"Authorization": f"Bearer {await make_key(Role.crm, 'south-homes')}"}
    assert await found(client, elsewhere, email=RESIDENT["email"]) == []
    # An analyst may not ask whether a person complained.
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    refused = await client.get("/v1/complaints", params={"email": RESIDENT["email"]},
                               headers=analyst)  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:redress:problem:personal-search-forbidden"
    blank = await client.get("/v1/complaints", params={"phone": "---"}, headers=crm)
    assert blank.status_code == 422
    # The database holds digests, never the values.
    async with db.connect() as conn:
        stored = (await conn.execute(sa.select(complaint_search))).all()
    text = repr(stored).lower()
    for value in ("wilma", "zz9", "7946", "100012345678", "r-0001"):
        assert value not in text
    assert {row.complaint_id for row in stored} == {wilma["id"], otto["id"]}


async def test_erasure_leaves_nobody_to_find_and_reindex_keeps_it_so(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine
) -> None:
    wilma = await log(client, crm, uprn="100012345678")
    otto = await log(client, crm, complainant=OTHER)
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    erased = await client.post(f"/v1/complaints/{wilma['id']}/erasure", json={}, headers=admin)
    assert erased.status_code == 200, erased.text
    for params in ({"email": RESIDENT["email"]}, {"uprn": "100012345678"}, {"postcode": "ZZ9 9ZZ"}):
        assert await found(client, crm, **params) == [], params
    # Complaints logged before the index existed are filled in by `redress search reindex`:
    # the live one is found again, the erased one stays gone.
    async with db.begin() as conn:
        await conn.execute(sa.delete(complaint_search))
    assert await found(client, crm, postcode="ZZ1 1ZZ") == []
    assert await reindex(db, make_store(Settings())) == 1
    assert await found(client, crm, postcode="ZZ1 1ZZ") == [otto["id"]]
    assert await found(client, crm, email=RESIDENT["email"]) == []
