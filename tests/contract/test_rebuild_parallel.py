"""`rebuild --check` split across processes finds what the one-process check finds, on one
snapshot (PostgreSQL only: SQLite has no snapshot to share)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.projections.tables import complaints
from app.services import rebuild_parallel
from app.services.rebuild import Mode, RebuildReport
from tests.contract.test_rebuild import populate, run

pytestmark = pytest.mark.asyncio


async def parallel(database_url: str, workers: int) -> RebuildReport:
    seen: list[int] = []
    report = await rebuild_parallel.check(
        database_url, workers=workers, batch_size=7, progress=seen.append
    )
    assert sum(seen) == report.events
    return report


async def test_split_checks_equal_the_one_process_check(
    db: AsyncEngine, database_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("processes share a PostgreSQL snapshot")
    await populate(db)
    one = await run(db, Mode.check)
    assert one.equal
    async with db.begin() as conn:
        ids = [str(i) for i in (await conn.execute(sa.select(complaints.c.id))).scalars()]
        ids.sort()
        # A changed row at each end of the id range, so both workers find one.
        for complaint_id in (ids[0], ids[-1]):
            await conn.execute(
                sa.update(complaints)
                .where(complaints.c.id == complaint_id)
                .values(sla_due=date(2001, 1, 1))
            )
        forged = dict((await conn.execute(sa.select(complaints).limit(1))).one()._mapping)
        forged |= {"id": "no-such-stream", "reference": "FORGED-1"}
        await conn.execute(sa.insert(complaints).values(**forged))
    one = await run(db, Mode.check)
    for workers in (2, 3):
        split = await parallel(database_url, workers)
        assert (split.events, split.complaints, split.landlords) == (
            one.events,
            one.complaints,
            one.landlords,
        )
        assert split.differences == one.differences == 3
        key = sorted(one.listed, key=lambda d: (d.subject, d.kind))
        assert sorted(split.listed, key=lambda d: (d.subject, d.kind)) == key
