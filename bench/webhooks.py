"""Webhook delivery throughput of one subscription, on PostgreSQL, against bare HTTP posts.

    .venv/bin/python -m bench.webhooks [--events 5000] [--keep] [--tiny]

It fills a scratch database with N events as `bench.rebuild` does (real complaints, copied), and
subscribes a receiver on loopback (a minimal keep-alive HTTP server in this process, answering
204) to every event of the landlord from the start of the log. The worker (`Deliverer`, as
`redress worker` runs it) then delivers until it has caught up: each delivery builds the event's
payload and the complaint just after it, signs it, POSTs it and records it (one transaction).
The same-run reference is the cost of the wire alone: httpx POSTing the same number of
same-sized bodies to the same receiver, one after another (a subscription's deliveries are
sequential by design). The ratio line is deliveries/s over posts/s.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa

from app.db import create_engine
from app.events.factory import make_store
from app.services import webhooks
from app.services.keys import Role
from app.services.tables import webhook_deliveries
from app.services.webhook_targets import Rules
from app.settings import Settings
from app.worker.delivery import Deliverer, Policy
from bench.common import generated_log, ratio_line
from bench.rebuild import LANDLORD, generate

RESPONSE = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """204 to every request on the connection, reading each body whole."""
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def reference(url: str, count: int, size: int) -> float:
    """Bare posts per second of `size`-byte bodies."""
    body = b"x" * size
    async with httpx.AsyncClient(trust_env=False) as http:
        await http.post(url, content=body)  # the connection, opened once
        started = time.perf_counter()
        for _ in range(count):
            await http.post(url, content=body, headers={"content-type": "application/json"})
        return count / (time.perf_counter() - started)


async def measure(url: str) -> None:
    receiver = await asyncio.start_server(_answer, "127.0.0.1", 0)
    hook = f"http://127.0.0.1:{receiver.sockets[0].getsockname()[1]}/hooks"
    engine = create_engine(url)
    store = make_store(Settings())
    try:
        async with engine.begin() as conn:
            made, _ = await webhooks.create(
                conn,
                key=store.keyring.webhook_secrets_key,
                landlord=LANDLORD,
                url=hook,
                event_types=[],
                role=Role.crm,
                description="bench",
                created_by="bench",
                now=datetime.now(UTC),
            )
            await webhooks.change(conn, made, cursor=0)  # from the start of the log
        policy = Policy(rules=Rules(allow_http=True, allow_private=True))
        async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as http:
            worker = Deliverer(
                engine, store, store.keyring.webhook_secrets_key, policy, "bench", http
            )
            started = time.perf_counter()
            delivered = 0
            while sent := await worker.run_once():
                delivered += sent
            elapsed = time.perf_counter() - started
        async with engine.connect() as conn:
            failed = (
                await conn.execute(
                    sa.select(sa.func.count()).where(sa.not_(webhook_deliveries.c.delivered))
                )
            ).scalar_one()
        size = 3000  # about a payload's size: the event and the complaint view
        print(
            f"delivered {delivered} events in {elapsed:.2f} s = {delivered / elapsed:,.0f}/s, "
            f"{failed} failed attempts"
        )
        bare = await reference(hook, max(delivered, 50), size)
        print(f"bare httpx posts of {size} bytes: {bare:,.0f}/s")
        print(ratio_line("webhook deliveries / bare posts", delivered / elapsed, bare, "per s"))
        if failed:
            raise SystemExit("some deliveries failed")
    finally:
        receiver.close()
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--tiny", action="store_true", help="a few hundred events (the test suite)")
    args = parser.parse_args()
    if args.tiny:
        args.events = 200
    with generated_log(generate, args.events, keep=args.keep) as url:
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
