"""`logged` schema v2: the complainant's address is a postal address, not free text. Old rows are
never rewritten; they are upcast on read and replay to the same view as new ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.findings import VerifyReport
from app.audit.verify import verify
from app.events.codec import SCHEMA_VERSIONS
from app.events.sql import SqlEventStore
from app.events.store import NewEvent
from app.events.tables import events
from app.events.upcasters import postal_address
from app.projections import complaints as projection
from app.services.complaints import load
from tests.api.factories import complaint_body, log


async def write_as_legacy(
    db: AsyncEngine, complaint_id: str, version: int, data: dict[str, Any], occurred_at: str
) -> None:
    """A `logged` event of an old schema version, as an old writer stored it, with the complaint
    row it wrote beside it."""
    old = NewEvent(
        type="logged",
        schema_version=version,
        data=data,
        occurred_at=datetime.fromisoformat(occurred_at),
        metadata={"actor": "legacy"},
    )
    async with db.begin() as conn:
        await SqlEventStore().append(conn, complaint_id, 0, [old])
        legacy = await load(conn, SqlEventStore(), complaint_id)
        assert legacy is not None
        row = projection.row_for(complaint_id, legacy.state, legacy.policy, legacy.calendar)
        await projection.upsert(conn, row)


async def as_stored(db: AsyncEngine, complaint_id: str) -> tuple[Any, VerifyReport]:
    """The complaint's `logged` row as it is at rest, and what `verify` says of the log."""
    async with db.connect() as conn:
        query = sa.select(events.c.schema_version, events.c.data).where(
            events.c.stream_id == complaint_id
        )
        row = (await conn.execute(query)).one()
        return row, await verify(conn)


ADDRESS_CASES = [
    ("1 Nowhere Lane, Exampletown, ZZ9 9ZZ", ["1 Nowhere Lane", "Exampletown"], "ZZ9 9ZZ"),
    ("Flat 2\n3 High Street\nTestbury zz99zz", ["Flat 2", "3 High Street", "Testbury"], "ZZ9 9ZZ"),
    ("4 Sample Road, Fictiontown", ["4 Sample Road", "Fictiontown"], None),
    ("7 Placeholder Close, A1 1AA", ["7 Placeholder Close"], "A1 1AA"),
    ("Unit 5, EC1A 1BB", ["Unit 5"], "EC1A 1BB"),
]


@pytest.mark.parametrize(("text", "lines", "postcode"), ADDRESS_CASES)
def test_a_free_text_address_becomes_a_postal_address(
    text: str, lines: list[str], postcode: str | None
) -> None:
    assert postal_address(text) == {"lines": lines, "postcode": postcode}


@pytest.mark.asyncio
async def test_old_and_new_logged_events_replay_to_the_same_view(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    assert SCHEMA_VERSIONS["logged"] == 5
    new = await log(client, crm)
    stream = (await client.get(f"/v1/complaints/{new['id']}/events", headers=crm)).json()
    logged: dict[str, Any] = stream["items"][0]
    assert logged["schema_version"] == 5
    assert logged["data"]["tenure"] is None
    # A v1 event has no tenure (v3), none of v4's fields and no uprn (v5).
    for field in ("tenure", *V4_FIELDS, "uprn"):
        del logged["data"][field]

    # The same fact as an old client wrote it: schema v1, the address one string.
    old_data = dict(logged["data"])
    old_data["complainant"] = {
        **old_data["complainant"],
        "address": "1 Nowhere Lane, Exampletown, zz9 9zz",
    }
    old_data["reference"] = "RDR-2025-900001"
    old_id = "old-style-complaint"
    await write_as_legacy(db, old_id, 1, old_data, logged["occurred_at"])

    old = (await client.get(f"/v1/complaints/{old_id}", headers=crm)).json()
    assert old["complainant"]["address"] == {
        "lines": ["1 Nowhere Lane", "Exampletown"],
        "postcode": "ZZ9 9ZZ",
    }
    different = {"id", "reference", "evaluated_at"}
    assert {k: v for k, v in old.items() if k not in different} == {
        k: v for k, v in new.items() if k not in different
    }

    # Nothing was rewritten: the old row is still v1 with its string, and the log verifies.
    row, report = await as_stored(db, old_id)
    assert row.schema_version == 1
    assert row.data["complainant"]["address"] == "1 Nowhere Lane, Exampletown, zz9 9zz"
    assert report.ok


V4_FIELDS = ("incident_at", "late_acceptance_reason", "late_acceptance_explanation")


@pytest.mark.asyncio
async def test_a_v3_logged_row_reads_with_the_v4_fields_unknown_and_verifies_unchanged(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    rep = {"name": "Ann Advocate", "relationship": "advocate", "contact": "01234 567890"}
    new = await log(client, crm, tenure="rented", representative=rep)
    stream = (await client.get(f"/v1/complaints/{new['id']}/events", headers=crm)).json()
    logged: dict[str, Any] = stream["items"][0]
    assert logged["schema_version"] == 5
    assert logged["data"]["representative"] == {**rep, "kind": None, "consent": None}
    # The same fact as a v3 client wrote it: no v4 field, a representative without kind/consent.
    old_data = {k: v for k, v in logged["data"].items() if k not in V4_FIELDS}
    old_data["representative"] = dict(rep)
    old_data["reference"] = "RDR-2025-900003"
    old_id = "v3-style-complaint"
    await write_as_legacy(db, old_id, 3, old_data, logged["occurred_at"])
    old = (await client.get(f"/v1/complaints/{old_id}", headers=crm)).json()
    assert old["incident_at"] is None
    assert old["late_acceptance"] is None
    assert old["tenure"] == "rented"
    assert old["representative"] == {**rep, "kind": None, "consent": None}
    different = {"id", "reference", "evaluated_at"}
    assert {k: v for k, v in old.items() if k not in different} == {
        k: v for k, v in new.items() if k not in different
    }
    row, report = await as_stored(db, old_id)
    assert row.schema_version == 3
    assert "incident_at" not in row.data
    assert report.ok


@pytest.mark.asyncio
async def test_tenure_is_recorded_when_given_and_null_when_not(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    shared = await log(client, crm, tenure="shared_ownership")
    unknown = await log(client, crm)
    assert shared["tenure"] == "shared_ownership"
    assert unknown["tenure"] is None
    stream = (await client.get(f"/v1/complaints/{shared['id']}/events", headers=crm)).json()
    assert stream["items"][0]["data"]["tenure"] == "shared_ownership"
    refused = await client.post(
        "/v1/complaints", json={**complaint_body(), "tenure": "owner_occupied"}, headers=crm
    )
    assert refused.status_code == 422
