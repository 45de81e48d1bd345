"""A stage 1 response under hoc-2024, issued over HTTP, looked at as a picture: its PDF opens,
is rasterised headless (pdfium) to artifacts/screenshots/, and its text shows what the Code
requires. And `redress letters render` writes the same bytes as were hashed."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import httpx
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from app.cli import cli
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio

SCREENSHOTS = Path("artifacts/screenshots")
# The Code's 6.9 a-g, as the built-in letter words them, and the Ombudsman's details.
CODE_CONTENT = (
    "stage 1 of our complaints procedure",  # a. the stage
    "We understand your complaint to be",  # b. the definition
    "Our decision",  # c.
    "We have upheld your complaint in part.",
    "Our reasons",  # d.
    "Putting things right",  # e. the remedy
    "£120.00 compensation",
    "What is still to be done",  # f. outstanding actions
    "Replace the extractor fan, by Friday 16 January 2026",
    "If you are not satisfied",  # g. how to escalate
    "take your complaint to stage 2",
    "Housing Ombudsman Service",
    "0300 111 3000",
)


async def _issued(client: httpx.AsyncClient, crm: dict[str, str]) -> tuple[str, dict[str, str]]:
    cid = (await log(client, crm))["id"]
    steps: list[tuple[str, str, dict[str, object]]] = [
        ("acknowledged", "2025-12-23T09:00:00Z", {}),
        ("action_agreed", "2026-01-05T10:00:00Z",
         {"action_id": "A-7", "description": "Replace the extractor fan", "due": "2026-01-16"}),
        ("compensation_offered", "2026-01-06T10:00:00Z",
         {"offer_id": "C-1", "amount_pence": 12_000, "kind": "time_and_trouble",
          "reason": "Three weeks without heating over Christmas"}),
        ("responded", "2026-01-08T15:00:00Z",
         {"outcome": "partly_upheld", "summary": "The repair was late; the diagnosis was right.",
          "remedies": ["repair", "compensation"], "escalation_rights_signposted": True,
          "ombudsman_signposted": True}),
    ]  # fmt: skip
    for event_type, at, fields in steps:
        assert (await append(client, crm, cid, event_type, at, **fields)).status_code == 201
    issued = await client.post(
        f"/v1/complaints/{cid}/letters",
        json={"kind": "stage_1_response", "method": "letter",
              "occurred_at": "2026-01-08T16:00:00Z"},
        headers=crm,
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    return cid, issued.json()


def _rasterise(pdf: bytes, name: str) -> tuple[str, list[Path]]:
    """The PDF's text, and one PNG a page (A4 at 110 dpi)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(pdf)
    texts, shots = [], []
    try:
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            # A4, in millimetres.
            assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
            image = page.render(scale=110 / 72).to_pil().convert("L")
            # A letter, not a blank page: a good share of the page is ink.
            inked = sum(image.histogram()[:128]) / (image.width * image.height)
            assert inked > 0.005, (number, inked)
            shot = SCREENSHOTS / f"{name}-page-{number}.png"
            image.save(shot)
            shots.append(shot)
            texts.append(page.get_textpage().get_text_range())
    finally:
        document.close()
    return "\n".join(texts), shots


async def test_a_stage_1_response_pdf_shows_the_code_s_content(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    _, letter = await _issued(client, crm)
    pdf = await client.get(letter["href"], headers={**crm, "Accept": "application/pdf"})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert hashlib.sha256(pdf.content).hexdigest() == letter["sha256"]
    text, shots = await asyncio.to_thread(_rasterise, pdf.content, "letter-stage-1-response")
    assert shots
    flat = " ".join(text.split())
    for words in CODE_CONTENT:
        assert words in flat, words


async def test_the_command_renders_the_issued_letter_and_a_preview(
    client: httpx.AsyncClient, crm: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    cid, letter = await _issued(client, crm)
    env = {"REDRESS_DATABASE_URL": database_url}
    sent = tmp_path / "sent.pdf"
    again = await asyncio.to_thread(
        CliRunner().invoke, cli,
        ["letters", "render", cid, "--issued", str(letter["version"]), "--output", str(sent)],
        env=env,
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert hashlib.sha256(sent.read_bytes()).hexdigest() == letter["sha256"]
    assert "sha256 matches" in again.output
    preview = tmp_path / "ack.html"
    made = await asyncio.to_thread(
        CliRunner().invoke, cli,
        ["letters", "render", cid, "--kind", "acknowledgement", "--format", "html",
         "--output", str(preview)],
        env=env,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Friday 9 January 2026" in preview.read_text(encoding="utf-8")
    refused = await asyncio.to_thread(
        CliRunner().invoke, cli,
        ["letters", "render", cid, "--kind", "decline", "--output", str(tmp_path / "no.pdf")],
        env=env,
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "letter-not-issuable" in refused.output
