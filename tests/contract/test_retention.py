"""`redress retention run`: complaints (and compliments, comments and enquiries) ended longer ago
than their landlord's retention period lose their personal data; younger or open ones keep it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.complaint import commands as c
from app.domain.complaint.events import Channel, ClosureReason, Complainant, Outcome
from app.domain.feedback import commands as f
from app.domain.feedback.events import FeedbackKind
from app.domain.landlord.commands import RegisterLandlord
from app.domain.policies.builtin import HOC_2024
from app.domain.restriction import commands as r
from app.domain.restriction.events import EndReason, Measure
from app.events.factory import make_store
from app.services import complaints as service
from app.services import feedback, landlords, restrictions
from app.settings import Settings

pytestmark = pytest.mark.asyncio

NOW = datetime.now(UTC)


def logged(received: datetime, name: str) -> c.LogComplaint:
    return c.LogComplaint(
        occurred_at=received,
        reference="",
        landlord="old-homes",
        policy_id=HOC_2024.id,
        policy_version=HOC_2024.version,
        channel=Channel.email,
        received_at=received,
        stage=None,
        category="repairs",
        description=f"Complaint of {name}",
        desired_outcome=None,
        complainant=Complainant(name=name),
        representative=None,
        anonymous=False,
        vulnerability=None,
        reasonable_adjustments=None,
    )


def run_cli(database_url: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own console script
        [sys.executable, "-m", "app.cli", "retention", "run", *args],
        env={**os.environ, "REDRESS_DATABASE_URL": database_url},
        capture_output=True,
        check=True,
        timeout=120,
        text=True,
    )
    return result.stdout


async def test_retention_erases_only_what_is_past_it(db: AsyncEngine, database_url: str) -> None:
    store = make_store(Settings(database_url=database_url))
    meta = {"actor": "test"}
    async with db.begin() as conn:
        register = RegisterLandlord(
            occurred_at=NOW, name="Old Homes", region="england-and-wales", retention_years=2
        )
        await landlords.execute(conn, store, "old-homes", register, metadata=meta, now=NOW)
        ids = {}
        for name, received, close in [
            ("Ancient Closed", datetime(2021, 3, 1, 10, tzinfo=UTC), True),
            ("Ancient Open", datetime(2021, 3, 1, 10, tzinfo=UTC), False),
            ("Recent Closed", datetime(2025, 3, 2, 10, tzinfo=UTC), True),
        ]:
            complaint = await service.log_complaint(
                conn, store, logged(received, name), metadata=meta, now=NOW
            )
            if close:
                respond = c.Respond(
                    occurred_at=received.replace(day=3), outcome=Outcome.upheld, summary="Done"
                )
                complaint = await service.record(
                    conn, store, complaint, respond, if_match=None, metadata=meta, now=NOW
                )
                close_it = c.Close(
                    occurred_at=received.replace(day=4), reason=ClosureReason.resolved
                )
                complaint = await service.record(
                    conn, store, complaint, close_it, if_match=None, metadata=meta, now=NOW
                )
            ids[name] = complaint.id
        for name, received in [
            ("Old Praise", datetime(2021, 3, 1, 10, tzinfo=UTC)),
            ("New Praise", datetime(2025, 3, 2, 10, tzinfo=UTC)),
        ]:
            for command in compliment(received, name):
                await feedback.execute(
                    conn, store, name.replace(" ", "-"), command, metadata=meta, now=NOW
                )
        # Two contact restrictions imposed long ago: one lifted since (past retention), one in
        # force still (kept, however old).
        for name, lifted in (("Lifted", True), ("Standing", False)):
            at = datetime(2021, 3, 1, 10, tzinfo=UTC)
            steps: list[r.RestrictionCommand] = [
                r.Impose(occurred_at=at, landlord="old-homes", resident_id=f"R-{name}",
                         measures=(Measure.acknowledge_only,), reason=f"Made up for {name}")
            ]  # fmt: skip
            if lifted:
                steps.append(r.End(occurred_at=at.replace(day=5), reason=EndReason.withdrawn))
            for step in steps:
                await restrictions.execute(conn, store, name, step, metadata=meta, now=NOW)

    dry = run_cli(database_url, "--dry-run")
    assert "would erase" in dry
    assert "and of 1 compliment(s)" in dry
    assert "Old-Praise" in dry
    assert "and of 1 contact restriction(s)\nLifted\n" in dry
    assert "would erase the personal data of 1 complaint(s)" in dry
    assert ids["Ancient Closed"] in dry
    done = run_cli(database_url, "--landlord", "old-homes")
    assert ids["Ancient Closed"] in done
    # The complaint's, the old compliment's and the lifted restriction's.
    assert "3 data key(s) destroyed" in done
    assert "0 complaint(s)" in run_cli(database_url)  # nothing left to do

    async with db.connect() as conn:
        names = {
            name: (await service.load(conn, store, cid)).state.complainant.name  # type: ignore[union-attr]
            for name, cid in ids.items()
        }
        praised = {}
        for name in ("Old-Praise", "New-Praise"):
            given = await feedback.load(conn, store, name)
            assert given is not None
            resident = given.received.data["resident"]
            assert isinstance(resident, dict)
            praised[name] = resident["name"]
    assert names == {
        "Ancient Closed": "[erased]",
        "Ancient Open": "Ancient Open",
        "Recent Closed": "Recent Closed",
    }
    assert praised == {"Old-Praise": "[erased]", "New-Praise": "New Praise"}
    async with db.connect() as conn:
        reasons = {}
        for name in ("Lifted", "Standing"):
            found = await restrictions.load(conn, store, name)
            assert found is not None
            reasons[name] = found.events[0].data["reason"]
    assert reasons == {"Lifted": "[erased]", "Standing": "Made up for Standing"}


def compliment(received: datetime, name: str) -> list[f.FeedbackCommand]:
    """A compliment received, passed on and closed the same week."""
    return [
        f.ReceiveFeedback(
            occurred_at=received, landlord="old-homes", kind=FeedbackKind.compliment,
            received_at=received, channel=Channel.phone, category="repairs", text="Thanks",
            resident=Complainant(name=name),
        ),
        f.PassOnCompliment(occurred_at=received.replace(day=3), team="repairs"),
        f.CloseFeedback(occurred_at=received.replace(day=4)),
    ]  # fmt: skip
