"""What every bench shares: a scratch PostgreSQL database that is always dropped, a made-up master
key, servers run as subprocesses, and the ratio line each bench prints."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import asyncpg
import httpx
import orjson
from sqlalchemy.engine import make_url

from app import migrations
from app.events.hashing import event_hash
from app.events.store import JsonValue, StoredEvent

ADMIN_URL = os.environ.get(
    "REDRESS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def dsn(url: str) -> str:
    """asyncpg's spelling of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(dsn(ADMIN_URL))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def stop_cleanly_on_signals() -> None:
    """Ctrl-C and `kill` both unwind the bench through its `finally` blocks, which stop its servers
    and drop its scratch database (by default SIGTERM ends Python without them, and a shell's
    background job starts with SIGINT ignored)."""

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def use_scratch_master_key() -> None:
    """The data is made up and dropped: a fresh key keeps Redress from writing a key file into the
    working directory (its default when REDRESS_MASTER_KEY is unset)."""
    os.environ.setdefault("REDRESS_MASTER_KEY", base64.b64encode(secrets.token_bytes(32)).decode())


@contextmanager
def scratch_database(*, keep: bool = False) -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped on the way out, also on an error or Ctrl-C."""
    name = f"redress_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            print(f"kept {url}")
        else:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


Generate = Callable[[str, int], Coroutine[Any, Any, tuple[int, int]]]


@contextmanager
def generated_log(generate: Generate, events: int, *, keep: bool = False) -> Iterator[str]:
    """A scratch database (see `scratch_database`), migrated, holding about `events` events that
    `generate` writes; its URL. A scratch master key and a clean stop on signals come with it."""
    use_scratch_master_key()
    stop_cleanly_on_signals()
    with scratch_database(keep=keep) as url:
        migrations.upgrade(url)
        started = time.perf_counter()
        count, complaint_count = asyncio.run(generate(url, events))
        print(
            f"generated {count} events in {complaint_count} complaints "
            f"in {time.perf_counter() - started:.1f} s"
        )
        yield url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(
    command: Sequence[str], env: Mapping[str, str], health_url: str, *, timeout: float = 30.0
) -> Iterator[None]:
    """Run `command` (a server) until the block ends; wait until `health_url` answers 200."""
    # Its own session: Ctrl-C reaches only the bench, whose `finally` stops the server in order.
    process = subprocess.Popen(command, env=dict(env), start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[-1]!r} exited with {process.returncode}")
            try:
                if httpx.get(health_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{health_url} did not answer within {timeout:.0f} s")
            time.sleep(0.1)
        yield
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def ratio_line(label: str, redress: float, reference: float, unit: str) -> str:
    """The line every bench prints: how fast Redress is against its same-run reference, as a
    fraction of the reference's throughput (1.0 = as fast)."""
    ratio = redress / reference if reference else float("nan")
    return (
        f"ratio {label}: {ratio:.2f}x ({unit}: Redress {redress:,.0f}, reference {reference:,.0f})"
    )


async def copy_jsonb_as_text(connection: asyncpg.Connection) -> None:
    """Let `copy_records_to_table` take jsonb as JSON text: COPY is binary, and jsonb's binary
    form is a version byte (1) and the text."""
    await connection.set_type_codec(
        "jsonb",
        encoder=lambda text: b"\x01" + text.encode(),
        decoder=lambda raw: raw[1:].decode(),
        schema="pg_catalog",
        format="binary",
    )


def chained_copy(
    events: Sequence[StoredEvent],
    stream_id: str,
    data_of: Callable[[StoredEvent], dict[str, JsonValue]],
) -> list[dict[str, object]]:
    """`events` copied to `stream_id` with each one's data as `data_of` makes it, hash-chained
    anew as the store would: rows of the `events` table without positions, the JSON as the text
    COPY's jsonb codec takes."""
    rows: list[dict[str, object]] = []
    previous: str | None = None
    for event in events:
        data = data_of(event)
        hash_ = event_hash(
            previous_hash=previous,
            stream_id=stream_id,
            version=event.version,
            type=event.type,
            schema_version=event.schema_version,
            data=data,
            metadata=event.metadata,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
        )
        rows.append(
            {
                "stream_id": stream_id,
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
        )
        previous = hash_
    return rows
