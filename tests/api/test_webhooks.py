"""Webhooks as a CRM integrator meets them: subscribe over the API, a real receiver on loopback
that fails at first, every event arriving in order with signatures that verify with the
`standardwebhooks` package, the delivery log, disabling, redelivery and secret rotation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.factory import make_store
from app.main import create_app
from app.services.keys import Role
from app.services.webhook_targets import Rules
from app.settings import Settings
from app.worker import run as worker
from app.worker.delivery import Deliverer, Policy
from tests.api.conftest import MakeKey, serving
from tests.api.factories import append, log
from tests.api.webhook_receiver import Receiver, receiving, verified

pytestmark = pytest.mark.asyncio

FAST = Policy(retry_base=0.01, retry_max=0.05, disable_after=50, lease=5, timeout=5,
              rules=Rules(allow_http=True, allow_private=True))  # fmt: skip


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        yield client


def deliverer(engine: AsyncEngine, http: httpx.AsyncClient, policy: Policy = FAST) -> Deliverer:
    store = make_store(Settings())
    return Deliverer(engine, store, store.keyring.webhook_secrets_key, policy, "test-worker", http)


async def deliver_until(
    worker: Deliverer, receiver: Receiver, count: int, rounds: int = 400
) -> None:
    for _ in range(rounds):
        if len(receiver.acknowledged()) >= count:
            return
        await worker.run_once()
        await asyncio.sleep(0.02)
    raise AssertionError(f"{len(receiver.acknowledged())} of {count} acknowledged")


async def subscribe(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, **more: Any
) -> dict[str, Any]:
    response = await client.post("/v1/webhooks", json={"url": url, **more}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def a_story(client: httpx.AsyncClient, crm: dict[str, str]) -> list[dict[str, Any]]:
    """A complaint logged, acknowledged, noted and responded to; the feed's events of it."""
    complaint = await log(client, crm)
    cid = complaint["id"]
    ack = await append(client, crm, cid, "acknowledged", "2025-12-22T10:00:00Z")
    assert ack.status_code == 201, ack.text
    note = await append(client, crm, cid, "note_added", "2025-12-23T10:00:00Z",
                        text="Engineer booked.", visibility="internal")  # fmt: skip
    assert note.status_code == 201, note.text
    feed = (await client.get("/v1/events", params={"limit": 1000}, headers=crm)).json()
    return [e for e in feed["items"] if e["complaint_id"] == cid]


async def test_every_event_arrives_in_order_signed_after_failures(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, http: httpx.AsyncClient
) -> None:
    with receiving(fail_first=3) as receiver:
        created = await subscribe(client, crm, receiver.url, description="Housing CRM")
        events = await a_story(client, crm)
        await deliver_until(deliverer(db, http), receiver, len(events))
    acknowledged = receiver.acknowledged()
    assert [r.position for r in acknowledged] == [e["position"] for e in events]
    secret = created["secret"]
    for received in receiver.received:
        payload = verified(secret, received)
        assert isinstance(payload, dict)
    first = acknowledged[0].payload
    assert first["type"] == "uk.redress.complaint.logged"
    data: Any = first["data"]
    assert data["subscription_id"] == created["subscription"]["id"]
    # A CRM subscription sees what a CRM key sees: the complainant by name.
    assert data["event"]["data"]["complainant"]["name"] == "Wilma Fictional"
    assert data["complaint"]["version"] == 1
    assert acknowledged[1].payload["data"]["complaint"]["version"] == 2  # type: ignore[index]
    assert acknowledged[0].headers["webhook-id"] == f"{events[0]['complaint_id']}/1"
    # The first event was tried four times: three 503s, then accepted; never a body in the log.
    log_page = await client.get(
        f"/v1/webhooks/{created['subscription']['id']}/deliveries", headers=crm
    )
    attempts = list(reversed(log_page.json()["items"]))
    assert [(a["attempt"], a["status_code"], a["delivered"]) for a in attempts[:4]] == [
        (1, 503, False), (2, 503, False), (3, 503, False), (4, 204, True),
    ]  # fmt: skip
    assert all("body" not in a for a in attempts)
    state = (await client.get(f"/v1/webhooks/{created['subscription']['id']}", headers=crm)).json()
    assert state["delivered_up_to"] >= events[-1]["position"]
    assert state["failures"] == 0


async def test_only_the_chosen_types_and_only_this_landlords(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine,
    http: httpx.AsyncClient,
) -> None:  # fmt: skip
    other = {"Authorization": f"Bearer {await make_key(Role.crm, 'south-homes')}"}
    with receiving() as receiver:
        await subscribe(client, crm, receiver.url, event_types=["acknowledged"])
        await log(client, other)
        events = await a_story(client, crm)
        worker = deliverer(db, http)
        await deliver_until(worker, receiver, 1)
        for _ in range(5):
            await worker.run_once()
    assert [r.payload["data"]["event"]["type"] for r in receiver.received] == ["acknowledged"]  # type: ignore[index]
    assert receiver.received[0].position == events[1]["position"]


