"""Every report figure equals a direct count over the event log: random histories of a few
complaints, written through the services (sealing free text) on each database, then the three
reports compared with the naive fold of naive_reports.py over `store.read_stream`: with every word
for an admin, and the same counts without a word for an analyst."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.domain.complaint import commands as c
from app.domain.complaint.events import (
    Channel,
    ClosureReason,
    CompensationKind,
    Complainant,
    ContactMethod,
    DeclineReason,
    OmbudsmanFinding,
    Outcome,
    PaymentMethod,
    ReferralBody,
    ReversalReason,
    Satisfaction,
    Settlement,
    Tenure,
)
from app.domain.errors import DomainError
from app.domain.landlord.commands import PolicyChoice, PublishPolicy, RegisterLandlord
from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024
from app.domain.reporting.facts import ItemKind
from app.domain.reporting.period import Period, reporting_year
from app.domain.reporting.tallies import tallies_of
from app.events.factory import make_store
from app.projections import report_tallies
from app.projections import reports as projection
from app.services import complaints as service
from app.services import landlords, reports
from app.services.catalog import settings_for
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR
from app.settings import Settings
from tests.conftest import truncate_all
from tests.contract import naive_reports as naive
from tests.depth import examples

pytestmark = pytest.mark.asyncio

LANDLORD = "north-homes"
STORE = make_store(Settings())
LONDON = ZoneInfo("Europe/London")
# The landlord's own policy: the Code's numbers, closed complaints may be reopened and accepted
# compensation set against arrears.
REOPENS = replace(HOC_2024, id="north-reopens", version=1, name="Reopens", reopening_allowed=True,
                  arrears_offset_allowed=True)  # fmt: skip
POLICIES = {(p.id, p.version): p for p in (*BUILTIN_POLICIES.all(), REOPENS)}
# Receipt days on and around the reporting year's edges (BST from 30 March 2025 / 29 March 2026).
DAYS = [date(2025, 3, 31), date(2025, 4, 1), date(2025, 10, 24), date(2026, 3, 31),
        date(2026, 4, 1)]  # fmt: skip
Json = dict[str, Any]


def share(f: Json) -> tuple[int, int]:
    return f["numerator"], f["denominator"]


def dump(report: object) -> Json:
    document: Json = TypeAdapter(type(report)).dump_python(report, mode="json")
    return document


def pairs(counts: list[Json]) -> list[tuple[str, int]]:
    return sorted((x["key"], x["count"]) for x in counts if x["count"])


def code_view(doc: Json) -> Json:
    """The report in the naive fold's shapes."""
    view: Json = {}
    for s in doc["stages"]:
        a, r, e, o = s["acknowledgements"], s["responses"], s["extensions"], s["open_at_end"]
        decided = a["on_time"]["numerator"] + a["late"] + a["missed"]
        assert a["on_time"]["denominator"] == decided
        view[f"stage {s['stage']}"] = {
            "received": s["received"],
            "acks": (a["on_time"]["numerator"], a["late"], a["missed"], a["not_due"],
                     a["no_deadline"]),
            "responses": (r["on_time"], r["on_time_within_extension"], r["late"], r["missed"]),
            "extensions": (e["agreed"], sorted((t["text"], t["count"]) for t in e["reasons"])),
            "resolved": share(s["resolved"]),
            "open": (o["awaiting_response"], o["past_due"]),
        }  # fmt: skip
    for x in doc["escalations"]:
        view[f"to {x['to_stage']}"] = (
            x["requested"], x["escalated"], x["refused"]["numerator"], x["pending"], x["ended"],
            x["refusals"]["refused"],
            sorted((t["text"], t["count"]) for t in x["refusals"]["reasons"]),
        )  # fmt: skip
    i = doc["informal"]
    view["informal"] = (i["received"], i["became_formal"]["numerator"], i["resolved_informally"])
    view["closures"] = (doc["closures"]["closed"], doc["closures"]["withdrawn"])
    view["declined"] = pairs(doc["declined"]["by_reason"])
    view["surveys"] = pairs(doc["satisfaction"]["by_answer"])
    ev = doc["ombudsman_evidence"]
    view["evidence"] = (ev["on_time"]["numerator"], ev["late"], ev["not_due"])
    return view


