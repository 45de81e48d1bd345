"""Full verify throughput and peak memory, and the checkpointed GET /v1/audit/verify, on PostgreSQL.

    .venv/bin/python -m bench.verify [--events 1000000] [--calls 50] [--keep] [--tiny]

It creates a scratch database, migrates it and fills it with N events as `bench.rebuild` does (its
generator: real complaints copied with COPY, every hash chain and projection row correct). Then,
in a fresh child process (so the generator's memory does not count), it times `verify --full`,
which must find nothing, and prints events per second and the child's peak RSS; the clean check
then writes its checkpoints (timed apart). The same-run reference is a raw `SELECT` of every event
in position order through asyncpg (bench/raw.py), best of one run before and one after; the ratio
line is the verify's events/s over the reference's. Last, it starts `redress serve` on the
database and times GET /v1/audit/verify over HTTP with an analyst key, `--calls` times after a few
warm-up calls, first with nothing appended since the checkpoint, then with `--appends` notes
appended through the API before each call (each call checks those and signs the next checkpoint):
p50 and p99. The database is dropped unless --keep; --tiny runs a few hundred events.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa

from app.audit.verify import record, verify
from app.db import create_engine
from app.events.factory import master_key
from app.events.keyring import Keyring
from app.events.scan import snapshot
from app.projections.tables import complaints
from app.services.keys import Role, create_key
from app.settings import Settings
from bench.common import (
    free_port,
    generated_log,
    ratio_line,
    server,
)
from bench.raw import raw_select
from bench.rebuild import LANDLORD, generate


async def measure(url: str, batch_size: int) -> None:
    """The full verify, in this (child) process: its events/s, its peak RSS, its ratio."""
    key = Keyring(master_key(Settings())).checkpoint_key
    before = await raw_select(url, batch_size)
    engine = create_engine(url)
    try:
        async with snapshot(engine) as conn:
            started = time.perf_counter()
            report = await verify(conn, key=key, batch_size=batch_size)
            elapsed = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        await record(engine, report)
        written = time.perf_counter() - started
    finally:
        await engine.dispose()
    print(
        f"verify --full: {report.events} events in {report.streams} streams, "
        f"{report.problems} problems in {elapsed:.1f} s = {report.events / elapsed:,.0f} events/s; "
        f"peak RSS {peak_mib:.0f} MiB; {len(report.pending)} checkpoints up to position "
        f"{report.written} written in {written:.2f} s"
    )
    after = await raw_select(url, batch_size)
    count, raw = min(before, after, key=lambda run: run[1])
    print(f"raw SELECT of the events: {count} events in {raw:.2f} s = {count / raw:,.0f} events/s")
    rate = report.events / elapsed
    print(ratio_line("verify --full / raw SELECT", rate, count / raw, "events/s"))
    if not report.ok:
        raise SystemExit(f"the generated log does not verify: {report.findings()[:3]}")


async def keys_and_complaints(url: str, count: int) -> tuple[str, str, list[str]]:
    """An analyst key, a CRM key and `count` complaints to append notes to."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            analyst = await create_key(conn, role=Role.analyst, landlord=LANDLORD, name="bench")
            crm = await create_key(conn, role=Role.crm, landlord=LANDLORD, name="bench")
            query = sa.select(complaints.c.id).order_by(complaints.c.id).limit(count)
            ids = [str(id_) for id_ in (await conn.execute(query)).scalars()]
    finally:
        await engine.dispose()
    return analyst.token, crm.token, ids


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def append_note(http: httpx.Client, token: str, complaint: str) -> None:
    note = {
        "type": "note_added",
        "occurred_at": datetime.now(UTC).isoformat(),
        "text": "Called back.",
        "visibility": "internal",
    }
    headers = {"Authorization": f"Bearer {token}"}
    posted = http.post(f"/v1/complaints/{complaint}/events", headers=headers, json=note)
    if posted.status_code != 201:
        raise SystemExit(f"append: {posted.status_code} {posted.text}")


def time_checks(url: str, calls: int, appends: int) -> None:
    """GET /v1/audit/verify through a real server, as its analysts call it."""
    analyst, crm, ids = asyncio.run(keys_and_complaints(url, max(appends, 1)))
    port = free_port()
    env = {
        **os.environ,
        "REDRESS_DATABASE_URL": url,
        "REDRESS_LOG_LEVEL": "warning",
        "REDRESS_RATE_LIMIT_PER_MINUTE": "0",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "1"]
    base = f"http://127.0.0.1:{port}"
    with server(command, env, f"{base}/healthz"), httpx.Client(base_url=base, timeout=60) as http:

        def check() -> tuple[float, dict[str, object]]:
            started = time.perf_counter()
            response = http.get("/v1/audit/verify", headers={"Authorization": f"Bearer {analyst}"})
            took = (time.perf_counter() - started) * 1000
            body: dict[str, object] = response.json()
            if response.status_code != 200 or body["ok"] is not True:
                raise SystemExit(f"GET /v1/audit/verify: {response.status_code} {body}")
            return took, body

        for _ in range(3):  # warm: the key cache, prepared statements, the first checkpoint
            check()
        for label, per_call in (("nothing new", 0), (f"{appends} events new", appends)):
            took: list[float] = []
            for _ in range(calls):
                for complaint in ids[:per_call]:
                    append_note(http, crm, complaint)
                ms, body = check()
                took.append(ms)
            checked = body["checked"]
            assert isinstance(checked, dict)
            print(
                f"GET /v1/audit/verify, {label} since the checkpoint ({calls} calls, the last "
                f"checked positions {checked['after'] + 1} to {checked['up_to']}): "
                f"p50 {statistics.median(took):.1f} ms, p99 {percentile(took, 0.99):.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=2_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--appends", type=int, default=10, help="notes appended before a call")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--tiny", action="store_true", help="a few hundred events (the test suite)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(measure(args.measure, args.batch_size))
        return
    if args.tiny:
        args.events, args.batch_size, args.calls, args.appends = 300, 50, 10, 3
    with generated_log(generate, args.events, keep=args.keep) as url:
        command = [sys.executable, "-m", "bench.verify", "--measure", url]
        # Our own interpreter and module: a child so that its peak RSS is the verify's alone.
        subprocess.run([*command, "--batch-size", str(args.batch_size)], check=True)  # noqa: S603
        time_checks(url, args.calls, args.appends)


if __name__ == "__main__":
    main()
