"""Long polling on the feed (`GET /v1/events?after=P&wait=S`): a follower with nothing new waits,
up to `wait` seconds, for the next event instead of asking again and again.

While it waits it holds no database connection. It looks again when this process commits a write
(`Appended.notify`, from app/api/writes.py) and, for writes made by other processes or read from a
replica that lags, every `LOOK_AGAIN` seconds: a cheap indexed query, not a busy loop."""

from __future__ import annotations

import asyncio
import contextlib

LOOK_AGAIN = 0.5  # seconds between looks while waiting, for other processes' writes
MAX_WAIT = 60  # seconds a follower may ask to wait


class Appended:
    """Wakes the followers waiting in this process when it commits a write."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seconds: float) -> None:
        """Until the next notify, or `seconds`."""
        if seconds <= 0:
            return
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()
