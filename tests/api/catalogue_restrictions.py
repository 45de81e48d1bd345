"""The catalogue world's contact restrictions (tests/api/catalogue_world.py): one on the world's
resident through every restriction event (its review alert raised by the scheduler with the
complaints' alerts), and one on another resident, ended and erased. Every person is made up."""

from __future__ import annotations

from typing import Any

import httpx

from app.domain.catalogue import RESTRICTION_EVENTS
from tests.api.markers import Markers, fill

# The review falls due the day before the world's alert pass (catalogue_world.ALERTS_AT).
REVIEW_DUE = "2026-06-30"
TERMS = {
    "measures": ["single_point_of_contact", "channels", "set_times"],
    "channels": ["email", "letter"],
    "review_due": REVIEW_DUE,
}
# (event type, occurred_at in 2026, structured values): the resident's challenge at its own door.
SCENARIO: list[tuple[str, str, dict[str, Any]]] = [
    ("restriction_imposed", "03-03 09:00", TERMS),
    (
        "restriction_reviewed",
        "03-04 09:00",
        {"outcome": "continued", "next_review_due": REVIEW_DUE},
    ),
    ("restriction_challenged", "03-05 09:00", {}),
    ("restriction_challenge_decided", "03-06 09:00", {"upheld": False}),
]


def _body(markers: Markers, event_type: str, values: dict[str, Any]) -> dict[str, Any]:
    spec = RESTRICTION_EVENTS[event_type]
    values = {"landlord": None, "resident_id": None} | values
    body = fill(markers, spec, values, resident_sees=spec.resident_sees(values))
    return {k: v for k, v in body.items() if k not in ("landlord", "resident_id")}


async def restrictions(
    client: httpx.AsyncClient,
    crm: dict[str, str],
    admin: dict[str, str],
    portal: dict[str, str],
    markers: Markers,
    resident_id: str,
) -> tuple[str, set[str]]:
    """The resident's restriction through SCENARIO, and another's ended and erased; the id of
    the resident's, and the types appended."""
    first = _body(markers, "restriction_imposed", TERMS)
    made = await client.post(
        "/v1/restrictions",
        json=first | {"resident_id": resident_id, "occurred_at": "2026-03-02T11:00:00Z"},
        headers=crm,
    )
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    for event_type, at, values in SCENARIO:
        body = _body(markers, event_type, values) | {
            "occurred_at": f"2026-{at.replace(' ', 'T')}:00Z"
        }
        if event_type == "restriction_challenged":
            response = await client.post(
                f"/v1/restrictions/{rid}/challenge", json=body, headers=portal
            )
        else:
            response = await client.post(
                f"/v1/restrictions/{rid}/events", json={"type": event_type, **body}, headers=crm
            )
        assert response.status_code == 201, (event_type, response.text)
    other = _body(Markers(), "restriction_imposed", TERMS) | {
        "resident_id": "R-LIFTED",
        "occurred_at": "2026-03-02T11:00:00Z",
    }
    gone = await client.post("/v1/restrictions", json=other, headers=crm)
    assert gone.status_code == 201, gone.text
    gid = gone.json()["id"]
    ended = await client.post(
        f"/v1/restrictions/{gid}/events",
        json={
            "type": "restriction_ended",
            "reason": "withdrawn",
            "occurred_at": "2026-12-01T09:00:00Z",
        },
        headers=crm,
    )
    assert ended.status_code == 201, ended.text
    erased = await client.post(
        f"/v1/restrictions/{gid}/erasure", json={"reason": "request"}, headers=admin
    )
    assert erased.status_code == 200, erased.text
    appended = {e for e, _, _ in SCENARIO} | {"restriction_ended", "restriction_erased"}
    return rid, appended


async def alerted(client: httpx.AsyncClient, crm: dict[str, str], rid: str) -> set[str]:
    """`restriction_review_alert_raised`, if the world's alert pass raised it."""
    events = (await client.get(f"/v1/restrictions/{rid}/events", headers=crm)).json()["items"]
    return {e["type"] for e in events} & {"restriction_review_alert_raised"}
