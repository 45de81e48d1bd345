"""A real uvicorn server per database backend; tests talk to it over HTTP with httpx."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.domain.landlord.commands import RegisterLandlord
from app.events.sql import SqlEventStore
from app.main import create_app
from app.services import landlords
from app.services.keys import Role, create_key
from app.settings import Settings

LANDLORD = "north-homes"
OTHER_LANDLORD = "south-homes"

MakeKey = Callable[..., Awaitable[str]]


async def register(conn: AsyncConnection, landlord: str, **settings: Any) -> None:
    """Register `landlord` (England and Wales, the Code) unless it already is."""
    store = SqlEventStore()
    if await landlords.load(conn, store, landlord) is not None:
        return
    now = datetime.now(UTC)
    command = RegisterLandlord(
        occurred_at=now, name=f"{landlord} (test)", region="england-and-wales", **settings
    )
    await landlords.execute(conn, store, landlord, command, metadata={"actor": "test"}, now=now)


@pytest.fixture(scope="session")
def server_url(database_url: str) -> Iterator[str]:
    # No rate limit here: tests and the fuzzer make hundreds of requests with one key a second.
    # Followers wait at most 2 s: the fuzzer asks for long polls of up to a minute. Webhooks may
    # go to the tests' receivers on loopback, over http.
    settings = Settings(
        database_url=database_url, db_pool_size=20, rate_limit_per_minute=0,
        feed_wait_cap_seconds=2, webhook_allow_http=True, webhook_allow_private_networks=True,
    )  # fmt: skip
    with serving(create_app(settings)) as url:
        yield url


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` under a real uvicorn server on a free port, in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest_asyncio.fixture
async def client(server_url: str, db: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the server; the database is emptied after the test."""
    async with httpx.AsyncClient(base_url=server_url, timeout=30) as http:
        yield http


@pytest_asyncio.fixture
async def make_key(db: AsyncEngine) -> MakeKey:
    async def make(role: Role = Role.crm, landlord: str = LANDLORD) -> str:
        async with db.begin() as conn:
            await register(conn, landlord)
            created = await create_key(conn, role=role, landlord=landlord, name="test")
        return created.token

    return make


@pytest_asyncio.fixture
async def crm(make_key: MakeKey) -> dict[str, str]:
    """Authorization headers of a CRM key for LANDLORD."""
    return {"Authorization": f"Bearer {await make_key(Role.crm)}"}
