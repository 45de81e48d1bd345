"""Reversing money over HTTP (`compensation_reversed`): a payment that failed, or a payment or an
offset recorded in error, is undone up to what was paid (or offset) and not yet reversed; the offer
is outstanding again and may be paid again, also after the closure; the annual report counts paid
and offset net of the year's reversals, and the reversals apart. Only the landlord records one: a
portal key is refused on both routes. A refused request writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.policies.builtin import BUILTIN_POLICIES
from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import act, append
from tests.api.test_money import OFFSET, PAY, POLICIES, history, offered, problem_of
from tests.api.test_policy_walkthroughs import landlord_using

pytestmark = pytest.mark.asyncio

FAILED = {"offer_id": "C-1", "settled_by": "payment", "reversed_on": "2026-03-09",
          "reason": "payment_failed", "explanation": "The bank returned the transfer."}  # fmt: skip
IN_ERROR = {**FAILED, "settled_by": "offset", "reason": "recorded_in_error"}


def money(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    settled: dict[str, Any] = response.json()["compensation"][0]["money"]
    return settled


async def test_a_failed_payment_is_reversed_paid_again_and_the_report_nets_out(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "reversal-homes", "hoc-2024")
    cid = (await offered(client, crm))["id"]
    paid = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                        amount_pence=10_000, **PAY)  # fmt: skip
    assert money(paid)["outstanding_pence"] == 0
    closed = await append(client, crm, cid, "closed", "2026-03-06T11:00:00Z", reason="withdrawn")
    assert closed.status_code == 201, closed.text
    undone = await append(client, crm, cid, "compensation_reversed", "2026-03-09T10:00:00Z",
                          amount_pence=10_000, **FAILED)  # fmt: skip
    assert money(undone) == {"paid_pence": 0, "offset_pence": 0, "outstanding_pence": 10_000,
                             "last_paid_on": "2026-03-06", "last_offset_on": None,
                             "reversed_pence": 10_000}  # fmt: skip
    assert undone.json()["status"] == "closed"
    assert (await history(client, crm, cid))[-1]["data"] == {"amount_pence": 10_000, **FAILED}
    again = await append(client, crm, cid, "compensation_paid", "2026-03-10T10:00:00Z",
                         amount_pence=10_000, **{**PAY, "paid_on": "2026-03-10",
                                                 "method": "cheque"})  # fmt: skip
    assert (money(again)["paid_pence"], money(again)["outstanding_pence"]) == (10_000, 0)

    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst, 'reversal-homes')}"}
    report = await client.get("/v1/reports/annual", params={"year": 2025}, headers=analyst)
    assert report.status_code == 200, report.text
    figures = report.json()["compensation"]
    assert figures["paid"] == {"key": "paid", "count": 2, "pence": 10_000}
    assert figures["reversed"] == [{"key": "payment", "count": 1, "pence": 10_000},
                                   {"key": "offset", "count": 0, "pence": 0}]  # fmt: skip
    assert [k["paid"]["pence"] for k in figures["by_kind"]] == [10_000]
    csv = await client.get("/v1/reports/annual", params={"year": 2025, "format": "csv"},
                           headers=analyst)  # fmt: skip
    assert "compensation.reversed[payment].pence,,,,10000" in csv.text
    page = await client.get("/v1/reports/annual", params={"year": 2025, "format": "html"},
                            headers=analyst)  # fmt: skip
    assert "£100.00 reversed (1 payments and 0 offsets" in page.text


async def test_no_more_is_reversed_than_was_paid_and_not_yet_reversed(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "overreach-homes", "hoc-2024")
    cid = (await offered(client, crm))["id"]
    paid = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                        amount_pence=6_000, **PAY)  # fmt: skip
    assert money(paid)["paid_pence"] == 6_000
    part = await append(client, crm, cid, "compensation_reversed", "2026-03-09T10:00:00Z",
                        amount_pence=2_000, **FAILED)  # fmt: skip
    assert money(part)["paid_pence"] == 4_000
    before = await history(client, crm, cid)
    too_much = await append(client, crm, cid, "compensation_reversed", "2026-03-09T11:00:00Z",
                            amount_pence=4_001, **FAILED)  # fmt: skip
    problem = problem_of(too_much, 422, "more-than-settled")
    assert (problem["settled_by"], problem["settled_pence"]) == ("payment", 4_000)
    offset_failed = await append(client, crm, cid, "compensation_reversed", "2026-03-09T11:00:00Z",
                                 amount_pence=1, **{**FAILED, "settled_by": "offset"})  # fmt: skip
    problem_of(offset_failed, 422, "offset-cannot-fail")
    future = await append(client, crm, cid, "compensation_reversed", "2026-03-09T11:00:00Z",
                          amount_pence=1, **{**FAILED, "reversed_on": "2026-03-10"})  # fmt: skip
    assert problem_of(future, 422, "invalid-payment-date")["field"] == "reversed_on"
    unknown = await append(client, crm, cid, "compensation_reversed", "2026-03-09T11:00:00Z",
                           amount_pence=1, **{**FAILED, "offer_id": "C-9"})  # fmt: skip
    problem_of(unknown, 422, "unknown-offer")
    zero = await append(client, crm, cid, "compensation_reversed", "2026-03-09T11:00:00Z",
                        amount_pence=0, **FAILED)  # fmt: skip
    problem_of(zero, 422, "validation-error")
    assert await history(client, crm, cid) == before


@pytest.mark.parametrize("policy", POLICIES)
async def test_an_offset_is_reversed_only_where_one_could_be_recorded(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    crm = await landlord_using(client, db, make_key, f"unset-{policy}", policy)
    cid = (await offered(client, crm))["id"]
    offset = await append(client, crm, cid, "compensation_offset", "2026-03-06T10:00:00Z",
                          amount_pence=2_500, **OFFSET)  # fmt: skip
    if BUILTIN_POLICIES.latest(policy).arrears_offset_allowed:  # type: ignore[union-attr]
        assert money(offset)["offset_pence"] == 2_500
        undone = await append(client, crm, cid, "compensation_reversed", "2026-03-09T10:00:00Z",
                              amount_pence=2_500, **IN_ERROR)  # fmt: skip
        assert (money(undone)["offset_pence"], money(undone)["outstanding_pence"]) == (0, 10_000)
        return
    # Nothing could be set against arrears, so nothing offset is there to reverse.
    problem_of(offset, 422, "policy-rule-broken")
    before = await history(client, crm, cid)
    refused = await append(client, crm, cid, "compensation_reversed", "2026-03-09T10:00:00Z",
                           amount_pence=2_500, **IN_ERROR)  # fmt: skip
    problem = problem_of(refused, 422, "more-than-settled")
    assert (problem["settled_by"], problem["settled_pence"]) == ("offset", 0)
    assert await history(client, crm, cid) == before


async def test_a_portal_key_cannot_reverse_money(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, crm: dict[str, str]
) -> None:
    cid = (await offered(client, crm))["id"]
    paid = await append(client, crm, cid, "compensation_paid", "2026-03-06T10:00:00Z",
                        amount_pence=10_000, **PAY)  # fmt: skip
    assert paid.status_code == 201, paid.text
    portal = {"Authorization": f"Bearer {await make_key(Role.portal)}", "X-Resident-Id": "R-0001"}
    before = await history(client, crm, cid)
    as_resident = await act(client, portal, cid, "compensation_reversed", "2026-03-09T10:00:00Z",
                            amount_pence=10_000, **FAILED)  # fmt: skip
    problem = problem_of(as_resident, 403, "event-not-allowed")
    assert "compensation_reversed" not in problem["allowed"]
    case_file = await append(client, portal, cid, "compensation_reversed",
                             "2026-03-09T10:00:00Z", amount_pence=10_000, **FAILED)  # fmt: skip
    problem_of(case_file, 403, "forbidden")
    assert await history(client, crm, cid) == before
    # The resident reads that it happened, and what they were told, once it is recorded.
    undone = await append(client, crm, cid, "compensation_reversed", "2026-03-09T10:00:00Z",
                          amount_pence=10_000, **FAILED)  # fmt: skip
    assert money(undone)["reversed_pence"] == 10_000
    view = await client.get(f"/v1/complaints/{cid}", headers=portal)
    assert view.json()["compensation"][0]["money"]["reversed_pence"] == 10_000
