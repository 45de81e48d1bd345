"""Listing with filters and cursor pagination; lookup by reference; health endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import httpx
import pytest

from app.domain.clocks.calendar import WorkingCalendar, london_date
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def test_pages_cover_every_complaint_once_newest_first(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    ids = []
    for day in range(1, 8):
        received = f"2025-11-{day:02d}T10:00:00+00:00"
        ids.append((await log(client, crm, received_at=received, occurred_at=received))["id"])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/complaints", params=params, headers=crm)).json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))


async def test_filters(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    now = datetime.now(UTC)
    old = (now - timedelta(days=30)).isoformat()
    recent = (now - timedelta(minutes=5)).isoformat()
    breaching = (await log(client, crm, received_at=old, occurred_at=old))["id"]
    fresh = (await log(client, crm, received_at=recent, occurred_at=recent, category="rent"))["id"]
    acknowledged = (await log(client, crm, received_at=recent, occurred_at=recent))["id"]
    await append(client, crm, acknowledged, "acknowledged", now.isoformat())
    await append(
        client, crm, acknowledged, "assigned", now.isoformat(), handler="officer-9", role="officer"
    )

    async def ids(**params: str | int) -> set[str]:
        response = await client.get("/v1/complaints", params=params, headers=crm)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert await ids(sla="breached") == {breaching}
    assert await ids(category="rent") == {fresh}
    assert await ids(handler="officer-9") == {acknowledged}
    assert await ids(status="open", stage=1) == {breaching, fresh, acknowledged}
    assert await ids(status="closed") == set()
    assert await ids(received_from=(now - timedelta(days=1)).isoformat()) == {fresh, acknowledged}
    assert await ids(received_to=(now - timedelta(days=1)).isoformat()) == {breaching}


async def test_due_soon_filter(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    # Received four working days ago: the acknowledgement is due on the next working day.
    calendar = WorkingCalendar()
    today = london_date(datetime.now(UTC))
    received_day = calendar.subtract_working_days(today, 4)
    received = datetime.combine(received_day, time(12), tzinfo=UTC).isoformat()
    soon = (await log(client, crm, received_at=received, occurred_at=received))["id"]
    later_day = calendar.subtract_working_days(today, 1)
    later = datetime.combine(later_day, time(12), tzinfo=UTC).isoformat()
    await log(client, crm, received_at=later, occurred_at=later)
    view = (await client.get(f"/v1/complaints/{soon}", headers=crm)).json()
    assert view["sla"]["acknowledgement"]["status"] == "due_soon"
    listed = await client.get("/v1/complaints", params={"sla": "due_soon"}, headers=crm)
    assert {item["id"] for item in listed.json()["items"]} == {soon}


async def test_by_reference(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    first = await log(client, crm)
    second = await log(client, crm)
    assert first["reference"] != second["reference"]
    found = await client.get(f"/v1/complaints/by-reference/{second['reference']}", headers=crm)
    assert found.status_code == 200
    assert found.json()["id"] == second["id"]
    assert found.headers["etag"] == '"1"'
    missing = await client.get("/v1/complaints/by-reference/RDR-1999-000001", headers=crm)
    assert missing.status_code == 404


async def test_health_readiness_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    metrics = await client.get("/metrics")
    assert "redress_http_requests_total" in metrics.text
    assert 'route="/healthz"' in metrics.text


async def test_the_list_as_it_stood_at_a_past_moment(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    # A: received Fri 19 Dec 2025, acknowledgement due Tue 30 Dec, acknowledged late on 2 January.
    a = (await log(client, crm))["id"]
    await append(client, crm, a, "acknowledged", "2026-01-02T10:00:00+00:00")
    await append(
        client, crm, a, "responded", "2026-01-05T10:00:00+00:00", outcome="upheld", summary="Done."
    )
    # B: received Mon 22 Dec, acknowledgement due Wed 31 Dec.
    b_at = "2025-12-22T10:00:00+00:00"
    b = (await log(client, crm, received_at=b_at, occurred_at=b_at))["id"]
    # C: received after the moment asked about.
    c_at = "2026-01-05T10:00:00+00:00"
    await log(client, crm, received_at=c_at, occurred_at=c_at)
    moment = "2025-12-31T12:00:00+00:00"

    async def ids(**params: str | int) -> list[str]:
        response = await client.get("/v1/complaints", params=params, headers=crm)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(sla="breached", as_of=moment) == [a]
    assert await ids(sla="due_soon", as_of=moment) == [b]
    assert await ids(status="open", as_of=moment) == [b, a]
    assert await ids(status="responded", as_of=moment) == []
    assert a not in await ids(sla="breached")
    assert await ids(status="responded") == [a]
    # Pages of the past work as pages of the present do.
    first = (
        await client.get("/v1/complaints", params={"as_of": moment, "limit": 1}, headers=crm)
    ).json()
    assert [item["id"] for item in first["items"]] == [b]
    assert first["items"][0]["as_of"] == "2025-12-31T12:00:00Z"
    second = await ids(as_of=moment, limit=1, cursor=first["next_cursor"])
    assert second == [a]


async def test_a_response_missed_at_stage_1_keeps_the_complaint_breached_at_stage_2(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    # Logged Monday 2 March 2026, acknowledged the 3rd: stage 1's response was due Tuesday 17
    # March and never came. The resident asked for stage 2 on the 23rd; it was opened on the 24th
    # and acknowledged on the 25th, in time. The view's clocks are stage 2's, all in time, yet the
    # complaint stays in `sla=breached`, live and as it stood on the 26th.
    at = "2026-03-02T10:00:00+00:00"
    missed = (await log(client, crm, received_at=at, occurred_at=at))["id"]
    steps = [
        ("acknowledged", "2026-03-03T10:00:00+00:00"),
        ("escalation_requested", "2026-03-23T10:00:00+00:00"),
        ("escalated", "2026-03-24T10:00:00+00:00"),
        ("acknowledged", "2026-03-25T10:00:00+00:00"),
    ]
    for event_type, occurred_at in steps:
        response = await append(client, crm, missed, event_type, occurred_at)
        assert response.status_code == 201, response.text
    moment = "2026-03-26T12:00:00+00:00"
    then = await client.get(f"/v1/complaints/{missed}", params={"as_of": moment}, headers=crm)
    view = then.json()
    assert view["stage"] == 2
    assert {clock["status"] for clock in view["sla"].values()} <= {"pending", "met"}
    first = next(s for s in view["stages"] if s["stage"] == 1)
    assert first["sla"]["response"]["status"] == "missed"

    async def ids(**params: str) -> list[str]:
        response = await client.get("/v1/complaints", params=params, headers=crm)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert missed in await ids(sla="breached", as_of=moment)
    assert missed not in await ids(sla="due_soon", as_of=moment)
    assert missed in await ids(sla="breached")