async def test_two_workers_never_deliver_one_subscription_at_once(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, http: httpx.AsyncClient
) -> None:
    with receiving(fail_first=2) as receiver:
        await subscribe(client, crm, receiver.url)
        events = [e for _ in range(3) for e in await a_story(client, crm)]
        store = make_store(Settings())
        workers = [
            Deliverer(db, store, store.keyring.webhook_secrets_key, FAST, f"w{i}", http)
            for i in range(3)
        ]
        for _ in range(300):
            if len(receiver.acknowledged()) >= len(events):
                break
            await asyncio.gather(*(w.run_once() for w in workers))
    positions = [r.position for r in receiver.acknowledged()]
    assert positions == sorted({e["position"] for e in events})
    assert receiver.most_in_flight == 1


async def test_a_failing_receiver_is_disabled_then_enabled_again(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, http: httpx.AsyncClient
) -> None:
    with receiving(fail_always=True) as receiver:
        created = await subscribe(client, crm, receiver.url)
        sid = created["subscription"]["id"]
        await a_story(client, crm)
        worker = deliverer(db, http, Policy(**{**FAST.__dict__, "disable_after": 3}))
        for _ in range(100):
            await worker.run_once()
            await asyncio.sleep(0.02)
        assert len(receiver.received) == 3
        metrics = (await client.get("/metrics")).text
        series = f'{{landlord="north-homes",subscription="{sid}"}}'
        assert f"redress_webhook_failed_attempts{series} 3.0" in metrics
        assert f"redress_webhook_disabled{series} 1.0" in metrics
        assert f"redress_webhook_positions_behind{series} 3.0" in metrics
        lag = next(line for line in metrics.splitlines() if line.startswith(
            f"redress_webhook_delivery_lag_seconds{series}"))  # fmt: skip
        assert float(lag.split()[-1]) > 0
        state = (await client.get(f"/v1/webhooks/{sid}", headers=crm)).json()
        assert state["disabled_at"] is not None
        assert state["disabled_reason"] == "3 failed attempts in a row"
        receiver.fail_always = False
        enabled = await client.patch(f"/v1/webhooks/{sid}", json={"enabled": True}, headers=crm)
        assert enabled.json()["disabled_at"] is None
        await deliver_until(worker, receiver, 3)


async def test_redelivery_and_secret_rotation_with_an_overlap(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, http: httpx.AsyncClient
) -> None:
    with receiving() as receiver:
        created = await subscribe(client, crm, receiver.url)
        sid = created["subscription"]["id"]
        events = await a_story(client, crm)
        worker = deliverer(db, http)
        await deliver_until(worker, receiver, len(events))
        rotated = await client.post(
            f"/v1/webhooks/{sid}/rotate-secret", json={"overlap_seconds": 3600}, headers=crm
        )
        assert rotated.status_code == 201
        again = await client.post(
            f"/v1/webhooks/{sid}/redeliver",
            json={"after": events[0]["position"] - 1},
            headers=crm,
        )
        assert again.status_code == 200, again.text
        await deliver_until(worker, receiver, 2 * len(events))
    resent = receiver.acknowledged()[len(events) :]
    assert [r.position for r in resent] == [e["position"] for e in events]
    for received in resent:  # both secrets verify during the overlap
        assert len(received.headers["webhook-signature"].split(" ")) == 2
        verified(created["secret"], received)
        verified(rotated.json()["secret"], received)
    attempts = (await client.get(f"/v1/webhooks/{sid}/deliveries", headers=crm)).json()["items"]
    assert [a["redelivery"] for a in reversed(attempts)] == [False] * len(events) + [True] * len(
        events
    )


