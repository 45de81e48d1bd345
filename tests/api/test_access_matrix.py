"""Every endpoint x every role x whose resource: own landlord, another landlord, another resident.

Each cell is a real HTTP request with its expected status, and no response may carry the other
landlord's or the other resident's data. The resident's own complaints hold one event of every
type in the catalogue with a unique marker in every text field (tests/api/catalogue_world.py): no
analyst response may carry a marker the catalogue calls personal, and no portal response one it
calls internal. A route the app serves but this matrix does not list fails
`test_the_matrix_covers_every_route`, so a new endpoint cannot ship without its row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.services.keys import Role
from tests.api import catalogue_world
from tests.api.catalogue_world import Markers
from tests.api.conftest import LANDLORD, OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, complaint_body, feedback_body, give, log

pytestmark = pytest.mark.asyncio

OWN, OTHER_LANDLORD_T, OTHER_RESIDENT = "own", "other-landlord", "other-resident"
NONE = "no key"
ROLES = [NONE, Role.portal, Role.crm, Role.analyst, Role.admin]
OTHER_PERSON = {**RESIDENT, "name": "Otto Otherperson", "email": "otto@example.invalid"}
FOREIGN_PERSON = {**RESIDENT, "name": "Fenella Foreign", "email": "fenella@example.invalid"}
_counter = itertools.count(1)


@dataclass
class World:
    mine: dict[str, Any]  # resident R-0001's complaint at LANDLORD, with every event type
    markers: Markers  # a unique marker in every text field of every event of R-0001
    neighbour: dict[str, Any]  # resident R-0002's complaint at LANDLORD
    foreign: dict[str, Any]  # a complaint at OTHER_LANDLORD
    own_key: str  # a spare key of LANDLORD, to revoke or rotate
    foreign_key: str  # a key of OTHER_LANDLORD
    letter: int  # the version of the letter issued on `mine`
    own_webhook: str  # a CRM-role subscription of LANDLORD, to delete last
    foreign_webhook: str  # a subscription of OTHER_LANDLORD
    board: str  # a signed link to LANDLORD's workload page
    own_attachment: str  # a resident-visible evidence file on R-0001's complaint
    foreign_attachment: str  # an evidence file on OTHER_LANDLORD's complaint
    # A compliment of each, as for the complaints: R-0001's still open, R-0002's, another
    # landlord's.
    feedback: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def target(self, kind: str) -> dict[str, Any]:
        return {OWN: self.mine, OTHER_LANDLORD_T: self.foreign, OTHER_RESIDENT: self.neighbour}[
            kind
        ]


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
        content=catalogue_world.PHOTO,
        content_headers=catalogue_world.photo_headers("matrix.jpg"),
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
    # The CRM key deletes it; the admin key then finds it gone.
    Cell(
        "DELETE",
        "/v1/webhooks/{webhook}",
        {OWN: statuses(403, 204, 403, 404), OTHER_LANDLORD_T: WEBHOOKS_OTHER},
    ),
]


async def test_the_matrix_covers_every_route() -> None:
    served = {
        (method.upper(), path)
        for path, operations in create_app().openapi()["paths"].items()
        for method in operations
    }
    names = {
        "{complaint_id}": "{complaint}",
        "{landlord_id}": "{landlord}",
        "{key_id}": "{key}",
        "{policy_id}": "{policy}",
        "{resident_id}": "{resident}",
        "{subscription_id}": "{webhook}",
        "{token}": "{board}",
        "{version}": "{letter}",
        "{attachment_id}": "{attachment}",
        "{feedback_id}": "{feedback}",
    }
    covered = {(cell.method, cell.path) for cell in MATRIX}
    for path in list(served):
        renamed = path[1]
        for old, new in names.items():
            renamed = renamed.replace(old, new)
        served.remove(path)
        served.add((path[0], renamed))
    assert served == covered


async def world(client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine) -> World:
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    foreign_crm = {"Authorization": f"Bearer {await make_key(Role.crm, OTHER_LANDLORD)}"}
    catalogue = await catalogue_world.build(client, make_key, db)
    neighbour = await log(client, crm, complainant={**OTHER_PERSON, "resident_id": "R-0002"})
    # Logged in the same year as the resident's first complaint, so it has the same reference.
    foreign = await log(
        client,
        foreign_crm,
        complainant=FOREIGN_PERSON,
        received_at="2026-03-02T09:00:00+00:00",
        occurred_at="2026-03-02T09:05:00+00:00",
    )
    result = World(
        mine=catalogue.complaints["main"],
        markers=catalogue.markers,
        neighbour=neighbour,
        foreign=foreign,
        own_key=(await make_key(Role.analyst)).split("_")[1],
        foreign_key=(await make_key(Role.analyst, OTHER_LANDLORD)).split("_")[1],
        letter=catalogue.letter,
        own_webhook=await _webhook(client, await make_key(Role.admin)),
        foreign_webhook=await _webhook(client, await make_key(Role.admin, OTHER_LANDLORD)),
        board=await _board(client, crm),
        own_attachment=catalogue.attachments["resident"],
        foreign_attachment=await catalogue_world.attach_photo(
            client, foreign_crm | catalogue_world.photo_headers("f.jpg"), foreign["id"]
        ),
    )
    result.feedback = {
        OWN: (await give(client, crm))["id"],
        OTHER_RESIDENT: (
            await give(client, crm, resident={**OTHER_PERSON, "resident_id": "R-0002"})
        )["id"],
        OTHER_LANDLORD_T: (await give(client, foreign_crm, resident=FOREIGN_PERSON))["id"],
    }
    for role in Role:
        result.headers[role] = {"Authorization": f"Bearer {await make_key(role)}"}
    result.headers[Role.portal]["X-Resident-Id"] = "R-0001"
    result.headers[NONE] = {}
    return result


async def _board(client: httpx.AsyncClient, crm: dict[str, str]) -> str:
    made = await client.post("/v1/workload/board-links", json={"hours": 1}, headers=crm)
    assert made.status_code == 201, made.text
    return str(made.json()["url"]).rsplit("/", 1)[1]


async def _webhook(client: httpx.AsyncClient, admin_token: str) -> str:
    made = await client.post(
        "/v1/webhooks",
        json={"url": HOOK, "role": "crm"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["subscription"]["id"])


def fill(template: str, target: str, w: World) -> str:
    complaint = w.target(target)
    landlord = OTHER_LANDLORD if target == OTHER_LANDLORD_T else LANDLORD
    key = w.foreign_key if target == OTHER_LANDLORD_T else w.own_key
    return (
        template.replace("{complaint}", complaint["id"])
        .replace("{reference}", complaint["reference"])
        .replace("{landlord}", landlord)
        .replace("{key}", key)
        .replace("{policy}", "hoc-2024")
        .replace("{resident}", "R-0001")
        .replace("{letter}", str(w.letter))
        .replace("{webhook}", w.foreign_webhook if target == OTHER_LANDLORD_T else w.own_webhook)
        .replace("{board}", w.board)
        .replace(
            "{attachment}",
            w.foreign_attachment if target == OTHER_LANDLORD_T else w.own_attachment,
        )
        .replace("{feedback}", w.feedback[target])
    )


def filled_body(cell: Cell, target: str, w: World) -> Any:
    if cell.body is None:
        return None
    body = cell.body()
    if isinstance(body, dict) and body.get("id") == "{landlord}":
        body["id"] = OTHER_LANDLORD if target == OTHER_LANDLORD_T else LANDLORD
    return body


def forbidden_data(target: str, w: World, role: object) -> list[str]:
    """What a response in this cell must never contain."""
    never = [w.foreign["id"], FOREIGN_PERSON["name"], FOREIGN_PERSON["email"]]
    if role is Role.portal:
        never += [w.neighbour["id"], OTHER_PERSON["name"], OTHER_PERSON["email"]]
        never += w.markers.internal()
    if role is Role.analyst:
        never += [OTHER_PERSON["name"], OTHER_PERSON["email"], OTHER_PERSON["resident_id"]]
        never += w.markers.personal()
    return never


def _order(cell: Cell) -> int:
    """Cells that spend a resource go last: revoking the spare key (rotating it needs it live),
    then erasure, which empties the world of the resident's data."""
    if cell.path.endswith("/erasure"):
        return 2
    return int(cell.path.endswith("/revoke") or cell.method == "DELETE")


