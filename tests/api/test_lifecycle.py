"""A complaint walked through both stages of the Code over HTTP, across Christmas, New Year and
Easter, with clock statuses read before, on and after each due date (`as_of`)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def at(client: httpx.AsyncClient, headers: dict[str, str], cid: str, moment: str) -> Any:
    response = await client.get(f"/v1/complaints/{cid}", params={"as_of": moment}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_both_stages_across_christmas_new_year_and_easter(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    # Received Friday 19 December 2025. Five working days, skipping Christmas Day, Boxing Day and
    # the weekend: Mon 22, Tue 23, Wed 24, Mon 29, Tue 30.
    view = await log(client, crm)
    cid = view["id"]
    assert view["reference"].startswith("RDR-2025-")
    assert view["stage"] == 1
    assert view["status"] == "open"
    assert view["sla"]["acknowledgement"]["due"] == "2025-12-30"
    # Before acknowledgement the response clock runs provisionally from the acknowledgement's
    # deadline: 31 December, 2, 5-9, 12-14 January.
    assert view["sla"]["response"]["provisional"] is True
    assert view["sla"]["response"]["due"] == "2026-01-14"

    before = await at(client, crm, cid, "2025-12-22T12:00:00+00:00")
    assert before["sla"]["acknowledgement"]["status"] == "pending"
    soon = await at(client, crm, cid, "2025-12-29T12:00:00+00:00")
    assert soon["sla"]["acknowledgement"]["status"] == "due_soon"
    on_the_day = await at(client, crm, cid, "2025-12-30T23:30:00+00:00")
    assert on_the_day["sla"]["acknowledgement"]["status"] == "due_soon"
    after = await at(client, crm, cid, "2025-12-31T00:00:01+00:00")
    assert after["sla"]["acknowledgement"]["status"] == "breached"

    # Acknowledged Tuesday 23 December: ten working days, skipping Christmas and New Year's Day:
    # 24, 29, 30, 31 December, 2, 5, 6, 7, 8, 9 January.
    response = await append(client, crm, cid, "acknowledged", "2025-12-23T09:00:00+00:00")
    assert response.status_code == 201, response.text
    view = response.json()
    assert view["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert view["sla"]["acknowledgement"]["status"] == "met"
    assert view["sla"]["response"]["due"] == "2026-01-09"
    assert view["sla"]["response"]["provisional"] is False

    assert (await at(client, crm, cid, "2026-01-06T12:00:00+00:00"))["sla"]["response"][
        "status"
    ] == "pending"
    assert (await at(client, crm, cid, "2026-01-07T12:00:00+00:00"))["sla"]["response"][
        "status"
    ] == "due_soon"
    assert (await at(client, crm, cid, "2026-01-12T08:00:00+00:00"))["sla"]["response"][
        "status"
    ] == "breached"

    # Responded late, on Monday 12 January.
    response = await append(
        client,
        crm,
        cid,
        "responded",
        "2026-01-12T15:00:00+00:00",
        outcome="partly_upheld",
        summary="The boiler was replaced; the delay was our fault.",
        remedies=["apology", "boiler replaced"],
        escalation_rights_signposted=True,
    )
    assert response.status_code == 201, response.text
    view = response.json()
    assert view["status"] == "responded"
    assert view["sla"]["response"]["status"] == "met_late"
    assert view["outcome"] == {"1": "partly_upheld"}

    # The resident asks to escalate on Friday 27 March 2026. Stage 2 acknowledgement is due five
    # working days after the request, skipping Good Friday and Easter Monday: 30, 31 March,
    # 1, 2 and 7 April.
    response = await append(
        client, crm, cid, "escalation_requested", "2026-03-27T11:00:00+00:00", reason="Unhappy."
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "escalation_requested"
    response = await append(client, crm, cid, "escalated", "2026-03-30T09:00:00+01:00")
    assert response.status_code == 201, response.text
    view = response.json()
    assert view["stage"] == 2
    assert view["status"] == "open"
    assert view["sla"]["acknowledgement"]["due"] == "2026-04-07"

    # Acknowledged 1 April: twenty working days, skipping Easter: due Friday 1 May 2026.
    response = await append(client, crm, cid, "acknowledged", "2026-04-01T10:00:00+01:00")
    view = response.json()
    assert view["sla"]["response"]["due"] == "2026-05-01"

    # An extension is capped at 20 more working days at stage 2.
    too_far = await append(
        client,
        crm,
        cid,
        "extension_agreed",
        "2026-04-20T10:00:00+01:00",
        response_due="2026-06-30",
        reason="third_party",
        explanation="Waiting for a specialist survey.",
    )
    assert too_far.status_code == 422
    assert too_far.headers["content-type"] == "application/problem+json"
    assert too_far.json()["code"] == "extension-beyond-cap"

    response = await append(
        client,
        crm,
        cid,
        "responded",
        "2026-04-30T16:00:00+01:00",
        outcome="upheld",
        summary="Upheld at review; compensation offered.",
        ombudsman_signposted=True,
    )
    assert response.json()["sla"]["response"]["status"] == "met"
    response = await append(
        client, crm, cid, "closed", "2026-05-05T10:00:00+01:00", reason="final_response_issued"
    )
    assert response.status_code == 201, response.text
    view = response.json()
    assert view["status"] == "closed"
    assert view["outcome"] == {"1": "partly_upheld", "2": "upheld"}
    assert [s["stage"] for s in view["stages"]] == [1, 2]

    # The whole story is in the stream, in order, hash-chained.
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert [e["type"] for e in events] == [
        "logged",
        "acknowledged",
        "responded",
        "escalation_requested",
        "escalated",
        "acknowledged",
        "responded",
        "closed",
    ]
    assert [e["version"] for e in events] == list(range(1, 9))
    assert all(e["previous_hash"] == p["hash"] for p, e in itertools.pairwise(events))

    # Nothing can follow a closure but a note.
    refused = await append(
        client, crm, cid, "escalation_requested", "2026-05-06T10:00:00+01:00", reason="Again."
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "complaint-closed"


async def test_as_of_replays_only_what_had_happened(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    await append(client, crm, cid, "acknowledged", "2025-12-23T09:00:00+00:00")
    past = await at(client, crm, cid, "2025-12-22T09:00:00+00:00")
    assert past["version"] == 1
    assert past["as_of"] == "2025-12-22T09:00:00Z"
    assert past["sla"]["acknowledgement"]["met_at"] is None
    # Before it was logged there was nothing to see.
    missing = await client.get(
        f"/v1/complaints/{cid}", params={"as_of": "2025-12-01T00:00:00+00:00"}, headers=crm
    )
    assert missing.status_code == 404


async def test_a_clock_stopped_by_withdrawal_is_not_a_response(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    response = await append(
        client, crm, cid, "closed", "2025-12-22T09:00:00+00:00", reason="withdrawn"
    )
    view = response.json()
    assert view["sla"]["response"]["stopped"] is True
    assert view["sla"]["response"]["met_at"] == "2025-12-22T09:00:00Z"
    assert view["stages"][0]["responded_at"] is None
