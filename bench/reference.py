"""The bare reference the HTTP bench measures Redress against: FastAPI, uvicorn and an asyncpg pool,
with nothing else (no authentication, events, hashing, sealing or projections).

`bench.http_appends` and `bench.lists` serve it with the same uvicorn worker count as Redress:

    uvicorn bench.reference:app --workers N   (BENCH_REFERENCE_DSN and BENCH_REFERENCE_POOL set)

POST /rows inserts the JSON body as one row and answers its id; GET /rows/{id} answers that row;
GET /rows?limit=L[&before=ID] answers a page of the L newest rows (below ID), by the primary key,
shaped like Redress's list page (`items`, `next_cursor`): one indexed SELECT, no decoding.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from fastapi import Body, FastAPI, HTTPException, Query, Request, Response

TABLE = "CREATE TABLE reference_rows (id bigserial PRIMARY KEY, data jsonb NOT NULL)"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # As large as Redress's pool with its overflow, so neither contender waits for connections more.
    size = int(os.environ.get("BENCH_REFERENCE_POOL", "20"))
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_REFERENCE_DSN"], min_size=1, max_size=size
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/rows", status_code=201)
async def insert(request: Request, body: dict[str, Any] = Body()) -> Response:
    row_id = await request.app.state.pool.fetchval(
        "INSERT INTO reference_rows (data) VALUES ($1::jsonb) RETURNING id",
        orjson.dumps(body).decode(),
    )
    return Response(orjson.dumps({"id": row_id}), status_code=201, media_type="application/json")


@app.get("/rows")
async def page(
    request: Request, limit: int = Query(50, ge=1, le=100), before: int | None = None
) -> Response:
    rows = await request.app.state.pool.fetch(
        "SELECT id, data::text AS data FROM reference_rows WHERE id < $1 ORDER BY id DESC LIMIT $2",
        2**63 - 1 if before is None else before,
        limit + 1,
    )
    next_cursor = str(rows[limit - 1]["id"]) if len(rows) > limit else None
    items = b",".join(row["data"].encode() for row in rows[:limit])
    body = b'{"items":[' + items + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"
    return Response(body, media_type="application/json")


@app.get("/rows/{row_id}")
async def read(request: Request, row_id: int) -> Response:
    data = await request.app.state.pool.fetchval(
        "SELECT data::text FROM reference_rows WHERE id = $1", row_id
    )
    if data is None:
        raise HTTPException(404)
    return Response(data, media_type="application/json")
