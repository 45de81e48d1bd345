"""Redress over HTTP against a bare FastAPI + asyncpg endpoint, same run: requests/s, p50, p99.

    .venv/bin/python -m bench.http_appends [--clients 32] [--seconds 10] [--workers 1,2]
                                           [--rounds 2] [--database postgresql|sqlite] [--json FILE]

It creates a scratch PostgreSQL database, migrates it, registers a landlord and creates a CRM key,
then, for each worker count, starts `redress serve --workers N` (rate limit off) and the bare
reference (bench/reference.py, `uvicorn --workers N`, the same database) and measures three loads,
each with C concurrent keep-alive clients: (a) log a complaint, (b) append a `note_added` to a
complaint logged in (a) (no two clients on one complaint at once, so no conflicts), (c) read a
complaint by id. The reference answers (a) and (b) with one INSERT of the JSON body and (c) with one
SELECT by id. The contenders take turns within each load (reference, Redress, reference, Redress:
--rounds turns of S / rounds seconds each, after a short warm-up), so both see the same machine.
It prints the table and one ratio line per load (Redress's requests/s over the reference's), and
drops the scratch database, also on failure or Ctrl-C. --tiny runs a few requests (the test suite).
--database sqlite runs Redress on a scratch SQLite file instead (the reference stays PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import orjson

from app import migrations
from app.db import create_engine
from app.domain.landlord.commands import RegisterLandlord
from app.events.sql import SqlEventStore
from app.services import landlords
from app.services.keys import Role, create_key
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
from bench.reference import TABLE

LANDLORD = "bench-homes"
LOADS = ("log", "append", "get")
COMPLAINT = orjson.dumps(
    {
        "channel": "web",
        "category": "repairs",
        "description": "The boiler has not worked for a week.",
        "complainant": {"name": "Bench Person"},
    }
)


@dataclass
class Contender:
    """One server under test, and the ids it has answered to logs (what (b) and (c) use)."""

    name: str
    port: int
    headers: dict[str, str]
    log_path: str
    append_path: str  # with {id}
    get_path: str  # with {id}
    ids: list[str] = field(default_factory=list)

    async def measure(self, kind: str, clients: int, seconds: float, warm_up: float) -> load.Sample:
        if kind == "log":

            async def next_log(_: int) -> load.Request:
                return load.Request("POST", self.log_path, COMPLAINT)

            async def keep_id(_: int, body: bytes) -> None:
                self.ids.append(str(orjson.loads(body)["id"]))

            return await self._run(clients, seconds, warm_up, 201, next_log, keep_id)
        if kind == "append":
            # Each client borrows a complaint for one append: concurrent appends to one stream
            # would be refused (409) by Redress's optimistic concurrency, and measure that instead.
            free: asyncio.Queue[str] = asyncio.Queue()
            for id_ in self.ids:
                free.put_nowait(id_)
            borrowed: dict[int, str] = {}

            async def next_append(client: int) -> load.Request:
                borrowed[client] = id_ = await free.get()
                note = {"type": "note_added", "occurred_at": datetime.now(UTC).isoformat(),
                        "text": "Called the contractor again."}  # fmt: skip
                return load.Request("POST", self.append_path.format(id=id_), orjson.dumps(note))

            async def give_back(client: int, _: bytes) -> None:
                free.put_nowait(borrowed.pop(client))

            return await self._run(clients, seconds, warm_up, 201, next_append, give_back)

        async def next_get(_: int) -> load.Request:
            return load.Request("GET", self.get_path.format(id=random.choice(self.ids)))

        return await self._run(clients, seconds, warm_up, 200, next_get, None)

    async def _run(
        self,
        clients: int,
        seconds: float,
        warm_up: float,
        expect: int,
        next_request: load.NextRequest,
        on_answer: load.OnAnswer | None,
    ) -> load.Sample:
        return await load.run(
            "127.0.0.1", self.port, self.headers, clients=clients, seconds=seconds,
            expect=expect, next_request=next_request, on_answer=on_answer, warm_up=warm_up,
        )  # fmt: skip


async def prepare_redress(url: str) -> str:
    """Register the landlord (England and Wales, the Code) and create a CRM key for it."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            now = datetime.now(UTC)
            command = RegisterLandlord(occurred_at=now, name="Bench Homes",
                                       region="england-and-wales")  # fmt: skip
            await landlords.execute(
                conn, SqlEventStore(), LANDLORD, command, metadata={"actor": "bench"}, now=now
            )
            created = await create_key(conn, role=Role.crm, landlord=LANDLORD, name="bench")
    finally:
        await engine.dispose()
    return created.token


async def prepare_reference(url: str) -> None:
    connection = await asyncpg.connect(dsn(url))
    try:
        await connection.execute(TABLE)
    finally:
        await connection.close()


Results = dict[tuple[str, int, str], load.Sample]


