"""The worker's loop: deliver what is due, raise the deadline alerts that fell due, wait.

Runs as `redress worker` (any number of them, beside any number of API processes) or inside
`redress serve` (setting `worker_in_serve`), where a write in the same process wakes it at once.
A database that is away is waited out, not fatal: the loop logs it and tries again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.follow import Appended
from app.events.sealed_store import SealingEventStore
from app.services import webhooks
from app.services.alerts import raise_due_alerts
from app.services.webhook_targets import rules_of
from app.settings import Settings
from app.worker.delivery import Deliverer, Policy

log = logging.getLogger("redress.worker")


def policy_of(settings: Settings) -> Policy:
    return Policy(
        timeout=settings.webhook_timeout_seconds,
        retry_base=settings.webhook_retry_base_seconds,
        retry_max=settings.webhook_retry_max_seconds,
        disable_after=settings.webhook_disable_after_failures,
        lease=settings.webhook_lease_seconds,
        rules=rules_of(settings),
    )


def worker_name() -> str:
    """Unique to this worker: the lease says who holds a subscription."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def run(
    engine: AsyncEngine,
    store: SealingEventStore,
    settings: Settings,
    stop: asyncio.Event,
    *,
    wake: Appended | None = None,
) -> None:
    """Until `stop` is set."""
    name = worker_name()
    log.info("worker %s started", name)
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as http:
        deliverer = Deliverer(
            engine, store, store.keyring.webhook_secrets_key, policy_of(settings), name, http
        )
        alerts_due = 0.0
        while not stop.is_set():
            busy = False
            try:
                if time.monotonic() >= alerts_due:
                    alerts_due = time.monotonic() + settings.alerts_every_seconds
                    await _periodic(engine, store, settings, wake)
                busy = await deliverer.run_once() > 0
            except (OperationalError, DBAPIError, OSError) as error:
                log.warning("worker pass failed (%s); trying again", type(error).__name__)
            if not busy:
                await _pause(stop, wake, settings.worker_poll_seconds)
    log.info("worker %s stopped", name)


async def _periodic(
    engine: AsyncEngine, store: SealingEventStore, settings: Settings, wake: Appended | None
) -> None:
    """What the worker does every `alerts_every_seconds`: raise the deadline alerts that fell
    due, and forget delivery attempts older than `webhook_log_days`."""
    now = datetime.now(UTC)
    raised = await raise_due_alerts(engine, store, now=now)
    if raised:
        log.info("raised %d deadline alerts", raised)
        if wake is not None:  # the feed's followers in this process, and this worker
            wake.notify()
    async with engine.begin() as conn:
        await webhooks.purge_deliveries(conn, now - timedelta(days=settings.webhook_log_days))


async def _pause(stop: asyncio.Event, wake: Appended | None, seconds: float) -> None:
    """Until `seconds` pass, this process appends (when inside the API), or `stop`."""
    waits: list[asyncio.Future[object]] = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waits.append(asyncio.ensure_future(wake.wait(seconds)))
    _, pending = await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
