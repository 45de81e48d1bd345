"""Whose streams these are: the landlord each stream of the log belongs to.

A landlord's own stream (`landlord:<id>`) names it; a complaint's, a piece of feedback's
(`feedback:<id>`) and a contact restriction's (`restriction:<id>`) are on their projection rows.
The feed, the export and the audit each ask this of a batch of streams; a stream with no owner (no
row) is not shown to a landlord's followers, who could not tell whose it is. One place to teach a
new kind of stream.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import one_of, tuples
from app.events.streams import (
    FEEDBACK_PREFIX,
    RESTRICTION_PREFIX,
    is_complaint_stream,
    is_landlord_stream,
    landlord_of_stream,
)
from app.projections.tables import complaints, feedback, restrictions

# The kinds of stream named `<prefix><row id>`, each with the projection table of its rows.
PREFIXED: tuple[tuple[sa.Table, str], ...] = (
    (feedback, FEEDBACK_PREFIX),
    (restrictions, RESTRICTION_PREFIX),
)


async def stream_owners(
    conn: AsyncConnection, stream_ids: Iterable[str], landlord: str | None = None
) -> dict[str, str]:
    """Each stream's landlord, in one lookup per kind of stream; with `landlord`, only its."""
    ids = set(stream_ids)
    owners = {s: landlord_of_stream(s) for s in ids if is_landlord_stream(s)}
    kinds = [(complaints, {s: s for s in ids if is_complaint_stream(s)})]
    kinds += [
        (table, {s.removeprefix(prefix): s for s in ids if s.startswith(prefix)})
        for table, prefix in PREFIXED
    ]
    for table, by_id in kinds:
        if not by_id:
            continue
        query = sa.select(table.c.id, table.c.landlord).where(
            one_of(conn, table.c.id, sorted(by_id))
        )
        if landlord is not None:
            query = query.where(table.c.landlord == landlord)
        owners |= {by_id[str(row_id)]: str(owner) for row_id, owner in await tuples(conn, query)}
    if landlord is None:
        return owners
    return {stream: owner for stream, owner in owners.items() if owner == landlord}
