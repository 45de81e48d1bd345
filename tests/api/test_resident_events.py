"""POST /v1/complaints/{id}/resident-events over HTTP: a resident acts on their own complaint from
the portal, is recorded as having done it, and the landlord's clocks react as to a CRM's entry.

The complaint (tests/api/factories.py) is resident R-0001's under hoc-2024, received on Friday
19 December 2025, acknowledged on 22 December and answered on 8 January 2026 by the CRM."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.api.deps import RESIDENT_EVENT_TYPES
from app.domain.catalogue import COMPLAINT_EVENTS
from app.main import create_app
from app.services.keys import Role
from app.settings import Settings
from tests.api.conftest import OTHER_LANDLORD, MakeKey, serving
from tests.api.factories import RESIDENT, act, append, log

pytestmark = pytest.mark.asyncio

REQUESTED_AT = "2026-01-12T09:30:00+00:00"  # a Monday
ALLOWED = sorted(RESIDENT_EVENT_TYPES)
PORTAL_REFUSED = sorted(set(COMPLAINT_EVENTS) - RESIDENT_EVENT_TYPES)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def portal(make_key: MakeKey, resident: str = "R-0001") -> dict[str, str]:
    return {**bearer(await make_key(Role.portal)), "X-Resident-Id": resident}


async def answered(client: httpx.AsyncClient, crm: dict[str, str], **overrides: Any) -> str:
    """R-0001's complaint, acknowledged and answered at stage 1 by the CRM."""
    cid: str = (await log(client, crm, **overrides))["id"]
    for event_type, at, fields in [
        ("acknowledged", "2025-12-22T10:00:00+00:00", {}),
        ("responded", "2026-01-08T15:00:00+00:00",
         {"outcome": "not_upheld", "summary": "No fault found.",
          "escalation_rights_signposted": True}),
    ]:  # fmt: skip
        response = await append(client, crm, cid, event_type, at, **fields)
        assert response.status_code == 201, response.text
    return cid


async def view_at(
    client: httpx.AsyncClient, headers: dict[str, str], cid: str, at: str
) -> dict[str, Any]:
    response = await client.get(f"/v1/complaints/{cid}", params={"as_of": at}, headers=headers)
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    # What differs between two complaints whatever happened to them.
    for name in ("id", "reference"):
        view.pop(name)
    return view