async def test_every_cell(client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine) -> None:
    """Every cell against one world (building it takes a few dozen requests, so it is built
    once); a failure names its cell, target and role."""
    w = await world(client, make_key, db)
    failures: list[tuple[str, str, str, object, object]] = []
    for cell in sorted(MATRIX, key=_order):
        name = f"{cell.method} {cell.path} {sorted(cell.params)}"
        for target, expected in cell.expected.items():
            for role in ROLES:
                if role not in expected:
                    continue
                response = await client.request(
                    cell.method,
                    fill(cell.path, target, w),
                    params=cell.params,
                    json=filled_body(cell, target, w),
                    content=cell.content,
                    headers=w.headers[role] | cell.content_headers,
                )
                if response.status_code != expected[role]:
                    failures.append((name, target, str(role), expected[role], response.status_code))
                    continue
                # The problem's `instance` echoes the path the caller asked for: not a leak.
                text = response.text.replace(response.request.url.path, "")
                leaked = [value for value in forbidden_data(target, w, role) if value in text]
                if leaked:
                    failures.append((name, target, str(role), "leaked", leaked))
                if response.status_code >= 400 and cell.path.startswith("/v1"):
                    assert response.headers["content-type"] == "application/problem+json", name
    assert failures == [], "\n".join(map(str, failures))
