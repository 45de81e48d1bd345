"""The in-process caches of API keys, landlords and their policies (ADR 0008), over HTTP: a change
made anywhere (another engine standing in for another process, or a real one: the CLI) applies
to the next request, immediately on SQLite and within a notification's delivery on PostgreSQL; a
listener that is down means the cache is bypassed until it is back; and warm requests read neither
the keys nor the landlords."""

from __future__ import annotations

import asyncio
import copy
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import TypeAdapter
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import create_engine
from app.domain.landlord.commands import ChangeLandlord, PolicyChoice, PublishPolicy
from app.domain.landlord.commands import LandlordCommand as Command
from app.domain.policies.model import Policy
from app.events.sql import SqlEventStore
from app.main import create_app
from app.services import cache as caches
from app.services import landlords
from app.services.keys import Role, revoke_key
from app.settings import Settings
from tests.api.conftest import LANDLORD, MakeKey, serving
from tests.api.factories import complaint_body, log
from tests.api.tcp_proxy import proxy_to

pytestmark = pytest.mark.asyncio

# On PostgreSQL a change made elsewhere arrives as a notification: give it this long.
NOTIFICATION_SECONDS = 1.0
CACHED_TABLES = re.compile(r"\b(api_keys|landlords|landlord_policies)\b")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def key_id(token: str) -> str:
    return token.split("_")[1]


@asynccontextmanager
async def another_process(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A second engine on the same database: it shares nothing with the server's."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def within(
    backend: str, attempt: Callable[[], Awaitable[bool]], *, seconds: float = NOTIFICATION_SECONDS
) -> bool:
    """Whether `attempt` holds on the next request (SQLite), or within `seconds` (PostgreSQL)."""
    deadline = time.monotonic() + (seconds if backend == "postgresql" else 0)
    while True:
        if await attempt():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.02)


async def change_landlord(engine: AsyncEngine, command: Command) -> None:
    async with engine.begin() as conn:
        await landlords.execute(
            conn, SqlEventStore(), LANDLORD, command, metadata={"actor": "test"}, now=now()
        )


def now() -> datetime:
    return datetime.now(UTC)


async def test_a_key_revoked_through_another_engine_is_refused_on_the_next_request(
    client: httpx.AsyncClient, make_key: MakeKey, database_url: str, backend: str
) -> None:
    token = await make_key(Role.crm)
    for _ in range(2):  # the second is served from the cache
        assert (await client.get("/v1/complaints", headers=bearer(token))).status_code == 200
    async with another_process(database_url) as other, other.begin() as conn:
        assert await revoke_key(conn, key_id(token))

    async def refused() -> bool:
        response = await client.get("/v1/complaints", headers=bearer(token))
        return response.status_code == 401

    assert await within(backend, refused)


async def test_a_key_revoked_by_the_cli_in_another_process_is_refused(
    client: httpx.AsyncClient, make_key: MakeKey, database_url: str, backend: str
) -> None:
    token = await make_key(Role.crm)
    for _ in range(2):
        assert (await client.get("/v1/complaints", headers=bearer(token))).status_code == 200
    revoked = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", "keys", "revoke", key_id(token)],
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        capture_output=True,
        timeout=120,
    )
    assert revoked.returncode == 0, revoked.stderr

    async def refused() -> bool:
        response = await client.get("/v1/complaints", headers=bearer(token))
        return response.status_code == 401

    assert await within(backend, refused)


