"""Appends per second through HTTP on PostgreSQL, with 32 concurrent clients, and their latency.

Run by hand (not part of the test suite):

    .venv/bin/python -m bench.http_appends [--clients 32] [--seconds 20] [--workers 2]

It creates a scratch database, migrates it, starts `redress serve` (uvicorn) in a subprocess, and
has each client log complaints and append `note_added` events to them as fast as the server
answers (every POST appends at least one event). Prints throughput and p50/p90/p99 latency, then
drops the database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from app import migrations
from app.db import create_engine
from app.services.keys import Role, create_key

ADMIN_URL = os.environ.get(
    "REDRESS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_dsn(ADMIN_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _key(url: str) -> str:
    engine = create_engine(url)
    async with engine.begin() as conn:
        created = await create_key(conn, role=Role.crm, landlord="bench-homes", name="bench")
    await engine.dispose()
    return created.token


COMPLAINT = {
    "channel": "web",
    "category": "repairs",
    "description": "Bench complaint",
    "complainant": {"name": "Bench Person"},
}


async def _run(
    base: str, token: str, clients: int, seconds: float, per: int
) -> dict[str, list[float]]:
    """Each client logs a complaint, appends `per - 1` notes to it, and starts again, so streams
    stay the length of real complaints instead of growing for the whole run."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:
        latencies: dict[str, list[float]] = {"log": [], "append": []}
        deadline = time.perf_counter() + seconds

        async def timed(path: str, body: Mapping[str, object]) -> httpx.Response:
            started = time.perf_counter()
            response = await http.post(path, json=body)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text}")
            kind = "log" if path == "/v1/complaints" else "append"
            latencies[kind].append(time.perf_counter() - started)
            return response

        async def client() -> None:
            while time.perf_counter() < deadline:
                cid = (await timed("/v1/complaints", COMPLAINT)).json()["id"]
                for n in range(per - 1):
                    if time.perf_counter() >= deadline:
                        return
                    note = {
                        "type": "note_added",
                        "occurred_at": datetime.now(UTC).isoformat(),
                        "text": f"note {n}",
                    }
                    await timed(f"/v1/complaints/{cid}/events", note)

        await asyncio.gather(*(client() for _ in range(clients)))
        return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--per-complaint", type=int, default=10, help="events per complaint")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    name = f"redress_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        migrations.upgrade(url)
        token = asyncio.run(_key(url))
        env = {**os.environ, "REDRESS_DATABASE_URL": url, "REDRESS_LOG_LEVEL": "warning"}
        env["REDRESS_DB_POOL_SIZE"] = str(max(10, args.clients))
        server = subprocess.Popen(  # noqa: S603 - our own console script
            [
                *(sys.executable, "-m", "app.cli", "serve"),
                *("--port", str(args.port), "--workers", str(args.workers)),
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        started = time.perf_counter()
        latencies = asyncio.run(_run(base, token, args.clients, args.seconds, args.per_complaint))
        elapsed = time.perf_counter() - started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    total = sum(len(v) for v in latencies.values())
    print(f"clients            {args.clients} (server workers: {args.workers})")
    print(f"requests           {total} in {elapsed:.1f} s, each appending one event")
    print(f"appends per second {total / args.seconds:.0f}")
    for kind, values in (("all", [x for v in latencies.values() for x in v]), *latencies.items()):
        q = statistics.quantiles(sorted(values), n=100)
        print(
            f"{kind:<7} latency    p50 {q[49] * 1000:6.1f} ms   p90 {q[89] * 1000:6.1f} ms"
            f"   p99 {q[98] * 1000:6.1f} ms   (n={len(values)})"
        )


if __name__ == "__main__":
    main()
