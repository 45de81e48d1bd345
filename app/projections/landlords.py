"""The landlord projection: one row per landlord and one per published policy version, written in
the transaction that appends the landlord's events and rebuilt from those events alone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import upsert_by_id
from app.domain.clocks.calendar import WorkingCalendar
from app.domain.landlord.events import PolicyRef
from app.domain.landlord.state import LandlordState
from app.domain.policies.model import Policy
from app.events.codec import policy_document
from app.projections.tables import landlord_policies, landlords

Row = dict[str, object]
POLICY = TypeAdapter(Policy)


def row_for(state: LandlordState) -> Row:
    return {
        "id": state.id,
        "name": state.name,
        "region": state.region,
        "closures": [day.isoformat() for day in state.closures],
        "homes_rented": state.homes_rented,
        "homes_shared_ownership": state.homes_shared_ownership,
        "default_policy_id": state.default_policy.id,
        "default_policy_version": state.default_policy.version,
        "retention_years": state.retention_years,
        "version": state.version,
        "registered_at": state.registered_at,
        "changed_at": state.changed_at,
    }


def policy_rows(state: LandlordState) -> list[Row]:
    return [
        {
            "landlord": state.id,
            "policy_id": published.policy.id,
            "version": published.policy.version,
            "document": POLICY.dump_python(published.policy, mode="json"),
            "published_at": published.published_at,
        }
        for published in state.policies
    ]


async def save(conn: AsyncConnection, before: LandlordState | None, state: LandlordState) -> None:
    """Write the landlord's row, and the rows of the policy versions published since `before`."""
    row = row_for(state)
    await upsert_by_id(conn, landlords, row)
    known = 0 if before is None else len(before.policies)
    published = policy_rows(state)[known:]
    if published:
        await conn.execute(sa.insert(landlord_policies), published)


def calendar_of(row: sa.RowMapping) -> WorkingCalendar:
    closures = frozenset(date.fromisoformat(str(day)) for day in row["closures"])
    return WorkingCalendar(region=str(row["region"]), closures=closures)


def default_policy_of(row: sa.RowMapping) -> PolicyRef:
    return PolicyRef(id=str(row["default_policy_id"]), version=int(row["default_policy_version"]))


async def find(conn: AsyncConnection, landlord_ids: Iterable[str]) -> dict[str, sa.RowMapping]:
    ids = sorted(set(landlord_ids))
    if not ids:
        return {}
    rows = await conn.execute(sa.select(landlords).where(landlords.c.id.in_(ids)))
    return {str(row.id): row._mapping for row in rows}


async def find_policies(
    conn: AsyncConnection, pins: Iterable[tuple[str, str, int]]
) -> dict[tuple[str, str, int], Policy]:
    """The landlords' own policy versions named by `(landlord, policy id, version)`."""
    wanted = sorted(set(pins))
    if not wanted:
        return {}
    key = sa.tuple_(landlord_policies.c.landlord, landlord_policies.c.policy_id)
    pairs = sorted({(landlord, policy_id) for landlord, policy_id, _ in wanted})
    rows = await conn.execute(sa.select(landlord_policies).where(key.in_(pairs)))
    found: dict[tuple[str, str, int], Policy] = {}
    for row in rows:
        pin = (str(row.landlord), str(row.policy_id), int(row.version))
        if pin in wanted:
            found[pin] = POLICY.validate_python(policy_document(row.document))
    return found


async def list_policies(conn: AsyncConnection, landlord_id: str) -> list[Policy]:
    query = (
        sa.select(landlord_policies.c.document)
        .where(landlord_policies.c.landlord == landlord_id)
        .order_by(landlord_policies.c.policy_id, landlord_policies.c.version)
    )
    rows = await conn.execute(query)
    return [POLICY.validate_python(policy_document(row.document)) for row in rows]