def tsm_view(doc: Json) -> Json:
    view: Json = {}
    for g1, g2 in zip(doc["ch01"], doc["ch02"], strict=True):
        for n in (1, 2):
            t = g2[f"stage_{n}"]
            on_time = t["without_extension"]["numerator"]
            view[f"{g1['tenure']} {n}"] = (
                g1[f"stage_{n}"]["count"],
                on_time,
                t["within_extension"],
                t["late"],
            )
    return view


def annual_view(doc: Json) -> Json:
    v = doc["volumes"]
    view: Json = {
        "received": v["received"],
        "category": pairs(v["by_category"]),
        "channel": pairs(v["by_channel"]),
        "tenure": pairs(v["by_tenure"]),
        "remedies": pairs(doc["remedies"]),
    }
    times = {t["stage"]: t["working_days"] for t in doc["time_to_respond"]}
    for o in doc["outcomes"]:
        w = times[o["stage"]]
        view[f"stage {o['stage']}"] = (
            pairs(o["by_outcome"]),
            w["count"],
            w["median"],
            w["percentile_90"],
        )
    money = doc["compensation"]
    view["compensation"] = {
        "offered": (money["awaiting_answer"]["count"], money["awaiting_answer"]["pence"]),
        "accepted": (money["accepted"]["count"], money["accepted"]["pence"]),
        "declined": (money["declined"]["count"], money["declined"]["pence"]),
        "compensation_paid": (money["paid"]["count"], money["paid"]["pence"]),
        "compensation_offset": (money["offset"]["count"], money["offset"]["pence"]),
        **{f"reversed {r['key']}": (r["count"], r["pence"]) for r in money["reversed"]},
    }
    view["referrals"] = pairs(doc["referrals"]["by_body"])
    learning = doc["learning"]
    view["learning"] = (
        learning["recorded"],
        [
            (
                g["root_cause"],
                g["count"],
                sorted(((x["lesson"], x["improvement"]), x["count"]) for x in g["lessons"]),
            )
            for g in sorted(learning["by_root_cause"], key=lambda g: g["root_cause"])
        ],
    )
    view["findings"] = pairs(doc["referrals"]["findings"])
    assert doc["referrals"]["determined"] == sum(n for _, n in view["findings"])
    return view  # fmt: skip


OFFERS = ["C-1", "C-2"]
KINDS = [
    *["acknowledge", "respond", "close"] * 3,
    *["request", "escalate", "extend"] * 2,
    "refuse", "decline", "reopen", "survey", "offer", "accept", "decline_offer", "pay", "offset",
    "reverse", "refer",
    "evidence_requested", "evidence_provided", "learning", "determined",
]  # fmt: skip


