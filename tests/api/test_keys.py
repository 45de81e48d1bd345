"""Keys over HTTP: an admin lists, creates, revokes and rotates its own landlord's keys; a revoked
key is refused at once; a key used too fast is told to wait."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.main import create_app
from app.services.keys import Role
from app.settings import Settings
from tests.api.conftest import OTHER_LANDLORD, MakeKey, serving

pytestmark = pytest.mark.asyncio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_admin_manages_its_landlords_keys(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    admin = bearer(await make_key(Role.admin))
    created = await client.post("/v1/keys", json={"role": "crm", "name": "CRM"}, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    crm = bearer(body["token"])
    assert (await client.get("/v1/complaints", headers=crm)).status_code == 200
    listed = (await client.get("/v1/keys", headers=admin)).json()["items"]
    assert body["key"]["id"] in {k["id"] for k in listed}
    assert all("token" not in k and "secret_hash" not in k for k in listed)
    assert body["token"] not in (await client.get("/v1/keys", headers=admin)).text

    revoked = await client.post(f"/v1/keys/{body['key']['id']}/revoke", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    refused = await client.get("/v1/complaints", headers=crm)
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:redress:problem:unauthenticated"
    again = await client.post(f"/v1/keys/{body['key']['id']}/rotate", json={}, headers=admin)
    assert again.status_code == 409


async def test_rotation_with_and_without_grace(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    admin = bearer(await make_key(Role.admin))
    old = (await client.post("/v1/keys", json={"role": "analyst"}, headers=admin)).json()
    graced = await client.post(
        f"/v1/keys/{old['key']['id']}/rotate", json={"grace_seconds": 3600}, headers=admin
    )
    assert graced.status_code == 201, graced.text
    new = graced.json()
    assert new["replaces"] == old["key"]["id"]
    assert new["key"]["role"] == "analyst"
    # Both work during the grace period.
    for token in (old["token"], new["token"]):
        assert (await client.get("/v1/audit/verify", headers=bearer(token))).status_code == 200
    at_once = await client.post(
        f"/v1/keys/{new['key']['id']}/rotate", json={"grace_seconds": 0}, headers=admin
    )
    assert (await client.get("/v1/audit/verify", headers=bearer(new["token"]))).status_code == 401
    newest = bearer(at_once.json()["token"])
    assert (await client.get("/v1/audit/verify", headers=newest)).status_code == 200


async def test_keys_are_the_admins_and_its_landlords_only(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    other_admin = bearer(await make_key(Role.admin, OTHER_LANDLORD))
    mine = (
        await client.post(
            "/v1/keys", json={"role": "crm"}, headers=bearer(await make_key(Role.admin))
        )
    ).json()
    for path in (f"/v1/keys/{mine['key']['id']}/revoke", f"/v1/keys/{mine['key']['id']}/rotate"):
        assert (await client.post(path, json={}, headers=other_admin)).status_code == 404
    assert mine["key"]["id"] not in (await client.get("/v1/keys", headers=other_admin)).text
    crm = bearer(await make_key(Role.crm))
    assert (await client.get("/v1/keys", headers=crm)).status_code == 403
    assert (await client.post("/v1/keys", json={"role": "admin"}, headers=crm)).status_code == 403


async def test_a_key_used_too_fast_is_told_when_to_retry(
    database_url: str, make_key: MakeKey
) -> None:
    settings = Settings(database_url=database_url, rate_limit_per_minute=60, rate_limit_burst=3)
    headers = bearer(await make_key(Role.crm))
    other = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    with serving(create_app(settings)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            statuses = [
                (await client.get("/v1/complaints", headers=headers)).status_code for _ in range(4)
            ]
            assert statuses == [200, 200, 200, 429]
            limited = await client.get("/v1/complaints", headers=headers)
            assert limited.json()["type"] == "urn:redress:problem:rate-limited"
            assert 1 <= int(limited.headers["retry-after"]) <= 2
            # Another key is not slowed down by this one.
            assert (await client.get("/v1/complaints", headers=other)).status_code == 200
            await asyncio.sleep(1.05)
            assert (await client.get("/v1/complaints", headers=headers)).status_code == 200
