"""Letters over HTTP, on both databases: preview, issue (the PDF's hash in the chain), read again,
a landlord's own templates, refusals with the missing parts named, and erasure. Every person is
made up."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import httpx
import orjson
import pypdfium2 as pdfium
import pytest

from app.audit.pack import verify
from app.services.keys import Role
from tests.api.conftest import LANDLORD, MakeKey
from tests.api.factories import RESIDENT, append, log

pytestmark = pytest.mark.asyncio


async def _headers(make_key: MakeKey, role: Role, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_key(role)}", **extra}


async def _responded(client: httpx.AsyncClient, crm: dict[str, str]) -> dict[str, Any]:
    """Received 19 December 2025, acknowledged 23 December, answered 8 January 2026."""
    complaint = await log(client, crm)
    cid = complaint["id"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("acknowledged", "2025-12-23T09:00:00Z", {}),
        ("action_agreed", "2026-01-06T10:00:00Z",
         {"action_id": "A-1", "description": "Service the boiler", "due": "2026-01-30",
          "owner": "Heating team"}),
        ("responded", "2026-01-08T15:00:00Z",
         {"outcome": "upheld", "summary": "The engineer missed two visits; we are sorry.",
          "remedies": ["repair", "apology"], "escalation_rights_signposted": True,
          "ombudsman_signposted": True}),
    ]  # fmt: skip
    for event_type, at, fields in steps:
        response = await append(client, crm, cid, event_type, at, **fields)
        assert response.status_code == 201, response.text
    return complaint


def _pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


async def test_a_stage_1_response_is_issued_with_its_hash_in_the_chain(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = (await _responded(client, crm))["id"]
    preview = await client.get(
        f"/v1/complaints/{cid}/letters/preview",
        params={"kind": "stage_1_response"},
        headers={**crm, "Accept": "text/html"},
    )
    assert preview.status_code == 200, preview.text
    assert preview.headers["content-type"].startswith("text/html")
    assert preview.headers["x-letter-template"] == "builtin:0"
    assert "Service the boiler, by Friday 30 January 2026" in preview.text
    # Who owns an action is internal: never in a letter.
    assert "Heating team" not in preview.text

    issued = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={
            "kind": "stage_1_response",
            "method": "letter",
            "occurred_at": "2026-01-08T16:00:00Z",
        },
        headers=crm,
    )
    assert issued.status_code == 201, issued.text
    letter = issued.json()
    assert (letter["kind"], letter["stage"], letter["template"]) == (
        "stage_1_response", 1, {"id": "builtin", "version": 0},
    )  # fmt: skip
    assert issued.headers["location"] == letter["href"]

    # The hash is in the event, and so in the chain the audit verifies.
    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    recorded = events[-1]
    assert recorded["type"] == "letter_issued"
    assert recorded["data"]["sha256"] == letter["sha256"]
    assert recorded["previous_hash"] == events[-2]["hash"]
    analyst = await _headers(make_key, Role.analyst)
    verified = (await client.get("/v1/audit/verify", headers=analyst)).json()
    assert verified["ok"] is True

    # Read again later: the same bytes as were hashed, showing the Code's content.
    pdf = await client.get(letter["href"], headers={**crm, "Accept": "application/pdf"})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == letter["sha256"]
    assert pdf.headers["x-letter-matches-issued"] == "true"
    text = _pdf_text(pdf.content)
    shown = (
        "stage 1", "We have upheld your complaint.", "missed two visits", "Putting things right",
        "What is still to be done", "stage 2", "Housing Ombudsman Service", "0300 111 3000",
        "Thursday 8 January 2026",
    )  # fmt: skip
    for words in shown:
        assert words in text, words

    listed = (await client.get(f"/v1/complaints/{cid}/letters", headers=analyst)).json()
    assert [i["sha256"] for i in listed["items"]] == [letter["sha256"]]


async def test_the_acknowledgement_gives_the_date_after_christmas_and_new_year(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    ack = await append(client, crm, cid, "acknowledged", "2025-12-23T09:00:00Z")
    assert ack.status_code == 201
    html = await client.get(
        f"/v1/complaints/{cid}/letters/preview", params={"kind": "acknowledgement"}, headers=crm
    )
    assert html.status_code == 200, html.text
    assert "We will send you our response by Friday 9 January 2026." in html.text


async def test_a_letter_waits_for_its_fact(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    cid = (await log(client, crm))["id"]
    refused = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "stage_1_response", "method": "email"},
        headers=crm,
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:redress:problem:letter-not-issuable"
    assert "record responded at stage 1" in problem["detail"]
    versions = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    assert len(versions) == 1  # nothing written


async def test_a_landlord_template_lacking_a_part_is_refused_with_the_parts_named(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    admin = await _headers(make_key, Role.admin)
    lacking = (
        '{% extends "base.html" %}{% block body %}'
        "<p data-part='stage'>Stage {{ stage.number }}</p>"
        "<p data-part='complaint'>{{ complaint.description }}</p>"
        "<p data-part='decision'>{{ response.decision }}</p>"
        "<p data-part='reasons'>{{ response.reasons }}</p>{% endblock %}"
    )
    refused = await client.post(
        f"/v1/landlords/{LANDLORD}/letter-templates",
        json={"kind": "stage_1_response", "source": lacking}, headers=admin,
    )  # fmt: skip
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:redress:problem:letter-incomplete"
    assert problem["missing"] == ["remedy", "outstanding_actions", "escalation", "ombudsman"]
    assert problem["code_sections"] == "6.9 a-g"

    broken = await client.post(
        f"/v1/landlords/{LANDLORD}/letter-templates",
        json={"kind": "stage_1_response", "source": "{{ ''.__class__.__mro__ }}"}, headers=admin,
    )  # fmt: skip
    assert broken.status_code == 422
    assert broken.json()["type"] == "urn:redress:problem:letter-template-invalid"
    fetching = lacking.replace("{% endblock %}", '<img src="file:///etc/hostname">{% endblock %}')
    refused_fetch = await client.post(
        f"/v1/landlords/{LANDLORD}/letter-templates",
        json={"kind": "decline", "source": fetching}, headers=admin,
    )  # fmt: skip
    assert refused_fetch.status_code == 422


async def test_a_landlord_s_own_template_is_used_and_recorded(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    admin = await _headers(make_key, Role.admin)
    source = (
        '{% extends "base.html" %}{% block body %}<h1>North Homes: stage {{ stage.number }}</h1>'
        '{% include "_response.html" %}{% include "_ombudsman.html" %}{% endblock %}'
    )
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/letter-templates",
        json={"kind": "stage_1_response", "source": source}, headers=admin,
    )  # fmt: skip
    assert published.status_code == 201, published.text
    assert (published.json()["version"], published.json()["in_use"]) == (1, True)
    cid = (await _responded(client, crm))["id"]
    issued = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "stage_1_response", "method": "email"},
        headers=crm,
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["template"] == {"id": LANDLORD, "version": 1}
    html = await client.get(issued.json()["href"], headers={**crm, "Accept": "text/html"})
    assert "North Homes: stage 1" in html.text

    listed = (await client.get(f"/v1/landlords/{LANDLORD}/letter-templates", headers=crm)).json()
    mine = [(t["kind"], t["version"], t["in_use"]) for t in listed["items"]
            if t["kind"] == "stage_1_response"]  # fmt: skip
    assert mine == [("stage_1_response", 0, False), ("stage_1_response", 1, True)]
    history = (await client.get(f"/v1/landlords/{LANDLORD}/events", headers=admin)).json()
    assert history["items"][-1]["letter_template"] == {"kind": "stage_1_response", "version": 1}
    assert history["items"][-1]["changes"] == {}


async def test_a_template_that_drops_a_part_on_this_complaint_s_facts_is_refused_at_issue(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    admin = await _headers(make_key, Role.admin)
    source = (
        '{% extends "base.html" %}{% block body %}'
        "<p data-part='stage'>Stage {{ stage.number }}</p>"
        "<p data-part='extension'>{{ extension.new_date }}</p>"
        "{% if extension.explanation|length > 30 %}"
        "<p data-part='ombudsman'>{{ ombudsman.phone }}</p>{% endif %}{% endblock %}"
    )
    published = await client.post(
        f"/v1/landlords/{LANDLORD}/letter-templates",
        json={"kind": "extension", "source": source}, headers=admin,
    )  # fmt: skip
    assert published.status_code == 201, published.text
    cid = (await log(client, crm))["id"]
    for event_type, at, fields in [
        ("acknowledged", "2025-12-23T09:00:00Z", {}),
        ("extension_agreed", "2026-01-07T09:00:00Z",
         {"response_due": "2026-01-16", "reason": "third_party", "explanation": "Roofer."}),
    ]:  # fmt: skip
        assert (await append(client, crm, cid, event_type, at, **fields)).status_code == 201
    refused = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "extension", "method": "letter"},
        headers=crm,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["missing"] == ["ombudsman"]


async def test_who_may_see_letters(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = (await _responded(client, crm))["id"]
    issued = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "stage_1_response", "method": "email"},
        headers=crm,
    )
    href = issued.json()["href"]
    analyst = await _headers(make_key, Role.analyst)
    assert (await client.get(href, headers=analyst)).status_code == 403
    preview = f"/v1/complaints/{cid}/letters/preview?kind=stage_1_response"
    assert (await client.get(preview, headers=analyst)).status_code == 403
    portal = await _headers(make_key, Role.portal, **{"X-Resident-Id": RESIDENT["resident_id"]})
    mine = await client.get(href, headers={**portal, "Accept": "application/pdf"})
    assert mine.status_code == 200
    assert mine.headers["x-letter-matches-issued"] == "true"
    assert (await client.get(preview, headers=portal)).status_code == 403
    other = await _headers(make_key, Role.portal, **{"X-Resident-Id": "R-9999"})
    assert (await client.get(href, headers=other)).status_code == 404
    wrong = await client.get(href, headers={**crm, "Accept": "image/png"})
    assert wrong.status_code == 406
    not_a_letter = await client.get(f"/v1/complaints/{cid}/letters/1", headers=crm)
    assert not_a_letter.status_code == 404


async def test_after_erasure_no_letter_gives_the_person_back(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = (await _responded(client, crm))["id"]
    issued = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "stage_1_response", "method": "letter"},
        headers=crm,
    )
    letter = issued.json()
    admin = await _headers(make_key, Role.admin)
    erased = await client.post(
        f"/v1/complaints/{cid}/erasure", json={"reason": "request"}, headers=admin
    )
    assert erased.status_code in (200, 201), erased.text
    secrets = [
        RESIDENT["name"], "Nowhere Lane", "ZZ9 9ZZ", "boiler has failed", "missed two visits",
        "Service the boiler",
    ]  # fmt: skip
    html = await client.get(letter["href"], headers={**crm, "Accept": "text/html"})
    pdf = await client.get(letter["href"], headers={**crm, "Accept": "application/pdf"})
    assert html.status_code == pdf.status_code == 200
    text = _pdf_text(pdf.content)
    for secret in secrets:
        assert secret not in html.text, secret
        assert secret not in text, secret
    assert "[erased]" in text
    # The record stays: the hash sent, which these bytes no longer match.
    assert pdf.headers["x-letter-sha256"] == letter["sha256"]
    assert pdf.headers["x-letter-matches-issued"] == "false"
    again = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "stage_1_response", "method": "letter"},
        headers=crm,
    )
    assert again.status_code == 409
    preview = await client.get(
        f"/v1/complaints/{cid}/letters/preview", params={"kind": "stage_1_response"}, headers=crm
    )
    assert preview.status_code == 409


async def test_issuing_is_retry_safe_and_guarded_by_if_match(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    complaint = await _responded(client, crm)
    cid = complaint["id"]
    url = f"/v1/complaints/{cid}/letters"
    body = {"kind": "stage_1_response", "method": "email"}
    stale = await client.post(url, json=body, headers={**crm, "If-Match": '"2"'})
    assert stale.status_code == 412, stale.text
    retry = {**crm, "Idempotency-Key": "letter-1", "If-Match": '"4"'}
    first = await client.post(url, json=body, headers=retry)
    again = await client.post(url, json=body, headers=retry)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    listed = (await client.get(url, headers=crm)).json()["items"]
    assert len(listed) == 1


async def test_the_evidence_pack_holds_every_letter_as_issued(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await _responded(client, crm))["id"]
    body = {"kind": "stage_1_response", "method": "letter", "occurred_at": "2026-01-08T16:00:00Z"}
    issued = await client.post(f"/v1/complaints/{cid}/letters", json=body, headers=crm)
    assert issued.status_code == 201, issued.text
    letter = issued.json()
    pack = (await client.get(f"/v1/complaints/{cid}/evidence-pack", headers=crm)).content
    with zipfile.ZipFile(io.BytesIO(pack)) as zipped:
        version = letter["version"]
        pdf = zipped.read(f"letters/{version:04d}-stage_1_response.pdf")
        record = orjson.loads(zipped.read(f"letters/{version:04d}-letter.json"))
    # The letter rendered again from the log is the letter sent: its hash is the recorded one.
    assert hashlib.sha256(pdf).hexdigest() == letter["sha256"] == record["data"]["sha256"]
    assert record["rendered_again_matches_issued"] is True
    assert "Housing Ombudsman" in _pdf_text(pdf)
    assert verify(pack) == []