@st.composite
def report_commands(draw: st.DrawFn, after: datetime) -> c.Command:
    """A command a whole number of days after `after` (plus some minutes), so that responses and
    acknowledgements land on their due days, and the days either side, often."""
    at = after + timedelta(
        days=draw(st.integers(0, 15), label="days later"),
        minutes=draw(st.integers(0, 600), label="minutes later"),
    )
    day = at.astimezone(LONDON).date()
    match draw(st.sampled_from(KINDS), label="kind"):
        case "acknowledge":
            return c.Acknowledge(occurred_at=at)
        case "respond":
            outcome = draw(st.sampled_from(Outcome))
            remedies = tuple(draw(st.lists(st.sampled_from(["apology", "repair"]), max_size=2)))
            return c.Respond(occurred_at=at, outcome=outcome, summary="s", remedies=remedies)
        case "close":
            return c.Close(occurred_at=at, reason=draw(st.sampled_from(ClosureReason)))
        case "request":
            return c.RequestEscalation(occurred_at=at, reason="r")
        case "escalate":
            return c.Escalate(occurred_at=at)
        case "extend":
            due = day + timedelta(days=draw(st.integers(1, 30)))
            reason = draw(st.sampled_from(["Survey", "Contractor"]))
            return c.AgreeExtension(
                occurred_at=at, response_due=due, reason="other", explanation=reason
            )
        case "refuse":
            return c.RefuseEscalation(
                occurred_at=at,
                reason="legal_proceedings",
                explanation=draw(st.sampled_from(["a", "b"])),
            )
        case "decline":
            return c.Decline(occurred_at=at, reason=draw(st.sampled_from(DeclineReason)),
                             explanation="e")  # fmt: skip
        case "reopen":
            return c.Reopen(occurred_at=at, reason="r")
        case "survey":
            return c.RecordSatisfaction(
                occurred_at=at, satisfied=draw(st.sampled_from(Satisfaction))
            )
        case "offer":
            return c.OfferCompensation(
                occurred_at=at, offer_id=draw(st.sampled_from(OFFERS)),
                amount_pence=draw(st.integers(1, 50_000)),
                kind=draw(st.sampled_from(CompensationKind)), reason="r",
            )  # fmt: skip
        case "accept":
            return c.AcceptCompensation(
                occurred_at=at, offer_id=draw(st.sampled_from(["C-1", "C-2"]))
            )
        case "decline_offer":
            return c.DeclineCompensation(
                occurred_at=at, offer_id=draw(st.sampled_from(["C-1", "C-2"]))
            )
        case "pay":
            method = draw(st.sampled_from(PaymentMethod))
            credit = method is PaymentMethod.rent_account_credit  # at the resident's request
            paid_on = day - timedelta(days=draw(st.integers(0, 3)))
            return c.PayCompensation(
                occurred_at=at, offer_id=draw(st.sampled_from(OFFERS)),
                amount_pence=draw(st.integers(1, 30_000)), paid_on=paid_on, method=method,
                requested_on=paid_on if credit else None,
                requested_by=ContactMethod.phone if credit else None,
            )  # fmt: skip
        case "offset":
            return c.OffsetCompensation(
                occurred_at=at, offer_id=draw(st.sampled_from(OFFERS)),
                amount_pence=draw(st.integers(1, 30_000)), offset_on=day, agreed_on=day,
                agreed_by=ContactMethod.letter,
            )  # fmt: skip
        case "reverse":
            settled_by = draw(st.sampled_from(Settlement))
            return c.ReverseCompensation(
                occurred_at=at, offer_id=draw(st.sampled_from(OFFERS)),
                amount_pence=draw(st.integers(1, 30_000)), settled_by=settled_by,
                reversed_on=day - timedelta(days=draw(st.integers(0, 3))),
                reason=ReversalReason.recorded_in_error,
            )  # fmt: skip
        case "refer":
            return c.Refer(occurred_at=at, to=draw(st.sampled_from(ReferralBody)))
        case "evidence_requested":
            due = day + timedelta(days=draw(st.integers(0, 20)))
            return c.RequestOmbudsmanEvidence(occurred_at=at, due=due)
        case "evidence_provided":
            return c.ProvideOmbudsmanEvidence(occurred_at=at)
        case "determined":
            finding = draw(st.sampled_from(OmbudsmanFinding))
            return c.RecordOmbudsmanDetermination(occurred_at=at, finding=finding)
        case _:
            cause = draw(st.sampled_from(["Repairs", "Contact"]))
            return c.RecordLearning(occurred_at=at, root_cause=cause, lesson="l", improvement="i")


