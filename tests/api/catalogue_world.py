"""A world that holds one event of every type in the catalogue, with a unique marker in every text
field, built over HTTP. Which markers a reader must never see is read from the catalogue, so a new
field is covered without anyone remembering it, and a new event type fails `test_every_type`
until the scenario below appends one.

Markers (tests/api/markers.py) are `mk<NNN>q`: fixed width, so no marker is a substring of
another. Every person is made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.catalogue import COMPLAINT_EVENTS, FEEDBACK_EVENTS
from app.domain.treatment import FieldSpec
from app.events.factory import make_store
from app.services.alerts import raise_due_alerts
from app.services.keys import Role
from app.settings import Settings
from tests.api.catalogue_restrictions import alerted, restrictions
from tests.api.conftest import LANDLORD, MakeKey
from tests.api.evidence_files import attach_photo, photo_headers
from tests.api.markers import Markers, fill

RESIDENT_ID = "R-0001"


# Fields of `logged` the request does not take (the service sets them), and the person's parts,
# which need a valid shape (an email, a phone number, a postcode).
_SET_BY_SERVICE = ("reference", "landlord", "policy_id", "policy_version", "stage")


def logged_body(markers: Markers, received_at: str, resident_id: str = RESIDENT_ID) -> Any:
    spec = COMPLAINT_EVENTS["logged"]
    person = {p.name: p for p in spec.field("complainant").parts}
    representative = {p.name: p for p in spec.field("representative").parts}
    address = {p.name: p for p in person["address"].parts}

    def mark(path: str, part: FieldSpec, *, phone: bool = False, uprn: bool = False) -> str:
        return markers.new(spec, path, part, True, phone=phone, uprn=uprn)

    body = fill(markers, spec, dict.fromkeys((*_SET_BY_SERVICE, "complainant", "uprn"), None))
    for name in (*_SET_BY_SERVICE, "representative", "anonymous", "tenure", "channel"):
        body.pop(name, None)
    # The request takes the late acceptance as one object; the event keeps its two fields.
    explanation = body.pop("late_acceptance_explanation")
    body.pop("late_acceptance_reason", None)
    return body | {
        # Older than the Code's twelve months at receipt: logged with a late acceptance.
        "incident_at": "2024-01-15",
        "late_acceptance": {"reason": "continuing_issue", "explanation": explanation},
        "channel": "email",
        "received_at": received_at,
        "occurred_at": received_at,
        "tenure": "rented",
        "uprn": mark("uprn", spec.field("uprn"), uprn=True),
        "complainant": {
            "name": mark("complainant.name", person["name"]),
            "email": f"{mark('complainant.email', person['email'])}@example.invalid",
            "phone": mark("complainant.phone", person["phone"], phone=True),
            "address": {
                "lines": [mark("complainant.address.lines", address["lines"])],
                "postcode": "ZZ9 9ZZ",
            },
            "resident_id": resident_id,
        },
        "representative": {
            "name": mark("representative.name", representative["name"]),
            "relationship": mark("representative.relationship", representative["relationship"]),
            "contact": mark("representative.contact", representative["contact"]),
            "kind": "advocate",
            "consent": {"given": True, "recorded_at": received_at, "method": "written"},
        },
    }


def feedback_body(markers: Markers, kind: str, received_at: str) -> Any:
    """A compliment, comment or enquiry of RESIDENT_ID with a marker in every text field."""
    spec = FEEDBACK_EVENTS["feedback_received"]
    person = {p.name: p for p in spec.field("resident").parts}
    body = fill(markers, spec, {"landlord": None, "category": "repairs", "team": "repairs_north"})
    del body["landlord"]
    email = markers.new(spec, "resident.email", person["email"], True)
    return body | {
        "kind": kind,
        "channel": "web",
        "received_at": received_at,
        "occurred_at": received_at,
        "resident": {
            "name": markers.new(spec, "resident.name", person["name"], True),
            "email": f"{email}@example.invalid",
            "resident_id": RESIDENT_ID,
        },
    }


@dataclass
class CatalogueWorld:
    complaints: dict[str, dict[str, Any]]
    markers: Markers
    appended: set[str]
    letter: int  # the version of the main complaint's `letter_issued`
    attachments: dict[str, str] = field(default_factory=dict)  # visibility -> attachment id
    feedback: dict[str, dict[str, Any]] = field(default_factory=dict)
    restriction: str = ""  # the contact restriction on RESIDENT_ID


# The resident's compliments, comments and enquiries, through every feedback event; the enquiry
# turns out to be the main complaint. (event type, feedback, occurred_at in 2026, values)
FEEDBACK_SCENARIO: list[tuple[str, str, str, dict[str, Any]]] = [
    ("feedback_acknowledged", "compliment", "03-03 09:00", {"method": "email"}),
    ("compliment_passed_on", "compliment", "03-04 09:00", {"team": "repairs_north"}),
    ("feedback_closed", "compliment", "03-05 09:00", {}),
    ("comment_considered", "comment", "03-04 09:00", {"acted_upon": True}),
    ("enquiry_answered", "enquiry", "03-04 09:00", {"method": "phone"}),
    ("enquiry_converted", "enquiry", "03-05 09:00", {}),
]


# One complaint lives through most of the catalogue; others are refused escalation or declined.
# (event type, complaint, occurred_at in 2026 (UTC), structured values the request needs)
SIGNPOSTED = {"escalation_rights_signposted": True, "ombudsman_signposted": True}
SCENARIO: list[tuple[str, str, str, dict[str, Any]]] = [
    ("assigned", "main", "03-02 09:10", {}),
    ("acknowledged", "main", "03-02 10:00", {"method": "email"}),
    ("contacted", "main", "03-03 10:00", {"method": "phone"}),
    ("note_added", "main", "03-03 11:00", {"visibility": "internal"}),
    ("clock_stopped", "main", "03-04 10:00", {"reason_category": "awaiting_resident"}),
    ("clock_restarted", "main", "03-06 10:00", {}),
    ("extension_agreed", "main", "03-09 10:00", {"response_due": "2026-03-27",
                                                 "reason": "third_party"}),
    ("resident_informed", "main", "03-09 10:30", {"about": "extension", "method": "letter"}),
    ("action_agreed", "main", "03-10 10:00", {"due": "2026-03-20"}),
    ("compensation_offered", "main", "03-11 10:00", {"amount_pence": 5000, "kind": "goodwill"}),
    ("compensation_accepted", "main", "03-12 10:00", {}),
    ("compensation_paid", "main", "03-12 11:00", {"amount_pence": 3000, "paid_on": "2026-03-12",
                                                  "method": "bank_transfer"}),
    ("compensation_offset", "main", "03-12 12:00", {"amount_pence": 2000,
                                                    "offset_on": "2026-03-12",
                                                    "agreed_on": "2026-03-12",
                                                    "agreed_by": "phone"}),
    ("compensation_reversed", "main", "03-12 12:30", {"amount_pence": 1000,
                                                      "settled_by": "payment",
                                                      "reversed_on": "2026-03-12",
                                                      "reason": "payment_failed"}),
    ("responded", "main", "03-13 10:00", {"outcome": "upheld", **SIGNPOSTED}),
    ("action_completed", "main", "03-16 10:00", {}),
    ("escalation_requested", "main", "03-17 10:00", {}),
    ("escalated", "main", "03-17 11:00", {}),
    ("responded", "main", "03-24 10:00", {"outcome": "partly_upheld", **SIGNPOSTED}),
    ("closed", "main", "03-25 10:00", {"reason": "final_response_issued"}),
    ("satisfaction_recorded", "main", "03-26 10:00", {"satisfied": "fairly_satisfied"}),
    ("referred", "main", "04-01 10:00", {"to": "housing_ombudsman"}),
    ("ombudsman_evidence_requested", "main", "04-02 10:00", {"due": "2026-04-20"}),
    ("ombudsman_evidence_provided", "main", "04-10 10:00", {}),
    ("ombudsman_determined", "main", "06-01 10:00", {"finding": "service_failure"}),
    ("learning_recorded", "main", "06-02 10:00", {}),
    ("reopened", "main", "06-03 10:00", {}),
    ("note_added", "main", "06-04 10:00", {"visibility": "resident"}),
    ("compensation_offered", "refused", "03-05 10:00", {"amount_pence": 2500, "kind": "other"}),
    ("compensation_declined", "refused", "03-06 10:00", {}),
    ("responded", "refused", "03-10 10:00", {"outcome": "not_upheld", **SIGNPOSTED}),
    ("escalation_requested", "refused", "03-11 10:00", {}),
    ("escalation_refused", "refused", "03-12 10:00", {"reason": "legal_proceedings"}),
    ("resident_informed", "refused", "03-12 11:00", {"about": "escalation_refusal", "method": "email"}),  # noqa: E501
    ("declined", "declined", "03-03 10:00", {"reason": "service_request"}),
    ("resident_informed", "declined", "03-03 11:00", {"about": "decline", "method": "phone"}),
]  # fmt: skip


# When the service's alert scheduler runs over the world: the main complaint, reopened at stage 2
# on 3 June, has not been acknowledged again by then.
ALERTS_AT = datetime(2026, 7, 1, 9, tzinfo=UTC)


async def build(
    client: httpx.AsyncClient, make_key: MakeKey, engine: AsyncEngine
) -> CatalogueWorld:
    """Log the world's complaints for RESIDENT_ID at LANDLORD and append the scenario; the
    landlord first publishes a policy that stops clocks and reopens, so every type is allowed.
    Deadline alerts no key may append: the service's scheduler raises them, over `engine`."""
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    await _flexible_policy(client, admin)
    markers = Markers()
    complaints: dict[str, dict[str, Any]] = {}
    for name in ("main", "refused", "declined"):
        response = await client.post(
            "/v1/complaints", json=logged_body(markers, "2026-03-02T09:00:00Z"), headers=crm
        )
        assert response.status_code == 201, response.text
        complaints[name] = response.json()
    appended = {"logged"}
    for event_type, name, at, values in SCENARIO:
        spec = COMPLAINT_EVENTS[event_type]
        # An action completed, or an offer answered, names the one agreed or made before.
        if event_type == "action_completed":
            values = {**values, "action_id": _last(markers, "action_agreed", "action_id")}
        if event_type.startswith("compensation_") and event_type != "compensation_offered":
            values = {**values, "offer_id": _last(markers, "compensation_offered", "offer_id")}
        body = fill(markers, spec, values, resident_sees=spec.resident_sees(values))
        body.pop("stage", None)
        response = await client.post(
            f"/v1/complaints/{complaints[name]['id']}/events",
            json={"type": event_type, "occurred_at": f"2026-{at.replace(' ', 'T')}:00Z", **body},
            headers=crm,
        )
        assert response.status_code == 201, (event_type, response.text)
        complaints[name] = response.json()
        appended.add(event_type)
    feedback, given = await _feedback(client, crm, admin, markers, complaints["main"]["id"])
    appended |= given
    # A letter's record has a route of its own, which renders the letter and hashes it: the main
    # complaint's, so a portal reading it back is held to the markers it may not see.
    letter = await client.post(
        f"/v1/complaints/{complaints['main']['id']}/letters",
        json={
            "kind": "stage_2_response",
            "method": "letter",
            "occurred_at": "2026-06-05T10:00:00Z",
        },
        headers=crm,
    )
    assert letter.status_code == 201, letter.text
    appended.add("letter_issued")
    portal = {
        "Authorization": f"Bearer {await make_key(Role.portal)}",
        "X-Resident-Id": RESIDENT_ID,
    }
    attachments = {
        visibility: await _attach(client, headers, complaints, markers, visibility)
        for headers, visibility in ((crm, "internal"), (portal, "resident"))
    }
    appended.add("attachment_added")
    restriction, restricted = await restrictions(client, crm, admin, portal, markers, RESIDENT_ID)
    appended |= restricted
    erased = await client.post(
        "/v1/complaints", json=logged_body(Markers(), "2026-03-02T09:00:00Z"), headers=crm
    )
    assert erased.status_code == 201, erased.text
    done = await client.post(
        f"/v1/complaints/{erased.json()['id']}/erasure", json={"reason": "request"}, headers=admin
    )
    assert done.status_code in (200, 201), done.text
    appended.add("personal_data_erased")
    # The server's store (the same master key, from the environment): the alert's append seals
    # the state document as the server's own writes do.
    if await raise_due_alerts(engine, make_store(Settings()), now=ALERTS_AT):
        appended.add("deadline_alert_raised")
    appended |= await alerted(client, crm, restriction)
    return CatalogueWorld(
        complaints,
        markers,
        appended,
        letter=letter.json()["version"],
        attachments=attachments,
        feedback=feedback,
        restriction=restriction,
    )


