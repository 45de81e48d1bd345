"""Compliments, comments and enquiries in the annual report, on each database: the database's
counts equal `feedback_tallies_of` (the definition) for random feedback around the reporting
year's edges, and adding feedback (an enquiry converted into one of the complaints too) leaves
every complaint figure of every report exactly as it was. Every person here is made up."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.domain.complaint.events import Channel, Complainant
from app.domain.feedback import commands as f
from app.domain.feedback.events import FeedbackKind
from app.domain.reporting.feedback import feedback_facts, feedback_tallies_of
from app.domain.reporting.period import Period, reporting_year
from app.projections.feedback_tallies import count_feedback
from app.services import feedback as feedback_service
from app.services import reports
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR
from tests.conftest import truncate_all
from tests.contract.test_report_properties import DAYS, LANDLORD, LONDON, STORE, dump, write
from tests.depth import examples

pytestmark = pytest.mark.asyncio

SETTINGS = settings(
    max_examples=examples(6, 100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def give_feedback(
    engine: AsyncEngine, data: st.DataObject, complaint_ids: list[str]
) -> list[str]:
    """A few compliments, comments and enquiries received on and around the year's edges; an
    enquiry sometimes converted into one of `complaint_ids`."""
    given: list[str] = []
    for n in range(data.draw(st.integers(min_value=1, max_value=8), label="feedback")):
        day = data.draw(st.sampled_from(DAYS), label="received on")
        minutes = data.draw(st.integers(min_value=0, max_value=24 * 60 - 1), label="at minute")
        received = datetime.combine(day, time(), LONDON) + timedelta(minutes=minutes)
        kind = data.draw(st.sampled_from(FeedbackKind), label="kind")
        command = f.ReceiveFeedback(
            occurred_at=received,
            landlord=LANDLORD,
            kind=kind,
            received_at=received,
            channel=data.draw(st.sampled_from(Channel)),
            category=data.draw(st.sampled_from(["repairs", "estates"]), label="category"),
            team=data.draw(st.sampled_from([None, "north", "south"]), label="team"),
            text="Thank you",
            resident=Complainant(name=f"Resident {n}", resident_id=f"R-F{n}"),
        )
        feedback_id = f"00000000-0000-4000-8000-{n:012d}"
        async with engine.begin() as conn:
            await feedback_service.execute(
                conn, STORE, feedback_id, command, metadata={}, now=received
            )
            if kind is FeedbackKind.enquiry and complaint_ids and data.draw(st.booleans()):
                convert = f.ConvertEnquiry(
                    occurred_at=received + timedelta(hours=1), complaint_id=complaint_ids[0]
                )
                await feedback_service.execute(
                    conn, STORE, feedback_id, convert, metadata={}, now=convert.occurred_at
                )
        given.append(feedback_id)
    return given


@SETTINGS
@given(data=st.data())
async def test_the_databases_feedback_counts_are_the_definitions(
    db: AsyncEngine, data: st.DataObject
) -> None:
    await truncate_all(db)
    complaint_ids = await write(db, data)
    ids = await give_feedback(db, data, complaint_ids)
    async with reading(db) as conn:
        facts = []
        for feedback_id in ids:
            found = await feedback_service.load(conn, STORE, feedback_id)
            assert found is not None
            facts.append(feedback_facts(found.state))
        start = data.draw(st.sampled_from([date(2025, 3, 31), date(2025, 4, 1)]))
        for period in (reporting_year(2025), Period(start, start + timedelta(days=1))):
            assert await count_feedback(conn, LANDLORD, period) == feedback_tallies_of(
                facts, period
            )
        assert await count_feedback(conn, "someone-else", reporting_year(2025)) == (
            feedback_tallies_of([], reporting_year(2025))
        )


def without_feedback(report: object) -> dict[str, Any]:
    document = dump(report)
    document.pop("feedback", None)
    return document


@SETTINGS
@given(data=st.data())
async def test_feedback_leaves_every_complaint_figure_as_it_was(
    db: AsyncEngine, data: st.DataObject
) -> None:
    await truncate_all(db)
    complaint_ids = await write(db, data)
    today = date(2026, 4, 10)
    period = Period(date(2025, 3, 31), date(2026, 4, 2))

    async def everything() -> list[dict[str, Any]]:
        async with reading(db) as conn:
            found = [without_feedback(await reports.tsm_report(conn, STORE, LANDLORD, 2025,
                                                               today=today))]  # fmt: skip
            for reader in (OPERATOR, NO_PERSONAL_DATA):
                code = await reports.code_compliance_report(
                    conn, STORE, LANDLORD, period, today=today, reader=reader
                )
                annual = await reports.annual_report(
                    conn, STORE, LANDLORD, 2025, reader=reader, today=today
                )
                found += [without_feedback(code), without_feedback(annual)]
            return found

    before = await everything()
    await give_feedback(db, data, complaint_ids)
    assert await everything() == before
    async with reading(db) as conn:
        annual = dump(await reports.annual_report(conn, STORE, LANDLORD, 2025, reader=OPERATOR))
    figures = annual["feedback"]
    assert figures["received"] == sum(k["count"] for k in figures["by_kind"])
    praised = figures["praised"]
    assert praised["compliments"] == sum(c["count"] for c in praised["by_team"])
    assert praised["compliments"] == sum(c["count"] for c in praised["by_category"])
