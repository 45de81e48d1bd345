"""Engine construction for the two supported databases, and what counts as the database being away.

SQLite is the embedded default. Its writers are serialised by the database itself; we make every
transaction start with `BEGIN IMMEDIATE` so that a transaction which reads and then writes takes the
write lock up front and waits (busy timeout) instead of failing with "database is locked" when it
tries to upgrade its lock.

Every wait on the database is bounded (connecting, each command, each statement, a free pooled
connection, SQLite's write lock), so a database that is down or silent fails a request in seconds
instead of holding it for as long as the database is away.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app.settings import Settings

# A write transaction here takes milliseconds, so 5 s of waiting for the write lock means hundreds
# of writers queued ahead: past that, a quick 503 the client can retry serves it better than a
# request held for SQLite's customary 30 s. It stays well under the request deadline.
SQLITE_BUSY_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 3.0
POOL_TIMEOUT_SECONDS = 30.0
READ_ONLY_OPTION = "redress_read_only"

# PostgreSQL SQLSTATEs that say the database, not the request, is the trouble: connection
# exceptions (class 08), a statement cancelled by `statement_timeout` or by asyncpg after its
# command timeout, a server shutting down or starting up, and no connection slot left.
UNAVAILABLE_SQLSTATES = frozenset({"57014", "57P01", "57P02", "57P03", "53300"})
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08"})
UNREACHABLE_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


T = TypeVar("T")


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    pool_timeout: float = POOL_TIMEOUT_SECONDS,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    command_timeout: float | None = None,
    statement_timeout_ms: int = 0,
    sqlite_busy_timeout: float = SQLITE_BUSY_TIMEOUT_SECONDS,
    read_only: bool = False,
) -> AsyncEngine:
    """An engine; the defaults put no limit on a command or statement, which suits migrations and
    batch commands. The service's engine comes from `service_engine`. `read_only` (PostgreSQL):
    every transaction is read-only, so a read URL that names a primary by mistake can never be
    written through."""
    if is_sqlite(url):
        engine = create_async_engine(
            url,
            pool_timeout=pool_timeout,
            connect_args={"timeout": sqlite_busy_timeout},
            json_deserializer=orjson.loads,
        )
        _configure_sqlite(engine, sqlite_busy_timeout)
        return engine
    server_settings: dict[str, str] = {}
    if statement_timeout_ms > 0:
        # A transaction left idle for as long as a statement may run belongs to a client that is
        # no longer there (a frozen network); ending it frees its locks for everyone else.
        server_settings["statement_timeout"] = str(statement_timeout_ms)
        server_settings["idle_in_transaction_session_timeout"] = str(statement_timeout_ms)
    if read_only:
        server_settings["default_transaction_read_only"] = "on"
    connect_args: dict[str, Any] = {"timeout": connect_timeout, "server_settings": server_settings}
    if command_timeout is not None:
        connect_args["command_timeout"] = command_timeout
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        # No ping at checkout (it would be a round trip on every request): a connection broken
        # while the database was away fails its statement, SQLAlchemy sees the disconnect and
        # invalidates the whole pool, and the request answers 503; the next ones connect afresh,
        # so the service recovers by itself once the database is back.
        pool_pre_ping=False,
        connect_args=connect_args,
        # Whole-log passes (rebuild, export, verify) spent 40% of their read in the standard
        # `json`; orjson reads the same documents to the same values about ten times faster.
        json_deserializer=orjson.loads,
    )


def service_engine(settings: Settings) -> AsyncEngine:
    return _service_engine(settings, settings.database_url, read_only=False)


def reading_url(settings: Settings) -> str:
    """Where a lag-tolerant read runs outside the service (`redress report`, `redress export`):
    the replica where there is one."""
    return settings.read_database_url or settings.database_url


def read_engine(settings: Settings) -> AsyncEngine | None:
    """The engine of the lag-tolerant reads (`REDRESS_READ_DATABASE_URL`), bounded like the
    primary's; None when they read the primary."""
    if settings.read_database_url is None:
        return None
    return _service_engine(settings, settings.read_database_url, read_only=True)


def _service_engine(settings: Settings, url: str, *, read_only: bool) -> AsyncEngine:
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
        command_timeout=settings.db_command_timeout_seconds,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        sqlite_busy_timeout=settings.sqlite_busy_timeout_seconds,
        read_only=read_only,
    )


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or did not answer in time, as
    opposed to a fault in the request or in the service (an integrity or a syntax error)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _names_unavailability(current):
            return True
        if isinstance(current, sa_exc.StatementError):
            pending.append(current.orig)
        pending.extend((current.__cause__, current.__context__))
    return False


