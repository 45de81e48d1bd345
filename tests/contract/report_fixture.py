"""A hand-made reporting year (1 April 2025 to 31 March 2026) for landlord north-homes: 23
complaints, written through the services, whose figures are worked out by hand in
test_report_fixture.py. Every person is made up.

Dates are London wall-clock times. Working days of England and Wales: bank holidays 18 and 21
April, 5 and 26 May, 25 August, 25 and 26 December 2025; 1 January, 3 and 6 April 2026.

Complaints A* sit on the year's boundaries (23:30 on 31 March and 00:30 on 1 April, in BST, so
their UTC dates differ from their London dates); B* are on time; C* have extensions; D* have a
late (D1) or a missing (D2) acknowledgement, and answers the policy and the Code both judge from it
(once, under the old "late acknowledgement buys no time" clock, they judged them apart); E*
escalate (or are refused); F* are declined; G1 is withdrawn; H* are logged under jjh-2020 at its
informal stage 0.

Written through the sealing store, as the service writes: every free text (reasons, lessons) is
sealed at rest, and a report reads it back only through that store. `reported` gives the year's
reports as JSON, as a reader gets them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.domain.complaint import commands as c
from app.domain.complaint.events import (
    Channel,
    ClosureReason,
    CompensationKind,
    Complainant,
    DeclineReason,
    OmbudsmanFinding,
    Outcome,
    PaymentMethod,
    ReferralBody,
    Satisfaction,
    Tenure,
)
from app.domain.landlord.commands import ChangeLandlord, PolicyChoice, RegisterLandlord
from app.domain.reporting.period import reporting_year
from app.events.factory import make_store
from app.services import complaints as service
from app.services import landlords, reports
from app.services.catalog import settings_for
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR, Reader
from app.services.rebuild import Mode, rebuild
from app.settings import Settings
from tests.conftest import truncate_all

LANDLORD = "north-homes"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 30)
STORE = make_store(Settings())  # the tests' master key (tests/conftest.py), as the API server's
R, S, U = Tenure.rented, Tenure.shared_ownership, None
ADMIN, ANALYST = OPERATOR, NO_PERSONAL_DATA  # what an admin and an analyst key may read
Json = dict[str, Any]
SURVEY = "Awaiting a contractor's survey"
REFUSAL = "The complaint was fully answered at stage 1"


def uk(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


Step = Callable[[], c.Command]


@dataclass
class Case:
    key: str
    tenure: Tenure | None
    received: datetime
    steps: list[Step] = field(default_factory=list)
    category: str = "repairs"
    channel: Channel = Channel.email


def ack(at: datetime) -> Step:
    return lambda: c.Acknowledge(occurred_at=at)


def respond(at: datetime, outcome: Outcome, *remedies: str) -> Step:
    return lambda: c.Respond(occurred_at=at, outcome=outcome, summary="s", remedies=remedies)


def extend(at: datetime, due: date, reason: str) -> Step:
    return lambda: c.AgreeExtension(
        occurred_at=at, response_due=due, reason="other", explanation=reason
    )


def close(at: datetime, reason: ClosureReason = ClosureReason.resolved) -> Step:
    return lambda: c.Close(occurred_at=at, reason=reason)


def request(at: datetime) -> Step:
    return lambda: c.RequestEscalation(occurred_at=at, reason="Still not fixed")


def escalate(at: datetime) -> Step:
    return lambda: c.Escalate(occurred_at=at)


def survey(at: datetime, answer: Satisfaction) -> Step:
    return lambda: c.RecordSatisfaction(occurred_at=at, satisfied=answer)


def offer(at: datetime, offer_id: str, pence: int, kind: CompensationKind) -> Step:
    return lambda: c.OfferCompensation(
        occurred_at=at, offer_id=offer_id, amount_pence=pence, kind=kind, reason="r"
    )


def accept(at: datetime, offer_id: str) -> Step:
    return lambda: c.AcceptCompensation(occurred_at=at, offer_id=offer_id)


def pay(at: datetime, offer_id: str, pence: int, method: PaymentMethod) -> Step:
    return lambda: c.PayCompensation(occurred_at=at, offer_id=offer_id, amount_pence=pence,
                                     paid_on=london_day(at), method=method)  # fmt: skip


def london_day(at: datetime) -> date:
    return at.astimezone(ZoneInfo("Europe/London")).date()


def refuse_offer(at: datetime, offer_id: str) -> Step:
    return lambda: c.DeclineCompensation(occurred_at=at, offer_id=offer_id)


def refer(at: datetime) -> Step:
    return lambda: c.Refer(occurred_at=at, to=ReferralBody.housing_ombudsman)


def evidence_asked(at: datetime, due: date) -> Step:
    return lambda: c.RequestOmbudsmanEvidence(occurred_at=at, due=due)


def evidence_sent(at: datetime) -> Step:
    return lambda: c.ProvideOmbudsmanEvidence(occurred_at=at)


def determined(at: datetime, finding: OmbudsmanFinding) -> Step:
    return lambda: c.RecordOmbudsmanDetermination(occurred_at=at, finding=finding)


def learn(at: datetime, root_cause: str, lesson: str, improvement: str) -> Step:
    return lambda: c.RecordLearning(
        occurred_at=at, root_cause=root_cause, lesson=lesson, improvement=improvement
    )


REPAIRS_CAUSE = ("Repairs not followed up", "Check repairs are completed",
                 "Repair follow-up call after 5 days")  # fmt: skip
# Every word the reports of this year can show, each from a sealed field of an event.
WORDS = [SURVEY, "Resident away until June", "Independent surveyor booked", REFUSAL,
         *REPAIRS_CAUSE, "Acknowledgement letters delayed", "Acknowledge on the day",
         "Same-day acknowledgement template"]  # fmt: skip

CODE_CASES = [
    Case("A1", R, uk(2025, 3, 31, 23, 30), [
        ack(uk(2025, 4, 1)), respond(uk(2025, 4, 10), Outcome.upheld), close(uk(2025, 5, 20)),
        survey(uk(2026, 4, 2), Satisfaction.fairly_satisfied),
    ]),
    Case("A2", R, uk(2025, 4, 1, 0, 30), [
        ack(uk(2025, 4, 7)), respond(uk(2025, 4, 24), Outcome.not_upheld),
        refer(uk(2026, 3, 19)), evidence_asked(uk(2026, 3, 20), date(2026, 7, 31)),
    ], channel=Channel.web),
    Case("A3", S, uk(2026, 3, 31, 23, 30), channel=Channel.web),
    Case("A4", S, uk(2026, 4, 1, 0, 30)),
    Case("B1", R, uk(2025, 6, 2, 9), [
        ack(uk(2025, 6, 4)), respond(uk(2025, 6, 13), Outcome.upheld), close(uk(2025, 6, 20)),
        survey(uk(2025, 6, 25), Satisfaction.very_satisfied),
    ], channel=Channel.phone),
    Case("B2", R, uk(2025, 9, 1), [
        ack(uk(2025, 9, 2)), respond(uk(2025, 9, 10), Outcome.upheld, "apology", "repair"),
        offer(uk(2025, 9, 10, 11), "C-1", 5000, CompensationKind.time_and_trouble),
        accept(uk(2025, 9, 12), "C-1"),
        pay(uk(2025, 9, 15), "C-1", 3000, PaymentMethod.bank_transfer),  # 2,000 still to pay
        close(uk(2025, 9, 30)),
        survey(uk(2025, 10, 2), Satisfaction.very_dissatisfied),
    ], channel=Channel.phone),
    Case("B3", S, uk(2025, 10, 6), [
        ack(uk(2025, 10, 7)), respond(uk(2025, 10, 20), Outcome.not_upheld),
    ], category="anti_social_behaviour"),
    Case("B4", U, uk(2025, 11, 3), [
        ack(uk(2025, 11, 4)), respond(uk(2025, 11, 17), Outcome.partly_upheld, "apology"),
        close(uk(2025, 11, 28)),
    ]),
    Case("C1", R, uk(2025, 7, 1), [
        ack(uk(2025, 7, 2)), extend(uk(2025, 7, 10), date(2025, 7, 25), SURVEY),
        respond(uk(2025, 7, 23), Outcome.upheld, "repair"),
        offer(uk(2025, 7, 23, 11), "C-1", 25000, CompensationKind.financial),
        refuse_offer(uk(2025, 7, 28), "C-1"),
        offer(uk(2025, 7, 28, 11), "C-2", 30000, CompensationKind.financial),
        accept(uk(2025, 7, 29), "C-2"), pay(uk(2025, 7, 30), "C-2", 30000, PaymentMethod.cheque),
        close(uk(2025, 7, 31)),
    ], category="damp_and_mould", channel=Channel.phone),
    Case("C2", S, uk(2025, 12, 1), [
        ack(uk(2025, 12, 3)), extend(uk(2025, 12, 15), date(2026, 1, 5), SURVEY),
        respond(uk(2026, 1, 7), Outcome.partly_upheld),
    ], category="damp_and_mould"),
    Case("C3", R, uk(2025, 5, 12), [
        ack(uk(2025, 5, 13)), extend(uk(2025, 5, 20), date(2025, 6, 4), "Resident away until June"),
        respond(uk(2025, 5, 27), Outcome.not_upheld), close(uk(2025, 6, 10)),
    ]),
    Case("D1", U, uk(2025, 9, 15), [
        ack(uk(2025, 9, 26)), respond(uk(2025, 10, 9), Outcome.upheld),
        learn(uk(2026, 3, 31, 23), "Acknowledgement letters delayed", "Acknowledge on the day",
              "Same-day acknowledgement template"),
    ], category="staff_conduct"),
    Case("D2", R, uk(2026, 2, 2), [
        respond(uk(2026, 2, 20), Outcome.not_upheld), close(uk(2026, 3, 2)),
    ], category="staff_conduct", channel=Channel.web),
    Case("E1", R, uk(2025, 6, 9), [
        ack(uk(2025, 6, 10)), respond(uk(2025, 6, 20), Outcome.not_upheld),
        request(uk(2025, 7, 1)), escalate(uk(2025, 7, 2)), ack(uk(2025, 7, 3)),
        respond(uk(2025, 7, 30), Outcome.upheld, "apology", "compensation"),
        offer(uk(2025, 7, 30, 11), "C-1", 10000, CompensationKind.goodwill),
        close(uk(2025, 8, 5), ClosureReason.final_response_issued),
        learn(uk(2025, 8, 6), *REPAIRS_CAUSE),
        refer(uk(2025, 9, 1)), evidence_asked(uk(2025, 9, 2), date(2025, 9, 16)),
        evidence_sent(uk(2025, 9, 12)),
        determined(uk(2025, 12, 1), OmbudsmanFinding.maladministration),
    ], category="damp_and_mould", channel=Channel.letter),
    Case("E2", S, uk(2025, 10, 13), [
        ack(uk(2025, 10, 14)), respond(uk(2025, 10, 24), Outcome.partly_upheld),
        request(uk(2025, 11, 3)),
        lambda: c.RefuseEscalation(occurred_at=uk(2025, 11, 5), reason="legal_proceedings",
                                   explanation=REFUSAL),
        close(uk(2025, 11, 20)), learn(uk(2025, 11, 21), *REPAIRS_CAUSE),
    ]),
    Case("E3", R, uk(2025, 11, 10), [
        ack(uk(2025, 11, 11)), respond(uk(2025, 11, 21), Outcome.not_upheld),
        request(uk(2025, 12, 1)), escalate(uk(2025, 12, 2)), ack(uk(2025, 12, 10)),
        extend(uk(2026, 1, 5), date(2026, 1, 20), "Independent surveyor booked"),
        respond(uk(2026, 1, 16), Outcome.upheld, "repair", "compensation"),
        refer(uk(2026, 2, 10)), evidence_asked(uk(2026, 2, 11), date(2026, 2, 25)),
        evidence_sent(uk(2026, 3, 2)),
        determined(uk(2026, 5, 20), OmbudsmanFinding.service_failure),  # in 2026/27
    ], category="damp_and_mould"),
    Case("E4", U, uk(2026, 3, 2), [
        ack(uk(2026, 3, 3)), respond(uk(2026, 3, 12), Outcome.not_upheld),
        request(uk(2026, 3, 25)), escalate(uk(2026, 4, 2)), ack(uk(2026, 4, 8)),
    ]),
    Case("F1", R, uk(2025, 8, 4), [
        lambda: c.Decline(occurred_at=uk(2025, 8, 5), reason=DeclineReason.service_request,
                          explanation="A first report of a repair"),
    ]),
    Case("F2", S, uk(2025, 4, 14), [
        lambda: c.Decline(occurred_at=uk(2025, 4, 15), reason=DeclineReason.legal_proceedings,
                          explanation="In court"),
    ]),
    Case("G1", R, uk(2025, 6, 16), [
        ack(uk(2025, 6, 17)), close(uk(2025, 6, 25), ClosureReason.withdrawn),
    ]),
]  # fmt: skip

INFORMAL_CASES = [
    Case("H1", R, uk(2025, 5, 6), [
        close(uk(2025, 5, 6, 16), ClosureReason.resolved_at_first_contact),
    ], category="anti_social_behaviour", channel=Channel.phone),
    Case("H2", U, uk(2025, 9, 8), [
        request(uk(2025, 9, 9)), escalate(uk(2025, 9, 9, 11)),
        respond(uk(2025, 9, 19), Outcome.upheld), close(uk(2025, 10, 1)),
        survey(uk(2025, 10, 3), Satisfaction.fairly_satisfied),
    ], channel=Channel.phone),
    Case("H3", R, uk(2026, 1, 12), channel=Channel.phone),
]  # fmt: skip


async def _log(engine: AsyncEngine, case: Case) -> str:
    async with engine.begin() as conn:
        settings = await settings_for(conn, LANDLORD)
        command = c.LogComplaint(
            occurred_at=case.received,
            reference="",
            landlord=LANDLORD,
            policy_id=settings.policy.id,
            policy_version=settings.policy.version,
            channel=case.channel,
            received_at=case.received,
            stage=None,
            category=case.category,
            description="made up",
            desired_outcome=None,
            complainant=Complainant(name=f"Resident {case.key}", resident_id=f"R-{case.key}"),
            representative=None,
            anonymous=False,
            vulnerability=None,
            reasonable_adjustments=None,
            tenure=case.tenure,
        )
        complaint = await service.log_complaint(conn, STORE, command, metadata={}, now=NOW)
        for step in case.steps:
            complaint = await service.record(
                conn, STORE, complaint, step(), if_match=None, metadata={}, now=NOW
            )
        return complaint.id


async def change(engine: AsyncEngine, command: RegisterLandlord | ChangeLandlord) -> None:
    async with engine.begin() as conn:
        await landlords.execute(conn, STORE, LANDLORD, command, metadata={}, now=NOW)


async def write_fixture_year(engine: AsyncEngine) -> dict[str, str]:
    """Empty the database (tests that share the session's engine may leave rows behind), register
    the landlord, log every case, and return complaint ids by case key."""
    await truncate_all(engine)
    await change(
        engine,
        RegisterLandlord(
            occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
            name="North Homes",
            region="england-and-wales",
            homes_rented=1000,
            homes_shared_ownership=200,
        ),
    )
    ids = {case.key: await _log(engine, case) for case in CODE_CASES}
    await change(
        engine,
        ChangeLandlord(
            occurred_at=datetime(2025, 1, 2, tzinfo=UTC),
            default_policy=PolicyChoice(id="jjh-2020"),
        ),
    )
    ids |= {case.key: await _log(engine, case) for case in INFORMAL_CASES}
    # After the year: the TSM counts the homes the landlord had on 31 March 2026.
    await change(
        engine, ChangeLandlord(occurred_at=datetime(2026, 6, 1, tzinfo=UTC), homes_rented=1500)
    )
    return ids


def dump(report: object) -> Json:
    document: Json = TypeAdapter(type(report)).dump_python(report, mode="json")
    return document


async def reported(db: AsyncEngine, reader: Reader = ADMIN) -> tuple[Json, Json, Json]:
    """The year's three reports as `reader` gets them, as JSON documents."""
    async with reading(db) as conn:
        code = await reports.code_compliance_report(
            conn, STORE, LANDLORD, reporting_year(2025), today=TODAY, reader=reader
        )
        tsm = await reports.tsm_report(conn, STORE, LANDLORD, 2025, today=TODAY)
        annual = await reports.annual_report(conn, STORE, LANDLORD, 2025, reader=reader)
    return dump(code), dump(tsm), dump(annual)


async def documents(db: AsyncEngine) -> tuple[Json, Json, Json]:
    """Write the year, check the projection, and return an admin's reports."""
    await write_fixture_year(db)
    async with reading(db) as conn:
        # Rows rebuilt from the sealed events without keys equal the rows written on append.
        assert (await rebuild(conn, Mode.check)).equal
    return await reported(db)
