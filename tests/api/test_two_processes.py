"""Two API processes and two of each background job against one PostgreSQL behave as one: the
streams, the feed and the projections come out as a single process would leave them.

Real processes (`python -m app.cli serve`, `retention run`, `idempotency purge`), real HTTP, one
database: what the two servers share is only what PostgreSQL gives them (the positions counter,
the stream versions, the cache notifications)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.verify import verify
from app.db import reading
from app.events.scan import snapshot
from app.services.keys import Role
from app.services.rebuild import Mode, rebuild
from tests.api.conftest import MakeKey, register
from tests.api.factories import complaint_body

pytestmark = pytest.mark.asyncio

LANDLORD = "twin-homes"
OLD = 6  # complaints ended in 2019, past the landlord's two years of retention
FRESH = 6
NOTES = 8  # per fresh complaint, half through each server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_server(database_url: str) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as probe:
        for _ in range(600):
            try:
                if (await probe.get("/readyz")).status_code == 200:
                    return process, base
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not become ready")


async def job(database_url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", *args,
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


@pytest_asyncio.fixture
async def servers(
    database_url: str, backend: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    if backend != "postgresql":
        pytest.skip("processes side by side on one PostgreSQL")
    started = await asyncio.gather(start_server(database_url), start_server(database_url))
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for _, base in started]
    try:
        yield clients[0], clients[1]
    finally:
        for client in clients:
            await client.aclose()
        for process, _ in started:
            process.terminate()
            await process.wait()


async def test_two_servers_and_two_of_each_job_leave_what_one_would(
    servers: tuple[httpx.AsyncClient, httpx.AsyncClient],
    db: AsyncEngine,
    database_url: str,
    make_key: MakeKey,
) -> None:
    a, b = servers
    async with db.begin() as conn:
        await register(conn, LANDLORD, retention_years=2)
    crm = {"Authorization": f"Bearer {await make_key(Role.crm, LANDLORD)}"}
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst, LANDLORD)}"}

    async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> str:
        response = await client.post(path, json=body, headers=crm)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def event(client: httpx.AsyncClient, cid: str, body: dict[str, Any]) -> None:
        await post(client, f"/v1/complaints/{cid}/events", body)

    async def old_case(i: int) -> str:
        server = (a, b)[i % 2]
        at = f"2019-01-{i + 7:02d}T10:00:00+00:00"
        cid = await post(server, "/v1/complaints", complaint_body(received_at=at, occurred_at=at))
        answered = f"2019-02-{i + 7:02d}T10:00:00+00:00"
        await event(server, cid, {"type": "responded", "occurred_at": answered,
                                  "outcome": "upheld", "summary": "Put right."})  # fmt: skip
        closed = f"2019-03-{i + 7:02d}T10:00:00+00:00"
        await event(server, cid, {"type": "closed", "occurred_at": closed, "reason": "resolved"})
        return cid

    old = await asyncio.gather(*(old_case(i) for i in range(OLD)))
    fresh = await asyncio.gather(*(post((a, b)[i % 2], "/v1/complaints", complaint_body())
                                   for i in range(FRESH)))  # fmt: skip

    async def notes(cid: str) -> None:
        now = datetime.now(UTC).isoformat()
        for n in range(NOTES):
            await event((a, b)[n % 2], cid, {"type": "note_added", "occurred_at": now,
                                             "text": f"Update {n}."})  # fmt: skip

    # The load on both servers, with two retention runs and two purges racing it.
    results = await asyncio.gather(
        *(notes(cid) for cid in fresh),
        job(database_url, "retention", "run", "--landlord", LANDLORD),
        job(database_url, "retention", "run", "--landlord", LANDLORD),
        job(database_url, "idempotency", "purge"),
        job(database_url, "idempotency", "purge"),
    )
    runs = [r for r in results if isinstance(r, tuple)]
    assert all(code == 0 for code, _ in runs), "\n".join(out[-3000:] for _, out in runs)
    erased_counts = [int(out.split("of ")[1].split(" complaint")[0]) for _, out in runs[:2]]
    assert sorted(erased_counts) == [0, OLD] or sum(erased_counts) == OLD, runs

    # Each old complaint erased exactly once; each fresh one has its notes, in version order.
    for cid in old:
        stream = (await a.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
        assert [e["type"] for e in stream].count("personal_data_erased") == 1
        assert [e["version"] for e in stream] == list(range(1, len(stream) + 1))
    for cid in fresh:
        stream = (await b.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
        assert len(stream) == 1 + NOTES

    # Both servers give the same feed, gapless, and the same views.
    async def feed(client: httpx.AsyncClient) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        after = 0
        while True:
            page = (await client.get("/v1/events", params={"after": after, "limit": 1000},
                                     headers=analyst)).json()  # fmt: skip
            items += page["items"]
            if not page["items"]:
                return items
            after = page["next_after"]

    feed_a, feed_b = await feed(a), await feed(b)
    assert feed_a == feed_b
    ours = {*old, *fresh}
    complaint_events = [e for e in feed_a if e["stream_id"] in ours]
    # logged, responded, closed, erased; logged and the notes
    assert len(complaint_events) == OLD * 4 + FRESH * (1 + NOTES)
    positions = [e["position"] for e in feed_a]
    assert positions == sorted(set(positions))
    for cid in (*old, *fresh):
        seen = [(await s.get(f"/v1/complaints/{cid}", headers=crm)).json() for s in (a, b)]
        for view in seen:
            view.pop("evaluated_at")  # when each server answered
        assert seen[0] == seen[1]

    # The projections are what the events alone give, and the log verifies.
    async with snapshot(db) as conn:
        assert (await rebuild(conn, Mode.check)).equal
    async with reading(db) as conn:
        assert (await verify(conn)).ok
