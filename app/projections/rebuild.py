"""Rebuild the complaint projection from the events alone, in bounded memory.

The log is read in `(stream_id, version)` order in batches (app/audit/scan.py), so one complaint's
events are adjacent: each is folded as it arrives and only the current complaint's state is held.
Rebuilt rows are compared with the live table a batch at a time.

- `check` reports every difference (missing, extra or changed rows) and writes nothing;
- `apply` does the same and, in the same transaction, writes the rebuilt rows where they differ
  and deletes rows no events support, so the table ends equal to the rebuild.

On PostgreSQL `apply` first locks the table against writers (who write the projection before they
append, ADR 0001): a complaint cannot change between being read and being rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit import scan
from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.domain.policies.builtin import get_policy
from app.events.codec import decode
from app.events.tables import events
from app.projections.complaints import Row, row_for
from app.projections.tables import complaints
from app.services.complaints import calendar_for

MAX_LISTED = 100


class Mode(StrEnum):
    check = "check"
    apply = "apply"


@dataclass(frozen=True)
class Difference:
    complaint_id: str
    kind: str  # "missing" (no live row), "extra" (no events), "changed"
    # column -> (live value, rebuilt value); empty for missing and extra rows.
    columns: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass
class RebuildReport:
    mode: Mode
    events: int = 0
    complaints: int = 0
    differences: int = 0
    listed: list[Difference] = field(default_factory=list)  # the first MAX_LISTED differences

    @property
    def equal(self) -> bool:
        return self.differences == 0

    def _add(self, difference: Difference) -> None:
        self.differences += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(difference)


Progress = Callable[[int], None]


async def count_events(conn: AsyncConnection) -> int:
    return int((await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar_one())


async def rebuild(
    conn: AsyncConnection,
    mode: Mode,
    *,
    batch_size: int = scan.BATCH_SIZE,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuild in the caller's transaction (`apply` needs a writing one; the caller commits)."""
    report = RebuildReport(mode)
    if mode is Mode.apply and conn.dialect.name == "postgresql":
        await conn.execute(sa.text("LOCK TABLE complaints IN SHARE ROW EXCLUSIVE MODE"))
    # Extras first: in `apply`, a rebuilt row may take back a reference an extra row holds.
    await _remove_extra(conn, report)
    stream_id: str | None = None
    state: ComplaintState | None = None
    rows: list[Row] = []
    async for batch in scan.by_stream(conn, batch_size=batch_size):
        for stored in batch:
            if stored.stream_id != stream_id:
                if stream_id is not None and state is not None:
                    rows.append(_row(stream_id, state))
                stream_id, state = stored.stream_id, None
            state = evolve(state, decode(stored))
        report.events += len(batch)
        await _compare(conn, report, rows)
        rows = []
        if progress is not None:
            progress(len(batch))
    if stream_id is not None and state is not None:
        await _compare(conn, report, [_row(stream_id, state)])
    return report


def _row(complaint_id: str, state: ComplaintState) -> Row:
    policy = get_policy(state.policy_id, state.policy_version)
    return row_for(complaint_id, state, policy, calendar_for(state.landlord))


async def _compare(conn: AsyncConnection, report: RebuildReport, rows: Sequence[Row]) -> None:
    if not rows:
        return
    report.complaints += len(rows)
    ids = [str(row["id"]) for row in rows]
    live = {
        str(found.id): dict(found._mapping)
        for found in await conn.execute(sa.select(complaints).where(complaints.c.id.in_(ids)))
    }
    stale: list[Row] = []
    for row in rows:
        current = live.get(str(row["id"]))
        if current is None:
            report._add(Difference(str(row["id"]), "missing"))
            stale.append(row)
            continue
        changed = {
            name: (current[name], value) for name, value in row.items() if current[name] != value
        }
        if changed:
            report._add(Difference(str(row["id"]), "changed", changed))
            stale.append(row)
    if report.mode is Mode.apply and stale:
        await conn.execute(
            sa.delete(complaints).where(complaints.c.id.in_([str(row["id"]) for row in stale]))
        )
        await conn.execute(sa.insert(complaints), list(stale))


async def _remove_extra(conn: AsyncConnection, report: RebuildReport) -> None:
    """Live rows of complaints that have no events at all."""
    has_events = sa.exists().where(events.c.stream_id == complaints.c.id)
    query = sa.select(complaints.c.id).where(~has_events).order_by(complaints.c.id)
    extra = [str(row.id) for row in await conn.execute(query)]
    for complaint_id in extra:
        report._add(Difference(complaint_id, "extra"))
    if report.mode is Mode.apply and extra:
        await conn.execute(sa.delete(complaints).where(complaints.c.id.in_(extra)))
