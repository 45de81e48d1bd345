"""The same-run references of the offline benches: the least work each measured operation must do,
straight through asyncpg, so their ratio says what Redress's own code costs on this machine."""

from __future__ import annotations

import time

import asyncpg
import orjson

from app.domain.reporting.period import Period
from bench.common import dsn


async def raw_select(url: str, batch_size: int) -> tuple[int, float]:
    """The least a rebuild must do: read every event, in order, in batches. Returns (events, s)."""
    connection = await asyncpg.connect(dsn(url))
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            started, count = time.perf_counter(), 0
            query = "SELECT * FROM events ORDER BY position"
            async for _ in connection.cursor(query, prefetch=batch_size):
                count += 1
            return count, time.perf_counter() - started
    finally:
        await connection.close()


async def raw_decode(url: str, batch_size: int) -> tuple[int, float]:
    """The least an export must do: read every event in position order and decode its JSON
    (asyncpg hands jsonb over as text). Returns (events, s)."""
    connection = await asyncpg.connect(dsn(url))
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            started, count = time.perf_counter(), 0
            query = "SELECT * FROM events ORDER BY position"
            async for row in connection.cursor(query, prefetch=batch_size):
                orjson.loads(row["data"])
                orjson.loads(row["metadata"])
                count += 1
            return count, time.perf_counter() - started
    finally:
        await connection.close()


RELEVANT = """WITH relevant AS (SELECT id FROM report_complaints WHERE landlord = $1
    AND received_date < $3 AND (last_date >= $2 OR ended_at IS NULL))"""


async def raw_read(url: str, landlord: str, year: Period) -> float:
    """The reference: read the rows the reports of `year` select, and nothing more; best of three
    after a cold run, in seconds."""
    connection = await asyncpg.connect(dsn(url))
    runs = []
    try:
        for _ in range(4):
            started = time.perf_counter()
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                for query in (
                    "SELECT * FROM report_complaints WHERE id IN (SELECT id FROM relevant)",
                    "SELECT * FROM report_stages WHERE complaint_id IN (SELECT id FROM relevant)",
                    "SELECT * FROM report_items WHERE complaint_id IN (SELECT id FROM relevant)",
                ):
                    await connection.fetch(f"{RELEVANT} {query}", landlord, year.start, year.end)
            runs.append(time.perf_counter() - started)
    finally:
        await connection.close()
    best = min(runs[1:])
    print(f"raw read of the reporting rows: first {runs[0]:.3f} s, best of three {best:.3f} s")
    return best
