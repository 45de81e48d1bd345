"""Each rule the policy data states, tried over HTTP under every built-in policy: what the policy
allows is accepted, what it does not is refused with `policy-rule-broken` (or, where the policy
makes a step the resident's right, `invalid-transition`), and a refusal writes nothing. The
expectations are read from the policy as `GET /v1/policies/{id}` shows it, so a change to the data
is tested as it is made."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.complaint.events.vocabulary import DeclineReason
from tests.api.conftest import MakeKey
from tests.api.factories import append, log
from tests.api.test_policy_rules import RECEIVED, version
from tests.api.test_policy_walkthroughs import RESPONSE, landlord_using

pytestmark = pytest.mark.asyncio

POLICIES = ["hoc-2024", "jjh-2020", "tuntum-2017", "jliving-2018", "policy-2022"]


async def setup(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy_id: str
) -> tuple[dict[str, str], dict[str, Any]]:
    crm = await landlord_using(client, db, make_key, f"homes-{policy_id}", policy_id)
    policy = (await client.get(f"/v1/policies/{policy_id}", headers=crm)).json()
    return crm, policy


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    return view


def refused(response: httpx.Response, rule: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    problem: dict[str, Any] = response.json()
    assert (problem["code"], problem.get("rule")) == ("policy-rule-broken", rule), problem
    return problem


@pytest.mark.parametrize("policy_id", POLICIES)
async def test_declines_follow_the_exclusions(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy_id: str
) -> None:
    crm, policy = await setup(client, db, make_key, policy_id)
    allowed = policy["exclusions"]
    for reason in DeclineReason:
        cid = (await log(client, crm, **RECEIVED, stage=1))["id"]
        answer = await append(client, crm, cid, "declined", "2026-03-03T09:00:00Z",
                              reason=reason.value, explanation="Explained by letter.")  # fmt: skip
        if reason.value in allowed:
            assert (await ok(answer))["status"] == "declined"
        else:
            problem = refused(answer, "exclusions")
            assert problem["allowed"] == allowed
            assert await version(client, crm, cid) == 1


@pytest.mark.parametrize("policy_id", POLICIES)
async def test_extensions_take_the_policys_reasons(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy_id: str
) -> None:
    crm, policy = await setup(client, db, make_key, policy_id)
    codes = [r["code"] for r in policy["extension_reasons"]]
    cid = (await log(client, crm, **RECEIVED, stage=1))["id"]
    view = await ok(await append(client, crm, cid, "acknowledged", "2026-03-03T09:00:00Z"))
    later = (date.fromisoformat(view["sla"]["response"]["due"]) + timedelta(days=1)).isoformat()
    wrong = await append(client, crm, cid, "extension_agreed", "2026-03-04T09:00:00Z",
                         response_due=later, reason="not_a_policy_reason",
                         explanation="Waiting.")  # fmt: skip
    assert (refused(wrong, "extension_reasons"))["allowed"] == codes
    assert await version(client, crm, cid) == 2
    for code in codes[:1]:
        agreed = await ok(await append(client, crm, cid, "extension_agreed", "2026-03-04T09:00:00Z",
                                       response_due=later, reason=code,
                                       explanation="Waiting."))  # fmt: skip
        assert agreed["stages"][0]["extension_reasons"] == [code]


@pytest.mark.parametrize("policy_id", POLICIES)
async def test_escalation_reasons_refusal_grounds_and_a_new_handler(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy_id: str
) -> None:
    crm, policy = await setup(client, db, make_key, policy_id)
    stage_1 = next(s for s in policy["stages"] if s["number"] == 1)
    stage_2 = next(s for s in policy["stages"] if s["number"] == 2)
    cid = (await log(client, crm, **RECEIVED, stage=1))["id"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("assigned", "2026-03-02T10:00:00Z", {"handler": "Ann Example", "role": "officer"}),
        ("acknowledged", "2026-03-03T09:00:00Z", {}),
        ("responded", "2026-03-10T09:00:00Z", RESPONSE),
    ]
    for event_type, at, fields in steps:
        await ok(await append(client, crm, cid, event_type, at, **fields))

    # Reasons to escalate: required only where the stage being left says so.
    bare = await append(client, crm, cid, "escalation_requested", "2026-03-11T09:00:00Z")
    if stage_1["escalation_reasons_required"]:
        refused(bare, "escalation_reasons_required")
        await ok(await append(client, crm, cid, "escalation_requested", "2026-03-11T09:00:00Z",
                              reason="Still not fixed."))  # fmt: skip
    else:
        await ok(bare)

    # Refusing: only where the stage may be refused, and only on its grounds.
    grounds = [g["code"] for g in stage_1["refusal_grounds"]]
    wrong = await append(client, crm, cid, "escalation_refused", "2026-03-12T09:00:00Z",
                         reason="we_would_rather_not", explanation="No.")  # fmt: skip
    if stage_1["escalation_refusable"]:
        assert (refused(wrong, "refusal_grounds"))["allowed"] == grounds
        await ok(await append(client, crm, cid, "escalation_refused", "2026-03-12T09:00:00Z",
                              reason=grounds[0], explanation="Explained."))  # fmt: skip
        await ok(await append(client, crm, cid, "escalation_requested", "2026-03-13T09:00:00Z",
                              reason="I still disagree."))  # fmt: skip
    else:
        # The next stage is the resident's right: only `escalated` answers the request.
        assert (wrong.status_code, wrong.json()["code"]) == (409, "invalid-transition")
    await ok(await append(client, crm, cid, "escalated", "2026-03-16T09:00:00Z"))

    # Stage 2's handler: someone new where the policy requires it.
    before = await version(client, crm, cid)
    same = await append(client, crm, cid, "assigned", "2026-03-16T10:00:00Z",
                        handler="ann example", role="manager")  # fmt: skip
    if stage_2.get("handler_independence") == "required":
        refused(same, "handler_independence")
        assert await version(client, crm, cid) == before
    else:
        assert (await ok(same))["handler"] == "ann example"
