"""Rules that follow a landlord's own policy, over HTTP: stopping the clock (across Easter 2026),
reopening, and closure that waits for agreed actions; each refused under the Code."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import LANDLORD, MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def flexible_policy(client: httpx.AsyncClient, make_key: MakeKey) -> None:
    """The landlord publishes a copy of the Code that stops clocks, reopens and waits for actions,
    and logs new complaints under it."""
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    policy = (await client.get("/v1/policies/hoc-2024", headers=admin)).json()
    policy |= {
        "id": "north-flex",
        "name": "North Homes flexible policy",
        "version": 1,
        "clock_stopping_allowed": True,
        "reopening_allowed": True,
        "closure_waits_for_actions": True,
    }
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/policies",
        json={"policy": policy, "make_default": True},
        headers=admin,
    )
    assert published.status_code == 201, published.text
    rules = {d["rule"] for d in published.json()["divergences"]}
    assert "clock_stopping" in rules


async def ok(
    client: httpx.AsyncClient, crm: dict[str, str], cid: str, kind: str, at: str, **fields: Any
) -> dict[str, Any]:
    response = await append(client, crm, cid, kind, at, **fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_stopping_the_clock_moves_the_deadline_by_the_working_days_stopped(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    code = await log(client, crm)  # logged under hoc-2024, before the landlord's own policy
    refused = await append(
        client, crm, code["id"], "clock_stopped", "2025-12-22T10:00:00+00:00",
        reason_category="awaiting_resident", reason="Waiting for photos",
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:redress:problem:clock-stopping-not-allowed"

    await flexible_policy(client, make_key)
    c = await log(
        client,
        crm,
        received_at="2026-03-23T09:00:00+00:00",
        occurred_at="2026-03-23T09:05:00+00:00",
    )
    assert c["policy"] == {"id": "north-flex", "version": 1}
    c = await ok(client, crm, c["id"], "acknowledged", "2026-03-24T10:00:00+00:00")
    # 10 working days after Tuesday 24 March 2026, Good Friday 3 April and Easter Monday skipped.
    assert c["sla"]["response"]["due"] == "2026-04-09"
    c = await ok(client, crm, c["id"], "clock_stopped", "2026-04-01T10:00:00+01:00",
                 reason_category="awaiting_resident", reason="Waiting for photos")  # fmt: skip
    assert c["sla"]["response"]["paused"] is True
    c = await ok(client, crm, c["id"], "clock_restarted", "2026-04-08T10:00:00+01:00")
    # Stopped 2 April to 8 April: 2, 7 and 8 April are working days (3 and 6 are Easter).
    assert c["sla"]["response"]["due"] == "2026-04-14"
    assert c["sla"]["response"]["paused"] is False
    entries = (await client.get(f"/v1/complaints/{c['id']}/history", headers=crm)).json()["items"]
    dues = [(e["event"]["type"], e["complaint"]["sla"]["response"]["due"]) for e in entries]
    assert dues[-2:] == [("clock_stopped", "2026-04-09"), ("clock_restarted", "2026-04-14")]


async def test_reopening_and_closure_that_waits_for_actions(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    code = await log(client, crm)
    await ok(client, crm, code["id"], "responded", "2025-12-22T10:00:00+00:00",
             outcome="upheld", summary="Fixed.")  # fmt: skip
    await ok(client, crm, code["id"], "closed", "2025-12-22T11:00:00+00:00", reason="resolved")
    no = await append(client, crm, code["id"], "reopened", "2025-12-23T10:00:00+00:00", reason="r")
    assert no.json()["type"] == "urn:redress:problem:reopening-not-allowed"

    await flexible_policy(client, make_key)
    c = await log(client, crm)
    await ok(client, crm, c["id"], "responded", "2025-12-22T10:00:00+00:00",
             outcome="upheld", summary="Boiler to be replaced.")  # fmt: skip
    await ok(client, crm, c["id"], "action_agreed", "2025-12-22T10:30:00+00:00",
             action_id="boiler", description="Replace the boiler", due="2026-01-09")  # fmt: skip
    waiting = await append(
        client, crm, c["id"], "closed", "2025-12-22T11:00:00+00:00", reason="resolved"
    )
    assert waiting.status_code == 409
    assert waiting.json()["type"] == "urn:redress:problem:actions-outstanding"
    await ok(client, crm, c["id"], "action_completed", "2026-01-08T15:00:00+00:00",
             action_id="boiler", summary="Replaced")  # fmt: skip
    closed = await ok(
        client, crm, c["id"], "closed", "2026-01-08T16:00:00+00:00", reason="resolved"
    )
    assert closed["status"] == "closed"
    assert closed["sla"]["actions"]["status"] == "met"
    reopened = await ok(
        client, crm, c["id"], "reopened", "2026-01-12T09:00:00+00:00", reason="Boiler failed again"
    )
    assert reopened["status"] == "open"
    assert reopened["stages"][-1]["reopened"] is True
