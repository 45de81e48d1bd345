"""The policies and the check against the Code, over HTTP."""

from __future__ import annotations

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import MakeKey

pytestmark = pytest.mark.asyncio

BUILT_IN = {"hoc-2024", "jjh-2020", "tuntum-2017", "jliving-2018", "policy-2022"}


async def test_policies_are_served_as_data(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    listed = (await client.get("/v1/policies", headers=crm)).json()["items"]
    assert {p["id"] for p in listed} == BUILT_IN
    code = (await client.get("/v1/policies/hoc-2024", headers=crm)).json()
    assert [s["number"] for s in code["stages"]] == [1, 2]
    assert [(s["acknowledge_days"], s["response_days"]) for s in code["stages"]] == [
        (5, 10),
        (5, 20),
    ]
    assert [s["extension_cap_days"] for s in code["stages"]] == [10, 20]
    pinned = await client.get("/v1/policies/hoc-2024", params={"version": 1}, headers=crm)
    assert pinned.status_code == 200
    assert (
        await client.get("/v1/policies/hoc-2024", params={"version": 9}, headers=crm)
    ).status_code == 404
    assert (await client.get("/v1/policies/made-up", headers=crm)).status_code == 404


async def test_the_check_flags_divergences_from_the_code(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    async def rules(policy_id: str) -> set[str]:
        response = await client.get(f"/v1/policies/{policy_id}/check", headers=crm)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["compared_with"] == {"id": "hoc-2024", "version": 1}
        assert body["complies"] is (not body["divergences"])
        assert all(d["code_section"] and d["message"] for d in body["divergences"])
        return {d["rule"] for d in body["divergences"]}

    assert await rules("hoc-2024") == set()
    assert "informal_stage" in await rules("tuntum-2017")
    assert "informal_stage" in await rules("jjh-2020")
    assert "extra_stage" in await rules("jliving-2018")
    assert await rules("policy-2022")


async def test_any_role_reads_policies_a_stranger_does_not(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    portal = {"Authorization": f"Bearer {await make_key(Role.portal)}"}
    assert (await client.get("/v1/policies", headers=portal)).status_code == 200
    assert (await client.get("/v1/policies")).status_code == 401
