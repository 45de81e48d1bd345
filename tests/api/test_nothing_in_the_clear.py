"""Nothing personal at rest in the clear: after complaints are logged and worked through real HTTP
(each POST with an Idempotency-Key, and retried) and one person is erased, a dump of the database
(`pg_dump`; on SQLite the files with their WAL) holds no name, email, phone, address or free text
of anyone, erased or not, and no API token.

A second scenario holds one event of every type in the catalogue, with a marker in every text
field: none that the catalogue calls personal is in the dump."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.treatment import Sensitivity
from app.services.keys import Role
from tests.api import catalogue_world
from tests.api.conftest import MakeKey
from tests.api.dumps import database_bytes, found_in

pytestmark = pytest.mark.asyncio


@dataclass(frozen=True)
class Person:
    slug: str
    name: str
    email: str
    phone: str
    address: tuple[str, str]
    postcode: str
    representative: str
    representative_contact: str
    # Free text by where it goes: the complaint's own fields, then one per event.
    texts: dict[str, str]

    def identity(self) -> list[str]:
        return [
            self.name,
            self.email,
            self.phone,
            *self.address,
            self.postcode,
            self.representative,
            self.representative_contact,
        ]


def person(slug: str, name: str, first: str, street: str, postcode: str, n: int) -> Person:
    return Person(
        slug=slug,
        name=name,
        email=f"{slug}@example.invalid",
        phone=f"+44 20 7946 08{n:02d}",
        address=(street, f"Fenwarrow-{slug}"),
        postcode=postcode,
        representative=f"Advocate Quillfeather-{slug}",
        representative_contact=f"advocate.{slug}@example.invalid",
        texts={
            "description": f"Damp creeping up the nursery wall at {street} since Michaelmas",
            "desired_outcome": f"Replaster the nursery of {first} and fit a quiet extractor",
            "vulnerability": f"{first} is recovering from a hip operation and uses a frame",
            "reasonable_adjustments": f"{first} asks for large-print letters on yellow paper",
            "acknowledged": f"Spoke with {first} about the nursery damp on the landing",
            "contacted": f"Left a voicemail for {first} about the surveyor's visit",
            "note_added": f"{first} says the neighbour's tumble dryer vents into the cavity",
            "responded": f"We accept {first}'s damp report and will replaster the nursery",
            "closed": f"{first} confirmed the new plaster is dry and the matter is settled",
        },
    )


PEOPLE = [
    person("ptolemy-v", "Ptolemy Vanderquist", "Ptolemy", "17 Quillon Mews", "ZQ1 4XW", 11),
    person("marguerite-o", "Marguerite Oakenshaw", "Marguerite", "4 Larkspur Yard", "ZQ2 7YV", 12),
    person("cassius-b", "Cassius Brindlecombe", "Cassius", "88 Tollgate Rise", "ZQ3 9UT", 13),
]
ERASED = PEOPLE[1]


def log_body(p: Person) -> dict[str, Any]:
    return {
        "channel": "phone",
        "received_at": "2025-12-19T10:00:00+00:00",
        "occurred_at": "2025-12-19T10:05:00+00:00",
        "category": "repairs",
        "description": p.texts["description"],
        "desired_outcome": p.texts["desired_outcome"],
        "vulnerability": p.texts["vulnerability"],
        "reasonable_adjustments": p.texts["reasonable_adjustments"],
        "complainant": {
            "name": p.name,
            "email": p.email,
            "phone": p.phone,
            "address": {"lines": list(p.address), "postcode": p.postcode},
            "resident_id": f"R-{p.slug}",
        },
        "representative": {
            "name": p.representative,
            "relationship": "advocate",
            "contact": p.representative_contact,
        },
    }


def event_bodies(p: Person) -> list[dict[str, Any]]:
    """Events with free text, each in a field that is sealed."""
    t = p.texts
    return [
        {"type": "acknowledged", "occurred_at": "2025-12-20T09:00:00Z",
         "summary": t["acknowledged"]},
        {"type": "contacted", "occurred_at": "2025-12-21T09:00:00Z", "method": "phone",
         "summary": t["contacted"]},
        {"type": "note_added", "occurred_at": "2025-12-22T09:00:00Z", "text": t["note_added"]},
        {"type": "responded", "occurred_at": "2025-12-23T09:00:00Z", "outcome": "upheld",
         "summary": t["responded"]},
        {"type": "closed", "occurred_at": "2025-12-24T09:00:00Z", "reason": "resolved",
         "summary": t["closed"]},
    ]  # fmt: skip


async def post_retried(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str], key: str
) -> httpx.Response:
    """POST with an Idempotency-Key, then again as a client retrying would: the same answer."""
    with_key = {**headers, "Idempotency-Key": key}
    first = await client.post(path, json=body, headers=with_key)
    assert first.status_code == 201, first.text
    again = await client.post(path, json=body, headers=with_key)
    assert again.headers.get("idempotent-replayed") == "true"
    assert (again.status_code, again.content) == (first.status_code, first.content)
    return first


async def test_a_database_dump_holds_no_one_in_the_clear(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, database_url: str
) -> None:
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    complaints: dict[str, str] = {}
    for p in PEOPLE:
        logged = await post_retried(client, "/v1/complaints", log_body(p), crm, f"log-{p.slug}")
        complaints[p.slug] = logged.json()["id"]
        path = f"/v1/complaints/{complaints[p.slug]}/events"
        for body in event_bodies(p):
            await post_retried(client, path, body, crm, f"{body['type']}-{p.slug}")
    # The key routes ignore Idempotency-Key (a token is shown once): nothing of it is remembered.
    created = await client.post(
        "/v1/keys", json={"role": "crm"}, headers={**admin, "Idempotency-Key": "new-key"}
    )
    token: str = created.json()["token"]

    erased = await client.post(f"/v1/complainants/R-{ERASED.slug}/erasure", json={}, headers=admin)
    assert erased.json()["complaints"] == [complaints[ERASED.slug]]
    # A retry after the erasure is still answered, from the log, without the person.
    retried = await client.post(
        "/v1/complaints",
        json=log_body(ERASED),
        headers={**crm, "Idempotency-Key": f"log-{ERASED.slug}"},
    )
    assert retried.status_code == 201
    assert found_in(retried.content, ERASED.identity()) == []

    dump = database_bytes(database_url)
    # The dump is the real thing: what is in the clear by design is found.
    assert found_in(dump, ["north-homes (test)", *complaints.values()]) == sorted(
        ["north-homes (test)", *complaints.values()]
    )
    for p in PEOPLE:
        assert found_in(dump, [*p.identity(), *p.texts.values()]) == [], p.slug
    _, _, secret = token.split("_", 2)
    assert found_in(dump, [token, secret]) == []


async def test_one_event_of_every_type_leaves_nothing_personal_in_the_clear(
    client: httpx.AsyncClient, make_key: MakeKey, database_url: str, db: AsyncEngine
) -> None:
    """The catalogue world (tests/api/catalogue_world.py): every field the catalogue calls personal
    carries a marker, and none of them is in the dump; the plain ones are, so the search works."""
    world = await catalogue_world.build(client, make_key, db)
    dump = database_bytes(database_url)
    personal = [
        m.value
        for m in world.markers.found
        if m.field.treatment.sensitivity is Sensitivity.personal
    ]
    plain = [
        m.value for m in world.markers.found if m.field.treatment.sensitivity is Sensitivity.plain
    ]
    assert personal
    assert plain
    assert found_in(dump, personal) == []
    assert found_in(dump, plain) == sorted(plain)