async def write(engine: AsyncEngine, data: st.DataObject) -> list[str]:
    policy = data.draw(st.sampled_from(["hoc-2024", "jjh-2020", REOPENS.id]), label="policy")
    at = datetime(2025, 1, 1, tzinfo=UTC)
    choice = None if policy == REOPENS.id else PolicyChoice(id=policy)
    async with engine.begin() as conn:
        await landlords.execute(
            conn, STORE, LANDLORD,
            RegisterLandlord(occurred_at=at, name="North", region="england-and-wales",
                             homes_rented=900, homes_shared_ownership=100, default_policy=choice),
            metadata={}, now=at,
        )  # fmt: skip
        if policy == REOPENS.id:
            publish = PublishPolicy(occurred_at=at, policy=REOPENS, make_default=True)
            await landlords.execute(conn, STORE, LANDLORD, publish, metadata={}, now=at)
    ids = []
    for n in range(data.draw(st.integers(min_value=1, max_value=4), label="complaints")):
        day = data.draw(st.sampled_from(DAYS), label="received on")
        minutes = data.draw(st.integers(min_value=0, max_value=24 * 60 - 1), label="at minute")
        received = datetime.combine(day, time(), LONDON) + timedelta(minutes=minutes)
        async with engine.begin() as conn:
            pinned = (await settings_for(conn, LANDLORD)).policy
            stage = (
                data.draw(st.sampled_from([None, 1]), label="stage")
                if pinned.has_informal_stage
                else None
            )
            command = c.LogComplaint(
                occurred_at=received, reference="", landlord=LANDLORD, policy_id=pinned.id,
                policy_version=pinned.version, channel=data.draw(st.sampled_from(Channel)),
                received_at=received, stage=stage,
                category=data.draw(st.sampled_from(["repairs", "damp", "noise"])),
                description="d", desired_outcome=None,
                complainant=Complainant(name=f"Person {n}", resident_id=f"R-{n}"),
                representative=None, anonymous=False, vulnerability=None,
                reasonable_adjustments=None, tenure=data.draw(st.sampled_from([*Tenure, None])),
            )  # fmt: skip
            complaint = await service.log_complaint(conn, STORE, command, metadata={}, now=received)
        for _ in range(data.draw(st.integers(min_value=0, max_value=25), label="length")):
            step = data.draw(report_commands(complaint.state.last_occurred_at), label="command")
            now = step.occurred_at
            try:
                async with engine.begin() as conn:
                    loaded = await service.load(conn, STORE, complaint.id)
                    assert loaded is not None
                    complaint = await service.record(
                        conn, STORE, loaded, step, if_match=None, metadata={}, now=now
                    )
            except DomainError:
                continue
        ids.append(complaint.id)
    return ids


@settings(
    max_examples=examples(12, 200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_every_figure_matches_a_direct_count_over_the_log(
    db: AsyncEngine, data: st.DataObject
) -> None:
    engine = db  # emptied after the test; each example starts from an empty database too
    await truncate_all(engine)
    ids = await write(engine, data)
    today = data.draw(st.sampled_from([date(2025, 4, 20), date(2026, 4, 10), date(2027, 6, 1)]))
    start = data.draw(st.sampled_from([date(2025, 3, 31), date(2025, 4, 1), date(2025, 9, 1)]))
    period = Period(start, start + timedelta(days=data.draw(st.integers(1, 400), label="days")))
    year = reporting_year(2025)
    async with reading(engine) as conn:
        cases = [naive.fold(await STORE.read_stream(conn, i), POLICIES) for i in ids]
        tsm = await reports.tsm_report(conn, STORE, LANDLORD, 2025, today=today)
        for reader, words in ((OPERATOR, True), (NO_PERSONAL_DATA, False)):
            code = await reports.code_compliance_report(
                conn, STORE, LANDLORD, period, today=today, reader=reader
            )
            annual = await reports.annual_report(conn, STORE, LANDLORD, 2025, reader=reader)
            shown = {s["extensions"]["text_shown"] for s in dump(code)["stages"]}
            shown |= {e["refusals"]["text_shown"] for e in dump(code)["escalations"]}
            assert shown | {dump(annual)["learning"]["text_shown"]} == {words}
            assert code_view(dump(code)) == naive.code_compliance(
                cases, period.start, period.end, today, words=words
            )
            assert annual_view(dump(annual)) == naive.annual(
                cases, year.start, year.end, words=words
            )
    assert tsm_view(dump(tsm)) == naive.tsm(cases, year.start, year.end)
    # The database's counts are the domain's, count by count (the figures above are made of them).
    async with reading(engine) as conn:
        for counted in (period, year):
            facts = await projection.load(conn, LANDLORD, counted)
            for worded in (frozenset(), frozenset(ItemKind)):
                assert await report_tallies.count(
                    conn, LANDLORD, counted, today, worded=worded
                ) == tallies_of(facts, counted, today, worded)
