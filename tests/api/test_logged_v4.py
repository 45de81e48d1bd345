"""`logged` v4 over HTTP, under each built-in policy: the matter's date against the policy's time
limit (the Code's twelve months; jjh-2020's twelve months; no limit in tuntum-2017, jliving-2018
and policy-2022), anonymous complaints without a name, a representative's kind and consent, the
tenures outside the TSMs, and the First-tier Tribunal open to lease holders only. A refused
request writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import append, complaint_body, log
from tests.api.test_policy_walkthroughs import landlord_using

pytestmark = pytest.mark.asyncio

RECEIVED = {"received_at": "2026-03-16T09:00:00+00:00", "occurred_at": "2026-03-16T09:05:00+00:00"}
WITHIN = "2025-03-16"  # twelve months before the day of receipt: still in time
OUT_OF_TIME = "2025-03-15"  # a day older
LIMITS = {"hoc-2024": 12, "jjh-2020": 12, "tuntum-2017": None, "jliving-2018": None,
          "policy-2022": None}  # fmt: skip
LATE = {"reason": "continuing_issue", "explanation": "The damp has come back every winter."}


async def listed(client: httpx.AsyncClient, crm: dict[str, str]) -> int:
    got = await client.get("/v1/complaints", headers=crm, params={"limit": 100})
    assert got.status_code == 200, got.text
    return len(got.json()["items"])


async def post(client: httpx.AsyncClient, crm: dict[str, str], **fields: Any) -> httpx.Response:
    return await client.post("/v1/complaints", json=complaint_body(**RECEIVED, **fields),
                             headers=crm)  # fmt: skip


@pytest.mark.parametrize("policy", sorted(LIMITS))
async def test_a_matter_older_than_the_policys_limit_needs_a_late_acceptance(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    crm = await landlord_using(client, db, make_key, f"late-{policy}", policy)
    limit = LIMITS[policy]
    in_time = await post(client, crm, incident_at=WITHIN)
    assert in_time.status_code == 201, in_time.text
    assert in_time.json()["incident_at"] == WITHIN
    assert in_time.json()["late_acceptance"] is None
    before = await listed(client, crm)
    old = await post(client, crm, incident_at=OUT_OF_TIME)
    if limit is None:
        assert old.status_code == 201, old.text  # no limit: nothing is late
        unneeded = await post(client, crm, incident_at="2019-01-01", late_acceptance=LATE)
        assert unneeded.status_code == 422, unneeded.text
        assert unneeded.json()["type"].endswith("late-acceptance-not-needed")
        assert await listed(client, crm) == before + 1
        return
    assert old.status_code == 422, old.text
    problem = old.json()
    assert problem["type"].endswith("policy-rule-broken")
    assert problem["rule"] == "complaint_time_limit_months"
    assert problem["policy"] == {"id": policy, "version": 1}
    assert await listed(client, crm) == before  # nothing written
    accepted = await post(client, crm, incident_at=OUT_OF_TIME, late_acceptance=LATE)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["late_acceptance"] == LATE
    # A late acceptance for a matter in time is refused: the reports count only real ones.
    unneeded = await post(client, crm, incident_at=WITHIN, late_acceptance=LATE)
    assert unneeded.status_code == 422, unneeded.text
    assert unneeded.json()["type"].endswith("late-acceptance-not-needed")
    assert await listed(client, crm) == before + 1


async def test_the_matter_cannot_happen_after_the_complaint_was_received(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "future-matter", "hoc-2024")
    refused = await post(client, crm, incident_at="2026-03-17")
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"].endswith("invalid-incident-at")
    assert await listed(client, crm) == 0


@pytest.mark.parametrize("policy", sorted(LIMITS))
async def test_an_anonymous_complaint_needs_no_name_and_is_still_counted(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, policy: str
) -> None:
    landlord = f"anon-{policy}"
    crm = await landlord_using(client, db, make_key, landlord, policy)
    nameless = {"email": "someone@example.invalid"}
    refused = await post(client, crm, complainant=nameless)
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"].endswith("complainant-name-required")
    assert await listed(client, crm) == 0
    logged = await post(client, crm, complainant=nameless, anonymous=True)
    assert logged.status_code == 201, logged.text
    assert logged.json()["complainant"] is None  # a case handler does not see who made it
    assert await listed(client, crm) == 1
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst, landlord)}"}
    report = await client.get("/v1/reports/code-compliance", headers=analyst,
                              params={"from": "2026-03-01", "to": "2026-04-01"})  # fmt: skip
    assert report.status_code == 200, report.text
    assert sum(s["received"] for s in report.json()["stages"]) == 1


async def test_a_representative_is_recorded_with_their_kind_and_the_residents_consent(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "rep-homes", "hoc-2024")
    rep = {
        "name": "A Member",
        "relationship": "MP",
        "kind": "mp",
        "consent": {"given": True, "recorded_at": "2026-03-10T10:00:00Z", "method": "written"},
    }
    logged = await post(client, crm, representative=rep)
    assert logged.status_code == 201, logged.text
    shown = logged.json()["representative"]
    assert shown["kind"] == "mp"
    assert shown["consent"] == {"given": True, "recorded_at": "2026-03-10T10:00:00Z",
                                "method": "written"}  # fmt: skip
    bare = await post(client, crm, representative={"name": "B", "relationship": "friend"})
    assert bare.status_code == 201, bare.text
    assert bare.json()["representative"]["kind"] is None
    assert bare.json()["representative"]["consent"] is None


@pytest.mark.parametrize(
    ("tenure", "allowed"),
    [("leasehold", True), ("shared_ownership", True), ("rented", False), ("other", False),
     (None, False)],
)  # fmt: skip
async def test_only_a_lease_holder_is_referred_to_the_first_tier_tribunal(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey, tenure: str | None,
    allowed: bool,
) -> None:  # fmt: skip
    landlord = f"ftt-{tenure or 'unknown'}".replace("_", "-")
    crm = await landlord_using(client, db, make_key, landlord, "hoc-2024")
    complaint = await log(client, crm, **RECEIVED, **({} if tenure is None else {"tenure": tenure}))
    referred = await append(client, crm, complaint["id"], "referred", "2026-03-17T09:00:00Z",
                            to="first_tier_tribunal")  # fmt: skip
    if allowed:
        assert referred.status_code == 201, referred.text
        assert referred.json()["referrals"][-1]["to"] == "first_tier_tribunal"
        return
    assert referred.status_code == 422, referred.text
    problem = referred.json()
    assert problem["type"].endswith("referral-not-open")
    assert problem["tenure"] == tenure
    assert problem["allowed"] == ["leasehold", "shared_ownership"]
    view = await client.get(f"/v1/complaints/{complaint['id']}", headers=crm)
    assert view.json()["version"] == 1
    assert view.json()["referrals"] == []
    # Any other body is open to every tenure.
    ombudsman = await append(client, crm, complaint["id"], "referred", "2026-03-17T09:00:00Z",
                             to="housing_ombudsman")  # fmt: skip
    assert ombudsman.status_code == 201, ombudsman.text


async def test_late_acceptances_are_counted_in_the_self_assessment(
    client: httpx.AsyncClient, db: AsyncEngine, make_key: MakeKey
) -> None:
    crm = await landlord_using(client, db, make_key, "late-report", "hoc-2024")
    for reason in ("continuing_issue", "continuing_issue", "serious_matter"):
        done = await post(client, crm, incident_at="2024-01-01",
                          late_acceptance={"reason": reason, "explanation": "Why."})  # fmt: skip
        assert done.status_code == 201, done.text
    assert (await post(client, crm, incident_at=WITHIN)).status_code == 201
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst, 'late-report')}"}
    report = await client.get("/v1/reports/code-compliance", headers=analyst,
                              params={"from": "2026-03-01", "to": "2026-04-01"})  # fmt: skip
    assert report.status_code == 200, report.text
    assert report.json()["late_acceptances"] == {
        "accepted": 3,
        "by_reason": [
            {"key": "continuing_issue", "count": 2},
            {"key": "serious_matter", "count": 1},
        ],
    }
    # The analyst reads the reason, not the explanation (free text is personal).
    listed_ = await client.get("/v1/complaints", headers=analyst, params={"limit": 10})
    some = listed_.json()["items"][0]["id"]
    view = (await client.get(f"/v1/complaints/{some}", headers=analyst)).json()
    if view["late_acceptance"] is not None:
        assert view["late_acceptance"]["explanation"] is None