async def test_who_may_manage_which_subscriptions(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    url = "https://crm.example.invalid/hooks"
    refused = await client.post("/v1/webhooks", json={"url": url}, headers=analyst)
    assert refused.status_code == 403
    mine = await subscribe(client, admin, url)
    assert mine["subscription"]["role"] == "admin"
    theirs = await subscribe(client, admin, url, role="crm")
    # A CRM key sees and changes only subscriptions that show what a CRM may see.
    listed = (await client.get("/v1/webhooks", headers=crm)).json()["items"]
    assert [s["id"] for s in listed] == [theirs["subscription"]["id"]]
    hidden = await client.get(f"/v1/webhooks/{mine['subscription']['id']}", headers=crm)
    assert hidden.status_code == 404
    escalate = await client.post("/v1/webhooks", json={"url": url, "role": "admin"}, headers=crm)
    assert escalate.status_code == 403
    gone = await client.delete(f"/v1/webhooks/{theirs['subscription']['id']}", headers=crm)
    assert gone.status_code == 204
    # Secrets are never shown again.
    assert "secret" not in (await client.get("/v1/webhooks", headers=admin)).json()["items"][0]


async def test_inside_serve_a_write_is_delivered_at_once(
    database_url: str, crm: dict[str, str], db: AsyncEngine
) -> None:
    settings = Settings(
        database_url=database_url, worker_in_serve=True, worker_poll_seconds=30,
        webhook_allow_http=True, webhook_allow_private_networks=True,
    )  # fmt: skip
    with serving(create_app(settings)) as url, receiving() as receiver:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            await subscribe(client, crm, receiver.url)
            await asyncio.sleep(0.5)  # the worker's first look finds nothing and waits
            started = time.monotonic()
            await log(client, crm)
            await asyncio.to_thread(receiver.wait_for, 1, 20)
    # Woken by the write, not by its 30 s poll.
    assert time.monotonic() - started < 10


async def test_a_payload_shows_what_the_subscriptions_role_may_see(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine,
    http: httpx.AsyncClient,
) -> None:  # fmt: skip
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    with receiving() as for_admin, receiving() as for_crm:
        await subscribe(client, admin, for_admin.url)
        await subscribe(client, admin, for_crm.url, role="crm")
        await log(client, crm, anonymous=True)
        worker = deliverer(db, http)
        await deliver_until(worker, for_admin, 1)
        await deliver_until(worker, for_crm, 1)
    # Who made an anonymous complaint is for the landlord's administrators, not case handlers.
    assert b"Wilma Fictional" in for_admin.acknowledged()[0].body
    assert b"Wilma Fictional" not in for_crm.acknowledged()[0].body
    assert b"wilma.fictional@example.invalid" not in for_crm.acknowledged()[0].body


async def test_a_redirect_is_not_followed(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, http: httpx.AsyncClient
) -> None:
    with receiving() as inside, receiving() as redirecting:
        redirecting.redirect_to = inside.url
        created = await subscribe(client, crm, redirecting.url)
        await log(client, crm)
        await deliverer(db, http, Policy(**{**FAST.__dict__, "retry_base": 60})).run_once()
    assert inside.received == []
    sid = created["subscription"]["id"]
    attempts = (await client.get(f"/v1/webhooks/{sid}/deliveries", headers=crm)).json()["items"]
    assert [(a["status_code"], a["error"], a["delivered"]) for a in attempts] == [
        (307, "redirect-not-followed", False)
    ]


async def test_a_redelivery_asked_for_mid_turn_is_not_overwritten(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, http: httpx.AsyncClient
) -> None:
    with receiving(hold_request=2) as receiver:
        created = await subscribe(client, crm, receiver.url)
        sid = created["subscription"]["id"]
        events = await a_story(client, crm)
        worker = deliverer(db, http)
        turn = asyncio.ensure_future(worker.run_once())
        assert await asyncio.to_thread(receiver.held.wait, 20)
        again = {"after": events[0]["position"] - 1}
        assert (
            await client.post(f"/v1/webhooks/{sid}/redeliver", json=again, headers=crm)
        ).status_code == 200
        receiver.release.set()
        await turn
        await deliver_until(worker, receiver, len(events) + 2)
    # The worker's turn stopped where the redelivery found it; everything came again after it.
    positions = [r.position for r in receiver.acknowledged()]
    expected = [e["position"] for e in events]
    assert positions == expected[:2] + expected


async def test_an_unacknowledged_complaint_sends_exactly_one_breach_alert(
    client: httpx.AsyncClient, crm: dict[str, str], database_url: str, db: AsyncEngine
) -> None:
    """The worker's loop, as `redress worker` runs it: many alert passes, one breach alert per
    clock, delivered to the subscriber that asked for alerts."""
    settings = Settings(
        database_url=database_url, alerts_every_seconds=0.1, worker_poll_seconds=0.05,
        webhook_allow_http=True, webhook_allow_private_networks=True,
    )  # fmt: skip
    with receiving() as receiver:
        created = await subscribe(client, crm, receiver.url, event_types=["deadline_alert_raised"])
        complaint = await log(client, crm)  # received 19 December 2025: long overdue
        stop = asyncio.Event()
        working = asyncio.ensure_future(worker.run(db, make_store(settings), settings, stop))
        await asyncio.to_thread(receiver.wait_for, 1, 20)
        await asyncio.sleep(1.5)  # a dozen more alert passes
        stop.set()
        await working
    alerts = [r.payload["data"]["event"]["data"] for r in receiver.acknowledged()]  # type: ignore[index]
    assert all(r.payload["data"]["event"]["stream_id"] == complaint["id"]  # type: ignore[index]
               for r in receiver.acknowledged())  # fmt: skip
    keys = [(a["clock"], a["stage"], a["due"]) for a in alerts]
    assert len(keys) == len(set(keys))  # never twice for one clock
    acknowledgement = [a for a in alerts if a["clock"] == "acknowledgement"]
    assert [(a["alert"], a["working_days_before"]) for a in acknowledgement] == [("breached", None)]
    for received in receiver.received:
        verified(created["secret"], received)
