"""Complaint lists, filtered and paged, with N complaints in the store, against a bare endpoint in
the same run: requests/s, p50, p99.

    .venv/bin/python -m bench.lists [--complaints 150000] [--clients 4] [--seconds 6] [--rounds 2]
                                    [--json FILE] [--keep] [--tiny]

On a scratch PostgreSQL database it registers a landlord, creates a CRM key and logs a template of
34 complaints through the service (the demo's scenarios twice: every stage and status, five
categories, six handlers), then copies the template's projection rows until the landlord has N: each
copy with a new id, reference, resident and data key, every moment of its state moved back whole
weeks (spread over two years, so `sla=breached` and `sla=due_soon` both match some; an old copy is
mostly of an ended complaint), its row recomputed (`row_for`) and its state document sealed for it.
COPY, then VACUUM ANALYZE. Only the template has events and reporting rows: lists and reads by id
open the state documents and read no events (an append to a copy would find no stream).

It starts `redress serve --workers 1` (rate limit off) and the bare reference (bench/reference.py,
its table filled with N copies of a complaint as Redress renders it) and drives each load with C
keep-alive clients, the two taking turns (--rounds turns of S / rounds seconds each): a complaint by
id (the reference: a row by id), the first page of 50 unfiltered and with each filter (its 50 newest
rows), the next page by `cursor` and a page at a random depth by `cursor` (the 50 rows below the
50th or a random id). It prints how many complaints each filter matches, the table and a ratio line
per load (Redress's requests/s over the reference's), and drops the database unless --keep. --tiny:
a few hundred complaints (the tests).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import sys
import time
import uuid
from argparse import ArgumentParser, Namespace
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations
from app.db import create_engine, reading
from app.demo import scenarios as demo
from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.complaint import commands as c
from app.domain.complaint.events import Channel, Complainant
from app.domain.complaint.state import TERMINAL
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sql import SqlEventStore
from app.events.store import JsonValue
from app.events.tables import complainant_keys
from app.projections.complaints import encode_cursor, row_for
from app.projections.state_document import Document, open_document, seal_state
from app.projections.tables import complaints
from app.services import complaints as service
from app.services.catalog import settings_for
from bench import load
from bench.common import (
    dsn,
    free_port,
    ratio_line,
    scratch_database,
    server,
    stop_cleanly_on_signals,
    use_scratch_master_key,
)
from bench.http_appends import LANDLORD, prepare_redress
from bench.reference import TABLE

LONDON = ZoneInfo("Europe/London")
META: dict[str, JsonValue] = {"actor": "bench", "role": "crm", "correlation_id": "bench"}
HANDLERS = [f"officer.{n}" for n in range(1, 7)]
YEARS, RECENT_WEEKS, BACKLOG = 2, 8, 0.05  # an old copy stays open with probability BACKLOG
COPY_ROWS, SAMPLE, PAGE, SEED = 5_000, 2_000, 50, 11
TODAY = "(now() AT TIME ZONE 'Europe/London')::date"
# Each list load's query (its label; "all" for none) and the SQL condition of the complaints it
# matches (the count is printed, to read each p99 against its filter's selectivity).
FILTERS = {
    "": "true",
    "stage=1": "stage = 1",
    "status=open": "status = 'open'",
    "sla=breached": f"sla_due < {TODAY}",
    "sla=due_soon": f"sla_due >= {TODAY} AND sla_due_soon_from <= {TODAY}",
    "category=repairs": "category = 'repairs'",
    "handler=officer.2": "handler = 'officer.2'",
}


@dataclass(frozen=True)
class Template:
    id: str
    document: Document
    weeks: int  # how far back a copy may be moved and stay within the period
    ended: bool


def _moment(calendar: WorkingCalendar, day: date, rng: Random) -> datetime:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    local = datetime.combine(day, clock_time(9 + rng.randrange(7), rng.randrange(60)), LONDON)
    return local.astimezone(UTC)


async def log_template(engine: AsyncEngine, store: SealingEventStore, rng: Random) -> None:
    """The demo's scenarios twice, through the service; three complaints in four get a handler on
    the day of their first step."""
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        settings = await settings_for(conn, LANDLORD)
    calendar, policy, today = settings.calendar, settings.policy, london_date(now)
    for n, (ago, scenario) in enumerate(demo.SCENARIOS * 2):
        received_day = calendar.subtract_working_days(today, ago + 3 * (n // len(demo.SCENARIOS)))
        received = _moment(calendar, received_day, rng)
        steps: list[tuple[int, Any]] = list(scenario)
        if n % 4:
            first, h = (steps[0][0] if steps else 1), HANDLERS[n % 6]
            steps.insert(0, (first, lambda t, h=h: c.Assign(occurred_at=t, handler=h)))
        category, name = demo.CATEGORIES[n % 5], rng.choice(demo.FIRST_NAMES)
        command = c.LogComplaint(
            occurred_at=received, reference="", landlord=LANDLORD, policy_id=policy.id,
            policy_version=policy.version, channel=rng.choice(list(Channel)), received_at=received,
            stage=None, category=category, description=demo.ISSUES[category],
            desired_outcome="A proper fix and an apology.",
            complainant=Complainant(name=f"{name} {rng.choice(demo.LAST_NAMES)}",
                                    email=f"{name.lower()}@example.invalid", resident_id=f"R-T{n}"),
            representative=None, anonymous=False, vulnerability=None, reasonable_adjustments=None,
            tenure=demo.TENURES[n % len(demo.TENURES)],
        )  # fmt: skip
        async with engine.begin() as conn:
            complaint = await service.log_complaint(conn, store, command, metadata=META, now=now)
            for offset, factory in steps:
                day = calendar.add_working_days(received_day, offset)
                at = max(_moment(calendar, day, rng), complaint.state.last_occurred_at)
                if at > now:
                    break
                step = factory(at)
                if isinstance(step, c.AgreeExtension):
                    step = replace(step, response_due=calendar.add_working_days(day, 8))
                complaint = await service.record(
                    conn, store, complaint, step, if_match=None, metadata=META, now=now
                )


async def read_template(engine: AsyncEngine, keyring: Keyring) -> list[Template]:
    """The template's state documents, opened as a read opens them."""
    r, k = complaints.c, complainant_keys.c
    query = (
        sa.select(r.id, r.version, r.state_key_id, r.state_nonce, r.state_ciphertext, k.wrapped_key)
        .select_from(complaints.join(complainant_keys, k.id == r.state_key_id))
        .order_by(r.received_at)
    )
    period = timedelta(days=365 * YEARS)
    templates: list[Template] = []
    async with reading(engine) as conn:
        for row in await conn.execute(query):
            key = keyring.opened(str(row.state_key_id), str(row.wrapped_key))
            document = open_document(
                str(row.id), row.version, bytes(row.state_nonce), bytes(row.state_ciphertext), key
            )
            if document is None or document.items is None:
                raise RuntimeError(f"complaint {row.id}: its state document does not open")
            age = datetime.now(UTC) - document.state.received_at
            weeks = max(0, (period - age).days // 7)
            ended = document.state.status in TERMINAL
            templates.append(Template(str(row.id), document, weeks, ended))
    return templates


def moved(value: Any, by: timedelta, id_: str) -> Any:
    """`value` with every moment and date in it `by` earlier (`by` is whole weeks and under an
    hour: weekdays stay weekdays, hours stay on their day) and every `complaint_id` field `id_`."""
    if isinstance(value, datetime):
        return value - by
    if isinstance(value, date):
        return value - timedelta(days=by.days)
    if isinstance(value, tuple):
        return tuple(moved(item, by, id_) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: moved(getattr(value, f.name), by, id_) for f in fields(value) if f.init}
        if "complaint_id" in changes:
            changes["complaint_id"] = id_
        return replace(value, **changes)
    return value


async def generate(url: str, count: int, rng: Random) -> list[tuple[datetime, str]]:
    """The template, then copies of it until the landlord has `count` complaints; returns every
    complaint's (received_at, id)."""
    engine = create_engine(url)
    keyring = Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    try:
        await log_template(engine, SealingEventStore(SqlEventStore(), keyring), rng)
        templates = await read_template(engine, keyring)
        async with engine.begin() as conn:
            settings = await settings_for(conn, LANDLORD)
    finally:
        await engine.dispose()
    found = [(t.document.state.received_at, t.id) for t in templates]
    pending: dict[str, list[dict[str, object]]] = {"complaints": [], "complainant_keys": []}
    connection = await asyncpg.connect(dsn(url))

    async def flush() -> None:
        for table, rows in pending.items():
            if rows:
                columns = list(rows[0])
                records = [tuple(row[name] for name in columns) for row in rows]
                await connection.copy_records_to_table(table, records=records, columns=columns)
                rows.clear()

    try:
        for number in range(count - len(templates)):
            while True:  # a template and how many weeks back: old copies mostly ended
                template = rng.choice(templates)
                weeks = rng.randrange(template.weeks + 1)
                if weeks <= RECENT_WEEKS or template.ended or rng.random() < BACKLOG:
                    break
            by = timedelta(weeks=weeks, seconds=rng.randrange(3600))
            new_id, resident = str(uuid.uuid4()), f"R-{rng.randrange(count):07d}"
            document: Document = moved(template.document, by, new_id)
            person = replace(document.state.complainant, resident_id=resident)
            state = replace(document.state, reference=f"B-{number:09d}", complainant=person)
            key_id, key, key_row = keyring.new(new_id, LANDLORD, resident)
            row = row_for(new_id, state, settings.policy, settings.calendar)
            row.update(seal_state(new_id, state, key_id, key, document.items), head_hash=None)
            pending["complaints"].append(row)
            pending["complainant_keys"].append(key_row)
            found.append((state.received_at, new_id))
            if len(pending["complaints"]) >= COPY_ROWS:
                await flush()
                print(f"  {len(found)} complaints", end="\r", file=sys.stderr, flush=True)
        await flush()
        await connection.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans work
        print(f"  {len(found)} complaints", file=sys.stderr)
    finally:
        await connection.close()
    return found


@dataclass(frozen=True)
class Load:
    name: str
    redress: list[str]  # paths, one drawn at random per request
    reference: list[str]
    matches: int | None = None  # complaints the filter matches


async def sql(url: str, *statements: tuple[object, ...]) -> list[object]:
    """Each statement (SQL text, then its arguments) in turn; the first value each answers."""
    connection = await asyncpg.connect(dsn(url))
    try:
        return [await connection.fetchval(*statement) for statement in statements]
    finally:
        await connection.close()


async def prepare_loads(url: str, found: list[tuple[datetime, str]], rng: Random) -> list[Load]:
    count = f"SELECT count(*) FROM complaints WHERE landlord = '{LANDLORD}' AND {{}}"  # noqa: S608
    counts = [int(str(n)) for n in await sql(url, *((count.format(w),) for w in FILTERS.values()))]
    drawn = rng.sample(found, min(SAMPLE, len(found)))
    rows = [rng.randrange(PAGE, len(found)) + 1 for _ in drawn]
    page, newest = f"/v1/complaints?limit={PAGE}", f"/rows?limit={PAGE}"
    second = encode_cursor(*sorted(found, reverse=True)[PAGE - 1])  # the first page's next_cursor
    return [
        Load("get", [f"/v1/complaints/{id_}" for _, id_ in drawn], [f"/rows/{n}" for n in rows]),
        *(Load(query or "all", [f"{page}&{query}".rstrip("&")], [newest], n)
          for query, n in zip(FILTERS, counts, strict=True)),
        Load("next page", [f"{page}&cursor={second}"],
             [f"{newest}&before={len(found) - PAGE + 1}"], len(found) - PAGE),
        Load("deep page", [f"{page}&cursor={encode_cursor(*row)}" for row in drawn],
             [f"{newest}&before={n}" for n in rows]),
    ]  # fmt: skip


def check(port: int, headers: dict[str, str], item: Load) -> None:
    """Each load asks for what it means to: a full page (or every match), not an error."""
    answer = httpx.get(f"http://127.0.0.1:{port}{item.redress[0]}", headers=headers, timeout=30)
    if answer.status_code != 200:
        raise SystemExit(f"{item.name}: {answer.status_code} {answer.text[:300]}")
    if item.matches is not None and len(answer.json()["items"]) != min(PAGE, item.matches):
        raise SystemExit(f"{item.name}: {len(answer.json()['items'])} of {item.matches} complaints")


async def drive(port: int, auth: dict[str, str], paths: list[str], args: Namespace) -> load.Sample:
    async def next_request(_: int) -> load.Request:
        return load.Request("GET", random.choice(paths))

    return await load.run(
        "127.0.0.1", port, auth, clients=args.clients, seconds=args.seconds / args.rounds,
        expect=200, next_request=next_request, warm_up=args.warm_up,
    )  # fmt: skip


Results = dict[tuple[str, str], load.Sample]


def measure(url: str, token: str, loads: list[Load], args: Namespace) -> Results:
    redress_port, reference_port = free_port(), free_port()
    auth = {"Authorization": f"Bearer {token}"}
    env = {**os.environ, "REDRESS_LOG_LEVEL": "warning"}
    redress_env = {**env, "REDRESS_DATABASE_URL": url, "REDRESS_DB_POOL_SIZE": "8",
                   "REDRESS_RATE_LIMIT_PER_MINUTE": "0"}  # fmt: skip
    reference_env = {**env, "BENCH_REFERENCE_DSN": dsn(url), "BENCH_REFERENCE_POOL": "16"}
    python = sys.executable
    results: Results = {}
    with server([python, "-m", "app.cli", "serve", "--port", str(redress_port), "--workers", "1"],
                redress_env, f"http://127.0.0.1:{redress_port}/healthz"):  # fmt: skip
        # The reference's table: as many rows, each a complaint as Redress renders it.
        view = httpx.get(f"http://127.0.0.1:{redress_port}{loads[0].redress[0]}", headers=auth)
        fill = "INSERT INTO reference_rows (data) SELECT $1::jsonb FROM generate_series(1, $2)"
        asyncio.run(sql(url, (TABLE,), (fill, view.text, args.complaints),
                        ("VACUUM ANALYZE reference_rows",)))  # fmt: skip
        with server([python, "-m", "uvicorn", "bench.reference:app", "--port", str(reference_port),
                     "--workers", "1", "--log-level", "warning", "--no-access-log"],
                    reference_env, f"http://127.0.0.1:{reference_port}/healthz"):  # fmt: skip
            for item in loads:
                check(redress_port, auth, item)
                for _ in range(args.rounds):
                    for name, port, headers, paths in (
                        ("reference", reference_port, {}, item.reference),
                        ("redress", redress_port, auth, item.redress),
                    ):
                        sample = asyncio.run(drive(port, headers, paths, args))
                        if sample.errors:
                            raise SystemExit(f"{name} {item.name}: {sample.errors[0]}")
                        results.setdefault((item.name, name), load.Sample()).add(sample)
    return results


def report(args: Namespace, loads: list[Load], results: Results) -> dict[str, object]:
    print(f"{args.complaints:,} complaints (generated in {args.generation:.1f} s), "
          f"{args.clients} clients, {args.seconds:g} s per load and contender, 1 worker, "
          f"{os.cpu_count()} CPUs ({platform.machine()}), "
          f"Python {platform.python_version()}")  # fmt: skip
    print(f"{'':28}{'reference':>26}{'Redress':>26}")
    print(f"{'load':<20}{'matches':>8}" + f"{'req/s':>10}{'p50 ms':>8}{'p99 ms':>8}" * 2
          + f"{'ratio':>8}")  # fmt: skip
    rows: list[dict[str, object]] = []
    ratios = []
    for item in loads:
        ref, red = results[(item.name, "reference")], results[(item.name, "redress")]
        matches = "" if item.matches is None else f"{item.matches:,}"
        print(f"{item.name:<20}{matches:>8}" + "".join(
            f"{s.per_second:>10,.0f}{s.quantile_ms(50):>8.1f}{s.quantile_ms(99):>8.1f}"
            for s in (ref, red)) + f"{red.per_second / ref.per_second:>7.2f}x")  # fmt: skip
        ratios.append(ratio_line(item.name, red.per_second, ref.per_second, "requests/s"))
        for name, s in (("reference", ref), ("redress", red)):
            rows.append({"load": item.name, "matches": item.matches, "contender": name,
                         "requests": len(s.latencies), "per_second": round(s.per_second, 1),
                         "p50_ms": round(s.quantile_ms(50), 2),
                         "p99_ms": round(s.quantile_ms(99), 2)})  # fmt: skip
    print("\n".join(ratios))
    return {"complaints": args.complaints, "generation_seconds": round(args.generation, 1),
            "clients": args.clients, "seconds": args.seconds, "rounds": args.rounds, "workers": 1,
            "cpus": os.cpu_count(), "machine": platform.machine(),
            "python": platform.python_version(), "results": rows}  # fmt: skip


def main() -> None:
    parser = ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--complaints", type=int, default=150_000, help="in the store")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=6.0, help="per load and contender")
    parser.add_argument("--rounds", type=int, default=2, help="turns each contender takes")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--tiny", action="store_true", help="a few requests (the test suite)")
    args = parser.parse_args()
    args.warm_up = min(1.0, args.seconds / 10)
    if args.tiny:
        args.complaints, args.clients, args.seconds, args.rounds, args.warm_up = 300, 2, 0.1, 1, 0.0
    use_scratch_master_key()
    stop_cleanly_on_signals()
    with scratch_database(keep=args.keep) as url:
        migrations.upgrade(url)
        token = asyncio.run(prepare_redress(url))
        started = time.perf_counter()
        found = asyncio.run(generate(url, args.complaints, Random(SEED)))
        args.generation, args.complaints = time.perf_counter() - started, len(found)
        loads = asyncio.run(prepare_loads(url, found, Random(SEED)))
        results = measure(url, token, loads, args)
    summary = report(args, loads, results)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
