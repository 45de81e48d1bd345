"""Human references given to residents (`RDR-2026-000042`): unique per landlord, numbered per year
of receipt. The counter row is incremented atomically in the logging transaction, so concurrent
loggings never share a number and a rolled-back logging frees its number."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.sql import lock_appends
from app.services.tables import reference_counters

PREFIX = "RDR"


async def next_reference(conn: AsyncConnection, landlord: str, year: int) -> str:
    # The counter row stays locked until commit. Taking the append lock first means a logging
    # never sits on that row while queueing for the append lock, which made concurrent loggings
    # a convoy (measured: p50 736 ms for logging under 32 clients, against 75 ms for appends).
    await lock_appends(conn)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(reference_counters).values(landlord=landlord, year=year, last=1)
    statement = insert.on_conflict_do_update(
        index_elements=["landlord", "year"],
        set_={"last": reference_counters.c.last + 1},
    ).returning(reference_counters.c.last)
    number = (await conn.execute(statement)).scalar_one()
    return f"{PREFIX}-{year}-{number:06d}"
