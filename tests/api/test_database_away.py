"""When PostgreSQL goes away (killed) or goes silent (a frozen network) under a load of writes,
clients get a quick 503 with Retry-After, never a 500 or a hang; once it is back the service
recovers by itself, every write that was answered 2xx is there and the log's integrity holds.

PostgreSQL only: the service talks to it through a TCP proxy the test breaks (tests/api/tcp_proxy).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.errors import PROBLEM_MEDIA_TYPE
from app.main import create_app
from app.services.keys import Role
from app.settings import Settings
from tests.api.conftest import MakeKey, serving
from tests.api.factories import complaint_body
from tests.api.tcp_proxy import TcpProxy, proxy_to

pytestmark = [pytest.mark.asyncio, pytest.mark.postgres]

WORKERS = 4
# Short bounds, so the whole file runs in seconds; the service's defaults are longer.
CONNECT_TIMEOUT = 0.5
COMMAND_TIMEOUT = 1.0
REQUEST_TIMEOUT = CONNECT_TIMEOUT + COMMAND_TIMEOUT
# No request may take longer than its deadline plus scheduling slack on a busy two-core machine.
LONGEST_ANSWER = REQUEST_TIMEOUT + 1.0


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy]:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("the proxy stands between the service and PostgreSQL")
    url = make_url(database_url)
    with proxy_to(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture
def service_url(database_url: str, proxy: TcpProxy) -> Iterator[str]:
    proxied = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    settings = Settings(
        database_url=proxied.render_as_string(hide_password=False),
        db_pool_size=WORKERS,
        db_pool_timeout_seconds=1.0,
        db_connect_timeout_seconds=CONNECT_TIMEOUT,
        db_command_timeout_seconds=COMMAND_TIMEOUT,
        db_statement_timeout_ms=1000,
        request_timeout_seconds=REQUEST_TIMEOUT,
        rate_limit_per_minute=0,
    )
    with serving(create_app(settings)) as url:
        yield url


@pytest_asyncio.fixture
async def http(service_url: str, db: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    # A client timeout well past any bound of the service: a hang fails the test, not the run.
    async with httpx.AsyncClient(base_url=service_url, timeout=15) as client:
        yield client


@dataclass
class Load:
    """Writers logging complaints and adding notes to them, and what each request got."""

    http: httpx.AsyncClient
    headers: dict[str, str]
    answers: list[tuple[float, float, int]] = field(default_factory=list)  # start, took, status
    written: dict[str, int] = field(default_factory=dict)  # complaint -> last version answered 2xx
    details: Counter[str] = field(default_factory=Counter)
    running: bool = True

    async def writer(self, n: int) -> None:
        complaint: str | None = None
        i = 0
        while self.running:
            i += 1
            started = time.monotonic()
            if complaint is None:
                response = await self.http.post(
                    "/v1/complaints", json=complaint_body(), headers=self.headers
                )
            else:
                response = await self.http.post(
                    f"/v1/complaints/{complaint}/events",
                    json={
                        "type": "note_added",
                        "occurred_at": "2025-12-20T10:00:00+00:00",
                        "text": f"writer {n} note {i}",
                    },
                    headers=self.headers,
                )
            self.answers.append((started, time.monotonic() - started, response.status_code))
            if response.status_code == 201:
                complaint = complaint or response.json()["id"]
                self.written[complaint] = int(response.headers["ETag"].strip('"'))
            else:
                assert_unavailable(response)
                self.details[response.json()["detail"].split(";")[0]] += 1
            await asyncio.sleep(0.02)

    def since(self, moment: float) -> list[tuple[float, float, int]]:
        return [answer for answer in self.answers if answer[0] >= moment]


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["type"] == "urn:redress:problem:database-unavailable"
    assert int(response.headers["Retry-After"]) > 0


async def readyz(http: httpx.AsyncClient) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = await http.get("/readyz")
    return time.monotonic() - started, response


async def until_written_after(load: Load, moment: float, limit: float) -> float:
    """Seconds from `moment` until every writer has had a write answered 201."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        fresh = load.since(moment)
        if sum(status == 201 for _, _, status in fresh) >= WORKERS:
            return min(s + took for s, took, status in fresh if status == 201) - moment
        await asyncio.sleep(0.05)
    raise AssertionError(f"writes did not succeed within {limit}s")


async def break_and_heal(
    http: httpx.AsyncClient, make_key: MakeKey, brk: str, proxy: TcpProxy
) -> None:
    load = Load(http, {"Authorization": f"Bearer {await make_key(Role.crm)}"})
    writers = [asyncio.create_task(load.writer(n)) for n in range(WORKERS)]
    try:
        await until_written_after(load, 0.0, limit=10.0)
        assert all(status == 201 for _, _, status in load.answers)

        broken = time.monotonic()
        await asyncio.to_thread(proxy.kill if brk == "kill" else proxy.freeze)
        await asyncio.sleep(REQUEST_TIMEOUT + 0.5)
        ready_took, ready = await readyz(http)
        assert_unavailable(ready)
        assert ready_took < 1.5, ready_took
        during = load.since(broken)
        first_503 = min(s + took for s, took, status in during if status == 503) - broken

        healed = time.monotonic()
        await asyncio.to_thread(proxy.resume)
        recovered = await until_written_after(load, healed, limit=8.0)
    finally:
        load.running = False
        await asyncio.gather(*writers)

    statuses = {status for _, _, status in load.answers}
    assert statuses <= {201, 503}, statuses
    assert any(status == 503 for _, _, status in during)
    slowest = max(took for _, took, _ in load.answers)
    assert slowest < LONGEST_ANSWER, slowest
    ready_took_after, ready_after = await readyz(http)
    assert ready_after.status_code == 200
    print(
        f"\n{brk}: first 503 after {first_503:.2f}s, slowest answer {slowest:.2f}s, "
        f"/readyz {ready_took:.2f}s while away and {ready_took_after:.3f}s after, "
        f"writes again {recovered:.2f}s after the database returned; 503s: {dict(load.details)}"
    )

    await assert_every_write_is_there(http, load)
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    report = (await http.get("/v1/audit/verify", headers=admin)).json()
    assert report["ok"] is True, report
    assert report["findings"] == []
    assert report["positions"]["gapless"] is True


async def assert_every_write_is_there(http: httpx.AsyncClient, load: Load) -> None:
    for complaint, version in load.written.items():
        response = await http.get(f"/v1/complaints/{complaint}/events", headers=load.headers)
        assert response.status_code == 200, response.text
        versions = [event["version"] for event in response.json()["items"]]
        # Every version answered 201 is there; one answered 503 at its commit may be too.
        assert versions == list(range(1, len(versions) + 1))
        assert versions[-1] >= version


async def test_a_killed_database_answers_503_and_recovers(
    http: httpx.AsyncClient, make_key: MakeKey, proxy: TcpProxy
) -> None:
    await break_and_heal(http, make_key, "kill", proxy)


async def test_a_silent_database_answers_503_without_hanging_and_recovers(
    http: httpx.AsyncClient, make_key: MakeKey, proxy: TcpProxy
) -> None:
    await break_and_heal(http, make_key, "freeze", proxy)
