"""With the service's defaults, a webhook must be https on a public address: refused when made
(422 `unsafe-webhook-url`) and, if the rules tightened since, refused again at every delivery."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.services.webhook_targets import Rules
from app.settings import Settings
from app.worker.delivery import Policy
from tests.api.conftest import serving
from tests.api.test_webhooks import a_story, deliverer, subscribe
from tests.api.webhook_receiver import receiving

pytestmark = pytest.mark.asyncio


async def test_unsafe_urls_are_refused_by_default(
    database_url: str, crm: dict[str, str], db: AsyncEngine
) -> None:
    with serving(create_app(Settings(database_url=database_url))) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            for target in (
                "http://crm.example.com/h",
                "https://169.254.169.254/",
                "https://[::1]/",
            ):
                refused = await client.post("/v1/webhooks", json={"url": target}, headers=crm)
                assert refused.status_code == 422, target
                assert refused.headers["content-type"] == "application/problem+json"
                assert refused.json()["type"] == "urn:redress:problem:unsafe-webhook-url"
            assert (await client.get("/v1/webhooks", headers=crm)).json()["items"] == []


async def test_the_address_is_checked_again_at_delivery(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    with receiving() as receiver:
        created = await subscribe(client, crm, receiver.url)
        await a_story(client, crm)
        async with httpx.AsyncClient() as http:
            strict = deliverer(db, http, Policy(retry_base=60, rules=Rules()))
            await strict.run_once()
    assert receiver.received == []
    sid = created["subscription"]["id"]
    attempts = (await client.get(f"/v1/webhooks/{sid}/deliveries", headers=crm)).json()["items"]
    assert [(a["error"], a["delivered"]) for a in attempts] == [("unsafe-target", False)]
