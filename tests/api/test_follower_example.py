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

from tests.api.factories import append, log

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
