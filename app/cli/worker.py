"""`redress worker`: deliver webhooks and raise deadline alerts, beside the API (any number of
workers at once: each subscription is delivered by one at a time)."""

from __future__ import annotations

import asyncio
import logging.config
import signal

from app.db import service_engine
from app.events.factory import make_store
from app.logs import log_config
from app.settings import Settings
from app.worker import run as worker


def work() -> None:
    """Deliver webhooks and raise deadline alerts until stopped (Ctrl-C or SIGTERM)."""
    settings = Settings()
    logging.config.dictConfig(log_config(settings.log_level, settings.log_format))
    asyncio.run(_work(settings))


async def _work(settings: Settings) -> None:
    engine = service_engine(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await worker.run(engine, make_store(settings), settings, stop)
    finally:
        await engine.dispose()
