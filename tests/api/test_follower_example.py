"""examples/crm_follower.py, run as an integrator would against the real service: it handles each
event once, saves its checkpoint, and resumes after it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.factories import append, log
from tests.api.test_two_processes import free_port
from tests.api.test_webhooks import a_story, deliverer, subscribe

pytestmark = pytest.mark.asyncio
FOLLOWER = Path("examples/crm_follower.py")


async def follow(server_url: str, key: str, checkpoint: Path) -> list[str]:
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(FOLLOWER), "--api", server_url, "--once",
         "--checkpoint", str(checkpoint)],
        env={**os.environ, "REDRESS_KEY": key}, capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    return result.stdout.splitlines()


async def test_the_follower_handles_each_event_once_and_resumes(
    server_url: str, client: httpx.AsyncClient, crm: dict[str, str], tmp_path: Path
) -> None:
    key = crm["Authorization"].split()[1]
    complaint = await log(client, crm)
    checkpoint = tmp_path / "checkpoint"
    first = await follow(server_url, key, checkpoint)
    assert [line.split()[1] for line in first][-1] == "logged"
    assert await follow(server_url, key, checkpoint) == []  # nothing new: nothing handled
    await append(client, crm, complaint["id"], "acknowledged", "2025-12-22T10:00:00Z")
    again = await follow(server_url, key, checkpoint)
    assert [line.split()[1:] for line in again] == [["acknowledged", complaint["id"], "2"]]
    position = int(again[0].split()[0])
    assert (await asyncio.to_thread(checkpoint.read_text)).strip() == str(position)


async def test_the_example_receives_verified_webhooks_once(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks"
    made = await subscribe(client, crm, url)
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(FOLLOWER), "--listen", str(port),
        env={**os.environ, "REDRESS_WEBHOOK_SECRET": made["secret"]},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        await asyncio.wait_for(process.stdout.readline(), 30)  # "receiving webhooks on ..."
        events = await a_story(client, crm)
        async with httpx.AsyncClient(trust_env=False) as http:
            worker = deliverer(db, http)
            for _ in range(20):
                await worker.run_once()
            # A forged delivery is refused; one sent again is not handled twice.
            forged = {"webhook-id": "x/1", "webhook-timestamp": "1", "webhook-signature": "v1,A"}
            assert (await http.post(url, content=b"{}", headers=forged)).status_code == 400
            sid = made["subscription"]["id"]
            again = {"after": events[0]["position"] - 1}
            resent = await client.post(f"/v1/webhooks/{sid}/redeliver", json=again, headers=crm)
            assert resent.status_code == 200
            for _ in range(20):
                await worker.run_once()
    finally:
        process.terminate()
        out, _ = await process.communicate()
    handled = out.decode().splitlines()  # after the line read above
    assert [line.split()[1] for line in handled] == [e["type"] for e in events]
