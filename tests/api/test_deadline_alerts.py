"""Deadline alerts over the API: a landlord publishes its own warning points, the service raises
the alerts (no key may), the landlord's keys read them and the resident's portal never does. Every
person is made up."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.factory import make_store
from app.services.alerts import raise_due_alerts
from app.services.keys import Role
from app.settings import Settings
from tests.api.conftest import LANDLORD, MakeKey
from tests.api.factories import RESIDENT, append, log

pytestmark = pytest.mark.asyncio


async def publish(
    client: httpx.AsyncClient, admin: dict[str, str], version: int, points: object
) -> httpx.Response:
    policy = (await client.get("/v1/policies/hoc-2024", headers=admin)).json()
    policy |= {"id": "own-alerts", "name": "Our policy", "version": version}
    policy["alert_days_before"] = points
    return await client.post(
        f"/v1/landlords/{LANDLORD}/policies",
        json={"policy": policy, "make_default": True},
        headers=admin,
    )


async def test_a_landlord_chooses_its_warning_points_and_is_warned_at_them(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    portal = {
        "Authorization": f"Bearer {await make_key(Role.portal)}",
        "X-Resident-Id": RESIDENT["resident_id"],
    }
    hoc = (await client.get("/v1/policies/hoc-2024", headers=crm)).json()
    assert hoc["alert_days_before"] == [2, 0]  # its warning_days, and the due day

    refused = await publish(client, admin, 1, [3, 3])
    assert refused.status_code == 422, refused.text
    assert (await publish(client, admin, 1, [4, 1])).status_code == 201
    own = (await client.get("/v1/policies/own-alerts", headers=crm)).json()
    assert own["alert_days_before"] == [4, 1]

    # Received Monday 2 March 2026: acknowledge by Monday 9 March; warned 4 working days before
    # (Tuesday 3 March) and 1 (Friday 6 March); nobody acknowledged it.
    complaint = await log(
        client,
        crm,
        received_at="2026-03-02T09:00:00+00:00",
        occurred_at="2026-03-02T09:05:00+00:00",
    )
    store = make_store(Settings())
    for day in (3, 6, 10):
        now = datetime(2026, 3, day, 8, tzinfo=UTC)
        assert await raise_due_alerts(db, store, now=now) == 1

    stream = await client.get(f"/v1/complaints/{complaint['id']}/events", headers=crm)
    alerts = [e for e in stream.json()["items"] if e["type"] == "deadline_alert_raised"]
    assert [(a["data"]["working_days_before"], a["data"]["point_date"]) for a in alerts] == [
        (4, "2026-03-03"),
        (1, "2026-03-06"),
        (None, "2026-03-10"),
    ]
    assert {a["recorded_by"] for a in alerts} == {"service"}

    seen = await client.get(f"/v1/complaints/{complaint['id']}/history", headers=portal)
    assert seen.status_code == 200, seen.text
    assert "deadline_alert_raised" not in seen.text

    # An alert is the service's record: no key may append one.
    forged = await append(
        client,
        crm,
        complaint["id"],
        "deadline_alert_raised",
        "2026-03-10T09:00:00+00:00",
        clock="acknowledgement",
        stage=1,
        due="2026-03-09",
        alert="breached",
        working_days_before=None,
        point_date="2026-03-10",
    )
    assert forged.status_code in (403, 422), forged.text
