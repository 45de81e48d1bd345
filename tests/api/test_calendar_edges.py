"""Dates and times at the calendar's edges (years 1 and 9999, offsets of ±14 h and beyond) in every
date or date-time a request carries: 422 when outside the accepted range (years 1900 to 2200,
offsets within ±14:00), and never a 500 for anything."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import LANDLORD, MakeKey
from tests.api.factories import append, complaint_body, log

pytestmark = pytest.mark.asyncio

MOMENTS_OUTSIDE = [
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-23:59",
    "1899-12-31T23:59:59+00:00",
    "2201-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+23:59",
    "2025-12-20T10:00:00+14:01",
    "2025-12-20T10:00:00+23:59",
    "2025-12-20T10:00:00-23:59",
]
# Inside the range: the domain may refuse them (a moment in the future, before the complaint), but
# as a 409 or 422 of its own, never a 500.
MOMENTS_INSIDE = [
    "1900-01-01T00:00:00+00:00",
    "1900-01-01T00:00:00+14:00",
    "2200-12-31T23:59:59-14:00",
    "2200-12-31T23:59:59+00:00",
    "2025-12-20T10:00:00+14:00",
    "2025-12-20T10:00:00-14:00",
]
DAYS_OUTSIDE = ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"]
DAYS_INSIDE = ["1900-01-01", "2200-12-31"]

AT = "2025-12-20T10:00:00+00:00"
EVENTS = "/v1/complaints/{cid}/events"
CODE_COMPLIANCE = "/v1/reports/code-compliance"

# field, "moment" or "day", method, path, and where the value goes: (body, query) given the value.
Place = Callable[[str], tuple[dict[str, Any] | None, dict[str, str] | None]]
CASES: list[tuple[str, str, str, str, Place]] = [
    ("received_at", "moment", "POST", "/v1/complaints",
     lambda v: (complaint_body(received_at=v), None)),
    ("occurred_at (log)", "moment", "POST", "/v1/complaints",
     lambda v: (complaint_body(occurred_at=v), None)),
    ("occurred_at (event)", "moment", "POST", EVENTS,
     lambda v: ({"type": "note_added", "occurred_at": v, "text": "t"}, None)),
    ("response_due", "day", "POST", EVENTS,
     lambda v: ({"type": "extension_agreed", "occurred_at": AT, "reason": "other",
                 "explanation": "e", "response_due": v}, None)),
    ("due (action)", "day", "POST", EVENTS,
     lambda v: ({"type": "action_agreed", "occurred_at": AT, "action_id": "A-1",
                 "description": "d", "due": v}, None)),
    ("due (ombudsman)", "day", "POST", EVENTS,
     lambda v: ({"type": "ombudsman_evidence_requested", "occurred_at": AT, "due": v}, None)),
    ("closures", "day", "PATCH", f"/v1/landlords/{LANDLORD}",
     lambda v: ({"closures": [v]}, None)),
    ("as_of", "moment", "GET", "/v1/complaints/{cid}", lambda v: (None, {"as_of": v})),
    ("received_from", "moment", "GET", "/v1/complaints", lambda v: (None, {"received_from": v})),
    ("received_to", "moment", "GET", "/v1/complaints", lambda v: (None, {"received_to": v})),
    ("occurred_from", "moment", "GET", "/v1/events", lambda v: (None, {"occurred_from": v})),
    ("occurred_to", "moment", "GET", "/v1/events", lambda v: (None, {"occurred_to": v})),
    ("from", "day", "GET", CODE_COMPLIANCE, lambda v: (None, {"from": v, "to": "2026-01-01"})),
    ("to", "day", "GET", CODE_COMPLIANCE, lambda v: (None, {"from": "2025-01-01", "to": v})),
]  # fmt: skip


async def test_dates_at_the_calendars_edges_are_422_never_500(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    headers = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    cid = (await log(client, headers))["id"]
    await append(client, headers, cid, "acknowledged", "2025-12-19T11:00:00+00:00")
    failures: list[str] = []
    for field, kind, method, path, place in CASES:
        outside, inside = {
            "moment": (MOMENTS_OUTSIDE, MOMENTS_INSIDE),
            "day": (DAYS_OUTSIDE, DAYS_INSIDE),
        }[kind]
        for value in [*outside, *inside]:
            body, query = place(value)
            response = await client.request(
                method, path.format(cid=cid), json=body, params=query, headers=headers
            )
            if response.status_code >= 500:
                failures.append(f"{field}={value}: {response.status_code}")
            elif value in outside and response.json().get("code") != "validation-error":
                failures.append(f"{field}={value}: {response.status_code}, expected 422")
    # Years outside the ones a report covers.
    for year in ("1", "1999", "2101", "9999"):
        response = await client.get("/v1/reports/tsm", params={"year": year}, headers=headers)
        if response.status_code != 422:
            failures.append(f"year={year}: {response.status_code}, expected 422")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("field", ["response_days", "acknowledge_days", "extension_cap_days"])
async def test_a_policy_counting_past_the_calendar_is_422(
    client: httpx.AsyncClient, make_key: MakeKey, field: str
) -> None:
    # Counted from a date in 2200, three million working days would pass 9999-12-31.
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    policy = (await client.get("/v1/policies/hoc-2024", headers=admin)).json()
    policy |= {"id": "north-long", "name": "Long", "version": 1}
    policy["stages"][0][field] = 3_000_000
    started = time.monotonic()
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/policies", json={"policy": policy}, headers=admin
    )
    assert published.status_code == 422, published.text
    assert time.monotonic() - started < 2
