"""Contact restrictions over HTTP (ADR 0020): imposed with what and why, shown on the resident's
complaints (in the log's response, the view and the list) without stopping any being logged,
reviewed, varied, challenged once from the portal, and erased with the resident. Every person
here is made up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, log

pytestmark = pytest.mark.asyncio

REASON = "Forty calls a day to the repairs line about the same closed job."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def terms(resident_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resident_id": resident_id,
        "measures": ["single_point_of_contact", "channels", "set_times"],
        "contact_person": "Priya Madeup",
        "channels": ["email", "letter"],
        "times": "Tuesdays 10:00 to 12:00",
        "reason": REASON,
        "occurred_at": "2025-12-01T09:00:00Z",
    }
    return body | overrides


async def impose(
    client: httpx.AsyncClient, headers: dict[str, str], resident_id: str, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/restrictions", json=terms(resident_id, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    return view


async def record(
    client: httpx.AsyncClient, headers: dict[str, str], rid: str, kind: str, **fields: Any
) -> httpx.Response:
    body = {"type": kind, **fields}
    return await client.post(f"/v1/restrictions/{rid}/events", json=body, headers=headers)


async def test_a_restricted_resident_still_logs_complaints_which_show_the_restriction(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    resident = {**RESIDENT, "resident_id": "R-RESTRICT-1", "name": "Hattie Notreal"}
    before = await log(client, crm, complainant=resident)
    assert before["restriction_in_force"] is None
    made = await impose(client, crm, "R-RESTRICT-1")
    rid = made["id"]
    assert made["in_force"] is True
    assert made["review_due"] == "2026-12-01"  # a year on
    assert made["terms"]["reason"] == REASON
    assert made["next"] == [
        "restriction_imposed",
        "restriction_reviewed",
        "restriction_ended",
        "restriction_challenged",
    ]
    shown = {
        "restriction_id": rid,
        "measures": ["single_point_of_contact", "channels", "set_times"],
        "contact_person": "Priya Madeup",
        "channels": ["email", "letter"],
        "review_due": "2026-12-01",
    }
    # Never a refusal: the CRM logs for the resident, and so does the resident's portal.
    by_crm = await log(client, crm, complainant=resident)
    assert by_crm["restriction_in_force"] == shown
    portal = {**bearer(await make_key(Role.portal)), "X-Resident-Id": "R-RESTRICT-1"}
    by_portal = await log(client, portal, complainant={"name": "Hattie Notreal"})
    assert by_portal["restriction_in_force"] == shown
    for complaint in (before, by_crm, by_portal):
        view = (await client.get(f"/v1/complaints/{complaint['id']}", headers=crm)).json()
        assert view["restriction_in_force"] == shown
    mine = (await client.get(f"/v1/complaints/{before['id']}", headers=portal)).json()
    assert mine["restriction_in_force"] == shown
    listed = (await client.get("/v1/complaints?resident_id=R-RESTRICT-1", headers=crm)).json()
    assert [c["restriction_in_force"] for c in listed["items"]] == [shown] * 3
    # An anonymous complaint is not tied to the restriction of whoever made it.
    anonymous = await log(client, crm, complainant=resident, anonymous=True)
    assert anonymous["restriction_in_force"] is None
    # A second restriction on the resident is refused: the one in force is varied instead.
    again = await client.post("/v1/restrictions", json=terms("R-RESTRICT-1"), headers=crm)
    assert again.status_code == 409
    assert again.json()["type"] == "urn:redress:problem:restriction-in-force"
    assert again.json()["restriction_id"] == rid
    new_terms = terms("R-RESTRICT-1", measures=["acknowledge_only"],
                      occurred_at="2025-12-10T09:00:00Z")  # fmt: skip
    del new_terms["resident_id"]
    varied = await record(client, crm, rid, "restriction_imposed", **new_terms)
    assert varied.status_code == 201, varied.text
    appended = await client.post(
        f"/v1/complaints/{before['id']}/events",
        json={"type": "acknowledged", "occurred_at": "2025-12-19T11:00:00Z", "method": "email"},
        headers=crm,
    )
    assert appended.status_code == 201, appended.text
    assert appended.json()["restriction_in_force"]["measures"] == ["acknowledge_only"]
    ended = await record(client, crm, rid, "restriction_ended", reason="withdrawn",
                         occurred_at="2025-12-20T09:00:00Z")  # fmt: skip
    assert ended.status_code == 201, ended.text
    assert ended.json()["in_force"] is False
    assert ended.json()["review_due"] is None
    view = (await client.get(f"/v1/complaints/{before['id']}", headers=crm)).json()
    assert view["restriction_in_force"] is None
    late = await record(client, crm, rid, "restriction_reviewed", outcome="continued",
                        occurred_at="2025-12-21T09:00:00Z")  # fmt: skip
    assert late.status_code == 409
    assert late.json()["type"] == "urn:redress:problem:restriction-step-refused"


async def test_the_resident_challenges_once_and_an_upheld_challenge_ends_it(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    rid = (await impose(client, crm, "R-RESTRICT-2", review_due="2026-06-01"))["id"]
    portal = {**bearer(await make_key(Role.portal)), "X-Resident-Id": "R-RESTRICT-2"}
    seen = (await client.get(f"/v1/restrictions/{rid}", headers=portal)).json()
    assert seen["next"] == ["restriction_challenged"]
    assert seen["terms"]["reason"] == REASON  # explained to the resident
    refused = await record(client, portal, rid, "restriction_ended", reason="withdrawn",
                           occurred_at="2025-12-02T09:00:00Z")  # fmt: skip
    assert refused.status_code == 403
    assert (
        await client.post("/v1/restrictions", json=terms("R-X"), headers=portal)
    ).status_code == 403
    body = {"grounds": "I only call because nobody answers my emails.",
            "occurred_at": "2025-12-02T09:00:00Z"}  # fmt: skip
    challenged = await client.post(f"/v1/restrictions/{rid}/challenge", json=body, headers=portal)
    assert challenged.status_code == 201, challenged.text
    assert challenged.json()["next"] == []
    twice = await client.post(f"/v1/restrictions/{rid}/challenge", json=body, headers=portal)
    assert twice.status_code == 409
    assert twice.json()["type"] == "urn:redress:problem:restriction-already-challenged"
    assert "2025-12-02" in twice.json()["detail"]
    decided = await record(client, crm, rid, "restriction_challenge_decided", upheld=True,
                           explanation="The emails went unanswered; we apologise.",
                           occurred_at="2025-12-05T09:00:00Z")  # fmt: skip
    assert decided.status_code == 201, decided.text
    view = decided.json()
    assert (view["in_force"], view["version"]) == (False, 3)
    assert [s["type"] for s in view["steps"]] == [
        "restriction_challenged",
        "restriction_challenge_decided",
    ]
    # Another resident's, and another landlord's, is no one's.
    other = {**portal, "X-Resident-Id": "R-SOMEONE-ELSE"}
    assert (await client.get(f"/v1/restrictions/{rid}", headers=other)).status_code == 404
    theirs = bearer(await make_key(Role.crm, OTHER_LANDLORD))
    assert (await client.get(f"/v1/restrictions/{rid}", headers=theirs)).status_code == 404
    mine = (await client.get("/v1/restrictions", headers=portal)).json()["items"]
    assert [r["id"] for r in mine] == [rid]


async def test_analysts_count_restrictions_without_the_person_and_reviews_are_listed(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    soon = (await impose(client, crm, "R-RESTRICT-3", review_due="2026-01-05"))["id"]
    later = (await impose(client, crm, "R-RESTRICT-4"))["id"]
    analyst = bearer(await make_key(Role.analyst))
    view = (await client.get(f"/v1/restrictions/{soon}", headers=analyst)).json()
    assert view["resident_id"] is None
    assert view["resident_pseudonym"]
    assert view["measures"] == ["single_point_of_contact", "channels", "set_times"]
    assert "reason" not in view["terms"]
    assert "times" not in view["terms"]
    assert "R-RESTRICT-3" not in str(view)
    assert "Forty" not in str(view)
    events = (await client.get(f"/v1/restrictions/{soon}/events", headers=analyst)).json()
    assert events["items"][0]["restriction_id"] == soon
    assert "R-RESTRICT-3" not in str(events)
    found = await client.get("/v1/restrictions?resident_id=R-RESTRICT-3", headers=analyst)
    assert found.status_code == 403
    assert found.json()["type"] == "urn:redress:problem:personal-search-forbidden"
    first = (await client.get("/v1/restrictions?limit=1", headers=analyst)).json()
    after = {"limit": "1", "cursor": first["next_cursor"]}
    second = (await client.get("/v1/restrictions", params=after, headers=analyst)).json()
    paged = [r["id"] for r in first["items"] + second["items"]]
    assert sorted(paged) == sorted([later, soon])  # both imposed at once: by id, each once
    bad = await client.get("/v1/restrictions?cursor=nonsense", headers=crm)
    assert bad.json()["type"] == "urn:redress:problem:invalid-cursor"
    due = (await client.get("/v1/restrictions?review_due_by=2026-01-31", headers=crm)).json()
    ids = [r["id"] for r in due["items"]]
    assert soon in ids
    assert later not in ids
    too_late = await client.post(
        "/v1/restrictions", json=terms("R-RESTRICT-5", review_due="2027-06-01"), headers=crm
    )
    assert too_late.status_code == 422
    assert too_late.json()["type"] == "urn:redress:problem:restriction-terms-invalid"
    no_contact = await client.post(
        "/v1/restrictions", json=terms("R-RESTRICT-5", contact_person=None), headers=crm
    )
    assert no_contact.status_code == 422


async def test_a_residents_erasure_reaches_their_restriction(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    resident = {**RESIDENT, "resident_id": "R-RESTRICT-6", "name": "Ivor Pretend"}
    complaint = await log(client, crm, complainant=resident)
    keyed = {**crm, "Idempotency-Key": "restrict-6"}
    made = await client.post("/v1/restrictions", json=terms("R-RESTRICT-6"), headers=keyed)
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    admin = bearer(await make_key(Role.admin))
    erased = await client.post("/v1/complainants/R-RESTRICT-6/erasure", json={}, headers=admin)
    assert erased.status_code == 200, erased.text
    assert erased.json()["complaints"] == [complaint["id"]]
    assert erased.json()["restrictions"] == [rid]
    assert erased.json()["keys_destroyed"] == 2
    view = (await client.get(f"/v1/restrictions/{rid}", headers=crm)).json()
    assert view["erased"] is True
    assert view["next"] == ["restriction_ended"]  # it can still be lifted, and nothing else
    assert view["terms"]["reason"] == "[erased]"
    assert view["terms"]["times"] == "[erased]"
    assert view["in_force"] is True  # erasing the words does not lift the restriction
    # The erased complaint is read by replaying its stream: it still shows the restriction.
    replayed = (await client.get(f"/v1/complaints/{complaint['id']}", headers=crm)).json()
    assert replayed["personal_data_erased_at"] is not None
    assert replayed["restriction_in_force"]["restriction_id"] == rid
    # The retry after the erasure is answered again, without the words erased.
    again = await client.post("/v1/restrictions", json=terms("R-RESTRICT-6"), headers=keyed)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == rid
    assert REASON not in again.text
    now = datetime.now(UTC).isoformat()
    reviewed = await record(client, crm, rid, "restriction_reviewed", outcome="continued",
                            occurred_at=now)  # fmt: skip
    assert reviewed.status_code == 409
    ended = await record(client, crm, rid, "restriction_ended", reason="withdrawn",
                         occurred_at=now)  # fmt: skip
    assert ended.status_code == 201, ended.text
    assert ended.json()["in_force"] is False
    analyst = bearer(await make_key(Role.analyst))
    assert (await client.get("/v1/audit/verify", headers=analyst)).json()["ok"] is True


async def test_the_annual_report_counts_restrictions_and_never_the_person(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    analyst = bearer(await make_key(Role.analyst))
    params = {"year": "2025"}  # 1 April 2025 to 31 March 2026
    before = (await client.get("/v1/reports/annual", params=params, headers=analyst)).json()
    assert before["restrictions"]["imposed"] == 0
    kept = (await impose(client, crm, "R-RESTRICT-7"))["id"]
    lifted = (await impose(client, crm, "R-RESTRICT-8", measures=["acknowledge_only"],
                           contact_person=None, channels=[], times=None))["id"]  # fmt: skip
    challenge = {"grounds": "Made-up grounds.", "occurred_at": "2025-12-02T09:00:00Z"}
    for rid in (kept, lifted):
        done = await client.post(f"/v1/restrictions/{rid}/challenge", json=challenge, headers=crm)
        assert done.status_code == 201, done.text
        decision = {"upheld": rid == lifted, "explanation": "Made-up.",
                    "occurred_at": "2025-12-03T09:00:00Z"}  # fmt: skip
        decided = await record(client, crm, rid, "restriction_challenge_decided", **decision)
        assert decided.status_code == 201, decided.text
    after = (await client.get("/v1/reports/annual", params=params, headers=analyst)).json()
    figures = after["restrictions"]
    assert {k: v for k, v in figures.items() if k != "by_measure"} == {
        "imposed": 2,
        "challenged": 2,
        "challenges_upheld": 1,
        "ended": 1,
        "in_force_at_end": 1,
    }
    assert {c["key"]: c["count"] for c in figures["by_measure"]} == {
        "acknowledge_only": 1,
        "single_point_of_contact": 1,
        "channels": 1,
        "set_times": 1,
        "appointments_only": 0,
        "other": 0,
    }
    assert after["volumes"]["received"] == before["volumes"]["received"]  # never a complaint
    page = await client.get("/v1/reports/annual", params={**params, "format": "html"},
                            headers=analyst)  # fmt: skip
    assert "Contact restrictions" in page.text
    assert "1 challenge was upheld" in page.text
    for secret in (REASON, "R-RESTRICT-7", "Priya Madeup", "Tuesdays"):
        assert secret not in page.text


async def test_two_restrictions_imposed_at_once_on_one_resident_leave_one_in_force(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    body = terms("R-RESTRICT-9")
    answers = await asyncio.gather(
        *(client.post("/v1/restrictions", json=body, headers=crm) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409], [a.text for a in answers]
    made = next(a.json()["id"] for a in answers if a.status_code == 201)
    assert {a.json()["restriction_id"] for a in answers if a.status_code == 409} == {made}
    listed = await client.get("/v1/restrictions?resident_id=R-RESTRICT-9", headers=crm)
    assert [r["id"] for r in listed.json()["items"]] == [made]