async def test_a_cached_key_expires_at_the_end_of_its_grace_period_by_the_clock(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    admin = bearer(await make_key(Role.admin))
    old = (await client.post("/v1/keys", json={"role": "crm"}, headers=admin)).json()
    rotated = await client.post(
        f"/v1/keys/{old['key']['id']}/rotate", json={"grace_seconds": 1}, headers=admin
    )
    assert rotated.status_code == 201, rotated.text
    ends = datetime.fromisoformat(rotated.json()["key"]["created_at"]).timestamp() + 1
    for _ in range(2):  # cached with its revocation still ahead of it
        assert (await client.get("/v1/complaints", headers=bearer(old["token"]))).status_code == 200
    await asyncio.sleep(max(0.0, ends - time.time()) + 0.1)
    # Nothing was invalidated: the cached key's own revoked_at has passed.
    assert (await client.get("/v1/complaints", headers=bearer(old["token"]))).status_code == 401
    new = bearer(rotated.json()["token"])
    assert (await client.get("/v1/complaints", headers=new)).status_code == 200


async def test_a_closure_day_added_elsewhere_applies_to_the_next_request(
    client: httpx.AsyncClient, crm: dict[str, str], database_url: str, backend: str
) -> None:
    complaint = await log(client, crm)
    path = f"/v1/complaints/{complaint['id']}"
    for _ in range(2):
        read = (await client.get(path, headers=crm)).json()
        assert read["sla"]["acknowledgement"]["due"] == "2025-12-30"
    async with another_process(database_url) as other:
        await change_landlord(
            other, ChangeLandlord(occurred_at=now(), closures=(date(2025, 12, 29),))
        )

    async def moved() -> bool:
        read = (await client.get(path, headers=crm)).json()
        return bool(read["sla"]["acknowledgement"]["due"] == "2025-12-31")

    assert await within(backend, moved)
    # A complaint logged now counts with the new calendar too.
    assert (await log(client, crm))["sla"]["acknowledgement"]["due"] == "2025-12-31"


async def test_a_policy_published_elsewhere_is_pinned_by_the_next_complaint(
    client: httpx.AsyncClient, crm: dict[str, str], database_url: str, backend: str
) -> None:
    assert (await log(client, crm))["policy"] == {"id": "hoc-2024", "version": 1}
    code = (await client.get("/v1/policies/hoc-2024", headers=crm)).json()
    slower = copy.deepcopy(code) | {"id": "north-slow", "name": "A slower policy", "version": 1}
    slower["stages"][0]["acknowledge_days"] = 10
    policy = TypeAdapter(Policy).validate_python(slower)
    async with another_process(database_url) as other:
        await change_landlord(
            other, PublishPolicy(occurred_at=now(), policy=policy, make_default=True)
        )

    async def pinned() -> bool:
        logged = await log(client, crm)
        return bool(logged["policy"] == {"id": "north-slow", "version": 1})

    assert await within(backend, pinned)
    # And back to the Code, elsewhere again: the default is not kept from before either.
    async with another_process(database_url) as other:
        back = ChangeLandlord(occurred_at=now(), default_policy=PolicyChoice(id="hoc-2024"))
        await change_landlord(other, back)

    async def code_again() -> bool:
        logged = await log(client, crm)
        return bool(logged["policy"] == {"id": "hoc-2024", "version": 1})

    assert await within(backend, code_again)


@dataclass
class Statements:
    """What the app's engine sends, by the server's thread, while `recording`."""

    sent: list[str]

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        self.sent.clear()
        yield self.sent

    def cached_tables(self) -> list[str]:
        return [s for s in self.sent if CACHED_TABLES.search(s)]


@contextmanager
def app_on(database_url: str, **settings: Any) -> Iterator[tuple[FastAPI, str, Statements]]:
    """A server of its own, so the test can see its engine and its cache."""
    app = create_app(Settings(database_url=database_url, rate_limit_per_minute=0, **settings))
    with serving(app) as url:
        engine: AsyncEngine = app.state.engine
        statements = Statements([])

        def sent(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            statements.sent.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", sent)
        try:
            yield app, url, statements
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", sent)


async def publish_default(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    code = (await client.get("/v1/policies/hoc-2024", headers=admin)).json()
    own = copy.deepcopy(code) | {"id": "north-own", "name": "North's own", "version": 1}
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/policies",
        json={"policy": own, "make_default": True},
        headers=admin,
    )
    assert published.status_code == 201, published.text


async def test_warm_requests_read_neither_keys_nor_landlords(
    make_key: MakeKey, database_url: str, backend: str
) -> None:
    with app_on(database_url) as (_app, url, statements):
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            admin = bearer(await make_key(Role.admin))
            await publish_default(client, admin)  # so the landlord's own policy is read too
            crm = bearer(await make_key(Role.crm))
            complaint = await log(client, crm)
            assert complaint["policy"] == {"id": "north-own", "version": 1}
            path = f"/v1/complaints/{complaint['id']}"
            note = {"type": "note_added", "occurred_at": now().isoformat(), "text": "Called."}
            requests: list[tuple[str, str, dict[str, Any] | None]] = [
                ("POST", "/v1/complaints", complaint_body()),
                ("POST", f"{path}/events", note),
                ("GET", path, None),
                ("GET", "/v1/complaints?limit=50", None),
            ]
            for method, target, body in requests:
                await client.request(method, target, json=body, headers=crm)  # warm
                with statements.recording():
                    answer = await client.request(method, target, json=body, headers=crm)
                assert answer.status_code < 300, answer.text
                assert statements.cached_tables() == [], (method, target)
                versions = [s for s in statements.sent if "cache_version" in s]
                # SQLite compares the version in each transaction; PostgreSQL is told.
                assert bool(versions) == (backend == "sqlite"), (method, target)


@pytest.mark.postgres
async def test_a_change_made_in_this_process_applies_without_waiting_for_its_notification(
    make_key: MakeKey, database_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite compares cache_version in every transaction")
    # This server's listener hears nothing (patched before it connects; a listener already
    # connected keeps the handler it registered): only the writer's own invalidation is left.
    monkeypatch.setattr(caches.Listener, "_notified", lambda *_: None)
    with app_on(database_url) as (app, url, _statements):
        assert app.state.caching.cache.live
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            admin = bearer(await make_key(Role.admin))
            created = (await client.post("/v1/keys", json={"role": "crm"}, headers=admin)).json()
            crm = bearer(created["token"])
            complaint = await log(client, crm)
            path = f"/v1/complaints/{complaint['id']}"
            for _ in range(2):
                read = (await client.get(path, headers=crm)).json()
                assert read["sla"]["acknowledgement"]["due"] == "2025-12-30"
            changed = await client.patch(
                f"/v1/landlords/{LANDLORD}", json={"closures": ["2025-12-29"]}, headers=admin
            )
            assert changed.status_code == 200, changed.text
            read = (await client.get(path, headers=crm)).json()
            assert read["sla"]["acknowledgement"]["due"] == "2025-12-31"
            revoked = await client.post(f"/v1/keys/{created['key']['id']}/revoke", headers=admin)
            assert revoked.status_code == 200
            assert (await client.get(path, headers=crm)).status_code == 401


@pytest.mark.postgres
async def test_the_cache_is_bypassed_while_its_listener_is_down_then_recovers(
    make_key: MakeKey, database_url: str, backend: str, db: AsyncEngine
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no listener: it compares cache_version in every transaction")
    # A slow first reconnection, so the test sees the cache bypassed meanwhile.
    with app_on(database_url, cache_listener_retry_seconds=1.5) as (app, url, statements):
        cache = app.state.caching.cache
        listener = app.state.caching.listener
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            token = await make_key(Role.crm)

            async def reads_keys() -> bool:
                with statements.recording():
                    answer = await client.get("/v1/complaints", headers=bearer(token))
                assert answer.status_code == 200, answer.text
                return bool(statements.cached_tables())

            async def served_from_cache() -> bool:
                # The new key's own notification may still be on its way and drop what the
                # first read kept: a few reads later the cache must serve it.
                for _ in range(40):
                    if not await reads_keys():
                        return True
                    await asyncio.sleep(0.05)
                return False

            assert cache.live
            assert await reads_keys()  # fills
            assert await served_from_cache()
            async with db.connect() as conn:
                await conn.execute(sa.select(sa.func.pg_terminate_backend(listener.backend_pid)))
            assert await eventually(lambda: not cache.live)
            # Bypassed: every request reads the key, and nothing read is kept.
            assert await reads_keys()
            assert await reads_keys()
            # A revocation whose notification nobody hears is still seen at once.
            async with another_process(database_url) as other, other.begin() as conn:
                assert await revoke_key(conn, key_id(token))
            refused = await client.get("/v1/complaints", headers=bearer(token))
            assert refused.status_code == 401
            # Reconnected, the cache is used again.
            assert await eventually(lambda: cache.live, seconds=10)
            token = await make_key(Role.crm)
            assert await reads_keys()
            assert await served_from_cache()


@pytest.mark.postgres
async def test_a_listener_cut_off_silently_stops_the_cache_within_its_ping(
    database_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no listener")
    url = make_url(database_url)
    with proxy_to(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with app_on(proxied, db_connect_timeout_seconds=1.0) as (app, _url, _statements):
            cache = app.state.caching.cache
            assert cache.live
            proxy.freeze()  # no byte moves: no notification, and no error either
            try:
                bound = caches.PING_SECONDS + caches.PING_TIMEOUT_SECONDS
                started = time.monotonic()
                assert await eventually(lambda: not cache.live, seconds=bound + 1.0)
                assert time.monotonic() - started <= bound + 1.0
            finally:
                proxy.resume()
            assert await eventually(lambda: cache.live, seconds=15)


async def eventually(condition: Callable[[], bool], *, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True
