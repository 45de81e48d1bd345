"""`rebuild --check` on PostgreSQL across processes: the complaint streams split into ranges of
whole streams, one process each, all reading one snapshot.

The check is bound by Python (decoding, folding, clocks, report facts), so one process uses one
core. The coordinator opens the snapshot, checks the landlords and the rows no events support,
exports its snapshot (`pg_export_snapshot`) and splits the streams at their quantiles; each worker
imports that snapshot, so every process compares the same log with the same projection, and folds
its range. Workers write nothing and send back their counts, their differences (the first
`MAX_LISTED`) and their progress. `apply` stays in one process and one transaction: it holds the
projection's lock while it writes, and a worker in another transaction would wait on it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.queues import Queue

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import create_engine
from app.events.keyring import Keyring
from app.events.scan import BATCH_SIZE, snapshot
from app.services import rebuild
from app.services.rebuild import Difference, Mode, Progress, RebuildReport

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")
_progress: Queue[int] | None = None  # a worker's channel to the coordinator's progress bar


@dataclass
class Part:
    events: int = 0
    complaints: int = 0
    differences: int = 0
    listed: list[Difference] = field(default_factory=list)


async def check(
    url: str,
    *,
    workers: int,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    master_key: bytes | None = None,
) -> RebuildReport:
    """`rebuild(conn, Mode.check)` of the database at `url` in `workers` processes. With
    `master_key`, the sealed state documents are compared too (each worker opens its own keyring).
    """
    report = RebuildReport(Mode.check)
    engine = create_engine(url, pool_size=1)
    try:
        async with snapshot(engine) as conn:
            await rebuild.rebuild_landlords(conn, report)
            await rebuild.rebuild_feedback_rows(conn, report)
            await rebuild.remove_extra(conn, report)
            exported = (await conn.execute(sa.text("SELECT pg_export_snapshot()"))).scalar_one()
            bounds = await _split(conn, workers)
            # The snapshot lives as long as this transaction: the workers run inside it.
            parts = await _run(url, str(exported), bounds, batch_size, progress, master_key)
    finally:
        await engine.dispose()
    for part in parts:
        report.events += part.events
        report.complaints += part.complaints
        report.differences += part.differences
        report.listed += part.listed[: rebuild.MAX_LISTED - len(report.listed)]
    return report


async def _split(conn: AsyncConnection, workers: int) -> list[str | None]:
    """`workers + 1` bounds: None, the stream ids at the event count's quantiles, None."""
    total = await rebuild.count_events(conn)
    inner: list[str | None] = []
    for k in range(1, workers):
        query = sa.text(
            "SELECT stream_id FROM events ORDER BY stream_id, version OFFSET :skip LIMIT 1"
        )
        found = (await conn.execute(query, {"skip": total * k // workers})).scalar_one_or_none()
        if found is not None and (not inner or found != inner[-1]):
            inner.append(str(found))
    return [None, *inner, None]


async def _run(
    url: str,
    exported: str,
    bounds: list[str | None],
    batch_size: int,
    progress: Progress | None,
    master_key: bytes | None,
) -> list[Part]:
    # `spawn`: a fresh interpreter, not a fork of one with a running event loop and open sockets.
    context = multiprocessing.get_context("spawn")
    queue: Queue[int] = context.Queue()
    ranges = list(pairwise(bounds))
    with ProcessPoolExecutor(
        len(ranges), mp_context=context, initializer=_listen, initargs=(queue,)
    ) as pool:
        futures: list[Future[Part]] = [
            pool.submit(_worker, url, exported, start, stop, batch_size, master_key)
            for start, stop in ranges
        ]
        while not all(f.done() for f in futures):
            await asyncio.sleep(0.05)
            _drain(queue, progress)
        _drain(queue, progress)
        return [f.result() for f in futures]


def _drain(queue: Queue[int], progress: Progress | None) -> None:
    while not queue.empty():
        n = queue.get()
        if progress is not None:
            progress(n)


def _listen(queue: Queue[int]) -> None:
    global _progress
    _progress = queue


def _worker(
    url: str,
    exported: str,
    start: str | None,
    stop: str | None,
    batch_size: int,
    master_key: bytes | None,
) -> Part:
    return asyncio.run(_fold_part(url, exported, start, stop, batch_size, master_key))


async def _fold_part(
    url: str,
    exported: str,
    start: str | None,
    stop: str | None,
    batch_size: int,
    master_key: bytes | None,
) -> Part:
    report = RebuildReport(Mode.check)
    engine = create_engine(url, pool_size=1)
    try:
        async with snapshot(engine) as conn:
            # Must be the transaction's first statement: the coordinator's snapshot, not a new one.
            if not _SNAPSHOT_ID.fullmatch(exported):
                raise ValueError("not a snapshot id PostgreSQL exports")
            await conn.execute(sa.text(f"SET TRANSACTION SNAPSHOT '{exported}'"))
            catalog = await rebuild.rebuild_landlords(conn, RebuildReport(Mode.check))
            await rebuild.fold_streams(
                conn,
                report,
                catalog,
                keyring=None if master_key is None else Keyring(master_key),
                batch_size=batch_size,
                progress=None if _progress is None else _progress.put,
                start=start,
                stop=stop,
            )
    finally:
        await engine.dispose()
    return Part(report.events, report.complaints, report.differences, report.listed)
