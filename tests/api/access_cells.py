"""The access matrix's rows (tests/api/test_access_matrix.py): every endpoint, with the status
each role gets on its own landlord's resource, another landlord's and another resident's."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.services.keys import Role
from tests.api import evidence_files
from tests.api.conftest import OTHER_LANDLORD
from tests.api.factories import RESIDENT, complaint_body, feedback_body

OWN, OTHER_LANDLORD_T, OTHER_RESIDENT = "own", "other-landlord", "other-resident"
NONE = "no key"
_counter = itertools.count(1)


@dataclass(frozen=True)
class Cell:
    method: str
    path: str  # a template: {complaint}, {reference}, {landlord}, {key}, {policy}
    expected: dict[str, dict[object, int]]  # target -> role -> status
    body: Callable[[], Any] | None = None
    params: dict[str, str] = field(default_factory=dict)
    # A raw body (an evidence file) and the headers that say what it is, instead of JSON.
    content: bytes | None = None
    content_headers: dict[str, str] = field(default_factory=dict)


def statuses(
    portal: int, crm: int, analyst: int, admin: int, anonymous: int = 401
) -> dict[object, int]:
    return {
        NONE: anonymous,
        Role.portal: portal,
        Role.crm: crm,
        Role.analyst: analyst,
        Role.admin: admin,
    }


def same(status: int) -> dict[object, int]:
    return statuses(status, status, status, status)


HOOK = "https://crm.example.invalid/hooks"
WEBHOOKS_OWN = statuses(403, 200, 403, 200)
WEBHOOKS_OTHER = statuses(403, 404, 403, 404)


def new_policy() -> dict[str, Any]:
    return {
        "policy": {
            "id": f"matrix-{next(_counter)}",
            "version": 1,
            "name": "Matrix policy",
            "stages": [
                {"number": 1, "name": "Stage 1", "acknowledge_days": 5, "response_days": 10,
                 "response_from": "acknowledgement", "extension_cap_days": 10},
            ],
        }
    }  # fmt: skip


def restriction_body() -> dict[str, Any]:
    return {
        "resident_id": f"R-MATRIX-{next(_counter)}",
        "measures": ["acknowledge_only"],
        "reason": "Repeated calls about a closed matter.",
    }


DECLINE_TEMPLATE = (
    "<p data-part='complaint'>{{ complaint.description }}</p>"
    "<p data-part='decline'>{{ decline.reason }}</p>"
    "<p data-part='ombudsman'>{{ ombudsman.phone }}</p>"
)
READ_COMPLAINT = {
    OWN: same(200),
    OTHER_LANDLORD_T: same(404),
    OTHER_RESIDENT: statuses(404, 200, 200, 200),
}
CASE_FILE = {  # the stream itself: not for portals
    OWN: statuses(403, 200, 200, 200),
    OTHER_LANDLORD_T: statuses(403, 404, 404, 404),
}
ADMIN_ONLY_OWN = statuses(403, 403, 403, 200)
REPORT = statuses(403, 403, 200, 200)
MATRIX = [
    Cell("GET", "/healthz", {OWN: same(200) | {NONE: 200}}),
    Cell("GET", "/readyz", {OWN: same(200) | {NONE: 200}}),
    Cell("GET", "/metrics", {OWN: same(200) | {NONE: 200}}),
    Cell("POST", "/v1/complaints", {OWN: statuses(201, 201, 403, 201)}, body=complaint_body),
    Cell("GET", "/v1/complaints", {OWN: same(200)}),
    Cell(
        "GET",
        "/v1/complaints",
        {OTHER_LANDLORD_T: statuses(403, 403, 403, 403)},
        params={"landlord": OTHER_LANDLORD},
    ),
    # Finding complaints by a person: never for a key that may not see people.
    Cell(
        "GET",
        "/v1/complaints",
        {OWN: statuses(200, 200, 403, 200)},
        params={"email": RESIDENT["email"]},
    ),
    # References are numbered per landlord, so the other landlord's first complaint has the same
    # reference as this landlord's first: the key finds its own complaint, never the other's.
    Cell(
        "GET",
        "/v1/complaints/by-reference/{reference}",
        READ_COMPLAINT | {OTHER_LANDLORD_T: same(200)},
    ),
    Cell("GET", "/v1/complaints/{complaint}", READ_COMPLAINT),
    Cell("GET", "/v1/complaints/{complaint}/history", READ_COMPLAINT),
    Cell("GET", "/v1/complaints/{complaint}/events", CASE_FILE),
    Cell(
        "POST",
        "/v1/complaints/{complaint}/events",
        {OWN: statuses(403, 201, 403, 201), OTHER_LANDLORD_T: statuses(403, 404, 403, 404)},
        body=lambda: {"type": "note_added", "occurred_at": "2026-11-30T10:00:00Z", "text": "n"},
    ),
    # A portal's own door: only its resident's complaints, and only for the resident's own acts.
    Cell(
        "POST",
        "/v1/complaints/{complaint}/resident-events",
        {
            OWN: statuses(201, 403, 403, 403),
            OTHER_LANDLORD_T: statuses(404, 403, 403, 403),
            OTHER_RESIDENT: statuses(404, 403, 403, 403),
        },
        body=lambda: {"type": "note_added", "occurred_at": "2026-11-30T10:00:00Z", "text": "r"},
    ),
    Cell(
        "POST",
        "/v1/complaints/{complaint}/resident-events",
        {OWN: statuses(403, 403, 403, 403), OTHER_RESIDENT: statuses(403, 403, 403, 403)},
        body=lambda: {"type": "escalated", "occurred_at": "2026-11-30T10:00:00Z"},
    ),
    # Evidence files: a portal attaches to and reads its resident's own; an analyst sees that they
    # exist (the list, without names), never their bytes; the pack is the case handlers'.
    Cell(
        "POST",
        "/v1/complaints/{complaint}/attachments",
        {
            OWN: statuses(201, 201, 403, 201),
            OTHER_LANDLORD_T: statuses(404, 404, 403, 404),
            OTHER_RESIDENT: statuses(404, 201, 403, 201),
        },
        content=evidence_files.PHOTO,
        content_headers=evidence_files.photo_headers("matrix.jpg"),
    ),
    Cell("GET", "/v1/complaints/{complaint}/attachments", READ_COMPLAINT),
    Cell(
        "GET",
        "/v1/complaints/{complaint}/attachments/{attachment}",
        {OWN: statuses(200, 200, 403, 200), OTHER_LANDLORD_T: statuses(404, 404, 403, 404)},
    ),
    Cell(
        "GET",
        "/v1/complaints/{complaint}/evidence-pack",
        {OWN: statuses(403, 200, 403, 200), OTHER_LANDLORD_T: statuses(403, 404, 403, 404)},
    ),
    Cell("GET", "/v1/events", {OWN: statuses(403, 200, 200, 200)}),
    Cell(
        "POST",
        "/v1/complaints/{complaint}/erasure",
        {OWN: ADMIN_ONLY_OWN, OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=lambda: {"reason": "request"},
    ),
    # Resident ids are scoped by the key's landlord: there is no "other landlord's resident".
    Cell(
        "POST",
        "/v1/complainants/{resident}/erasure",
        {OWN: ADMIN_ONLY_OWN},
        body=lambda: {"reason": "request"},
    ),
    Cell("GET", "/v1/audit/verify", {OWN: statuses(403, 403, 200, 200)}),
    Cell("GET", "/v1/audit/backdated", {OWN: statuses(403, 403, 200, 200)}),
    # A report is always of the key's own landlord: there is no other landlord to ask for.
    Cell(
        "GET",
        "/v1/reports/code-compliance",
        {OWN: REPORT},
        params={"from": "2025-04-01", "to": "2026-04-01"},
    ),
    Cell("GET", "/v1/reports/tsm", {OWN: REPORT}, params={"year": "2025"}),
    Cell("GET", "/v1/reports/annual", {OWN: REPORT}, params={"year": "2025", "format": "html"}),
    Cell("GET", "/v1/policies", {OWN: same(200)}),
    Cell("GET", "/v1/policies/{policy}", {OWN: same(200)}),
    Cell("GET", "/v1/policies/{policy}/check", {OWN: same(200)}),
    Cell(
        "POST",
        "/v1/landlords",
        {OWN: statuses(403, 403, 403, 409), OTHER_LANDLORD_T: statuses(403, 403, 403, 403)},
        body=lambda: {"id": "{landlord}", "name": "Taken"},
    ),
    Cell("GET", "/v1/landlords", {OWN: statuses(403, 200, 200, 200)}),
    Cell(
        "GET",
        "/v1/landlords/{landlord}",
        {OWN: statuses(403, 200, 200, 200), OTHER_LANDLORD_T: statuses(403, 404, 404, 404)},
    ),
    Cell(
        "PATCH",
        "/v1/landlords/{landlord}",
        {OWN: ADMIN_ONLY_OWN, OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=lambda: {"homes": {"rented": next(_counter)}},
    ),
    Cell(
        "GET",
        "/v1/landlords/{landlord}/events",
        {OWN: statuses(403, 200, 200, 200), OTHER_LANDLORD_T: statuses(403, 404, 404, 404)},
    ),
    Cell(
        "POST",
        "/v1/landlords/{landlord}/policies",
        {OWN: statuses(403, 403, 403, 201), OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=new_policy,
    ),
    # Letters: a preview and an issue are the case handler's; an issued letter is the person's
    # own correspondence (its portal reads it, an analyst never); the list is structured only.
    Cell(
        "GET",
        "/v1/complaints/{complaint}/letters/preview",
        {OWN: statuses(403, 200, 403, 200), OTHER_LANDLORD_T: statuses(403, 404, 403, 404)},
        params={"kind": "stage_1_response"},
    ),
    Cell(
        "POST",
        "/v1/complaints/{complaint}/letters",
        {OWN: statuses(403, 201, 403, 201), OTHER_LANDLORD_T: statuses(403, 404, 403, 404)},
        body=lambda: {"kind": "stage_1_response", "method": "email"},
    ),
    Cell("GET", "/v1/complaints/{complaint}/letters", READ_COMPLAINT),
    Cell(
        "GET",
        "/v1/complaints/{complaint}/letters/{letter}",
        {
            OWN: statuses(200, 200, 403, 200),
            OTHER_LANDLORD_T: statuses(404, 404, 403, 404),
            OTHER_RESIDENT: statuses(404, 404, 403, 404),
        },
    ),
    Cell(
        "POST",
        "/v1/landlords/{landlord}/letter-templates",
        {OWN: statuses(403, 403, 403, 201), OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=lambda: {"kind": "decline", "source": DECLINE_TEMPLATE},
    ),
    Cell(
        "GET",
        "/v1/landlords/{landlord}/letter-templates",
        {OWN: statuses(403, 200, 200, 200), OTHER_LANDLORD_T: statuses(403, 404, 404, 404)},
    ),
    Cell("GET", "/v1/keys", {OWN: ADMIN_ONLY_OWN}),
    Cell("POST", "/v1/keys", {OWN: statuses(403, 403, 403, 201)}, body=lambda: {"role": "crm"}),
    Cell(
        "POST",
        "/v1/keys/{key}/revoke",
        {OWN: ADMIN_ONLY_OWN, OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
    ),
    Cell(
        "POST",
        "/v1/keys/{key}/rotate",
        {OWN: statuses(403, 403, 403, 201), OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=lambda: {"grace_seconds": 60},
    ),
    Cell("GET", "/v1/webhooks", {OWN: WEBHOOKS_OWN}),
    Cell("POST", "/v1/webhooks", {OWN: statuses(403, 201, 403, 201)}, body=lambda: {"url": HOOK}),
    Cell("GET", "/v1/webhooks/{webhook}", {OWN: WEBHOOKS_OWN, OTHER_LANDLORD_T: WEBHOOKS_OTHER}),
    Cell(
        "PATCH",
        "/v1/webhooks/{webhook}",
        {OWN: WEBHOOKS_OWN, OTHER_LANDLORD_T: WEBHOOKS_OTHER},
        body=lambda: {"description": "CRM"},
    ),
    Cell(
        "POST",
        "/v1/webhooks/{webhook}/rotate-secret",
        {OWN: statuses(403, 201, 403, 201), OTHER_LANDLORD_T: WEBHOOKS_OTHER},
        body=lambda: {"overlap_seconds": 60},
    ),
    Cell(
        "POST",
        "/v1/webhooks/{webhook}/redeliver",
        {OWN: WEBHOOKS_OWN, OTHER_LANDLORD_T: WEBHOOKS_OTHER},
        body=lambda: {"after": 0},
    ),
    Cell(
        "GET",
        "/v1/webhooks/{webhook}/deliveries",
        {OWN: WEBHOOKS_OWN, OTHER_LANDLORD_T: WEBHOOKS_OTHER},
    ),
    Cell("GET", "/v1/workload", {OWN: statuses(403, 200, 200, 200)}),
    Cell("GET", "/v1/workload", {OWN: statuses(403, 200, 200, 200)}, params={"format": "html"}),
    Cell(
        "POST",
        "/v1/workload/board-links",
        {OWN: statuses(403, 201, 201, 201)},
        body=lambda: {"hours": 1},
    ),
    # The link is the credential: whoever holds it sees the page, with or without a key.
    Cell("GET", "/boards/workload/{board}", {OWN: statuses(200, 200, 200, 200, anonymous=200)}),
    # Compliments, comments and enquiries: roles as for complaints. The resident's compliment is
    # acknowledged by the CRM key; the admin key may record too, but it is acknowledged by then.
    Cell("POST", "/v1/feedback", {OWN: statuses(201, 201, 403, 201)}, body=feedback_body),
    Cell("GET", "/v1/feedback", {OWN: same(200)}),
    Cell("GET", "/v1/feedback/{feedback}", READ_COMPLAINT),
    Cell("GET", "/v1/feedback/{feedback}/events", CASE_FILE),
    Cell(
        "POST",
        "/v1/feedback/{feedback}/events",
        {OWN: statuses(403, 201, 403, 409), OTHER_LANDLORD_T: statuses(403, 404, 403, 404)},
        body=lambda: {
            "type": "feedback_acknowledged",
            "occurred_at": "2026-11-30T10:00:00Z",
            "method": "email",
        },
    ),
    Cell(
        "POST",
        "/v1/feedback/{feedback}/erasure",
        {OWN: ADMIN_ONLY_OWN, OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=lambda: {"reason": "request"},
    ),
    # Contact restrictions: the landlord imposes and records; the resident reads theirs and
    # challenges it (the world's was challenged already: heard once); analysts read, never search.
    Cell("POST", "/v1/restrictions", {OWN: statuses(403, 201, 403, 201)}, body=restriction_body),
    Cell("GET", "/v1/restrictions", {OWN: same(200)}),
    Cell("GET", "/v1/restrictions/{restriction}", READ_COMPLAINT),
    Cell("GET", "/v1/restrictions/{restriction}/events", CASE_FILE),
    Cell(
        "POST",
        "/v1/restrictions/{restriction}/events",
        {OWN: statuses(403, 201, 403, 201), OTHER_LANDLORD_T: statuses(403, 404, 403, 404)},
        body=lambda: {
            "type": "restriction_reviewed",
            "occurred_at": "2026-11-30T10:00:00Z",
            "outcome": "continued",
        },
    ),
    Cell(
        "POST",
        "/v1/restrictions/{restriction}/challenge",
        {
            OWN: statuses(409, 409, 403, 409),
            OTHER_RESIDENT: statuses(404, 201, 403, 409),
            OTHER_LANDLORD_T: statuses(404, 404, 403, 404),
        },
        body=lambda: {
            "grounds": "Nobody answers my emails.",
            "occurred_at": "2026-11-30T11:00:00Z",
        },
    ),
    Cell(
        "POST",
        "/v1/restrictions/{restriction}/erasure",
        {OWN: ADMIN_ONLY_OWN, OTHER_LANDLORD_T: statuses(403, 403, 403, 404)},
        body=lambda: {"reason": "request"},
    ),
    # The CRM key deletes it; the admin key then finds it gone.
    Cell(
        "DELETE",
        "/v1/webhooks/{webhook}",
        {OWN: statuses(403, 204, 403, 404), OTHER_LANDLORD_T: WEBHOOKS_OTHER},
    ),
]
