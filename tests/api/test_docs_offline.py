"""`/docs` and `/redoc` load everything from the service itself: they work without internet."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.asyncio
# The pages' scripts, styles, icon and the spec they load.
LINK = r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']"""


async def test_the_docs_pages_need_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        response = await client.get(page)
        assert response.status_code == 200, page
        links = re.findall(
            r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""", response.text
        )
        urls = [u for pair in links for u in pair if u]
        assert urls, page
        assert [u for u in urls if u.startswith(("http:", "https:", "//"))] == [], page
        for url in urls:
            asset = await client.get(url)
            assert asset.status_code == 200, (page, url)
