"""Rebuild throughput and peak memory on PostgreSQL, for a generated log of N events.

Run by hand (not part of the test suite):

    .venv/bin/python -m bench.rebuild [--events 1000000] [--keep]

It creates a scratch database and migrates it, logs the demo scenarios through the service once
(a template of real complaints), then copies the template with new ids and references until the
log holds N events. The copies are written with COPY, each event with its correct hash chain, and
their projection rows alongside. Then, in a fresh child process (so the generator's memory does not
count), it times the equivalent of `redress rebuild --check` and prints events per second and the
child's peak RSS. The check must find no difference. The database is dropped unless --keep.
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
from sqlalchemy.engine import make_url

from app import migrations
from app.db import create_engine, reading
from app.demo.load import load_demo
from app.events.hashing import event_hash
from app.events.scan import snapshot
from app.events.sql import SqlEventStore
from app.events.store import StoredEvent
from app.events.tables import events
from app.projections.tables import complaints
from app.services.rebuild import Mode, rebuild

ADMIN_URL = os.environ.get(
    "REDRESS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
LANDLORD = "bench-homes"
COPY_ROWS = 20_000
EVENT_COLUMNS = [c.name for c in events.columns]
COMPLAINT_COLUMNS = [c.name for c in complaints.columns]


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_dsn(ADMIN_URL))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _template(url: str) -> tuple[list[list[StoredEvent]], list[dict[str, object]]]:
    """Real complaints logged through the service: their streams and projection rows."""
    engine = create_engine(url)
    store = SqlEventStore()
    try:
        await load_demo(engine, store, landlord=LANDLORD, copies=1)
        async with reading(engine) as conn:
            rows = [
                dict(row._mapping)
                for row in await conn.execute(sa.select(complaints).order_by(complaints.c.id))
            ]
            streams = await store.read_streams(conn, [str(row["id"]) for row in rows])
            # The template is copied below with fresh positions; remove the originals.
        async with engine.begin() as conn:
            await conn.execute(sa.delete(complaints))
            await conn.execute(sa.delete(events))
    finally:
        await engine.dispose()
    return [streams[str(row["id"])] for row in rows], rows


def _copy_stream(
    template: Sequence[StoredEvent], complaint_id: str, reference: str, first_position: int
) -> list[tuple[object, ...]]:
    records: list[tuple[object, ...]] = []
    previous: str | None = None
    for offset, event in enumerate(template):
        data = dict(event.data)
        if event.type == "logged":
            data["reference"] = reference
        hash_ = event_hash(
            previous_hash=previous,
            stream_id=complaint_id,
            version=event.version,
            type=event.type,
            schema_version=event.schema_version,
            data=data,
            metadata=event.metadata,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
        )
        row = {
            "position": first_position + offset,
            "stream_id": complaint_id,
            "version": event.version,
            "type": event.type,
            "schema_version": event.schema_version,
            "data": orjson.dumps(data).decode(),
            "metadata": orjson.dumps(event.metadata).decode(),
            "occurred_at": event.occurred_at,
            "recorded_at": event.recorded_at,
            "hash": hash_,
            "previous_hash": previous,
        }
        records.append(tuple(row[name] for name in EVENT_COLUMNS))
        previous = hash_
    return records


async def generate(url: str, target: int) -> tuple[int, int]:
    """Fill the database with at least `target` events; returns (events, complaints)."""
    streams, rows = await _template(url)
    connection = await asyncpg.connect(_dsn(url))
    position, count = 1, 0
    event_records: list[tuple[object, ...]] = []
    complaint_records: list[tuple[object, ...]] = []

    async def flush() -> None:
        await connection.copy_records_to_table(
            "events", records=event_records, columns=EVENT_COLUMNS
        )
        await connection.copy_records_to_table(
            "complaints", records=complaint_records, columns=COMPLAINT_COLUMNS
        )
        event_records.clear()
        complaint_records.clear()

    try:
        # COPY is binary: jsonb's binary form is a version byte (1) and the JSON text.
        await connection.set_type_codec(
            "jsonb",
            encoder=lambda text: b"\x01" + text.encode(),
            decoder=lambda raw: raw[1:].decode(),
            schema="pg_catalog",
            format="binary",
        )
        while position <= target:
            for template, row in zip(streams, rows, strict=True):
                count += 1
                complaint_id = str(uuid.uuid4())
                reference = f"B-{count:09d}"
                event_records.extend(_copy_stream(template, complaint_id, reference, position))
                position += len(template)
                complaint_records.append(
                    tuple(
                        {**row, "id": complaint_id, "reference": reference}[name]
                        for name in COMPLAINT_COLUMNS
                    )
                )
                if len(event_records) >= COPY_ROWS:
                    await flush()
                    print(f"  {position - 1} events", end="\r", file=sys.stderr, flush=True)
                if position > target:
                    break
        await flush()
        await connection.execute("ANALYZE events; ANALYZE complaints")
    finally:
        await connection.close()
    return position - 1, count


async def measure(url: str, batch_size: int) -> None:
    engine = create_engine(url)
    try:
        async with snapshot(engine) as conn:
            started = time.perf_counter()
            report = await rebuild(conn, Mode.check, batch_size=batch_size)
            elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"rebuild --check: {report.events} events, {report.complaints} complaints, "
        f"{report.differences} differences in {elapsed:.1f} s = "
        f"{report.events / elapsed:,.0f} events/s; peak RSS {peak_mib:.0f} MiB"
    )
    if not report.equal:
        raise SystemExit(f"the rebuild differs from the projection: {report.listed[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(measure(args.measure, args.batch_size))
        return
    name = f"redress_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(url)
        started = time.perf_counter()
        count, complaint_count = asyncio.run(generate(url, args.events))
        print(
            f"generated {count} events in {complaint_count} complaints "
            f"in {time.perf_counter() - started:.1f} s"
        )
        command = [sys.executable, "-m", "bench.rebuild", "--measure", url]
        # Our own interpreter and module: a child so that its peak RSS is the rebuild's alone.
        subprocess.run([*command, "--batch-size", str(args.batch_size)], check=True)  # noqa: S603
    finally:
        if args.keep:
            print(f"kept {url}")
        else:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
