"""Human references given to residents (`RDR-2026-000042`): unique per landlord, numbered per year
of receipt. The counter row is incremented atomically, so concurrent loggings never share a number.
The service takes the number in a statement of its own, after the command was accepted, so a
refused logging takes none; a logging whose append then fails (the database went away) leaves a
gap in the numbers, as a sequence does.

The same statement brings back the contact restriction in force on the resident, if any (ADR 0020):
the new complaint's view shows it, and logging it costs no round trip more."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.projections.restrictions import shown_for
from app.services.tables import reference_counters

PREFIX = "RDR"


# The restriction in force on the resident named at execution (ADR 0020), built once.
_RESTRICTION = shown_for(
    sa.bindparam("restricted_landlord", type_=sa.String),
    sa.bindparam("restricted_resident", type_=sa.String),
).label("restriction")


async def next_reference(
    conn: AsyncConnection, landlord: str, year: int, resident_id: str | None = None
) -> tuple[str, str | None]:
    """The next reference, and the restriction in force on `resident_id` (its `shown`), if any."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(reference_counters).values(landlord=landlord, year=year, last=1)
    returned: list[sa.ColumnElement[Any]] = [reference_counters.c.last]
    params: dict[str, str] = {}
    if resident_id is not None:
        returned.append(_RESTRICTION)
        params = {"restricted_landlord": landlord, "restricted_resident": resident_id}
    statement = insert.on_conflict_do_update(
        index_elements=["landlord", "year"],
        set_={"last": reference_counters.c.last + 1},
    ).returning(*returned)
    row = (await conn.execute(statement, params)).one()
    restriction_shown = None if resident_id is None else row.restriction
    return f"{PREFIX}-{year}-{int(row.last):06d}", restriction_shown
