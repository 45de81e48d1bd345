"""Erasure over HTTP: after it, no response, export or database row holds the person's plaintext,
`verify` still passes, and what the reports count (stage, status, outcome, dates) is unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, append, log

pytestmark = pytest.mark.asyncio

KEPT = {"name": "Kept Person", "email": "kept@example.invalid", "resident_id": "R-0002"}
SECRETS = [
    RESIDENT["name"],
    RESIDENT["email"],
    RESIDENT["phone"],
    "1 Nowhere Lane",
    "ZZ9 9ZZ",
    "boiler has failed",
    "Rang Wilma",
]


async def everything(client: httpx.AsyncClient, headers: dict[str, str], cid: str) -> str:
    """Every way the API shows a complaint, as one text."""
    paths = [
        f"/v1/complaints/{cid}",
        f"/v1/complaints/{cid}/events",
        f"/v1/complaints/{cid}/history",
        "/v1/complaints",
        "/v1/events",
    ]
    texts = [(await client.get(path, headers=headers)).text for path in paths]
    export = await client.get("/v1/events", headers={**headers, "Accept": "application/x-ndjson"})
    return "\n".join([*texts, export.text])


async def database_text(db: AsyncEngine) -> str:
    async with db.connect() as conn:
        names = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        rows = [
            str(row)
            for name in names
            for row in (await conn.execute(sa.text(f'SELECT * FROM "{name}"'))).all()
        ]
    return "\n".join(rows)


async def test_erasing_a_resident_forgets_them_everywhere_and_keeps_the_record(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine
) -> None:
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    complaint = await log(client, crm)
    cid = complaint["id"]
    retried = await client.post(
        f"/v1/complaints/{cid}/events",
        json={"type": "contacted", "occurred_at": "2025-12-22T10:00:00Z", "method": "phone",
              "summary": "Rang Wilma about the boiler"},
        headers={**crm, "Idempotency-Key": "call-1"},
    )  # fmt: skip
    assert retried.status_code == 201
    responded = await append(client, crm, cid, "responded", "2025-12-23T10:00:00+00:00",
                             outcome="upheld", summary="New boiler fitted.")  # fmt: skip
    before: dict[str, Any] = responded.json()
    other = await log(client, crm, complainant=KEPT, description="Kept complaint.")
    assert RESIDENT["name"] in await everything(client, crm, cid)

    erased = await client.post(
        f"/v1/complainants/{RESIDENT['resident_id']}/erasure", json={}, headers=admin
    )
    assert erased.status_code == 200, erased.text
    assert erased.json() == {
        "complaints": [cid],
        "feedback": [],
        "restrictions": [],
        "keys_destroyed": 1,
    }

    shown = await everything(client, crm, cid)
    for secret in SECRETS:
        assert secret not in shown
        assert secret not in await database_text(db)
    after = (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()
    assert after["complainant"]["name"] == "[erased]"
    assert after["personal_data_erased_at"] is not None
    for kept in ("stage", "status", "outcome", "received_at", "reference", "category"):
        assert after[kept] == before[kept]
    assert after["sla"]["response"]["status"] == before["sla"]["response"]["status"]
    # Another resident's complaint is untouched.
    assert (await client.get(f"/v1/complaints/{other['id']}", headers=crm)).json()["complainant"][
        "name"
    ] == "Kept Person"
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    assert (await client.get("/v1/audit/verify", headers=analyst)).json()["ok"] is True
    stream = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert stream[-1]["type"] == "personal_data_erased"
    assert stream[-1]["data"] == {"reason": "request"}
    # The case can go on after the erasure.
    now = datetime.now(UTC).isoformat()
    closed = await append(client, crm, cid, "closed", now, reason="resolved")
    assert closed.status_code == 201, closed.text


async def test_erasure_is_an_admins_and_for_its_own_landlord(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    complaint = await log(client, crm)
    path = f"/v1/complaints/{complaint['id']}/erasure"
    assert (await client.post(path, json={}, headers=crm)).status_code == 403
    other = {"Authorization": f"Bearer {await make_key(Role.admin, OTHER_LANDLORD)}"}
    assert (await client.post(path, json={}, headers=other)).status_code == 404
    nobody = await client.post("/v1/complainants/R-0001/erasure", json={}, headers=other)
    assert nobody.status_code == 404
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    done = await client.post(path, json={"reason": "retention"}, headers=admin)
    assert done.json()["complaints"] == [complaint["id"]]
