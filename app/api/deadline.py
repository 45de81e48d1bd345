"""A deadline on every request, so that no wait the database's own timeouts miss (a pooled
connection's rollback on a silent network, several timeouts in a row) can hold a client.

The work runs in a task of its own; at the deadline the client is answered and the task is
cancelled but not awaited, because its clean-up (a rollback) may itself wait on the silent network.
Its transaction is never committed: the connection is dropped and the database rolls it back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import database_unavailable
from app.api.follow import MAX_WAIT

T = TypeVar("T")

log = logging.getLogger("redress.api")

# Abandoned tasks are kept here until they finish, so none is garbage-collected while running.
_abandoned: set[asyncio.Task[Any]] = set()


def _abandon(task: asyncio.Task[Any]) -> None:
    task.cancel()
    _abandoned.add(task)
    task.add_done_callback(_forget)


def _forget(task: asyncio.Task[Any]) -> None:
    _abandoned.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.info("abandoned request ended with %s", type(task.exception()).__name__)


def _waits(scope: Scope) -> float:
    """The seconds a follower asked to wait for the next event (`GET /v1/events?wait=S`, which
    the route bounds): its request's deadline starts after them."""
    if scope.get("path") != "/v1/events":
        return 0.0
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("wait", [""])[-1]
    return float(min(int(asked), MAX_WAIT)) if asked.isdigit() else 0.0


async def within(seconds: float, work: Coroutine[Any, Any, T]) -> T:
    """`work`'s result, or TimeoutError after `seconds` without waiting for `work` to unwind
    (unlike `asyncio.wait_for`, which waits for the cancelled work's clean-up)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        _abandon(task)
        raise TimeoutError
    return task.result()


class Deadline:
    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()
        abandoned = False

        async def guarded_send(message: Message) -> None:
            if abandoned:
                return  # the client already has its 503
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        work = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        starting = asyncio.ensure_future(started.wait())
        try:
            # Only the wait for the response to start is bounded: a streamed export may run long.
            await asyncio.wait(
                {work, starting},
                timeout=self.seconds + _waits(scope),
                return_when="FIRST_COMPLETED",
            )
        except BaseException:
            work.cancel()
            raise
        finally:
            starting.cancel()
        if work.done() or started.is_set():
            await work
            return
        abandoned = True
        _abandon(work)
        log.warning("request deadline of %ss passed on %s", self.seconds, scope.get("path", ""))
        await database_unavailable(
            f"The request did not complete within {self.seconds:g} seconds, most likely because "
            "the database did not answer; retry after the number of seconds in Retry-After.",
            instance=scope.get("path"),
        )(scope, receive, send)
