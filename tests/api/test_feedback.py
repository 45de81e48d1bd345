"""Compliments, comments and enquiries over HTTP: their own streams and lifecycle, the roles as
for complaints, the feed and export carrying them, an enquiry converted into a complaint, and a
resident's erasure reaching their feedback. Every person here is made up."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import PRAISE, RESIDENT, STAFF, feedback_body, give, log

pytestmark = pytest.mark.asyncio


async def record(
    client: httpx.AsyncClient, headers: dict[str, str], fid: str, kind: str, at: str, **fields: Any
) -> httpx.Response:
    body = {"type": kind, "occurred_at": at, **fields}
    return await client.post(f"/v1/feedback/{fid}/events", json=body, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_compliment_is_received_passed_on_and_closed(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    given = await give(client, crm)
    fid = given["id"]
    assert given["status"] == "received"
    assert given["next"] == ["feedback_acknowledged", "compliment_passed_on"]
    assert given["received"]["text"] == PRAISE
    assert given["received"]["staff_member"] == STAFF
    early = await record(client, crm, fid, "feedback_closed", "2025-12-20T09:00:00Z")
    assert early.status_code == 409, early.text
    assert early.json()["type"] == "urn:redress:problem:feedback-step-refused"
    wrong = await record(client, crm, fid, "enquiry_answered", "2025-12-20T09:00:00Z",
                         method="phone")  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["type"] == "urn:redress:problem:wrong-feedback-kind"
    steps = [
        ("feedback_acknowledged", {"method": "email"}),
        ("compliment_passed_on", {"team": "repairs_north", "note": "Shared at the team meeting"}),
        ("feedback_closed", {}),
    ]
    for day, (kind, fields) in enumerate(steps, start=20):
        done = await record(client, crm, fid, kind, f"2025-12-{day}T09:00:00Z", **fields)
        assert done.status_code == 201, done.text
    view = (await client.get(f"/v1/feedback/{fid}", headers=crm)).json()
    assert (view["status"], view["version"], view["next"]) == ("closed", 4, [])
    stale = await client.post(
        f"/v1/feedback/{fid}/events",
        json={"type": "feedback_closed", "occurred_at": "2025-12-23T09:00:00Z"},
        headers={**crm, "If-Match": '"2"'},
    )
    assert stale.status_code == 412
    events = (await client.get(f"/v1/feedback/{fid}/events", headers=crm)).json()["items"]
    assert [e["type"] for e in events] == [
        "feedback_received",
        "feedback_acknowledged",
        "compliment_passed_on",
        "feedback_closed",
    ]
    assert {e["feedback_id"] for e in events} == {fid}
    assert {e["complaint_id"] for e in events} == {None}
    assert events[1]["previous_hash"] == events[0]["hash"]


async def test_analysts_read_feedback_without_personal_data(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    fid = (await give(client, crm))["id"]
    await record(client, crm, fid, "compliment_passed_on", "2025-12-20T09:00:00Z",
                 team="repairs_north", note="Shared at the team meeting")  # fmt: skip
    analyst = bearer(await make_key(Role.analyst))
    view = await client.get(f"/v1/feedback/{fid}", headers=analyst)
    assert view.status_code == 200
    assert view.json()["team"] == "repairs_north"
    paths = [f"/v1/feedback/{fid}", f"/v1/feedback/{fid}/events", "/v1/feedback", "/v1/events"]
    shown = "\n".join([(await client.get(p, headers=analyst)).text for p in paths])
    export = await client.get("/v1/events", headers={**analyst, "Accept": "application/x-ndjson"})
    assert "uk.redress.feedback.feedback_received" in export.text
    for secret in (PRAISE, STAFF, RESIDENT["name"], RESIDENT["email"], "team meeting"):
        assert secret not in shown
        assert secret not in export.text
    crm_export = await client.get("/v1/events", headers={**crm, "Accept": "application/x-ndjson"})
    assert PRAISE in crm_export.text
    assert (
        await client.post("/v1/feedback", json=feedback_body(), headers=analyst)
    ).status_code == 403
    verified = (await client.get("/v1/audit/verify", headers=analyst)).json()
    assert verified["ok"] is True, verified


async def test_a_portal_gives_and_reads_only_its_residents_feedback(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    portal = bearer(await make_key(Role.portal))
    as_r7 = {**portal, "X-Resident-Id": "R-7"}
    mine = await give(client, as_r7, "comment", resident={"name": "Reg Invented"})
    assert mine["received"]["resident"]["resident_id"] == "R-7"
    theirs = await give(client, crm, "comment")
    assert (await client.get(f"/v1/feedback/{mine['id']}", headers=as_r7)).status_code == 200
    assert (await client.get(f"/v1/feedback/{theirs['id']}", headers=as_r7)).status_code == 404
    listed = (await client.get("/v1/feedback", headers=as_r7)).json()["items"]
    assert [f["id"] for f in listed] == [mine["id"]]
    assert (await client.get("/v1/feedback", headers=portal)).status_code == 403
    refused = await record(client, as_r7, mine["id"], "feedback_acknowledged",
                           "2025-12-20T09:00:00Z", method="email")  # fmt: skip
    assert refused.status_code == 403
    considered = await record(client, crm, mine["id"], "comment_considered",
                              "2025-12-20T09:00:00Z", acted_upon=True,
                              response="A bench goes in next month")  # fmt: skip
    assert considered.status_code == 201, considered.text
    seen = (await client.get(f"/v1/feedback/{mine['id']}", headers=as_r7)).json()
    assert seen["steps"] == [
        {
            "type": "comment_considered",
            "occurred_at": "2025-12-20T09:00:00Z",
            "data": {"acted_upon": True, "response": "A bench goes in next month"},
        }
    ]
    other = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    assert (await client.get(f"/v1/feedback/{mine['id']}", headers=other)).status_code == 404


async def test_lists_filter_by_kind_status_and_received_dates(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    marker = "filters_test"
    compliment = await give(client, crm, "compliment", category=marker)
    january = "2026-01-05T10:00:00Z"
    comment = await give(client, crm, "comment", category=marker,
                         received_at=january, occurred_at=january)  # fmt: skip
    enquiry = await give(client, crm, "enquiry", category=marker)
    await record(client, crm, enquiry["id"], "enquiry_answered", "2025-12-20T09:00:00Z",
                 method="phone")  # fmt: skip

    async def ids(**query: str) -> list[str]:
        found = await client.get("/v1/feedback", params={"category": marker, **query}, headers=crm)
        assert found.status_code == 200, found.text
        return [f["id"] for f in found.json()["items"]]

    assert await ids(kind="compliment") == [compliment["id"]]
    assert await ids(status="answered") == [enquiry["id"]]
    assert await ids(received_from="2026-01-01T00:00:00Z") == [comment["id"]]
    assert set(await ids(received_to="2026-01-01T00:00:00Z")) == {compliment["id"], enquiry["id"]}
    first = await client.get("/v1/feedback", params={"category": marker, "limit": 2}, headers=crm)
    cursor = first.json()["next_cursor"]
    rest = await client.get(
        "/v1/feedback", params={"category": marker, "cursor": cursor}, headers=crm
    )
    assert len(first.json()["items"]) + len(rest.json()["items"]) == 3
    assert (await client.get("/v1/feedback", params={"kinds": "x"}, headers=crm)).status_code == 422


async def test_an_enquiry_that_is_a_complaint_is_converted_and_counted_only_as_one(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    enquiry = await give(client, crm, "enquiry", text="When will my boiler be fixed? Third time.")
    unknown = await record(client, crm, enquiry["id"], "enquiry_converted",
                           "2025-12-19T11:00:00Z", complaint_id="no-such-complaint")  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["type"] == "urn:redress:problem:unknown-complaint"
    other = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    elsewhere = await log(client, other)
    refused = await record(client, crm, enquiry["id"], "enquiry_converted",
                           "2025-12-19T11:00:00Z", complaint_id=elsewhere["id"])  # fmt: skip
    assert refused.status_code == 422
    complaint = await log(client, crm)
    converted = await record(client, crm, enquiry["id"], "enquiry_converted",
                             "2025-12-19T11:00:00Z", complaint_id=complaint["id"])  # fmt: skip
    assert converted.status_code == 201, converted.text
    view = converted.json()
    assert (view["status"], view["complaint_id"], view["next"]) == (
        "converted",
        complaint["id"],
        [],
    )
    # Both streams say so, and the complaint's view.
    shown = (await client.get(f"/v1/complaints/{complaint['id']}", headers=crm)).json()
    assert shown["from_enquiries"] == [enquiry["id"]]
    events = (await client.get(f"/v1/complaints/{complaint['id']}/events", headers=crm)).json()
    assert events["items"][-1]["type"] == "raised_from_enquiry"
    assert events["items"][-1]["data"] == {"feedback_id": enquiry["id"]}
    refused = await client.post(
        f"/v1/complaints/{complaint['id']}/events",
        json={"type": "raised_from_enquiry", "occurred_at": "2025-12-20T09:00:00Z",
              "feedback_id": enquiry["id"]},
        headers=crm,
    )  # fmt: skip
    assert refused.status_code == 403


async def test_a_residents_erasure_reaches_their_feedback(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    resident = {**RESIDENT, "resident_id": "R-FEEDBACK-1", "name": "Olive Imaginary"}
    complaint = await log(client, crm, complainant=resident)
    given = await give(client, crm, "comment", resident=resident,
                       text="Please add a bench by the bins for Olive")  # fmt: skip
    retried = await client.post(
        "/v1/feedback",
        json=feedback_body("compliment", resident=resident),
        headers={**crm, "Idempotency-Key": "praise-1"},
    )
    assert retried.status_code == 201
    admin = bearer(await make_key(Role.admin))
    erased = await client.post("/v1/complainants/R-FEEDBACK-1/erasure", json={}, headers=admin)
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["complaints"] == [complaint["id"]]
    assert set(body["feedback"]) == {given["id"], retried.json()["id"]}
    assert body["keys_destroyed"] == 3
    view = (await client.get(f"/v1/feedback/{given['id']}", headers=crm)).json()
    assert view["erased"] is True
    assert view["received"]["text"] == "[erased]"
    assert view["received"]["resident"]["name"] == "[erased]"
    assert view["received"]["resident"]["resident_id"] == "R-FEEDBACK-1"
    assert view["kind"] == "comment"
    # The retry after the erasure is answered again, without the resident.
    again = await client.post(
        "/v1/feedback",
        json=feedback_body("compliment", resident=resident),
        headers={**crm, "Idempotency-Key": "praise-1"},
    )
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Olive" not in again.text
    one = await give(client, crm, "compliment")
    done = await client.post(f"/v1/feedback/{one['id']}/erasure", json={}, headers=admin)
    assert done.json() == {"feedback": [one["id"]], "keys_destroyed": 1}
    assert (
        await client.post(f"/v1/feedback/{one['id']}/erasure", json={}, headers=crm)
    ).status_code == 403
    analyst = bearer(await make_key(Role.analyst))
    assert (await client.get("/v1/audit/verify", headers=analyst)).json()["ok"] is True


async def test_the_annual_report_counts_feedback_apart_from_complaints(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    analyst = bearer(await make_key(Role.analyst))
    params = {"year": "2025"}
    before = (await client.get("/v1/reports/annual", params=params, headers=analyst)).json()
    for kind, team in (("compliment", "repairs_north"), ("compliment", None), ("comment", None)):
        await give(client, crm, kind, team=team)
    enquiry = await give(client, crm, "enquiry")
    complaint = await log(client, crm)
    await record(client, crm, enquiry["id"], "enquiry_converted", "2025-12-19T11:00:00Z",
                 complaint_id=complaint["id"])  # fmt: skip
    after = (await client.get("/v1/reports/annual", params=params, headers=analyst)).json()
    feedback = after.pop("feedback")
    assert before.pop("feedback")["received"] == 0
    # The complaint logged is counted as a complaint; the feedback in no complaint figure.
    assert after["volumes"]["received"] == before["volumes"]["received"] + 1
    assert feedback["received"] == 3
    assert feedback["enquiries_converted"] == 1
    assert feedback["by_kind"] == [
        {"key": "compliment", "count": 2},
        {"key": "comment", "count": 1},
        {"key": "enquiry", "count": 0},
    ]
    assert feedback["praised"]["by_team"] == [
        {"key": "not_recorded", "count": 1},
        {"key": "repairs_north", "count": 1},
    ]
    csv = await client.get(
        "/v1/reports/annual", params={**params, "format": "csv"}, headers=analyst
    )
    assert "feedback.praised.by_team[repairs_north].count,,,,1," in csv.text
    page = await client.get("/v1/reports/annual", params={**params, "format": "html"},
                            headers=analyst)  # fmt: skip
    assert "What residents praised: compliments by service" in page.text
    assert "Compliments by the team praised" in page.text
    for secret in (PRAISE, STAFF, RESIDENT["name"]):
        assert secret not in page.text + csv.text
