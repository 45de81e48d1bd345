"""The naive oracle's fold (tests/contract/naive_reports.py): each complaint's stored events read
into plain records, and the due dates worked out from the policies' numbers and the calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.policies.builtin import HOC_2024
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy
from app.events.store import StoredEvent

CALENDAR = WorkingCalendar()


@dataclass
class Rec:
    stage: int
    start: datetime
    reopened: bool = False
    ack: datetime | None = None
    responded: datetime | None = None
    outcome: str | None = None
    remedies: list[str] = field(default_factory=list)
    ext_to: date | None = None
    ext_at: datetime | None = None  # when the latest extension was agreed
    closed: datetime | None = None
    closure: str | None = None
    end: datetime | None = None  # filled after the fold


@dataclass
class Case:
    policy: Policy
    received: datetime
    logged_stage: int
    tenure: str
    category: str
    channel: str
    recs: list[Rec]
    declined: datetime | None = None
    decline_reason: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[tuple[datetime, int, str]] = field(default_factory=list)
    extensions: list[tuple[datetime, int, str]] = field(default_factory=list)
    surveys: list[tuple[datetime, str]] = field(default_factory=list)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    money: list[tuple[str, date, int]] = field(default_factory=list)  # (event type, day, pence)
    referrals: list[tuple[datetime, str]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    learning: list[tuple[datetime, str, str, str]] = field(default_factory=list)
    findings: list[tuple[datetime, str]] = field(default_factory=list)


def number(value: object) -> int:
    assert isinstance(value, int)
    return value


def texts(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(v) for v in value]


def fold(events: list[StoredEvent], policies: dict[tuple[str, int], Policy]) -> Case:
    first = events[0].data
    received = datetime.fromisoformat(str(first["received_at"]))
    stage = number(first["stage"])
    case = Case(
        policy=policies[(str(first["policy_id"]), number(first["policy_version"]))],
        received=received,
        logged_stage=stage,
        tenure=str(first.get("tenure") or "unknown"),
        category=str(first["category"]),
        channel=str(first["channel"]),
        recs=[Rec(stage, received)],
    )
    asked_at: datetime | None = None
    for e in events[1:]:
        d, at, rec = e.data, e.occurred_at, case.recs[-1]
        match e.type:
            case "acknowledged":
                rec.ack = at
            case "extension_agreed":
                rec.ext_to = date.fromisoformat(str(d["response_due"]))
                rec.ext_at = at
                case.extensions.append((at, number(d["stage"]), str(d["explanation"])))
            case "responded":
                rec.responded, rec.outcome = at, str(d["outcome"])
                rec.remedies = [str(r) for r in texts(d["remedies"])]
            case "escalation_requested":
                asked_at = at
                case.requests.append({"at": at, "to": d["stage"], "outcome": "pending"})
            case "escalated":
                assert asked_at is not None
                case.recs.append(Rec(number(d["stage"]), asked_at))
                case.requests[-1]["outcome"] = "escalated"
                asked_at = None
            case "escalation_refused":
                case.requests[-1]["outcome"] = "refused"
                case.refusals.append((at, number(d["stage"]), str(d["explanation"])))
                asked_at = None
            case "declined":
                case.declined, case.decline_reason = at, str(d["reason"])
            case "closed":
                rec.closed, rec.closure = at, str(d["reason"])
                if asked_at is not None:
                    case.requests[-1]["outcome"] = "ended"
                    asked_at = None
            case "reopened":
                case.recs.append(Rec(number(d["stage"]), at, reopened=True))
            case "satisfaction_recorded":
                case.surveys.append((at, str(d["satisfied"])))
            case "compensation_offered":
                case.offers[str(d["offer_id"])] = {
                    "at": at, "pence": d["amount_pence"], "kind": d["kind"], "status": "offered"
                }  # fmt: skip
            case "compensation_accepted":
                case.offers[str(d["offer_id"])]["status"] = "accepted"
            case "compensation_declined":
                case.offers[str(d["offer_id"])]["status"] = "declined"
            case "compensation_paid" | "compensation_offset":
                day = d["paid_on"] if e.type == "compensation_paid" else d["offset_on"]
                case.money.append((e.type, date.fromisoformat(str(day)), number(d["amount_pence"])))
            case "compensation_reversed":
                undone = "paid" if d["settled_by"] == "payment" else "offset"
                on = date.fromisoformat(str(d["reversed_on"]))
                case.money.append((f"{undone} reversed", on, number(d["amount_pence"])))
            case "referred":
                case.referrals.append((at, str(d["to"])))
            case "ombudsman_evidence_requested":
                due = date.fromisoformat(str(d["due"]))
                case.evidence.append({"at": at, "due": due, "sent": None})
            case "ombudsman_evidence_provided":
                case.evidence[-1]["sent"] = at
            case "learning_recorded":
                case.learning.append(
                    (at, str(d["root_cause"]), str(d["lesson"]), str(d["improvement"]))
                )
            case "ombudsman_determined":
                case.findings.append((at, str(d["finding"])))
    for i, rec in enumerate(case.recs):
        if rec.closed is not None:
            rec.end = rec.closed
        elif i + 1 < len(case.recs):
            rec.end = case.recs[i + 1].start
        else:
            rec.end = case.declined
    return case


def ack_due(case: Case, rec: Rec) -> date | None:
    days = case.policy.stage(rec.stage).acknowledge_days
    return None if days is None else CALENDAR.add_working_days(london_date(rec.start), days)


def first_due(sp: StagePolicy, rec: Rec, known_at: datetime | None = None) -> date:
    """The response's due date before extensions, from the acknowledgement made by `known_at`
    (any, when None), else from the acknowledgement's deadline, else from the start."""
    ack = rec.ack if rec.ack and (known_at is None or rec.ack <= known_at) else None
    if sp.response_from is ResponseFrom.acknowledgement and ack is not None:
        day = london_date(ack)
    elif sp.response_from is ResponseFrom.acknowledgement and sp.acknowledge_days is not None:
        day = CALENDAR.add_working_days(london_date(rec.start), sp.acknowledge_days)
    else:
        day = london_date(rec.start)
    return CALENDAR.add_working_days(day, sp.response_days)


