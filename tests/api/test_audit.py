"""GET /v1/audit/verify over HTTP: who may call it, and what each landlord is shown."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.tables import events
from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_only_analysts_and_admins_may_verify(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    for role, status in [
        (Role.analyst, 200),
        (Role.admin, 200),
        (Role.crm, 403),
        (Role.portal, 403),
    ]:
        headers = bearer(await make_key(role)) | {"X-Resident-Id": "R-0001"}
        response = await client.get("/v1/audit/verify", headers=headers)
        assert response.status_code == status, (role, response.text)


async def test_a_clean_log(
    client: httpx.AsyncClient, make_key: MakeKey, crm: dict[str, str]
) -> None:
    complaint = await log(client, crm)
    response = await append(
        client, crm, complaint["id"], "acknowledged", "2025-12-19T11:00:00+00:00"
    )
    assert response.status_code == 201, response.text
    analyst = bearer(await make_key(Role.analyst))
    report = (await client.get("/v1/audit/verify", headers=analyst)).json()
    # The landlord's registration is a stream of its own, checked like the complaint's.
    assert report == {
        "ok": True,
        "events": 3,
        "streams": 2,
        "positions": {"last": 3, "gapless": True, "first_missing": None},
        "findings": [],
        "checked": {"full": False, "after": 0, "up_to": 3, "events": 3},
        "checkpoint": None,
        "checkpoint_problems": [],
        "new_checkpoint": 3,
    }
    # The next check continues from the checkpoint that one signed, and reads only what is new.
    note = await append(
        client,
        crm,
        complaint["id"],
        "note_added",
        "2025-12-19T12:00:00+00:00",
        text="Called back.",
        visibility="internal",
    )
    assert note.status_code == 201, note.text
    report = (await client.get("/v1/audit/verify", headers=analyst)).json()
    assert report["checkpoint"]["position"] == 3
    assert (report["ok"], report["events"], report["streams"]) == (True, 4, 2)
    assert report["checked"] == {"full": False, "after": 3, "up_to": 4, "events": 1}
    assert report["new_checkpoint"] == 4


async def test_tampering_is_named_to_its_landlord_only(
    client: httpx.AsyncClient, make_key: MakeKey, crm: dict[str, str], db: AsyncEngine
) -> None:
    complaint = await log(client, crm)
    await append(client, crm, complaint["id"], "acknowledged", "2025-12-19T11:00:00+00:00")
    async with db.begin() as conn:
        position = (
            await conn.execute(
                sa.update(events)
                .where(events.c.stream_id == complaint["id"], events.c.version == 2)
                .values(data={"method": "letter"})
                .returning(events.c.position)
            )
        ).scalar_one()
    mine = (
        await client.get("/v1/audit/verify", headers=bearer(await make_key(Role.analyst)))
    ).json()
    assert mine["ok"] is False
    assert mine["findings"] == [
        {
            "kind": "altered",
            "complaint_id": complaint["id"],
            "version": 2,
            "position": position,
            "detail": "the hash does not match the event's content",
        }
    ]
    other_key = await make_key(Role.analyst, OTHER_LANDLORD)
    theirs = (await client.get("/v1/audit/verify", headers=bearer(other_key))).json()
    assert theirs["ok"] is False
    assert theirs["findings"] == []
