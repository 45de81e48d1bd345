"""Delivering webhooks: at least once, in log order per subscription, one worker at a time each.

A worker takes a subscription by writing its lease (a compare-and-set on `leased_until`, the same
on PostgreSQL and SQLite: of two workers, one updates the row and the other finds it taken). It
sends the events after the subscription's cursor one by one and moves the cursor past each only
when the receiver answered 2xx, in the transaction that logs the attempt; the lease is renewed with
every step. A failure logs the attempt, sets the next one after an exponential back-off with
jitter and ends the turn, so order holds; after `disable_after` failures in a row the subscription
is disabled. A worker killed mid-delivery moved nothing: when its lease runs out another resumes
from the last acknowledged event, which is the only one that may arrive twice.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from standardwebhooks.webhooks import Webhook

from app.db import reading
from app.events.store import EventStore, StoredEvent
from app.events.streams import is_complaint_stream
from app.events.tables import events
from app.services import complaints as complaint_service
from app.services import export
from app.services import webhooks as subscriptions_service
from app.services.privacy import logged_pseudonym
from app.services.tables import webhook_deliveries as deliveries
from app.services.tables import webhook_subscriptions as subscriptions
from app.services.webhook_targets import Rules, UnsafeTarget, resolve
from app.services.webhooks import Subscription
from app.worker.payloads import actor_of, message_id, payload

log = logging.getLogger("redress.worker")

PAGE = 200  # events read from the log at a time
TURN = 500  # deliveries at most in one turn, so one busy subscription does not starve the rest
USER_AGENT = "Redress-Webhooks/1.0"


@dataclass(frozen=True)
class Policy:
    """How the worker treats failures (from settings)."""

    timeout: float = 10.0
    retry_base: float = 5.0
    retry_max: float = 3600.0
    disable_after: int = 20
    lease: float = 60.0
    rules: Rules = field(default_factory=Rules)

    def backoff(self, failures: int) -> float:
        """Seconds before the next attempt after `failures` in a row: doubling, capped, and
        jittered (half to all of it) so receivers coming back are not hit by every retry at once.
        """
        ceiling = min(self.retry_max, self.retry_base * 2.0 ** min(failures - 1, 40))
        return float(ceiling * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not a secret


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def claim(engine: AsyncEngine, worker: str, policy: Policy, now: datetime) -> str | None:
    """A subscription this worker now holds (enabled, due, held by no other, behind the log), or
    None. One at a time, so the workers running side by side share the subscriptions out."""
    end = sa.select(sa.func.max(events.c.position))
    free = sa.or_(subscriptions.c.leased_until.is_(None), subscriptions.c.leased_until < now)
    ready = sa.and_(
        subscriptions.c.disabled_at.is_(None),
        subscriptions.c.next_attempt_at <= now,
        free,
        subscriptions.c.cursor < end.scalar_subquery(),
    )
    async with engine.begin() as conn:
        candidates = (
            await conn.execute(
                sa.select(subscriptions.c.id)
                .where(ready)
                .order_by(subscriptions.c.next_attempt_at)
                .limit(20)
            )
        ).scalars()
        for subscription_id in list(candidates):
            taken = await conn.execute(
                subscriptions.update()
                .where(subscriptions.c.id == subscription_id, ready)
                .values(leased_by=worker, leased_until=now + timedelta(seconds=policy.lease))
            )
            if taken.rowcount == 1:
                return str(subscription_id)
    return None


async def _held(engine: AsyncEngine, subscription_id: str, worker: str) -> Subscription | None:
    async with reading(engine) as conn:
        return await subscriptions_service.leased(conn, subscription_id, worker)


class Deliverer:
    """One worker's deliveries: its HTTP client, its identity, its policy."""

    def __init__(
        self,
        engine: AsyncEngine,
        store: EventStore,
        secrets_key: bytes,
        policy: Policy,
        worker: str,
        http: httpx.AsyncClient,
    ) -> None:
        self.engine = engine
        self.store = store
        self.secrets_key = secrets_key
        self.policy = policy
        self.worker = worker
        self.http = http

    async def run_once(self, turns: int = 20) -> int:
        """Take what is due and deliver it, a subscription at a time, for up to `turns`
        subscriptions; the number of deliveries made (acknowledged)."""
        delivered = 0
        for _ in range(turns):
            held = await claim(self.engine, self.worker, self.policy, datetime.now(UTC))
            if held is None:
                break
            delivered += await self.turn(held)
        return delivered

    async def turn(self, subscription_id: str) -> int:
        delivered = 0
        try:
            subscription = await _held(self.engine, subscription_id, self.worker)
            while subscription is not None and delivered < TURN:
                async with reading(self.engine) as conn:
                    selection = export.Selection(landlord=subscription.landlord)
                    page = await export.page(conn, self.store, selection, subscription.cursor, PAGE)
                    wanted = [e for e in page.events if self._wants(subscription, e)]
                    complaints = await self._complaints(conn, wanted)
                    keys = await subscriptions_service.signing_secrets(
                        conn, self.secrets_key, subscription.id, datetime.now(UTC)
                    )
                if page.last <= subscription.cursor:
                    return delivered
                for event in wanted:
                    outcome = await self._send(
                        subscription, keys, event, complaints, page.landlords
                    )
                    # False when the lease was lost or a redelivery moved the cursor meanwhile:
                    # nothing is written then, and the next turn starts where it now is.
                    if not await self._record(subscription, event, outcome):
                        return delivered
                    if not outcome.delivered:
                        return delivered
                    delivered += 1
                    subscription = replace(subscription, cursor=event.position, failures=0)
                if not await self._advance(subscription, page.last):
                    return delivered
                subscription = replace(subscription, cursor=page.last)
        finally:
            await self._release(subscription_id)
        return delivered

    @staticmethod
    def _wants(subscription: Subscription, event: StoredEvent) -> bool:
        return subscription.wants(event.type) and actor_of(subscription).reader.sees_event(
            event.type, event.data
        )

    async def _complaints(
        self, conn: AsyncConnection, wanted: list[StoredEvent]
    ) -> dict[str, complaint_service.Complaint]:
        ids = sorted({e.stream_id for e in wanted if is_complaint_stream(e.stream_id)})
        found = await complaint_service.load_many(conn, self.store, ids) if ids else []
        return {c.id: c for c in found}

    async def _send(
        self,
        subscription: Subscription,
        keys: list[str],
        event: StoredEvent,
        complaints: dict[str, complaint_service.Complaint],
        landlords: dict[str, str],
    ) -> Outcome:
        pseudonym = logged_pseudonym(self.store, event, landlords[event.stream_id])
        body = payload(subscription, event, complaints.get(event.stream_id), pseudonym)
        now = datetime.now(UTC)
        msg_id = message_id(event)
        text = body.decode()
        signature = " ".join(Webhook(key).sign(msg_id, now, text) for key in keys)
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        }
        return await self._post(subscription.url, headers, body)

    async def _post(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        started = time.monotonic()

        def outcome(status: int | None, error: str | None) -> Outcome:
            return Outcome(status, error, round((time.monotonic() - started) * 1000))

        try:
            target = await resolve(url, self.policy.rules)
        except UnsafeTarget as refused:
            log.warning("webhook target refused: %s", refused)
            return outcome(None, "unsafe-target")
        extensions = {} if target.server_name is None else {"sni_hostname": target.server_name}
        try:
            async with self.http.stream(
                "POST",
                target.url,
                content=body,
                headers={**headers, "host": target.host},
                extensions=extensions,
                timeout=self.policy.timeout,
            ) as response:
                status = response.status_code
        except httpx.TimeoutException:
            return outcome(None, "timeout")
        except httpx.ConnectError:
            return outcome(None, "connect-failed")
        except httpx.HTTPError:
            return outcome(None, "network-error")
        return outcome(status, "redirect-not-followed" if 300 <= status < 400 else None)

    async def _record(self, subscription: Subscription, event: StoredEvent, done: Outcome) -> bool:
        """Log the attempt and move the subscription on, in one transaction."""
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self.policy.lease)
        if done.delivered:
            changes: dict[str, object] = {
                "cursor": event.position,
                "failures": 0,
                "next_attempt_at": now,
                "last_delivered_at": now,
                "leased_until": lease,
            }
        else:
            failures = subscription.failures + 1
            changes = {"failures": failures, "leased_until": lease}
            if failures >= self.policy.disable_after:
                changes["disabled_at"] = now
                changes["disabled_reason"] = f"{failures} failed attempts in a row"
                log.warning("webhook subscription %s disabled", subscription.id)
            else:
                wait = self.policy.backoff(failures)
                changes["next_attempt_at"] = now + timedelta(seconds=wait)
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Not waiting for the disk here is safe: a cursor lost in a crash only sends its
                # event again, which at-least-once allows (and the `webhook-id` tells). Measured:
                # about twice the deliveries a second (bench/webhooks.py).
                await conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
            moved = await conn.execute(
                subscriptions.update().where(self._mine(subscription)).values(**changes)
            )
            if moved.rowcount != 1:
                await conn.rollback()
                return False
            await conn.execute(
                deliveries.insert().values(
                    subscription_id=subscription.id,
                    position=event.position,
                    event_id=message_id(event),
                    event_type=event.type,
                    attempt=subscription.failures + 1,
                    attempted_at=now,
                    status_code=done.status_code,
                    error=done.error,
                    duration_ms=done.duration_ms,
                    delivered=done.delivered,
                    manual=event.position <= (subscription.redeliver_until or 0),
                )
            )
        return True

    def _mine(self, subscription: Subscription) -> sa.ColumnElement[bool]:
        """The subscription's row while this worker holds it and its cursor is where it left it."""
        return sa.and_(
            subscriptions.c.id == subscription.id,
            subscriptions.c.leased_by == self.worker,
            subscriptions.c.cursor == subscription.cursor,
        )

    async def _advance(self, subscription: Subscription, position: int) -> bool:
        """Past the events of the page that were not for this subscription."""
        lease = datetime.now(UTC) + timedelta(seconds=self.policy.lease)
        async with self.engine.begin() as conn:
            moved = await conn.execute(
                subscriptions.update()
                .where(self._mine(subscription))
                .values(cursor=position, leased_until=lease)
            )
        return moved.rowcount == 1

    async def _release(self, subscription_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                subscriptions.update()
                .where(
                    subscriptions.c.id == subscription_id,
                    subscriptions.c.leased_by == self.worker,
                )
                .values(leased_by=None, leased_until=None)
            )
