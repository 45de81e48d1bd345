"""Shared fixtures: real databases (SQLite file and PostgreSQL server), migrated once per session.

Every test that touches a database runs against both backends (the `database_url` fixture is
parametrised). Set REDRESS_TEST_BACKENDS=sqlite to run only SQLite locally; CI runs both.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrations
from app.db import create_engine

# No per-example deadline: on a loaded machine (CI, two xdist workers on two cores) the first
# example to touch a new year loads its bank holidays, and a 200 ms deadline made that a failure.
settings.register_profile("redress", deadline=None)
settings.load_profile("redress")

# One made-up master key for the whole session (servers, CLIs run as subprocesses), so no test
# creates a key file in the working directory.
os.environ.setdefault("REDRESS_MASTER_KEY", "bWFkZS11cC1tYXN0ZXIta2V5LWZvci10ZXN0cy0zMmI=")


class LogTap(logging.Handler):
    """Every log record of the test session, formatted, so tests can prove what never reaches a
    log (a resident's name, email or address)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")
        except Exception:
            self.lines.append(f"{record.name}: <unformattable>")


LOG_TAP = LogTap()


def pytest_configure(config: pytest.Config) -> None:
    # INFO is what the service logs at in production (REDRESS_LOG_LEVEL default).
    root = logging.getLogger()
    root.addHandler(LOG_TAP)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


POSTGRES_ADMIN_URL = os.environ.get(
    "REDRESS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    b.strip() for b in os.environ.get("REDRESS_TEST_BACKENDS", "sqlite,postgresql").split(",")
]


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_admin(sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A freshly created and migrated database, one per backend per test session."""
    backend: str = request.param
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "redress.db"
        url = f"sqlite+aiosqlite:///{path}"
        migrations.upgrade(url)
        yield url
        return
    name = f"redress_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(url)
        yield url
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url, pool_size=20)
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The session's engine, with every table emptied after the test."""
    yield engine
    await truncate_all(engine)


async def truncate_all(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        for name in names:
            if name != "alembic_version":
                await connection.execute(sa.text(f'DELETE FROM "{name}"'))


@pytest.fixture
def backend(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran against each database, so a run shows both backends were used."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            for name in BACKENDS:
                if f"[{name}]" in nodeid or f"-{name}]" in nodeid or f"[{name}-" in nodeid:
                    counts.setdefault(name, {}).setdefault(outcome, 0)
                    counts[name][outcome] += 1
    if counts:
        terminalreporter.section("database backends")
        for name, by_outcome in sorted(counts.items()):
            detail = ", ".join(f"{n} {o}" for o, n in sorted(by_outcome.items()))
            terminalreporter.write_line(f"{name}: {detail}")
