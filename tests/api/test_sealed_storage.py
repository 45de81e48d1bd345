"""Personal data is stored sealed: the events table never holds a resident's plaintext, while the
API shows it to those allowed to see it, and the hash chain covers the sealed form."""

from __future__ import annotations

import httpx
import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.tables import complainant_keys, events
from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import RESIDENT, append, log

pytestmark = pytest.mark.asyncio

SECRETS = [RESIDENT["name"], RESIDENT["email"], RESIDENT["phone"], "1 Nowhere Lane", "ZZ9 9ZZ"]


async def test_the_log_holds_ciphertext_and_the_api_the_person(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine
) -> None:
    complaint = await log(client, crm)
    note = "Spoke to Wilma Fictional at home"
    response = await append(
        client, crm, complaint["id"], "note_added", "2025-12-22T10:00:00+00:00", text=note
    )
    assert response.status_code == 201
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(events.c.data).where(events.c.stream_id == complaint["id"])
            )
        ).all()
        keys = (
            await conn.execute(
                sa.select(complainant_keys).where(
                    complainant_keys.c.complaint_id == complaint["id"]
                )
            )
        ).all()
    stored = orjson.dumps([row.data for row in rows]).decode()
    for secret in [*SECRETS, "boiler", note]:
        assert secret not in stored
    assert "R-0001" in stored  # the pseudonymous resident id stays readable for portal scoping
    assert len(keys) == 1
    assert keys[0].landlord == "north-homes"
    assert keys[0].wrapped_key is not None

    view = (await client.get(f"/v1/complaints/{complaint['id']}", headers=crm)).json()
    assert view["complainant"]["name"] == RESIDENT["name"]
    assert view["complainant"]["address"]["postcode"] == "ZZ9 9ZZ"
    stream = (await client.get(f"/v1/complaints/{complaint['id']}/events", headers=crm)).json()
    assert stream["items"][1]["data"]["text"] == note
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    report = (await client.get("/v1/audit/verify", headers=analyst)).json()
    assert report["ok"] is True
