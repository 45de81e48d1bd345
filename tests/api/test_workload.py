"""The workload a team leader keeps open: per team and handler, the complaints not yet ended, due
soon and breached, by stage, agreeing with the lists complaint for complaint; as JSON, as a page
that reloads itself, and by a signed link a browser opens without a key. Every person is made up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def assign(
    client: httpx.AsyncClient, crm: dict[str, str], cid: str, handler: str, team: str | None
) -> None:
    more: dict[str, Any] = {} if team is None else {"team": team}
    done = await append(client, crm, cid, "assigned", "2025-12-19T11:00:00Z", handler=handler,
                        **more)  # fmt: skip
    assert done.status_code == 201, done.text


async def ids(client: httpx.AsyncClient, crm: dict[str, str], **params: str) -> set[str]:
    page = (await client.get("/v1/complaints", params={**params, "limit": 100}, headers=crm)).json()
    return {item["id"] for item in page["items"] if item["status"] not in ("closed", "declined")}


async def test_the_workload_per_team_and_handler_agrees_with_the_lists(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    alice, bob, nobody, done = [await log(client, crm) for _ in range(4)]  # 19 Dec 2025: overdue
    await assign(client, crm, alice["id"], "Alice Example", "Repairs")
    await assign(client, crm, bob["id"], "Bob Example", "Repairs")
    now = datetime.now(UTC).isoformat()
    fresh = await log(client, crm, received_at=now, occurred_at=now)
    for event, fields in (
        ("acknowledged", {}),
        ("responded", {"outcome": "not_upheld", "summary": "Explained.",
                       "escalation_rights_signposted": True}),
        ("closed", {"reason": "resolved"}),
    ):  # fmt: skip
        made = await append(client, crm, done["id"], event, "2025-12-22T10:00:00Z", **fields)
        assert made.status_code == 201, made.text
    load = (await client.get("/v1/workload", headers=crm)).json()
    assert load["totals"]["open"] == 4  # the closed one is not on anyone's desk
    assert load["totals"]["breached"] == 3
    assert load["totals"]["by_stage"] == {"1": 4}
    teams = {t["team"]: t for t in load["teams"]}
    assert list(teams) == ["Repairs", None]  # named teams first
    repairs = {h["handler"]: h["totals"] for h in teams["Repairs"]["handlers"]}
    assert repairs["Alice Example"]["breached"] == 1
    assert repairs["Bob Example"]["open"] == 1
    unassigned = teams[None]["handlers"][0]
    assert unassigned["handler"] is None
    assert unassigned["totals"]["open"] == 2
    assert unassigned["totals"]["breached"] == 1  # the fresh one is not yet due
    # The same complaints the lists give with the same filters: one due date for both.
    assert await ids(client, crm, team="Repairs", sla="breached") == {alice["id"], bob["id"]}
    assert len(await ids(client, crm, sla="breached")) == load["totals"]["breached"]
    assert len(await ids(client, crm, sla="due_soon")) == load["totals"]["due_soon"]
    assert fresh["id"] not in await ids(client, crm, sla="breached")
    assert nobody["id"] in await ids(client, crm, sla="breached")
    # A portal has no workload.
    portal = {"Authorization": f"Bearer {await make_key(Role.portal)}", "X-Resident-Id": "R-0001"}
    assert (await client.get("/v1/workload", headers=portal)).status_code == 403


async def test_the_page_reloads_itself_and_opens_by_a_signed_link(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    complaint = await log(client, crm)
    await assign(client, crm, complaint["id"], "Alice Example", "Repairs")
    page = await client.get("/v1/workload", params={"format": "html"}, headers=crm)
    assert page.headers["content-type"].startswith("text/html")
    assert '<meta http-equiv="refresh" content="60">' in page.text
    assert "Alice Example" in page.text
    assert "<script" not in page.text
    assert "Wilma" not in page.text  # counts and staff, never a resident
    link = await client.post("/v1/workload/board-links", json={"hours": 2}, headers=crm)
    assert link.status_code == 201, link.text
    url = link.json()["url"]
    board = await client.get(url)  # no key: the link is the credential
    assert board.status_code == 200
    assert "Alice Example" in board.text
    assert board.headers["referrer-policy"] == "no-referrer"
    body, _, signature = url.rsplit("/", 1)[1].partition(".")
    forged = await client.get(f"/boards/workload/{body}.{signature[::-1]}")
    assert forged.status_code == 404
    assert (await client.get("/boards/workload/not-a-real-token")).status_code == 404
