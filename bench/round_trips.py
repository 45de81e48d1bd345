"""What one request costs the database: statements, transactions and connection checkouts.

    .venv/bin/python -m bench.round_trips [--database postgresql|sqlite] [--json FILE]

It runs the app in this process (its lifespan, then requests through httpx's ASGI transport) on a
scratch database, and counts what the engine sends for each kind of request once the caches are
warm: the statements, the BEGINs and COMMITs (each a round trip of its own on PostgreSQL; an
append runs in autocommit and sends neither), and the pool checkouts. The test suite holds the hot
path to these numbers (tests/contract/test_round_trips.py); PostgreSQL's own log agrees
(`log_statement = 'all'`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations
from app.main import create_app
from app.services.keys import Role, create_key
from app.settings import Settings
from bench.common import scratch_database, stop_cleanly_on_signals, use_scratch_master_key
from bench.http_appends import COMPLAINT, LANDLORD, prepare_redress


@dataclass
class Cost:
    statements: int = 0
    begins: int = 0
    commits: int = 0
    checkouts: int = 0

    @property
    def round_trips(self) -> int:
        """On PostgreSQL each statement, BEGIN and COMMIT waits for the server (a checkout does
        not: the pool does not ping; see app/db.py)."""
        return self.statements + self.begins + self.commits


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[Cost]:
    cost = Cost()
    counts: Counter[str] = Counter()
    sync = engine.sync_engine

    def on(name: str) -> Any:
        def listen(*args: Any, **__: object) -> None:
            # With autocommit, SQLAlchemy still says "begin" and "commit"; nothing is sent.
            if name in ("begins", "commits"):
                options = args[0].get_execution_options()
                if options.get("isolation_level") == "AUTOCOMMIT":
                    return
            counts[name] += 1

        return listen

    listeners = [
        (sync, "before_cursor_execute", on("statements")),
        (sync, "begin", on("begins")),
        (sync, "commit", on("commits")),
        (sync.pool, "checkout", on("checkouts")),
    ]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield cost
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)
        for name, value in counts.items():
            setattr(cost, name, value)


@asynccontextmanager
async def running(url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(Settings(database_url=url, rate_limit_per_minute=0))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://redress") as client:
            yield app, client


async def measure(url: str, token: str) -> dict[str, Cost]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    costs: dict[str, Cost] = {}
    async with running(url) as (app, client):
        engine: AsyncEngine = app.state.engine

        async def request(
            label: str, method: str, path: str, body: bytes | None = None, *, as_: Any = headers
        ) -> Any:
            # Once to warm the caches, then counted: the cheapest of three. A notification of a
            # key or landlord this bench has just made can still be on its way and empty a cache
            # once; a statement the hot path really sends is in every try.
            for attempt in range(4):
                extra = {"Idempotency-Key": f"{label}-{attempt}"} if "idempotent" in label else {}
                with counting(engine) as cost:
                    answer = await client.request(
                        method, path, content=body, headers={**as_, **extra}
                    )
                if answer.status_code >= 300:
                    raise SystemExit(f"{label}: {answer.status_code} {answer.text}")
                best = costs.get(label)
                if attempt and (best is None or cost.statements < best.statements):
                    costs[label] = cost
            return answer.json()

        complaint = await request("log", "POST", "/v1/complaints", COMPLAINT)
        path = f"/v1/complaints/{complaint['id']}"
        note = orjson.dumps({"type": "note_added", "occurred_at": datetime.now(UTC).isoformat(),
                             "text": "Called the contractor again."})  # fmt: skip
        await request("append", "POST", f"{path}/events", note)
        await request("append, idempotent", "POST", f"{path}/events", note)
        await request("get", "GET", path)
        await request("list", "GET", "/v1/complaints?limit=50")
        # The same append from a resident's portal, on the resident's own complaint.
        async with engine.begin() as conn:
            key = await create_key(conn, role=Role.portal, landlord=LANDLORD, name="bench")
        resident = {**headers, "Authorization": f"Bearer {key.token}", "X-Resident-Id": "B-1"}
        theirs = await request("log, portal", "POST", "/v1/complaints", COMPLAINT, as_=resident)
        comment = orjson.dumps({"type": "note_added", "occurred_at": datetime.now(UTC).isoformat(),
                                "text": "The boiler failed again."})  # fmt: skip
        own = f"/v1/complaints/{theirs['id']}/resident-events"
        await request("resident append", "POST", own, comment, as_=resident)
    return costs


def report(database: str, costs: dict[str, Cost]) -> dict[str, object]:
    print(f"Redress on {database}: what one request sends, caches warm")
    print(f"{'request':<22}{'statements':>12}{'BEGIN':>8}{'COMMIT':>8}{'checkouts':>11}"
          f"{'round trips':>13}")  # fmt: skip
    for label, c in costs.items():
        print(f"{label:<22}{c.statements:>12}{c.begins:>8}{c.commits:>8}{c.checkouts:>11}"
              f"{c.round_trips:>13}")  # fmt: skip
    return {
        "database": database,
        "results": {k: {**asdict(c), "round_trips": c.round_trips} for k, c in costs.items()},
    }


def run(database: str) -> dict[str, Cost]:
    use_scratch_master_key()
    with scratch_database() as pg_url, tempfile.TemporaryDirectory() as scratch:
        url = pg_url if database == "postgresql" else f"sqlite+aiosqlite:///{scratch}/r.db"
        migrations.upgrade(url)
        token = asyncio.run(prepare_redress(url))
        return asyncio.run(measure(url, token))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--tiny", action="store_true", help="accepted for the suite; no effect")
    args = parser.parse_args()
    stop_cleanly_on_signals()
    summary = report(args.database, run(args.database))
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
