"""Extension reasons and escalation refusal grounds are codes from the pinned policy, with what the
resident was told beside them (`extension_agreed` and `escalation_refused` v2, `policy_published`
v2); events and policies recorded before read through upcasters, unchanged at rest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.events.codec import SCHEMA_VERSIONS, policy_document, upcast
from app.events.sql import SqlEventStore
from app.events.store import NewEvent
from app.events.upcasters import Data
from app.projections import complaints as projection
from app.services.complaints import load
from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import append, log
from tests.api.test_policy_rules import RECEIVED, responded
from tests.api.test_policy_walkthroughs import landlord_using

HOC_GROUNDS = ["legal_proceedings", "previously_considered", "out_of_time"]
EXTENSION_REASONS = [
    "complex_investigation", "third_party", "resident_request", "awaiting_information", "other"
]  # fmt: skip


def test_a_v1_refusal_or_extension_reads_its_words_as_the_explanation() -> None:
    assert SCHEMA_VERSIONS["escalation_refused"] == SCHEMA_VERSIONS["extension_agreed"] == 2
    old: Data = {"stage": 2, "reason": "Outside the window"}
    assert upcast("escalation_refused", 1, old) == {
        "stage": 2, "reason": "not_recorded", "explanation": "Outside the window"
    }  # fmt: skip
    assert upcast("extension_agreed", 1, {**old, "response_due": "2026-03-31"})["reason"] == (
        "not_recorded"
    )


def test_a_v1_policy_gets_coded_grounds_and_the_builtin_extension_reasons() -> None:
    stage: Data = {"number": 1, "refusal_reasons": ["We cannot meet the outcome you ask for"]}
    published = upcast("policy_published", 1, {"policy": {"id": "own", "stages": [stage]}})
    policy: Any = published["policy"]
    assert policy["stages"][0]["refusal_grounds"] == [
        {"code": "we_cannot_meet_the_outcome_you_ask_for",
         "text": "We cannot meet the outcome you ask for"}
    ]  # fmt: skip
    assert "refusal_reasons" not in policy["stages"][0]
    assert [g["code"] for g in policy["extension_reasons"]] == EXTENSION_REASONS
    # A projection row written before reads the same way.
    assert policy_document({"id": "own", "stages": [stage]}) == policy


@pytest.mark.asyncio
async def test_an_extension_reason_comes_from_the_policy(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "code-homes", "hoc-2024")
    complaint = await log(client, crm, **RECEIVED)
    cid = complaint["id"]
    await append(client, crm, cid, "acknowledged", "2026-03-03T09:00:00Z")
    wrong = await append(client, crm, cid, "extension_agreed", "2026-03-05T09:00:00Z",
                         response_due="2026-03-24", reason="surveyor_late",
                         explanation="Waiting for the surveyor.")  # fmt: skip
    assert wrong.status_code == 422, wrong.text
    assert (wrong.json()["rule"], wrong.json()["allowed"]) == ("extension_reasons",
                                                               EXTENSION_REASONS)  # fmt: skip
    agreed = await append(client, crm, cid, "extension_agreed", "2026-03-05T09:00:00Z",
                          response_due="2026-03-24", reason="third_party",
                          explanation="Waiting for the surveyor.")  # fmt: skip
    assert agreed.status_code == 201, agreed.text
    assert agreed.json()["stages"][0]["extension_reasons"] == ["third_party"]
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert events[-1]["data"]["explanation"] == "Waiting for the surveyor."


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("landlord", "policy", "ground", "allowed"),
    [
        ("code-homes", "hoc-2024", "legal_proceedings", HOC_GROUNDS),
        ("jl-homes", "jliving-2018", "upheld_no_resolution_sought",
         ["upheld_no_resolution_sought"]),
    ],
)  # fmt: skip
async def test_an_escalation_is_refused_only_on_the_policys_grounds(
    client: httpx.AsyncClient,
    db: AsyncEngine,
    make_key: MakeKey,
    landlord: str,
    policy: str,
    ground: str,
    allowed: list[str],
) -> None:
    crm = await landlord_using(client, db, make_key, landlord, policy)
    complaint = await responded(client, crm, ack=policy == "hoc-2024", stage=1)
    cid = complaint["id"]
    asked = await append(client, crm, cid, "escalation_requested", "2026-03-11T09:00:00Z",
                         reason="Still broken.")  # fmt: skip
    assert asked.status_code == 201, asked.text
    wrong = await append(client, crm, cid, "escalation_refused", "2026-03-12T09:00:00Z",
                         reason="we_do_not_want_to", explanation="No.")  # fmt: skip
    assert wrong.status_code == 422, wrong.text
    assert (wrong.json()["rule"], wrong.json()["allowed"]) == ("refusal_grounds", allowed)
    refused = await append(client, crm, cid, "escalation_refused", "2026-03-12T09:00:00Z",
                           reason=ground, explanation="Explained by letter.")  # fmt: skip
    assert refused.status_code == 201, refused.text
    assert refused.json()["status"] == "responded"


@pytest.mark.asyncio
async def test_an_old_extension_replays_with_its_words_as_the_explanation(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine
) -> None:
    complaint = await log(client, crm, **RECEIVED)
    cid = complaint["id"]
    old = NewEvent(
        type="extension_agreed",
        schema_version=1,
        data={"stage": 1, "response_due": "2026-03-31", "reason": "Waiting for the surveyor."},
        occurred_at=datetime(2026, 3, 5, 9, tzinfo=UTC),
    )
    async with db.begin() as conn:
        await SqlEventStore().append(conn, cid, 1, [old])
        replayed = await load(conn, SqlEventStore(), cid)
        assert replayed is not None
        # What the append of that time wrote beside it (its row, without a document).
        row = projection.row_for(cid, replayed.state, replayed.policy, replayed.calendar)
        await projection.upsert(conn, row)
    assert replayed.state.current.extension_reasons == ("not_recorded",)
    # The stream shows the event upcast, as the view reads it, and says how it was stored.
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    shown = events[-1]
    assert (shown["schema_version"], shown["stored_schema_version"]) == (2, 1)
    assert (shown["data"]["reason"], shown["data"]["explanation"]) == (
        "not_recorded", "Waiting for the surveyor."
    )  # fmt: skip
    view = (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()
    assert view["stages"][0]["response_due_extended_to"] == "2026-03-31"
    assert view["stages"][0]["extension_reasons"] == ["not_recorded"]


@pytest.mark.asyncio
async def test_an_old_events_free_text_is_never_shown_to_an_analyst(
    client: httpx.AsyncClient, crm: dict[str, str], db: AsyncEngine, make_key: MakeKey
) -> None:
    """A v1 `reason` was free text; the catalogue classes v2's `reason`, a code, as plain. Every
    read shows the event upcast, so the words are the (personal) explanation, hidden from an
    analyst: the JSON feed, the NDJSON export, the stream and the history."""
    complaint = await log(client, crm, **RECEIVED)
    cid = complaint["id"]
    words = "Mrs Example-Person told us the surveyor is her cousin."
    old = NewEvent(
        type="extension_agreed",
        schema_version=1,
        data={"stage": 1, "response_due": "2026-03-31", "reason": words},
        occurred_at=datetime(2026, 3, 5, 9, tzinfo=UTC),
    )
    async with db.begin() as conn:
        await SqlEventStore().append(conn, cid, 1, [old])
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    ndjson = {"Accept": "application/x-ndjson"}
    reads = [
        ("/v1/events", {"after": "0"}, {}),
        ("/v1/events", {"after": "0"}, ndjson),
        (f"/v1/complaints/{cid}/events", {}, {}),
        (f"/v1/complaints/{cid}/history", {}, {}),
    ]
    for path, params, headers in reads:
        response = await client.get(path, params=params, headers=analyst | headers)
        assert response.status_code == 200, (path, response.text)
        assert "surveyor" not in response.text, (path, headers)
    export = await client.get("/v1/events", params={"after": "0"}, headers=crm | ndjson)
    line = next(json.loads(x) for x in export.text.splitlines() if f'"{cid}/2"' in x)
    assert (line["dataschemaversion"], line["data"]["explanation"]) == (2, words)
    assert line["data"]["reason"] == "not_recorded"