async def test_a_residents_escalation_moves_the_clocks_as_a_crms_does(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    as_resident = await portal(make_key)
    by_portal, by_crm = await answered(client, crm), await answered(client, crm)
    reason = {"reason": "The boiler is still broken."}
    asked = await act(
        client, as_resident, by_portal, "escalation_requested", REQUESTED_AT, **reason
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "escalation_requested"
    entered = await append(client, crm, by_crm, "escalation_requested", REQUESTED_AT, **reason)
    assert entered.status_code == 201, entered.text
    for at in (REQUESTED_AT, "2026-01-16T12:00:00+00:00", "2026-02-20T12:00:00+00:00"):
        assert await view_at(client, crm, by_portal, at) == await view_at(client, crm, by_crm, at)
    # The landlord escalates both: stage 2 runs from the resident's request, not from this.
    for cid in (by_portal, by_crm):
        moved = await append(client, crm, cid, "escalated", "2026-01-14T10:00:00+00:00")
        assert moved.status_code == 201, moved.text
    for at in ("2026-01-14T10:00:00+00:00", "2026-01-20T12:00:00+00:00"):
        assert await view_at(client, crm, by_portal, at) == await view_at(client, crm, by_crm, at)
    stage_2 = (await view_at(client, as_resident, by_portal, "2026-01-20T12:00:00+00:00"))["sla"]
    # Five working days after Monday 12 January; and it was not acknowledged by then.
    assert stage_2["acknowledgement"]["stage"] == 2
    assert stage_2["acknowledgement"]["due"] == "2026-01-19"
    assert stage_2["acknowledgement"]["status"] == "breached"


async def test_under_the_code_a_resident_escalates_without_a_reason(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = await answered(client, crm)
    asked = await act(client, await portal(make_key), cid, "escalation_requested", REQUESTED_AT)
    assert asked.status_code == 201, asked.text
    assert asked.json()["policy"]["id"] == "hoc-2024"
    moved = await append(client, crm, cid, "escalated", "2026-01-13T10:00:00+00:00")
    assert moved.status_code == 201, moved.text
    stage = moved.json()["stages"][-1]
    assert (stage["stage"], stage["started_at"]) == (2, "2026-01-12T09:30:00Z")
    assert stage["sla"]["acknowledgement"]["due"] == "2026-01-19"


async def test_each_act_is_recorded_as_the_residents(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    as_resident = await portal(make_key)
    cid = (await log(client, crm))["id"]
    steps: list[tuple[dict[str, str], str, str, dict[str, Any]]] = [
        (crm, "acknowledged", "2025-12-22T10:00:00+00:00", {}),
        (crm, "compensation_offered", "2025-12-23T10:00:00+00:00",
         {"offer_id": "O-1", "amount_pence": 5000, "kind": "goodwill", "reason": "Delay."}),
        (as_resident, "compensation_accepted", "2025-12-23T11:00:00+00:00", {"offer_id": "O-1"}),
        (crm, "compensation_offered", "2025-12-24T10:00:00+00:00",
         {"offer_id": "O-2", "amount_pence": 2000, "kind": "other", "reason": "Mess."}),
        (as_resident, "compensation_declined", "2025-12-24T11:00:00+00:00", {"offer_id": "O-2"}),
        (as_resident, "note_added", "2026-01-05T09:00:00+00:00",
         {"text": "Photo of the boiler's error code attached to my email of 5 January."}),
        (crm, "responded", "2026-01-08T15:00:00+00:00",
         {"outcome": "partly_upheld", "summary": "Engineer booked.",
          "escalation_rights_signposted": True}),
        (as_resident, "escalation_requested", "2026-01-12T09:30:00+00:00",
         {"reason": "The engineer did not come."}),
        (as_resident, "closed", "2026-01-13T09:30:00+00:00",
         {"reason": "withdrawn", "summary": "The engineer came after all."}),
        (as_resident, "satisfaction_recorded", "2026-01-20T09:30:00+00:00",
         {"satisfied": "fairly_satisfied", "comments": "Slow, but fixed."}),
    ]  # fmt: skip
    for headers, event_type, at, fields in steps:
        send = act if headers is as_resident else append
        response = await send(client, headers, cid, event_type, at, **fields)
        assert response.status_code == 201, (event_type, response.text)
    view = response.json()
    assert (view["status"], view["closure_reason"]) == ("closed", "withdrawn")
    assert [o["status"] for o in view["compensation"]] == ["accepted", "declined"]
    assert view["notes"][0]["visibility"] == "resident"
    assert view["satisfaction"][0]["satisfied"] == "fairly_satisfied"

    who = ["landlord"] + ["resident" if h is as_resident else "landlord" for h, *_ in steps]
    seen_by_resident = (
        await client.get(f"/v1/complaints/{cid}/history", headers=as_resident)
    ).json()["items"]
    assert [item["event"]["recorded_by"] for item in seen_by_resident] == who
    # The resident is told who did what, never which key or system did it.
    assert all(item["event"]["metadata"] == {} for item in seen_by_resident)
    stream = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert [event["recorded_by"] for event in stream] == who
    portal_key = as_resident["Authorization"].split("_")[1]
    assert {
        e["metadata"]["actor"] for e, w in zip(stream, who, strict=True) if w == "resident"
    } == {portal_key}
    assert {e["metadata"]["role"] for e, w in zip(stream, who, strict=True) if w == "resident"} == {
        "portal"
    }


@pytest.mark.parametrize("event_type", PORTAL_REFUSED)
async def test_a_portal_never_records_the_landlords_events(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, event_type: str
) -> None:
    cid = await answered(client, crm)
    refused = await act(client, await portal(make_key), cid, event_type, REQUESTED_AT)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "urn:redress:problem:event-not-allowed"
    assert (problem["event_type"], problem["allowed"]) == (event_type, ALLOWED)
    assert event_type in problem["detail"]
    assert (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()["version"] == 3


async def test_a_portal_says_only_what_a_resident_says(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    as_resident = await portal(make_key)
    cid = await answered(client, crm)
    for event_type, fields in [
        ("closed", {"reason": "resolved"}),  # the landlord's closure reasons
        ("closed", {"reason": "no_escalation_requested"}),
        ("closed", {}),
        ("note_added", {"text": "Hidden?", "visibility": "internal"}),  # never an internal note
        ("note_added", {"text": "Shown.", "visibility": "resident"}),
        ("satisfied", {}),  # not an event type at all
    ]:
        refused = await act(client, as_resident, cid, event_type, REQUESTED_AT, **fields)
        assert refused.status_code == 422, (event_type, fields, refused.text)
        assert refused.json()["type"] == "urn:redress:problem:validation-error"
    # The case file's own door stays shut to a portal, and says which one is its.
    shut = await append(client, as_resident, cid, "note_added", REQUESTED_AT, text="Hello.")
    assert shut.status_code == 403, shut.text
    assert shut.json()["type"] == "urn:redress:problem:forbidden"
    assert "/resident-events" in shut.json()["detail"]
    assert (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()["version"] == 3


async def test_only_a_portal_for_the_complaints_own_resident_acts(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = await answered(client, crm)
    foreign_crm = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    foreign = (await log(client, foreign_crm))["id"]  # R-0001 is the other landlord's too
    note = {"text": "Is anyone there?"}
    missing = await act(
        client, await portal(make_key), "no-such-id", "note_added", REQUESTED_AT, **note
    )
    assert missing.status_code == 404
    for headers, target in [
        (await portal(make_key, "R-0002"), cid),  # another resident of the landlord
        (await portal(make_key), foreign),  # the other landlord's complaint
    ]:
        response = await act(client, headers, target, "note_added", REQUESTED_AT, **note)
        assert response.status_code == 404, response.text
        # Indistinguishable from no complaint at all.
        assert {**response.json(), "instance": None} == {**missing.json(), "instance": None}
    unnamed = bearer(await make_key(Role.portal))
    response = await act(client, unnamed, cid, "note_added", REQUESTED_AT, **note)
    assert (response.status_code, response.json()["code"]) == (403, "resident-required")
    for role in (Role.crm, Role.analyst, Role.admin):
        response = await act(
            client, bearer(await make_key(role)), cid, "note_added", REQUESTED_AT, **note
        )
        assert (response.status_code, response.json()["code"]) == (403, "forbidden"), role
    assert (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()["version"] == 3
    assert (await client.get(f"/v1/complaints/{foreign}", headers=foreign_crm)).json()[
        "version"
    ] == 1


async def test_a_retried_resident_act_is_recorded_once(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    as_resident = {**await portal(make_key), "Idempotency-Key": "portal-note-1"}
    cid = await answered(client, crm)
    note = {"text": f"{RESIDENT['name']} called twice."}
    first = await act(client, as_resident, cid, "note_added", REQUESTED_AT, **note)
    again = await act(client, as_resident, cid, "note_added", REQUESTED_AT, **note)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()["version"] == 4
    other = await act(client, as_resident, cid, "note_added", REQUESTED_AT, text="Another.")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency-key-reused")


async def test_a_portal_acting_too_fast_is_told_when_to_retry(
    database_url: str, client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = await answered(client, crm)
    as_resident = await portal(make_key)
    settings = Settings(database_url=database_url, rate_limit_per_minute=60, rate_limit_burst=2)
    with serving(create_app(settings)) as url:
        async with httpx.AsyncClient(base_url=url) as limited:
            statuses = [
                (await act(limited, as_resident, cid, "note_added", at, text="Hello?")).status_code
                for at in ("2026-01-09T10:00:00Z", "2026-01-09T10:01:00Z", "2026-01-09T10:02:00Z")
            ]
    assert statuses == [201, 201, 429]
