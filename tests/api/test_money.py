"""Money as facts over HTTP, under each built-in policy: an accepted offer is paid (in parts),
never beyond what was offered; it is set against rent arrears only where the pinned policy allows
it (jliving-2018), with the resident's agreement, else a 422 `policy-rule-broken`; it is credited
to the rent account only at the resident's request, under every policy, else a 422
`rent-credit-not-requested`. A refused request writes nothing, and a payment recorded before the
request existed (`compensation_paid` v1) still reads, unchanged at rest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.verify import verify
from app.domain.policies.builtin import BUILTIN_POLICIES
from app.events.sql import SqlEventStore
from app.events.store import NewEvent
from app.events.tables import events
from app.events.upcasters import Data
from app.projections import complaints as projection
from app.services.complaints import load
from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import append, log
from tests.api.test_policy_walkthroughs import landlord_using

pytestmark = pytest.mark.asyncio

RECEIVED = {"received_at": "2026-03-02T09:00:00+00:00", "occurred_at": "2026-03-02T09:05:00+00:00"}
POLICIES = [p.id for p in BUILTIN_POLICIES.latest_each()]
OFFER = {"offer_id": "C-1", "amount_pence": 10_000, "kind": "time_and_trouble",
         "reason": "Three missed appointments."}  # fmt: skip
PAY = {"offer_id": "C-1", "paid_on": "2026-03-06", "method": "bank_transfer"}
OFFSET = {"offer_id": "C-1", "offset_on": "2026-03-06", "agreed_on": "2026-03-05",
          "agreed_by": "phone"}  # fmt: skip
CREDIT = {**PAY, "method": "rent_account_credit"}
REQUEST = {"requested_on": "2026-03-05", "requested_by": "email"}


async def history(client: httpx.AsyncClient, crm: dict[str, str], cid: str) -> list[Any]:
    got = await client.get(f"/v1/complaints/{cid}/events", headers=crm)
    assert got.status_code == 200, got.text
    items: list[Any] = got.json()["items"]
    return items


def problem_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"urn:redress:problem:{code}"
    return problem


async def offered(
    client: httpx.AsyncClient, crm: dict[str, str], accept: bool = True
) -> dict[str, Any]:
    complaint = await log(client, crm, **RECEIVED)
    made = await append(client, crm, complaint["id"], "compensation_offered",
                        "2026-03-04T10:00:00Z", **OFFER)  # fmt: skip
    assert made.status_code == 201, made.text
    if accept:
        yes = await append(client, crm, complaint["id"], "compensation_accepted",
                           "2026-03-05T10:00:00Z", offer_id="C-1")  # fmt: skip
        assert yes.status_code == 201, yes.text
    return complaint


@pytest.mark.parametrize("policy", POLICIES)
async def test_paid_in_parts_never_beyond_the_offer(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    crm = await landlord_using(client, db, make_key, f"pay-{policy}", policy)
    cid = (await offered(client, crm))["id"]
    first = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                         amount_pence=6_000, **PAY)  # fmt: skip
    assert first.status_code == 201, first.text
    money = first.json()["compensation"][0]["money"]
    assert money == {"paid_pence": 6_000, "offset_pence": 0, "outstanding_pence": 4_000,
                     "last_paid_on": "2026-03-06", "last_offset_on": None,
                     "reversed_pence": 0}  # fmt: skip
    before = await history(client, crm, cid)
    too_much = await append(client, crm, cid, "compensation_paid", "2026-03-06T11:00:00Z",
                            amount_pence=4_001, **PAY)  # fmt: skip
    problem_of(too_much, 422, "more-than-offered")
    assert await history(client, crm, cid) == before
    rest = await append(client, crm, cid, "compensation_paid", "2026-03-06T11:00:00Z",
                        amount_pence=4_000, **{**PAY, "method": "cheque"})  # fmt: skip
    assert rest.status_code == 201, rest.text
    assert rest.json()["compensation"][0]["money"]["outstanding_pence"] == 0


@pytest.mark.parametrize("policy", POLICIES)
async def test_offset_against_arrears_only_where_the_policy_allows_it(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    crm = await landlord_using(client, db, make_key, f"offset-{policy}", policy)
    cid = (await offered(client, crm))["id"]
    before = await history(client, crm, cid)
    response = await append(client, crm, cid, "compensation_offset", "2026-03-06T10:00:00Z",
                            amount_pence=2_500, **OFFSET)  # fmt: skip
    if BUILTIN_POLICIES.latest(policy).arrears_offset_allowed:  # type: ignore[union-attr]
        assert policy == "jliving-2018"
        assert response.status_code == 201, response.text
        money = response.json()["compensation"][0]["money"]
        assert (money["offset_pence"], money["outstanding_pence"]) == (2_500, 7_500)
        assert (await history(client, crm, cid))[-1]["data"] == {"amount_pence": 2_500, **OFFSET}
        return
    problem = problem_of(response, 422, "policy-rule-broken")
    assert problem["rule"] == "arrears_offset_allowed"
    assert problem["policy"] == {"id": policy, "version": 1}
    assert await history(client, crm, cid) == before


@pytest.mark.parametrize("policy", ["hoc-2024", "jliving-2018"])
async def test_an_offer_not_accepted_is_neither_paid_nor_offset(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    crm = await landlord_using(client, db, make_key, f"unaccepted-{policy}", policy)
    cid = (await offered(client, crm, accept=False))["id"]
    before = await history(client, crm, cid)
    paid = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                        amount_pence=1_000, **PAY)  # fmt: skip
    problem_of(paid, 409, "offer-not-accepted")
    if policy == "jliving-2018":
        offset = await append(client, crm, cid, "compensation_offset", "2026-03-06T10:00:00Z",
                              amount_pence=1_000, **OFFSET)  # fmt: skip
        problem_of(offset, 409, "offer-not-accepted")
    assert await history(client, crm, cid) == before


async def test_the_residents_agreement_is_required_and_dated(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "agreement-homes", "jliving-2018")
    cid = (await offered(client, crm))["id"]
    before = await history(client, crm, cid)
    no_agreement = {k: v for k, v in OFFSET.items() if k not in ("agreed_on", "agreed_by")}
    missing = await append(client, crm, cid, "compensation_offset", "2026-03-06T10:00:00Z",
                           amount_pence=1_000, **no_agreement)  # fmt: skip
    assert missing.status_code == 422, missing.text
    late = await append(client, crm, cid, "compensation_offset", "2026-03-06T10:00:00Z",
                        amount_pence=1_000, **{**OFFSET, "agreed_on": "2026-03-07"})  # fmt: skip
    problem = problem_of(late, 422, "invalid-payment-date")
    assert problem["field"] == "agreed_on"
    future = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                          amount_pence=1_000, **{**PAY, "paid_on": "2026-03-09"})  # fmt: skip
    problem_of(future, 422, "invalid-payment-date")
    assert await history(client, crm, cid) == before


async def test_the_policy_check_flags_offsetting(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    checked = (await client.get("/v1/policies/jliving-2018/check", headers=crm)).json()
    text = str(checked)
    assert "arrears_offset" in text
    code = (await client.get("/v1/policies/hoc-2024/check", headers=crm)).json()
    assert "arrears_offset" not in str(code)


@pytest.mark.parametrize("policy", POLICIES)
async def test_a_rent_credit_only_at_the_residents_request(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    crm = await landlord_using(client, db, make_key, f"credit-{policy}", policy)
    cid = (await offered(client, crm))["id"]
    before = await history(client, crm, cid)
    unasked = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                           amount_pence=2_500, **CREDIT)  # fmt: skip
    problem = problem_of(unasked, 422, "rent-credit-not-requested")
    assert problem["missing"] == ["requested_on", "requested_by"]
    half = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                        amount_pence=2_500, **CREDIT, requested_on="2026-03-05")  # fmt: skip
    assert problem_of(half, 422, "rent-credit-not-requested")["missing"] == ["requested_by"]
    cheque = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                          amount_pence=2_500, **{**PAY, "method": "cheque"}, **REQUEST)  # fmt: skip
    assert problem_of(cheque, 422, "request-without-rent-credit")["method"] == "cheque"
    late = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                        amount_pence=2_500, **CREDIT,
                        **{**REQUEST, "requested_on": "2026-03-07"})  # fmt: skip
    assert problem_of(late, 422, "invalid-payment-date")["field"] == "requested_on"
    assert await history(client, crm, cid) == before
    asked = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                         amount_pence=2_500, **CREDIT, **REQUEST)  # fmt: skip
    assert asked.status_code == 201, asked.text
    assert asked.json()["compensation"][0]["money"]["paid_pence"] == 2_500
    stored = (await history(client, crm, cid))[-1]
    assert (stored["schema_version"], stored["data"]) == (
        2, {"amount_pence": 2_500, **CREDIT, **REQUEST}
    )  # fmt: skip
    # Any other method records no request.
    bank = await append(client, crm, cid, "compensation_paid", "2026-03-06T11:00:00Z",
                        amount_pence=500, **PAY)  # fmt: skip
    assert bank.status_code == 201, bank.text
    assert (await history(client, crm, cid))[-1]["data"]["requested_on"] is None


async def test_a_v1_payment_reads_upcast_and_verifies_unchanged(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    """A rent credit recorded before the request existed is read with no request (null), never
    refused or guessed; the offer can still be paid, and the stored row is as it was written."""
    crm = await landlord_using(client, db, make_key, "v1-pay-homes", "hoc-2024")
    cid = (await offered(client, crm))["id"]
    v1: Data = {"offer_id": "C-1", "amount_pence": 4_000, "paid_on": "2026-03-06",
          "method": "rent_account_credit"}  # fmt: skip
    old = NewEvent(type="compensation_paid", schema_version=1, data=v1,
                   occurred_at=datetime(2026, 3, 6, 10, tzinfo=UTC))  # fmt: skip
    async with db.begin() as conn:
        await SqlEventStore().append(conn, cid, 3, [old])
        replayed = await load(conn, SqlEventStore(), cid)
        assert replayed is not None
        # What the append of that time wrote beside it (its row, without a document).
        row = projection.row_for(cid, replayed.state, replayed.policy, replayed.calendar)
        await projection.upsert(conn, row)
    view = (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()
    assert view["compensation"][0]["money"]["paid_pence"] == 4_000
    stream = await history(client, crm, cid)
    # Shown upcast (stored as it was: below); the request was not recorded then.
    shown = stream[-1]
    assert (shown["schema_version"], shown["stored_schema_version"]) == (2, 1)
    assert shown["data"] == {**v1, "requested_on": None, "requested_by": None}
    rest = await append(client, crm, cid, "compensation_paid", "2026-03-06T11:00:00Z",
                        amount_pence=6_000, **PAY)  # fmt: skip
    assert rest.status_code == 201, rest.text
    assert rest.json()["compensation"][0]["money"]["outstanding_pence"] == 0
    async with db.connect() as conn:
        query = sa.select(events.c.schema_version, events.c.data).where(
            events.c.stream_id == cid, events.c.version == 4
        )
        assert tuple((await conn.execute(query)).one()) == (1, v1)
        assert (await verify(conn)).ok