async def _attach(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    complaints: dict[str, dict[str, Any]],
    markers: Markers,
    visibility: str,
) -> str:
    """An evidence file on the main complaint, its name and description markers: files come in
    as bytes at a door of their own, not as a JSON event."""
    spec = COMPLAINT_EVENTS["attachment_added"]
    seen = visibility == "resident"
    name = markers.new(spec, "filename", spec.field("filename"), seen)
    description = markers.new(spec, "description", spec.field("description"), seen)
    params = {"occurred_at": "2026-06-05T10:00:00Z", "kind": "photo"}
    if "X-Resident-Id" not in headers:  # a portal's is always the resident's
        params["visibility"] = visibility
    cid = complaints["main"]["id"]
    return await attach_photo(client, headers | photo_headers(name, description), cid, **params)


async def _feedback(
    client: httpx.AsyncClient,
    crm: dict[str, str],
    admin: dict[str, str],
    markers: Markers,
    complaint_id: str,
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """The resident's feedback through FEEDBACK_SCENARIO, and one more, erased."""
    found: dict[str, dict[str, Any]] = {}
    for kind in ("compliment", "comment", "enquiry"):
        body = feedback_body(markers, kind, "2026-03-02T10:00:00Z")
        response = await client.post("/v1/feedback", json=body, headers=crm)
        assert response.status_code == 201, response.text
        found[kind] = response.json()
    appended = {"feedback_received"}
    for event_type, name, at, values in FEEDBACK_SCENARIO:
        spec = FEEDBACK_EVENTS[event_type]
        if event_type == "enquiry_converted":
            values = {"complaint_id": complaint_id}
        body = fill(markers, spec, values, resident_sees=spec.resident_sees(values))
        response = await client.post(
            f"/v1/feedback/{found[name]['id']}/events",
            json={"type": event_type, "occurred_at": f"2026-{at.replace(' ', 'T')}:00Z", **body},
            headers=crm,
        )
        assert response.status_code == 201, (event_type, response.text)
        found[name] = response.json()
        appended.add(event_type)
    appended.add("raised_from_enquiry")  # on the complaint, with the conversion
    gone = await client.post(
        "/v1/feedback",
        json=feedback_body(Markers(), "comment", "2026-03-02T10:00:00Z"),
        headers=crm,
    )
    assert gone.status_code == 201, gone.text
    erased = await client.post(
        f"/v1/feedback/{gone.json()['id']}/erasure", json={"reason": "request"}, headers=admin
    )
    assert erased.status_code == 200, erased.text
    appended.add("feedback_erased")
    return found, appended


def _last(markers: Markers, event_type: str, path: str) -> str:
    return next(
        m.value for m in reversed(markers.found) if (m.event_type, m.path) == (event_type, path)
    )


async def _flexible_policy(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    policy = (await client.get("/v1/policies/hoc-2024", headers=admin)).json()
    policy |= {
        "id": "world-flex",
        "name": "A policy that allows every event",
        "version": 1,
        "clock_stopping_allowed": True,
        "reopening_allowed": True,
        "arrears_offset_allowed": True,
    }
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/policies",
        json={"policy": policy, "make_default": True},
        headers=admin,
    )
    assert published.status_code == 201, published.text
