"""The request deadline: a request whose response has not started by then is answered 503 and its
work abandoned; a response that has started (a streamed export) is never cut."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app.api.deadline import Deadline, within

pytestmark = pytest.mark.asyncio


async def stuck(request: Request) -> Response:
    try:
        await asyncio.sleep(30)
    finally:
        # A clean-up that itself waits (a rollback on a silent network) must not hold the client.
        await asyncio.sleep(1.0)
    return PlainTextResponse("late")


async def streamed(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            await asyncio.sleep(0.2)
            yield b"chunk\n"

    return StreamingResponse(chunks())


APP = Deadline(
    Starlette(routes=[Route("/stuck", stuck), Route("/streamed", streamed)]), seconds=0.3
)


async def test_a_request_past_its_deadline_is_answered_503_with_retry_after() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(APP), base_url="http://t") as http:
        started = time.monotonic()
        response = await http.get("/stuck")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503
    assert response.json()["type"] == "urn:redress:problem:database-unavailable"
    assert response.headers["Retry-After"]


async def test_a_response_that_has_started_runs_past_the_deadline() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(APP), base_url="http://t") as http:
        response = await http.get("/streamed")
    assert response.status_code == 200
    assert response.text == "chunk\n" * 3


async def test_within_gives_up_without_waiting_for_the_work_to_unwind() -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await within(0.1, stuck(Request({"type": "http"})))
    assert time.monotonic() - started < 0.5