def measure_workers(
    workers: int, args: argparse.Namespace, reference_url: str, redress_url: str,
    contenders: tuple[Contender, Contender], results: Results,
) -> None:  # fmt: skip
    reference, redress = contenders
    # Redress's pool may grow to twice its size (overflow): the reference gets the same ceiling.
    # Small, because the PostgreSQL server's 100 connections are shared with other work.
    pool = max(2, math.ceil(8 / workers))
    env = {**os.environ, "REDRESS_LOG_LEVEL": "warning"}
    redress_env = {**env, "REDRESS_DATABASE_URL": redress_url, "REDRESS_DB_POOL_SIZE": str(pool),
                   "REDRESS_RATE_LIMIT_PER_MINUTE": "0"}  # fmt: skip
    reference_env = {**env, "BENCH_REFERENCE_DSN": dsn(reference_url),
                     "BENCH_REFERENCE_POOL": str(2 * pool)}  # fmt: skip
    python = sys.executable
    with (
        server([python, "-m", "uvicorn", "bench.reference:app", "--port", str(reference.port),
                "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
               reference_env, f"http://127.0.0.1:{reference.port}/healthz"),
        server([python, "-m", "app.cli", "serve", "--port", str(redress.port),
                "--workers", str(workers)],
               redress_env, f"http://127.0.0.1:{redress.port}/healthz"),
    ):  # fmt: skip
        for kind in LOADS:
            for _ in range(args.rounds):
                for contender in contenders:
                    sample = asyncio.run(
                        contender.measure(
                            kind, args.clients, args.seconds / args.rounds, args.warm_up
                        )
                    )
                    results.setdefault((kind, workers, contender.name), load.Sample()).add(sample)
                    if sample.errors:
                        raise SystemExit(f"{contender.name} {kind}: {sample.errors[0]}")


def report(args: argparse.Namespace, results: Results) -> dict[str, object]:
    print(f"{args.clients} clients, {args.seconds:g} s per load and contender, Redress on "
          f"{args.database}, {os.cpu_count()} CPUs ({platform.machine()}), Python "
          f"{platform.python_version()}")  # fmt: skip
    print(f"{'':16}{'reference':>26}{'Redress':>26}")
    print(f"{'load':<8}{'workers':>8}" + f"{'req/s':>10}{'p50 ms':>8}{'p99 ms':>8}" * 2
          + f"{'ratio':>8}")  # fmt: skip
    rows: list[dict[str, object]] = []
    ratios = []
    for workers in args.workers:
        for kind in LOADS:
            ref, red = results[(kind, workers, "reference")], results[(kind, workers, "redress")]
            ratio = red.per_second / ref.per_second
            print(f"{kind:<8}{workers:>8}" + "".join(
                f"{s.per_second:>10,.0f}{s.quantile_ms(50):>8.1f}{s.quantile_ms(99):>8.1f}"
                for s in (ref, red)) + f"{ratio:>7.2f}x")  # fmt: skip
            ratios.append(
                ratio_line(
                    f"{kind}, {workers} worker(s)", red.per_second, ref.per_second, "requests/s"
                )
            )
            for name, s in (("reference", ref), ("redress", red)):
                rows.append({"load": kind, "workers": workers, "contender": name,
                             "requests": len(s.latencies), "per_second": round(s.per_second, 1),
                             "p50_ms": round(s.quantile_ms(50), 2),
                             "p99_ms": round(s.quantile_ms(99), 2)})  # fmt: skip
    print("\n".join(ratios))
    return {"clients": args.clients, "seconds": args.seconds, "rounds": args.rounds,
            "database": args.database, "cpus": os.cpu_count(), "machine": platform.machine(),
            "python": platform.python_version(), "results": rows}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="per load and contender")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts, e.g. 1,2")
    parser.add_argument("--rounds", type=int, default=2, help="turns each contender takes")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--tiny", action="store_true", help="a few requests (the test suite)")
    args = parser.parse_args()
    args.workers = [int(w) for w in str(args.workers).split(",")]
    args.warm_up = min(1.0, args.seconds / 10)
    if args.tiny:
        args.clients, args.seconds, args.rounds, args.warm_up = 2, 0.3, 1, 0.0
        args.workers = args.workers[:1]
    use_scratch_master_key()
    stop_cleanly_on_signals()
    results: Results = {}
    with scratch_database() as reference_url, tempfile.TemporaryDirectory() as scratch:
        redress_url = reference_url
        if args.database == "sqlite":
            redress_url = f"sqlite+aiosqlite:///{Path(scratch) / 'redress.db'}"
        migrations.upgrade(redress_url)
        token = asyncio.run(prepare_redress(redress_url))
        asyncio.run(prepare_reference(reference_url))
        contenders = (
            Contender("reference", free_port(), {}, "/rows", "/rows", "/rows/{id}"),
            Contender(
                "redress",
                free_port(),
                {"Authorization": f"Bearer {token}"},
                "/v1/complaints",
                "/v1/complaints/{id}/events",
                "/v1/complaints/{id}",
            ),
        )
        for workers in args.workers:
            measure_workers(workers, args, reference_url, redress_url, contenders, results)
    summary = report(args, results)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
