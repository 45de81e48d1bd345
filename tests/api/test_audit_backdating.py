"""GET /v1/audit/backdated over HTTP: events recorded more than N working days late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def report(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get("/v1/audit/backdated", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def given_a_timely_and_a_backdated_complaint(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    moment = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    timely = await log(client, crm, received_at=moment, occurred_at=moment)
    late = await log(client, crm)  # received 19 December 2025
    response = await append(client, crm, late["id"], "acknowledged", "2026-01-02T12:00:00+00:00")
    assert response.status_code == 201, response.text
    return timely, late


async def test_only_events_recorded_late_are_listed(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    timely, late = await given_a_timely_and_a_backdated_complaint(client, crm)
    body = await report(client, bearer(await make_key(Role.analyst)), working_days=5)
    assert body["working_days"] == 5
    assert [(i["complaint_id"], i["version"]) for i in body["items"]] == [
        (late["id"], 1),
        (late["id"], 2),
    ]
    assert timely["id"] not in {item["complaint_id"] for item in body["items"]}
    logged = body["items"][0]
    today = london_date(datetime.fromisoformat(logged["recorded_at"]))
    calendar = WorkingCalendar()
    assert logged["working_days_late"] == calendar.working_days_between(
        datetime(2025, 12, 19).date(), today
    )
    assert logged["occurred_at"].startswith("2025-12-19T10:05:00")
    assert logged["recorded_lag_seconds"] > 0
    # Every position examined: the landlord's registration, then the timely complaint, first.
    assert body["next_after"] == 4


async def test_the_threshold_is_configurable(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    await given_a_timely_and_a_backdated_complaint(client, crm)
    analyst = bearer(await make_key(Role.analyst))
    late = (await report(client, analyst, working_days=0))["items"]
    lateness = {item["version"]: item["working_days_late"] for item in late}
    just_under = min(lateness.values())
    assert (await report(client, analyst, working_days=just_under))["items"] != late
    assert len((await report(client, analyst, working_days=just_under - 1))["items"]) == len(late)
    assert (await report(client, analyst, working_days=365))["items"] == []


async def test_pages_resume_from_the_last_position(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    await given_a_timely_and_a_backdated_complaint(client, crm)
    analyst = bearer(await make_key(Role.analyst))
    first = await report(client, analyst, limit=1)
    assert len(first["items"]) == 1
    assert first["next_after"] == first["items"][0]["position"]
    second = await report(client, analyst, limit=1, after=first["next_after"])
    assert second["items"][0]["position"] > first["next_after"]
    rest = await report(client, analyst, after=second["next_after"])
    assert rest["items"] == []


async def test_access(client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey) -> None:
    await given_a_timely_and_a_backdated_complaint(client, crm)
    other = bearer(await make_key(Role.analyst, OTHER_LANDLORD))
    assert (await report(client, other))["items"] == []
    refused = await client.get("/v1/audit/backdated", headers=crm)
    assert refused.status_code == 403
    invalid = await client.get(
        "/v1/audit/backdated",
        params={"working_days": -1},
        headers=bearer(await make_key(Role.admin)),
    )
    assert invalid.status_code == 422
