"""The catalogue world (one event of every type, a marker in every text field) read in every form
the access matrix does not try: the NDJSON export, the reports as CSV and HTML, every history
entry; by an analyst (nothing personal) and by the resident's portal (nothing internal)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.catalogue import COMPLAINT_EVENTS, FEEDBACK_EVENTS, RESTRICTION_EVENTS
from app.services.keys import Role
from tests.api import catalogue_world
from tests.api.conftest import MakeKey

pytestmark = pytest.mark.asyncio


async def test_every_form_of_every_event_type(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    world = await catalogue_world.build(client, make_key, db)
    # A new event type fails here until the scenario appends one, so its fields get markers.
    assert world.appended == set(COMPLAINT_EVENTS) | set(FEEDBACK_EVENTS) | set(RESTRICTION_EVENTS)

    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    portal = {
        "Authorization": f"Bearer {await make_key(Role.portal)}",
        "X-Resident-Id": catalogue_world.RESIDENT_ID,
    }
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    main = world.complaints["main"]["id"]
    period = {"from": "2026-01-01", "to": "2027-01-01"}
    reads = [
        ("/v1/events", {"after": "0"}, {"Accept": "application/x-ndjson"}),
        ("/v1/reports/code-compliance", period | {"format": "csv"}, {}),
        ("/v1/reports/code-compliance", period | {"format": "html"}, {}),
        ("/v1/reports/annual", {"year": "2025", "format": "csv"}, {}),
        ("/v1/reports/annual", {"year": "2026", "format": "html"}, {}),
        ("/v1/reports/tsm", {"year": "2025", "format": "csv"}, {}),
        (f"/v1/complaints/{main}/history", {}, {}),
        (f"/v1/complaints/{main}/events", {}, {}),
        ("/v1/complaints", {"status": "closed"}, {}),
        ("/v1/feedback", {}, {}),
        *((f"/v1/feedback/{f['id']}", {}, {}) for f in world.feedback.values()),
        *((f"/v1/feedback/{f['id']}/events", {}, {}) for f in world.feedback.values()),
        ("/v1/restrictions", {}, {}),
        (f"/v1/restrictions/{world.restriction}", {}, {}),
        (f"/v1/restrictions/{world.restriction}/events", {}, {}),
        (f"/v1/complaints/{main}", {}, {}),
    ]
    leaks: list[tuple[str, list[str]]] = []
    for path, params, headers in reads:
        response = await client.get(path, params=params, headers=analyst | headers)
        assert response.status_code == 200, (path, response.text)
        found = [m for m in world.markers.personal() if m in response.text]
        if found:
            leaks.append((f"analyst {path} {params}", found))
    portal_reads = [
        f"/v1/complaints/{main}",
        f"/v1/complaints/{main}/history",
        "/v1/feedback",
        *(f"/v1/feedback/{f['id']}" for f in world.feedback.values()),
        "/v1/restrictions",
        f"/v1/restrictions/{world.restriction}",
    ]
    for path in portal_reads:
        response = await client.get(path, headers=portal)
        assert response.status_code == 200, (path, response.text)
        found = [m for m in world.markers.internal() if m in response.text]
        # A deadline alert has no text to carry a marker: the whole event is the landlord's.
        for internal in ("deadline_alert_raised", "restriction_review_alert_raised"):
            if internal in response.text:
                found.append(internal)
        if found:
            leaks.append((f"portal {path}", found))
    assert leaks == [], leaks

    # And the markers are there to be found: a case handler's export holds every one of them.
    export = await client.get(
        "/v1/events", params={"after": "0"}, headers=crm | {"Accept": "application/x-ndjson"}
    )
    assert [m.value for m in world.markers.found if m.value not in export.text] == []
    # The main complaint's deadline alert, which its portal was never shown: the landlord's is.
    stream = await client.get(f"/v1/complaints/{main}/events", headers=crm)
    assert [e for e in stream.json()["items"] if e["type"] == "deadline_alert_raised"]
