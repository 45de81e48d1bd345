"""Where the reads that tolerate lag go: a streaming replica when one is configured
(`REDRESS_READ_DATABASE_URL`), else the primary (docs/adr/0011-read-replica.md).

Lists, reports, the feed and histories take `Reads`; every write, and every read of one complaint
(a CRM reads what it just wrote), takes `Engine`, the primary. A response read through `Reads`
says where it came from (`X-Redress-Read-Source`), so a client can tell a view that may be behind
from one that is not. A replica that is away answers its routes 503 `replica-unavailable`; the
writes and the reads of one complaint carry on, on the primary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.errors import RETRY_AFTER_SECONDS, ApiError
from app.db import is_unavailable

SOURCE_HEADER = "X-Redress-Read-Source"
REPLICA_UNAVAILABLE = "replica-unavailable"
# A standby cancels a query that holds back the replay of the primary's changes ("conflict with
# recovery", serialization_failure) or whose database the primary dropped: the read is worth
# retrying, like one that met a replica restarting, and is no fault of the request or the service.
REPLICA_CONFLICT_SQLSTATES = frozenset({"40001", "57P04"})

Source = Literal["primary", "replica"]


def lagging(responses: dict[int | str, dict[str, Any]] | None = None) -> dict[int | str, Any]:
    """`responses` (a route's OpenAPI responses) with the read source header and the 503 of a
    route that may read the replica."""
    documented: dict[int | str, Any] = {
        status: dict(response) for status, response in (responses or {}).items()
    }
    documented.setdefault(200, {})["headers"] = {
        SOURCE_HEADER: {
            "description": "`replica`: read from the streaming replica, which may be a little "
            "behind the primary (a write answered a moment ago may not show yet); `primary`: "
            "read from the primary.",
            "schema": {"type": "string", "enum": ["primary", "replica"]},
        }
    }
    documented.setdefault(503, {})
    return documented


@dataclass(frozen=True)
class ReadDatabase:
    engine: AsyncEngine
    source: Source

    @property
    def headers(self) -> dict[str, str]:
        """What every response read from here says about its freshness."""
        return {SOURCE_HEADER: self.source}

    @asynccontextmanager
    async def guard(self) -> AsyncIterator[None]:
        """Wrap the reads of `engine`: a replica that is away, or that cancelled the read, answers
        503 `replica-unavailable` (the primary's own troubles keep their 503
        `database-unavailable`). Nothing but `engine` may be read inside."""
        try:
            yield
        except Exception as error:
            if self.source == "replica" and replica_away(error):
                raise ApiError(
                    503,
                    REPLICA_UNAVAILABLE,
                    "The read replica cannot be reached or did not answer in time; retry after "
                    "the number of seconds in Retry-After. Writes and reads of one complaint are "
                    "not affected.",
                    {"Retry-After": str(RETRY_AFTER_SECONDS), **self.headers},
                ) from error
            raise


def replica_away(error: BaseException) -> bool:
    return is_unavailable(error) or not sqlstates(error).isdisjoint(REPLICA_CONFLICT_SQLSTATES)


def sqlstates(error: BaseException) -> set[str]:
    """Every SQLSTATE named along `error`'s chain (SQLAlchemy's wrapper, the driver's error)."""
    found: set[str] = set()
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str):
            found.add(sqlstate)
        pending.extend((getattr(current, "orig", None), current.__cause__, current.__context__))
    return found


async def get_read_database(request: Request) -> ReadDatabase:
    reads: ReadDatabase = request.app.state.reads
    return reads


Reads = Annotated[ReadDatabase, Depends(get_read_database)]