def _names_unavailability(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, (sa_exc.TimeoutError, TimeoutError, ConnectionError, socket.gaierror)):
        return True
    if isinstance(error, OSError) and error.errno in UNREACHABLE_ERRNOS:
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and (
        sqlstate in UNAVAILABLE_SQLSTATES or sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES
    ):
        return True
    # SQLite's write lock stayed taken for the whole busy timeout.
    return getattr(error, "sqlite_errorname", None) == "SQLITE_BUSY"


def _configure_sqlite(engine: AsyncEngine, busy_timeout: float) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={round(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers need no write lock: in WAL mode a deferred transaction reads a snapshot.
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@asynccontextmanager
async def writing(engine: AsyncEngine, *, one_statement: bool) -> AsyncIterator[AsyncConnection]:
    """A connection to write with. `one_statement`: the write is a single statement, atomic by
    itself, so on PostgreSQL it runs outside any transaction (no BEGIN and COMMIT round trips, and
    no lock held between them); SQLite always gets a transaction holding the write lock."""
    if one_statement and not is_sqlite(str(engine.url)):
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
        return
    async with engine.begin() as connection:
        yield connection


@asynccontextmanager
async def reading(engine: AsyncEngine, *, snapshot: bool = True) -> AsyncIterator[AsyncConnection]:
    """A transaction that only reads (on SQLite it takes no write lock). `snapshot=False`: the
    read is one statement where it matters (a complaint by id from its projection row), so on
    PostgreSQL it runs without BEGIN and COMMIT, two round trips fewer."""
    async with engine.connect() as connection:
        if not snapshot and not is_sqlite(str(engine.url)):
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
            return
        await connection.execution_options(**{READ_ONLY_OPTION: True})
        async with connection.begin():
            yield connection


async def upsert_by_id(conn: AsyncConnection, table: sa.Table, row: Mapping[str, object]) -> None:
    """Write `row` over the row of `table` with its `id`, or insert it: a projection row written
    with its stream's append (only that writer touches it, in its transaction)."""
    updated = await conn.execute(sa.update(table).where(table.c.id == row["id"]).values(row))
    if updated.rowcount == 0:
        await conn.execute(sa.insert(table).values(row))


def one_of(
    conn: AsyncConnection, column: sa.ColumnElement[T], values: Sequence[T]
) -> sa.ColumnElement[bool]:
    """`column IN values`. On PostgreSQL as `= ANY($1)` with one array parameter of the column's
    type: an `IN` list is a new statement for every length, which asyncpg prepares anew, and the
    whole-log passes ask for batches of every length."""
    if conn.dialect.name == "postgresql":
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == sa.any_(array)
    return column.in_(list(values))


async def tuples(conn: AsyncConnection, query: sa.Select[Any]) -> Sequence[Sequence[Any]]:
    """The rows of `query`, in its transaction. On PostgreSQL compiled here and run straight
    through asyncpg: a lookup of thousands of rows skips SQLAlchemy's work on each. Only for
    queries whose values need no conversion either way (strings, numbers, arrays of them)."""
    if conn.dialect.name != "postgresql":
        found: Sequence[Sequence[Any]] = (await conn.execute(query)).all()
        return found
    compiled = query.compile(dialect=conn.dialect)
    values = compiled.construct_params()
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    rows: Sequence[Sequence[Any]] = await raw.fetch(
        str(compiled), *(values[name] for name in compiled.positiontup or ())
    )
    return rows


async def insert_rows(
    conn: AsyncConnection, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> None:
    """Insert `rows` (each with every column it sets) in bulk, in the caller's transaction: on
    PostgreSQL by `COPY` (a rebuild writes a whole projection), elsewhere as one `executemany`."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        await conn.execute(sa.insert(table), list(rows))
        return
    columns = list(rows[0])
    # COPY takes JSON as its text; every other value goes as asyncpg encodes it.
    json = {name for name in columns if isinstance(table.c[name].type, sa.JSON)}
    records = [
        tuple(orjson.dumps(row[name]).decode() if name in json else row[name] for name in columns)
        for row in rows
    ]
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    await raw.copy_records_to_table(table.name, records=records, columns=columns)
