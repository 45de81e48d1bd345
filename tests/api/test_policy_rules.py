"""The rules a policy states are applied when the event is appended, from the pinned policy version,
over HTTP: a refusal is a 422 `policy-rule-broken` naming the rule, the policy and, where the policy
lists them, the allowed values; and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.keys import Role, create_key
from tests.api.conftest import MakeKey
from tests.api.factories import append, log
from tests.api.test_policy_walkthroughs import RESPONSE, landlord_using

pytestmark = pytest.mark.asyncio

RECEIVED = {"received_at": "2026-03-02T09:00:00+00:00", "occurred_at": "2026-03-02T09:05:00+00:00"}
HOC_EXCLUSIONS = ["service_request", "out_of_time", "legal_proceedings", "previously_considered"]


async def responded(
    client: httpx.AsyncClient, crm: dict[str, str], ack: bool = True, stage: int | None = None
) -> dict[str, Any]:
    at_stage = {} if stage is None else {"stage": stage}
    complaint = await log(client, crm, **RECEIVED, **at_stage)
    if ack:
        acked = await append(client, crm, complaint["id"], "acknowledged", "2026-03-03T09:00:00Z")
        assert acked.status_code == 201, acked.text
    done = await append(client, crm, complaint["id"], "responded", "2026-03-10T09:00:00Z",
                        **RESPONSE)  # fmt: skip
    assert done.status_code == 201, done.text
    return complaint


async def version(client: httpx.AsyncClient, crm: dict[str, str], complaint_id: str) -> int:
    got = await client.get(f"/v1/complaints/{complaint_id}", headers=crm)
    return int(got.headers["ETag"].strip('"'))


async def test_under_the_code_a_resident_need_not_give_reasons_to_escalate(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "code-homes", "hoc-2024")
    complaint = await responded(client, crm)
    asked = await append(client, crm, complaint["id"], "escalation_requested",
                         "2026-03-11T09:00:00Z")  # fmt: skip
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "escalation_requested"
    # Reasons given are kept.
    other = await responded(client, crm)
    kept = await append(client, crm, other["id"], "escalation_requested", "2026-03-11T09:00:00Z",
                        reason="The repair is still not done.")  # fmt: skip
    assert kept.status_code == 201, kept.text
    events = await client.get(f"/v1/complaints/{other['id']}/events", headers=crm)
    assert events.json()["items"][-1]["data"]["reason"] == "The repair is still not done."


async def test_a_policy_that_asks_for_reasons_refuses_a_request_without_them(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "jjh-homes", "jjh-2020")
    # jjh-2020 6.1: the review considers "the complainant's reasons for wishing to escalate".
    complaint = await responded(client, crm, ack=False, stage=1)
    before = await version(client, crm, complaint["id"])
    refused = await append(client, crm, complaint["id"], "escalation_requested",
                           "2026-03-11T09:00:00Z")  # fmt: skip
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["type"].endswith("policy-rule-broken")
    assert problem["rule"] == "escalation_reasons_required"
    assert problem["policy"] == {"id": "jjh-2020", "version": 1}
    assert await version(client, crm, complaint["id"]) == before
    given = await append(client, crm, complaint["id"], "escalation_requested",
                         "2026-03-11T09:00:00Z", reason="Not resolved.")  # fmt: skip
    assert given.status_code == 201, given.text


@pytest.mark.parametrize(
    ("landlord", "policy", "refused", "accepted", "allowed"),
    [
        ("code-homes", "hoc-2024", "insurance_claim", "out_of_time", HOC_EXCLUSIONS),
        ("jl-homes", "jliving-2018", "out_of_time", "insurance_claim", None),
    ],
)
async def test_a_complaint_is_declined_only_on_the_policys_exclusions(
    client: httpx.AsyncClient,
    db: AsyncEngine,
    make_key: MakeKey,
    landlord: str,
    policy: str,
    refused: str,
    accepted: str,
    allowed: list[str] | None,
) -> None:
    crm = await landlord_using(client, db, make_key, landlord, policy)
    complaint = await log(client, crm, **RECEIVED)
    answer = await append(client, crm, complaint["id"], "declined", "2026-03-03T09:00:00Z",
                          reason=refused, explanation="Explained by letter.")  # fmt: skip
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["rule"] == "exclusions"
    assert refused not in problem["allowed"]
    if allowed is not None:
        assert problem["allowed"] == allowed
    assert await version(client, crm, complaint["id"]) == 1
    ok = await append(client, crm, complaint["id"], "declined", "2026-03-03T09:00:00Z",
                      reason=accepted, explanation="Explained by letter.")  # fmt: skip
    assert ok.status_code == 201, ok.text
    assert ok.json()["status"] == "declined"


async def test_stage_2_is_handled_by_someone_not_involved_at_stage_1(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "code-homes", "hoc-2024")
    complaint = await log(client, crm, **RECEIVED)
    cid = complaint["id"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("assigned", "2026-03-02T10:00:00Z", {"handler": "Ann Example", "role": "officer"}),
        ("acknowledged", "2026-03-03T09:00:00Z", {}),
        ("responded", "2026-03-10T09:00:00Z", RESPONSE),
        ("escalation_requested", "2026-03-11T09:00:00Z", {}),
        ("escalated", "2026-03-12T09:00:00Z", {}),
    ]
    for event_type, at, fields in steps:
        done = await append(client, crm, cid, event_type, at, **fields)
        assert done.status_code == 201, done.text
    before = await version(client, crm, cid)
    same = await append(client, crm, cid, "assigned", "2026-03-12T10:00:00Z",
                        handler=" ann example ", role="manager")  # fmt: skip
    assert same.status_code == 422, same.text
    assert same.json()["rule"] == "handler_independence"
    assert await version(client, crm, cid) == before
    other = await append(client, crm, cid, "assigned", "2026-03-12T10:00:00Z",
                         handler="Ben Example", role="manager")  # fmt: skip
    assert other.status_code == 201, other.text
    assert other.json()["handler"] == "Ben Example"


async def test_where_independence_is_only_advised_the_same_handler_is_reported(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "advised-homes", "hoc-2024")
    async with db.begin() as conn:
        created = await create_key(conn, role=Role.admin, landlord="advised-homes", name="a")
    admin = {"Authorization": f"Bearer {created.token}"}
    policy = (await client.get("/v1/policies/hoc-2024", headers=admin)).json()
    policy |= {"id": "advised-own", "name": "Advised", "version": 1}
    policy["stages"][1]["handler_independence"] = "advised"
    published = await client.post("/v1/landlords/advised-homes/policies",
                                  json={"policy": policy, "make_default": True},
                                  headers=admin)  # fmt: skip
    assert published.status_code == 201, published.text
    assert {d["rule"] for d in published.json()["divergences"]} == {"handler_independence"}
    complaint = await log(client, crm, **RECEIVED)
    cid = complaint["id"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("assigned", "2026-03-02T10:00:00Z", {"handler": "Ann Example", "role": "officer"}),
        ("acknowledged", "2026-03-03T09:00:00Z", {}),
        ("responded", "2026-03-10T09:00:00Z", RESPONSE),
        ("escalation_requested", "2026-03-11T09:00:00Z", {}),
        ("escalated", "2026-03-12T09:00:00Z", {}),
        ("assigned", "2026-03-12T10:00:00Z", {"handler": "Ann Example", "role": "manager"}),
    ]
    for event_type, at, fields in steps:
        done = await append(client, crm, cid, event_type, at, **fields)
        assert done.status_code == 201, done.text
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst, 'advised-homes')}"}
    report = await client.get("/v1/reports/code-compliance",
                              params={"from": "2025-04-01", "to": "2026-04-01"},
                              headers=analyst)  # fmt: skip
    assert report.status_code == 200, report.text
    involved = {
        s["stage"]: s["handled_by_someone_involved_before"] for s in report.json()["stages"]
    }
    assert involved == {1: 0, 2: 1}
