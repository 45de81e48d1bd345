"""What a person sees, in a real browser: Debian's Chromium, headless, driven by Playwright. `/docs`
renders its operations with no internet, takes a key in Authorize and runs a request; the annual
page draws its charts. Screenshots are kept in artifacts/screenshots/ (scripts/test.sh installs
Chromium when it is missing; run alone without it, the test says it was skipped and why)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio

CHROMIUM = shutil.which("chromium")
SCREENSHOTS = Path("artifacts/screenshots")


async def test_docs_and_the_annual_page_in_a_real_browser(
    server_url: str, client: httpx.AsyncClient, make_key: MakeKey, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("what the browser shows does not depend on the database: once is enough")
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (scripts/ensure-chromium.sh installs it)")
    crm = {"Authorization": f"Bearer {await make_key(Role.crm)}"}
    analyst = await make_key(Role.analyst)
    complaint = await log(client, crm)
    await append(client, crm, complaint["id"], "acknowledged", "2025-12-22T10:00:00Z")
    await asyncio.to_thread(SCREENSHOTS.mkdir, parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 1600})
            # Nothing may come from elsewhere: every request the page makes is to the service.
            elsewhere: list[str] = []
            page.on(
                "request",
                lambda request: (
                    None if request.url.startswith(server_url) else elsewhere.append(request.url)
                ),
            )
            await page.goto(f"{server_url}/docs")
            operations = page.locator(".opblock")
            await expect(operations.first).to_be_visible(timeout=20_000)
            assert await operations.count() > 20
            await page.locator("button.authorize").first.click()
            await page.locator(".modal-ux input").first.fill(crm["Authorization"].split()[1])
            await page.locator(".modal-ux button.authorize").click()
            await page.locator(".modal-ux button.btn-done").click()
            listing = page.locator(".opblock-get").filter(
                has=page.locator('.opblock-summary-path[data-path="/v1/complaints"]')
            )
            await listing.locator(".opblock-summary").click()
            await listing.locator("button.try-out__btn").click()
            await listing.locator("button.execute").click()
            status = listing.locator(".live-responses-table tr.response .response-col_status")
            await expect(status).to_have_text("200", timeout=20_000)
            assert (
                complaint["reference"] in await listing.locator(".responses-wrapper").inner_text()
            )
            await page.screenshot(path=str(SCREENSHOTS / "docs.png"), full_page=False)
            assert elsewhere == []

            await page.set_extra_http_headers({"Authorization": f"Bearer {analyst}"})
            await page.goto(f"{server_url}/v1/reports/annual?year=2025&format=html")
            await expect(page.locator("h1")).to_have_text(
                "Annual complaints performance and service improvement report"
            )
            assert await page.locator("svg rect").count() > 0  # charts, drawn
            await page.screenshot(path=str(SCREENSHOTS / "annual.png"), full_page=True)
        finally:
            await browser.close()
