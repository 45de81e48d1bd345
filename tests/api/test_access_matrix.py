"""Every endpoint x every role x whose resource: own landlord, another landlord, another resident.

Each cell is a real HTTP request with its expected status, and no response may carry the other
landlord's or the other resident's data. The resident's own complaints hold one event of every
type in the catalogue with a unique marker in every text field (tests/api/catalogue_world.py): no
analyst response may carry a marker the catalogue calls personal, and no portal response one it
calls internal. A route the app serves but this matrix does not list fails
`test_the_matrix_covers_every_route`, so a new endpoint cannot ship without its row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.services.keys import Role
from tests.api import catalogue_world, evidence_files
from tests.api.access_cells import HOOK, MATRIX, NONE, OTHER_LANDLORD_T, OTHER_RESIDENT, OWN, Cell
from tests.api.conftest import LANDLORD, OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, give, log
from tests.api.markers import Markers

pytestmark = pytest.mark.asyncio

ROLES = [NONE, Role.portal, Role.crm, Role.analyst, Role.admin]
OTHER_PERSON = {**RESIDENT, "name": "Otto Otherperson", "email": "otto@example.invalid"}
FOREIGN_PERSON = {**RESIDENT, "name": "Fenella Foreign", "email": "fenella@example.invalid"}


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
    # A contact restriction of each: the world's on R-0001 (challenged already), R-0002's,
    # another landlord's.
    restrictions: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def target(self, kind: str) -> dict[str, Any]:
        return {OWN: self.mine, OTHER_LANDLORD_T: self.foreign, OTHER_RESIDENT: self.neighbour}[
            kind
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
        "{restriction_id}": "{restriction}",
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
        foreign_attachment=await evidence_files.attach_photo(
            client, foreign_crm | evidence_files.photo_headers("f.jpg"), foreign["id"]
        ),
    )
    result.feedback = {
        OWN: (await give(client, crm))["id"],
        OTHER_RESIDENT: (
            await give(client, crm, resident={**OTHER_PERSON, "resident_id": "R-0002"})
        )["id"],
        OTHER_LANDLORD_T: (await give(client, foreign_crm, resident=FOREIGN_PERSON))["id"],
    }
    result.restrictions = {
        OWN: catalogue.restriction,
        OTHER_RESIDENT: await _restrict(client, crm, "R-0002"),
        OTHER_LANDLORD_T: await _restrict(client, foreign_crm, "R-FOREIGN"),
    }
    for role in Role:
        result.headers[role] = {"Authorization": f"Bearer {await make_key(role)}"}
    result.headers[Role.portal]["X-Resident-Id"] = "R-0001"
    result.headers[NONE] = {}
    return result


async def _restrict(client: httpx.AsyncClient, crm: dict[str, str], resident_id: str) -> str:
    made = await client.post(
        "/v1/restrictions",
        json={
            "resident_id": resident_id,
            "measures": ["acknowledge_only"],
            "reason": "Calls.",
            "occurred_at": "2026-03-02T11:00:00Z",
        },
        headers=crm,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


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
        .replace("{restriction}", w.restrictions[target])
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
