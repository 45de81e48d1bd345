"""A `redress worker` process killed mid-delivery loses nothing: the one started after it resumes
from the last acknowledged event, so only the delivery that was in flight arrives twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx
import pytest

from tests.api.test_webhooks import a_story, subscribe
from tests.api.webhook_receiver import receiving, verified

pytestmark = pytest.mark.asyncio


async def start_worker(database_url: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "REDRESS_DATABASE_URL": database_url,
        "REDRESS_WEBHOOK_ALLOW_HTTP": "true",
        "REDRESS_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "REDRESS_WEBHOOK_LEASE_SECONDS": "1",
        "REDRESS_WORKER_POLL_SECONDS": "0.1",
        "REDRESS_WEBHOOK_RETRY_BASE_SECONDS": "0.05",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "worker", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_a_worker_killed_mid_delivery_loses_nothing(
    client: httpx.AsyncClient, crm: dict[str, str], database_url: str
) -> None:
    with receiving(hold_request=3) as receiver:
        # Not the deadline alerts the worker raises too (these complaints are long overdue).
        wanted = ["logged", "acknowledged", "note_added"]
        created = await subscribe(client, crm, receiver.url, event_types=wanted)
        events = [e for _ in range(2) for e in await a_story(client, crm)]
        first = await start_worker(database_url)
        try:
            assert await asyncio.to_thread(receiver.held.wait, 60), "no third delivery"
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        receiver.release.set()  # the receiver took it, but nobody heard its answer
        second = await start_worker(database_url)
        try:
            await asyncio.to_thread(receiver.wait_for, len(events) + 1, 60)
        finally:
            second.send_signal(signal.SIGTERM)  # a clean stop
            _, errors = await second.communicate()
        assert second.returncode == 0, errors.decode()
    positions = [r.position for r in receiver.acknowledged()]
    expected = [e["position"] for e in events]
    assert positions == [*expected[:3], expected[2], *expected[3:]]
    for received in receiver.received:
        verified(created["secret"], received)
