"""Human references given to residents (`RDR-2026-000042`): unique per landlord, numbered per year
of receipt. The counter row is incremented atomically, so concurrent loggings never share a number.
The service takes the number in a statement of its own, after the command was accepted, so a
refused logging takes none; a logging whose append then fails (the database went away) leaves a
gap in the numbers, as a sequence does."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.services.tables import reference_counters

PREFIX = "RDR"


async def next_reference(conn: AsyncConnection, landlord: str, year: int) -> str:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(reference_counters).values(landlord=landlord, year=year, last=1)
    statement = insert.on_conflict_do_update(
        index_elements=["landlord", "year"],
        set_={"last": reference_counters.c.last + 1},
    ).returning(reference_counters.c.last)
    number = (await conn.execute(statement)).scalar_one()
    return f"{PREFIX}-{year}-{number:06d}"
