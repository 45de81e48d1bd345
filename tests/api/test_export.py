"""The log as NDJSON CloudEvents: a landlord's events only, in order, resumable, filterable."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import OTHER_LANDLORD, MakeKey
from tests.api.factories import RESIDENT, append, log

pytestmark = pytest.mark.asyncio

NDJSON = {"Accept": "application/x-ndjson"}


async def export(
    client: httpx.AsyncClient, headers: dict[str, str], **params: str | int
) -> list[dict[str, Any]]:
    response = await client.get("/v1/events", params=params, headers={**headers, **NDJSON})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


async def test_export_streams_cloudevents_of_the_landlord_only(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    other = {"Authorization": f"Bearer {await make_key(Role.crm, OTHER_LANDLORD)}"}
    mine = (await log(client, crm))["id"]
    theirs = (await log(client, other))["id"]
    await append(client, crm, mine, "acknowledged", "2025-12-22T10:00:00+00:00")
    await append(client, other, theirs, "acknowledged", "2025-12-22T10:00:00+00:00")

    lines = await export(client, crm)
    # The landlord's own stream comes with its complaints: a calendar change moves deadlines.
    assert [(e["subject"], e["type"]) for e in lines] == [
        ("landlord:north-homes", "uk.redress.landlord.landlord_registered"),
        (mine, "uk.redress.complaint.logged"),
        (mine, "uk.redress.complaint.acknowledged"),
    ]
    assert lines[0]["source"] == "urn:redress:landlord:north-homes"
    lines = lines[1:]
    first = lines[0]
    assert first["specversion"] == "1.0"
    assert first["id"] == f"{mine}/1"
    assert first["source"] == "urn:redress:landlord:north-homes"
    assert first["time"].startswith("2025-12-19T10:05:00")
    assert first["data"]["complainant"]["name"] == RESIDENT["name"]
    assert lines[1]["previoushash"] == first["hash"]
    assert [e["position"] for e in lines] == sorted(e["position"] for e in lines)


async def test_an_interrupted_export_resumes_with_every_event_once(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    for _ in range(3):
        cid = (await log(client, crm))["id"]
        await append(client, crm, cid, "acknowledged", "2025-12-22T10:00:00+00:00")
        await append(client, crm, cid, "note_added", "2025-12-22T11:00:00+00:00", text="n")
    everything = await export(client, crm)
    assert len(everything) == 1 + 9  # the landlord's registration, then the complaints
    # Interrupted after four lines: resume after the last position read.
    head = everything[:4]
    tail = await export(client, crm, after=head[-1]["position"])
    assert [e["id"] for e in head + tail] == [e["id"] for e in everything]


async def test_position_range_and_period(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    cid = (await log(client, crm))["id"]
    await append(client, crm, cid, "acknowledged", "2025-12-22T10:00:00+00:00")
    await append(client, crm, cid, "note_added", "2025-12-29T10:00:00+00:00", text="n")
    everything = [e for e in await export(client, crm) if e["subject"] == cid]
    middle = await export(
        client, crm, after=everything[0]["position"], until=everything[1]["position"]
    )
    assert [e["streamversion"] for e in middle] == [2]
    december_22 = await export(
        client,
        crm,
        occurred_from="2025-12-22T00:00:00+00:00",
        occurred_to="2025-12-23T00:00:00+00:00",
    )
    assert [e["type"] for e in december_22] == ["uk.redress.complaint.acknowledged"]
    # The JSON pages honour the same selection.
    page = (
        await client.get("/v1/events", params={"until": everything[1]["position"]}, headers=crm)
    ).json()
    assert [item["version"] for item in page["items"]] == [1, 1, 2]  # landlord, then complaint


async def test_an_analyst_export_has_no_personal_data(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    await log(client, crm)
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    response = await client.get("/v1/events", headers={**analyst, **NDJSON})
    assert response.status_code == 200
    assert RESIDENT["name"] not in response.text
    assert RESIDENT["email"] not in response.text
    assert json.loads(response.text.splitlines()[1])["data"]["category"] == "repairs"
