"""Concurrent writers over HTTP: optimistic concurrency and a gap-free global feed."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def test_sixteen_appends_with_the_same_version_one_wins(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]

    async def note(i: int) -> httpx.Response:
        return await client.post(
            f"/v1/complaints/{cid}/events",
            json={
                "type": "note_added",
                "occurred_at": "2025-12-20T10:00:00+00:00",
                "text": f"n{i}",
            },
            headers={**crm, "If-Match": '"1"'},
        )

    responses = await asyncio.gather(*(note(i) for i in range(16)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    assert all(s in (409, 412) for s in statuses if s != 201), statuses
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert [e["version"] for e in events] == [1, 2]


async def test_appends_without_if_match_all_land_in_order(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    responses = await asyncio.gather(
        *(
            append(client, crm, cid, "note_added", "2025-12-20T10:00:00+00:00", text=f"n{i}")
            for i in range(6)
        )
    )
    # Without If-Match a writer that loses the race re-reads and retries, a bounded number of times.
    assert sum(r.status_code == 201 for r in responses) >= 1
    assert all(r.status_code in (201, 409) for r in responses)
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    landed = sum(r.status_code == 201 for r in responses)
    assert [e["version"] for e in events] == list(range(1, landed + 2))


async def test_follower_sees_every_event_once_while_eight_writers_append(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    writers, per_writer = 8, 6
    ids = [(await log(client, crm))["id"] for _ in range(writers)]
    done = asyncio.Event()

    async def writer(cid: str) -> int:
        landed = 0
        for i in range(per_writer):
            response = await append(
                client, crm, cid, "note_added", "2025-12-20T10:00:00+00:00", text=f"w{i}"
            )
            assert response.status_code == 201, response.text
            landed += 1
        return landed

    seen: list[int] = []

    async def follower() -> None:
        after = 0
        while True:
            finished = done.is_set()
            page = (
                await client.get("/v1/events", params={"after": after, "limit": 5}, headers=crm)
            ).json()
            seen.extend(item["position"] for item in page["items"])
            after = page["next_after"]
            if finished and not page["items"]:
                return
            if not page["items"]:
                await asyncio.sleep(0.005)

    follow = asyncio.create_task(follower())
    landed = await asyncio.gather(*(writer(cid) for cid in ids))
    done.set()
    await follow
    total = 1 + writers + sum(landed)  # the landlord's registration is in the feed too
    assert len(seen) == total
    assert seen == sorted(seen)
    assert len(set(seen)) == total
