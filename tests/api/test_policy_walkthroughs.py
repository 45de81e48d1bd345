"""Each built-in policy walked through its stages over HTTP, for a landlord that chose it, with the
deadlines its source document gives: across Christmas and New Year 2025-26 and Easter 2026, and in
Scotland (2 January) and Northern Ireland (St Patrick's Day, Tuesday 17 March 2026).

Expected dates are worked out by hand from the documents (section in each comment) and the bank
holidays of each nation; `tests/unit/test_policy_deadlines.py` holds the same rules one per row.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.keys import Role, create_key
from tests.api.conftest import MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


async def landlord_using(
    client: httpx.AsyncClient,
    db: AsyncEngine,
    make_key: MakeKey,
    landlord: str,
    policy: str,
    region: str = "england-and-wales",
) -> dict[str, str]:
    """Register `landlord` with `policy` through its admin key; a CRM key for it."""
    async with db.begin() as conn:
        created = await create_key(conn, role=Role.admin, landlord=landlord, name="admin")
    admin = {"Authorization": f"Bearer {created.token}"}
    body = {"id": landlord, "name": landlord, "region": region, "default_policy": {"id": policy}}
    registered = await client.post("/v1/landlords", json=body, headers=admin)
    assert registered.status_code == 201, registered.text
    return {"Authorization": f"Bearer {await make_key(Role.crm, landlord)}"}


async def step(
    client: httpx.AsyncClient,
    crm: dict[str, str],
    complaint: dict[str, Any],
    event_type: str,
    at: str,
    **fields: Any,
) -> dict[str, Any]:
    response = await append(client, crm, complaint["id"], event_type, at, **fields)
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    return view


def dues(view: dict[str, Any]) -> dict[str, str | None]:
    return {name: clock["due"] for name, clock in view["sla"].items()}


RESPONSE = {"outcome": "upheld", "summary": "Put right.", "escalation_rights_signposted": True}


async def test_tuntum_2017_in_scotland_from_a_quick_fix_to_stage_2(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "tuntum-sct", "tuntum-2017", "scotland")
    # Quick fix logged on Christmas Eve 2025.
    c = await log(
        client, crm, stage=0,
        received_at="2025-12-24T10:00:00+00:00", occurred_at="2025-12-24T10:00:00+00:00",
    )  # fmt: skip
    assert c["policy"] == {"id": "tuntum-2017", "version": 1}
    # "Stage Zero": resolve within one working day: 25, 26 December are holidays, so Monday 29.
    # "Monitoring and Review": 8 weeks (40 working days) overall; Scotland also keeps 1-2 January.
    assert dues(c) == {"response": "2025-12-29", "escalation_window": None, "overall": "2026-02-24"}
    c = await step(client, crm, c, "responded", "2025-12-29T15:00:00+00:00", **RESPONSE)
    # "Stage Zero": the formal process within five working days: 30, 31 December, then 2 January
    # is a Scottish bank holiday: 5, 6, 7 January (England would say 6 January).
    assert c["sla"]["escalation_window"]["due"] == "2026-01-07"
    c = await step(client, crm, c, "escalation_requested", "2026-01-06T09:00:00+00:00", reason="r")
    c = await step(client, crm, c, "escalated", "2026-01-06T10:00:00+00:00")
    assert c["stage"] == 1
    # "At Stage 1": acknowledge and discuss within three working days of the request; a full
    # response within two weeks (10 working days).
    assert dues(c) == {
        "acknowledgement": "2026-01-09",
        "contact": "2026-01-09",
        "response": "2026-01-20",
        "escalation_window": None,  # runs from the stage 1 response
        "overall": "2026-02-24",
    }
    c = await step(client, crm, c, "acknowledged", "2026-01-08T09:00:00+00:00")
    c = await step(client, crm, c, "contacted", "2026-01-08T09:30:00+00:00",
                   method="phone", summary="Discussed.")  # fmt: skip
    c = await step(client, crm, c, "responded", "2026-01-20T16:00:00+00:00", **RESPONSE)
    then = await client.get(
        f"/v1/complaints/{c['id']}", params={"as_of": "2026-01-21T12:00:00+00:00"}, headers=crm
    )
    assert {n: k["status"] for n, k in then.json()["sla"].items()} == {
        "acknowledgement": "met",
        "contact": "met",
        "response": "met",
        "escalation_window": "pending",
        "overall": "pending",
    }
    # "Stage 2": let us know within 20 working days of the stage 1 response.
    assert c["sla"]["escalation_window"]["due"] == "2026-02-17"
    c = await step(client, crm, c, "escalation_requested", "2026-01-26T09:00:00+00:00", reason="r")
    c = await step(client, crm, c, "escalated", "2026-01-26T10:00:00+00:00")
    # Stage 2: acknowledge within 3, respond within 10 working days of the request.
    assert dues(c) == {
        "acknowledgement": "2026-01-29",
        "response": "2026-02-09",
        "overall": "2026-02-24",
    }


async def test_jjh_2020_in_england_across_easter_with_a_survey_after_closure(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "jjh-eng", "jjh-2020")
    # Stage 1 received Thursday 2 April 2026, the day before Good Friday.
    c = await log(
        client,
        crm,
        stage=1,
        received_at="2026-04-02T10:00:00+01:00",
        occurred_at="2026-04-02T10:00:00+01:00",
    )
    assert c["stage"] == 1
    # 6.3 speak to the complainant within 2 working days (Good Friday and Easter Monday skipped);
    # 5.2 respond within 10 working days. No acknowledgement deadline in the policy.
    assert dues(c) == {"contact": "2026-04-08", "response": "2026-04-20", "survey": None}
    c = await step(client, crm, c, "contacted", "2026-04-07T11:00:00+01:00",
                   method="phone", summary="Spoke.")  # fmt: skip
    c = await step(client, crm, c, "responded", "2026-04-20T16:00:00+01:00", **RESPONSE)
    c = await step(client, crm, c, "escalation_requested", "2026-04-27T09:00:00+01:00", reason="r")
    c = await step(client, crm, c, "escalated", "2026-04-27T10:00:00+01:00")
    # 6.2 review within 15 working days (4 May is the Early May bank holiday); 6.3 contact in 2.
    assert dues(c) == {"contact": "2026-04-29", "response": "2026-05-19", "survey": None}
    c = await step(client, crm, c, "responded", "2026-05-15T12:00:00+01:00", **RESPONSE)
    c = await step(
        client, crm, c, "closed", "2026-05-15T16:00:00+01:00", reason="final_response_issued"
    )
    # 6.7 a satisfaction survey within five working days of closure.
    assert c["sla"]["survey"]["due"] == "2026-05-22"


async def test_jliving_2018_in_northern_ireland_up_to_the_board_panel(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(
        client, db, make_key, "jliving-ni", "jliving-2018", "northern-ireland"
    )
    # Informal stage received Monday 16 March 2026, the day before St Patrick's Day.
    c = await log(
        client, crm, stage=0,
        received_at="2026-03-16T10:00:00+00:00", occurred_at="2026-03-16T10:00:00+00:00",
    )  # fmt: skip
    # 4 contact within 3 working days, 3.7 agree a way forward within 3: 18, 19, 20 March in
    # Northern Ireland (England would say 19 March).
    assert dues(c) == {"contact": "2026-03-20", "response": "2026-03-20"}
    c = await step(client, crm, c, "escalation_requested", "2026-03-19T09:00:00+00:00", reason="r")
    c = await step(client, crm, c, "escalated", "2026-03-19T10:00:00+00:00")
    # 4.1 the Director responds within 10 working days (Good Friday is 3 April).
    assert dues(c) == {"response": "2026-04-02", "escalation_window": None}
    c = await step(client, crm, c, "responded", "2026-03-27T15:00:00+00:00", **RESPONSE)
    # 4.2 ask for a review within 10 working days of the outcome: Good Friday and Easter Monday.
    assert c["sla"]["escalation_window"]["due"] == "2026-04-14"
    c = await step(client, crm, c, "escalation_requested", "2026-04-13T09:00:00+01:00", reason="r")
    c = await step(client, crm, c, "escalated", "2026-04-13T10:00:00+01:00")
    # 4.2 the Chief Executive reviews within 15 working days of the request (4 May skipped).
    assert dues(c) == {"response": "2026-05-05", "escalation_window": None}
    c = await step(client, crm, c, "responded", "2026-04-30T15:00:00+01:00", **RESPONSE)
    # 4.3 ask for the panel within 10 working days (4 May, Early May bank holiday).
    assert c["sla"]["escalation_window"]["due"] == "2026-05-15"
    c = await step(client, crm, c, "escalation_requested", "2026-05-14T09:00:00+01:00", reason="r")
    c = await step(client, crm, c, "escalated", "2026-05-14T10:00:00+01:00")
    assert c["stage"] == 3
    # 4.3 the panel meets within 20 working days of the request (25 May, Spring bank holiday).
    assert dues(c) == {"response": "2026-06-12"}
    refused = await append(
        client, crm, c["id"], "escalation_requested", "2026-05-15T09:00:00+01:00", reason="r"
    )
    assert refused.json()["type"] == "urn:redress:problem:no-further-stage"


async def test_policy_2022_in_england_across_christmas_with_its_extensions(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "p2022-eng", "policy-2022")
    # Stage 1 received Monday 22 December 2025.
    c = await log(
        client,
        crm,
        received_at="2025-12-22T10:00:00+00:00",
        occurred_at="2025-12-22T10:00:00+00:00",
    )
    # Within ten working days of receipt: Christmas, Boxing Day and New Year's Day skipped.
    assert dues(c) == {"response": "2026-01-08"}
    # "a further ten days" at most: 22 January.
    too_far = await append(client, crm, c["id"], "extension_agreed", "2026-01-05T10:00:00+00:00",
                           response_due="2026-01-23", reason="third_party",
                           explanation="Surveyor's report")  # fmt: skip
    assert too_far.json()["type"] == "urn:redress:problem:extension-beyond-cap"
    c = await step(client, crm, c, "extension_agreed", "2026-01-05T10:00:00+00:00",
                   response_due="2026-01-22", reason="third_party",
                           explanation="Surveyor's report")  # fmt: skip
    assert dues(c) == {"response": "2026-01-22"}
    # No stage 0 in this policy.
    zero = await client.post("/v1/complaints", json={**_body(), "stage": 0}, headers=crm)
    assert zero.json()["type"] == "urn:redress:problem:stage-not-in-policy"


async def test_hoc_2024_in_northern_ireland_counts_st_patricks_day(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "hoc-ni", "hoc-2024", "northern-ireland")
    c = await log(
        client,
        crm,
        received_at="2026-03-16T10:00:00+00:00",
        occurred_at="2026-03-16T10:00:00+00:00",
    )
    # Code 6.2: acknowledge within 5 working days: 18-20, 23, 24 March (England: 23 March).
    assert c["sla"]["acknowledgement"]["due"] == "2026-03-24"
    zero = await client.post("/v1/complaints", json={**_body(), "stage": 0}, headers=crm)
    assert zero.json()["type"] == "urn:redress:problem:stage-not-in-policy"


def _body() -> dict[str, Any]:
    from tests.api.factories import complaint_body

    return complaint_body()
