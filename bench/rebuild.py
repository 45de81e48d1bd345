"""Rebuild throughput and peak memory on PostgreSQL, for a generated log of N events.

    .venv/bin/python -m bench.rebuild [--events 1000000] [--workers N] [--keep] [--tiny]

It creates a scratch database and migrates it, logs the demo scenarios through the service once
(a template of real complaints), then copies the template with new ids and references until the
log holds N events. The copies are written with COPY, each event with its correct hash chain, and
their projection rows alongside. Then, in a fresh child process (so the generator's memory does not
count), it times the equivalent of `redress rebuild --check` and prints events per second and the
child's peak RSS. The check must find no difference. Its same-run reference is a raw `SELECT` of
every event in position order through asyncpg (no JSON decoding), best of one run before and one
after the rebuild; the ratio line is the rebuild's events/s over the reference's. The check runs in
`--workers` processes (one per core by default, as `redress rebuild --check` does), the streams
split between them. The database is dropped unless --keep. --tiny runs a few hundred events (the
test suite runs it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence

import asyncpg
import orjson
import sqlalchemy as sa

from app.db import create_engine, reading
from app.demo.load import load_demo
from app.events.scan import snapshot
from app.events.sql import SqlEventStore
from app.events.store import JsonValue, StoredEvent
from app.events.tables import events
from app.projections.owners import PREFIXED
from app.projections.reports import OWNER
from app.projections.reports import TABLES as REPORT_TABLES
from app.projections.tables import complaints
from app.services import rebuild_parallel
from app.services.rebuild import Mode, rebuild
from bench.common import (
    chained_copy,
    copy_jsonb_as_text,
    dsn,
    generated_log,
    ratio_line,
)
from bench.raw import raw_select

LANDLORD = "bench-homes"
COPY_ROWS = 20_000
COLUMNS = {t.name: [c.name for c in t.columns] for t in (events, complaints, *REPORT_TABLES)}


class Template:
    """Real complaints logged through the service: their streams, complaint rows and reporting rows
    (by table), which the generator copies with new ids and references."""

    def __init__(self) -> None:
        self.streams: list[list[StoredEvent]] = []
        self.rows: list[dict[str, object]] = []
        self.reports: list[dict[str, list[dict[str, object]]]] = []
        self.next_position = 1


async def _template(url: str) -> Template:
    engine = create_engine(url)
    store = SqlEventStore()
    template = Template()
    try:
        await load_demo(engine, store, landlord=LANDLORD, copies=1)
        async with reading(engine) as conn:
            template.rows = [
                dict(row._mapping)
                for row in await conn.execute(sa.select(complaints).order_by(complaints.c.id))
            ]
            ids = [str(row["id"]) for row in template.rows]
            streams = await store.read_streams(conn, ids)
            template.streams = [streams[id_] for id_ in ids]
            by_owner: dict[str, dict[str, list[dict[str, object]]]] = {
                id_: {t.name: [] for t in REPORT_TABLES} for id_ in ids
            }
            for table in REPORT_TABLES:
                for row in await conn.execute(sa.select(table)):
                    record = dict(row._mapping)
                    by_owner[str(record[OWNER[table.name]])][table.name].append(record)
            template.reports = [by_owner[id_] for id_ in ids]
        # The template is copied below with fresh positions; remove the originals (the landlord's
        # stream stays, as the rebuild checks its projection too).
        async with engine.begin() as conn:
            for table in REPORT_TABLES:
                await conn.execute(sa.delete(table))
            await conn.execute(sa.delete(complaints))
            await conn.execute(sa.delete(events).where(events.c.stream_id.in_(ids)))
            # The demo's compliments, comments, enquiries and contact restrictions go too: the
            # bench is of complaints, and the log it copies onto must have no gap where the
            # complaints were.
            for table, prefix in PREFIXED:
                await conn.execute(sa.delete(table))
                await conn.execute(sa.delete(events).where(events.c.stream_id.like(f"{prefix}%")))
            last = (await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar()
            template.next_position = int(last or 0) + 1
    finally:
        await engine.dispose()
    return template


def _copy_reports(
    reports: dict[str, list[dict[str, object]]], complaint_id: str
) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    for table in REPORT_TABLES:
        owner = OWNER[table.name]
        out[table.name] = [
            tuple(
                complaint_id
                if col.name == owner
                # COPY's jsonb codec below takes JSON text.
                else orjson.dumps(row[col.name]).decode()
                if isinstance(col.type, sa.JSON)
                else row[col.name]
                for col in table.columns
            )
            for row in reports[table.name]
        ]
    return out


def _copy_stream(
    template: Sequence[StoredEvent], complaint_id: str, reference: str, first_position: int
) -> list[tuple[object, ...]]:
    def data_of(event: StoredEvent) -> dict[str, JsonValue]:
        data = dict(event.data)
        if event.type == "logged":
            data["reference"] = reference
        return data

    rows = chained_copy(template, complaint_id, data_of)
    return [
        tuple({**row, "position": first_position + offset}[name] for name in COLUMNS["events"])
        for offset, row in enumerate(rows)
    ]


async def generate(url: str, target: int) -> tuple[int, int]:
    """Fill the database with at least `target` events; returns (events, complaints)."""
    template = await _template(url)
    connection = await asyncpg.connect(dsn(url))
    position, written, count = template.next_position, 0, 0
    pending: dict[str, list[tuple[object, ...]]] = {name: [] for name in COLUMNS}

    async def flush() -> None:
        for name, records in pending.items():
            if records:
                await connection.copy_records_to_table(name, records=records, columns=COLUMNS[name])
                records.clear()

    try:
        await copy_jsonb_as_text(connection)
        while written < target:
            for stream, row, reports in zip(
                template.streams, template.rows, template.reports, strict=True
            ):
                count += 1
                complaint_id = str(uuid.uuid4())
                reference = f"B-{count:09d}"
                copied = _copy_stream(stream, complaint_id, reference, position)
                pending["events"] += copied
                position += len(stream)
                written += len(stream)
                head_hash = copied[-1][COLUMNS["events"].index("hash")]
                copy = {**row, "id": complaint_id, "reference": reference, "head_hash": head_hash}
                pending["complaints"].append(tuple(copy[name] for name in COLUMNS["complaints"]))
                for name, records in _copy_reports(reports, complaint_id).items():
                    pending[name] += records
                if len(pending["events"]) >= COPY_ROWS:
                    await flush()
                    print(f"  {written} events", end="\r", file=sys.stderr, flush=True)
                if written >= target:
                    break
        await flush()
        # The events went in by COPY: the counter the next append takes positions from follows.
        await connection.execute(
            "INSERT INTO event_positions (id, last_position) SELECT 1, max(position) FROM events "
            "ON CONFLICT (id) DO UPDATE SET last_position = EXCLUDED.last_position"
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return written, count


async def measure(url: str, batch_size: int, workers: int) -> None:
    before = await raw_select(url, batch_size)
    started = time.perf_counter()
    if workers > 1:
        report = await rebuild_parallel.check(url, workers=workers, batch_size=batch_size)
    else:
        engine = create_engine(url)
        try:
            async with snapshot(engine) as conn:
                report = await rebuild(conn, Mode.check, batch_size=batch_size)
        finally:
            await engine.dispose()
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    memory = f"peak RSS {peak_mib:.0f} MiB" + (
        f" (coordinator), {worker_mib:.0f} MiB (largest worker)" if workers > 1 else ""
    )
    print(
        f"rebuild --check in {workers} process(es): {report.events} events, "
        f"{report.complaints} complaints, {report.differences} differences in {elapsed:.1f} s = "
        f"{report.events / elapsed:,.0f} events/s; {memory}"
    )
    after = await raw_select(url, batch_size)
    count, raw = min(before, after, key=lambda run: run[1])
    print(f"raw SELECT of the events: {count} events in {raw:.2f} s = {count / raw:,.0f} events/s")
    print(
        ratio_line("rebuild --check / raw SELECT", report.events / elapsed, count / raw, "events/s")
    )
    if not report.equal:
        raise SystemExit(f"the rebuild differs from the projection: {report.listed[:3]}")
    await measure_apply(url, batch_size, count / raw)


async def measure_apply(url: str, batch_size: int, raw_rate: float) -> None:
    """`rebuild` (apply) into emptied projections, as after a migration that empties them: every
    row is written anew, in bulk (COPY). One process, one transaction, as the command runs."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("TRUNCATE complaints, report_complaints, report_stages, report_items")
            )
        started = time.perf_counter()
        async with engine.begin() as conn:
            report = await rebuild(conn, Mode.apply, batch_size=batch_size)
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    rate = report.events / elapsed
    print(
        f"rebuild (apply) into empty projections: {report.complaints} complaints written in "
        f"{elapsed:.1f} s = {rate:,.0f} events/s"
    )
    print(ratio_line("rebuild (apply) / raw SELECT", rate, raw_rate, "events/s"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: one per core)"
    )
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--tiny", action="store_true", help="a few hundred events (the test suite)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(measure(args.measure, args.batch_size, args.workers))
        return
    if args.tiny:
        # One process: the split is tested in tests/contract/test_rebuild_parallel.py, and
        # starting workers would cost the suite more than the check itself.
        args.events, args.batch_size, args.workers = 300, 50, 1
    with generated_log(generate, args.events, keep=args.keep) as url:
        command = [sys.executable, "-m", "bench.rebuild", "--measure", url]
        # Our own interpreter and module: a child so that its peak RSS is the rebuild's alone.
        options = ["--batch-size", str(args.batch_size), "--workers", str(args.workers)]
        subprocess.run([*command, *options], check=True)  # noqa: S603


if __name__ == "__main__":
    main()