def response_dues(case: Case, rec: Rec) -> tuple[date, date]:
    """(as first set, after extensions)."""
    original = first_due(case.policy.stage(rec.stage), rec)
    if rec.ext_to is not None and rec.ext_to > original:
        return original, rec.ext_to
    return original, original


def code_dues(rec: Rec) -> tuple[date, date | None]:
    """The Code's: from the acknowledgement, or its deadline; an extension up to 10 (20) working
    days after the due date as it stood when the extension was agreed."""
    code = HOC_2024.stage(rec.stage)
    due = first_due(code, rec)
    if rec.ext_to is None or rec.ext_to <= due:
        return due, None
    assert code.extension_cap_days is not None
    assert rec.ext_at is not None
    cap = CALENDAR.add_working_days(first_due(code, rec, rec.ext_at), code.extension_cap_days)
    latest = min(rec.ext_to, cap)
    return due, latest if latest > due else None


def timeliness(day: date, due: date, extended_due: date | None) -> str:
    if day <= due:
        return "on_time"
    if extended_due is not None and day <= extended_due:
        return "within_extension"
    return "late"


def in_period(t: datetime | None, start: date, end: date) -> bool:
    return t is not None and start <= london_date(t) < end


def received(cases: list[Case], start: date, end: date) -> list[tuple[Case, Rec]]:
    return [
        (c, r) for c in cases for r in c.recs
        if not r.reopened and in_period(r.start, start, end) and c.declined is None
    ]  # fmt: skip


def responded(cases: list[Case], start: date, end: date) -> list[tuple[Case, Rec]]:
    return [(c, r) for c in cases for r in c.recs if in_period(r.responded, start, end)]
