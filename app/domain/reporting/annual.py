"""The annual complaints performance and service improvement report (the Code's section 8), for
the landlord's board and residents, over the regulator's reporting year (1 April to 31 March)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from app.domain.complaint.events import (
    OmbudsmanFinding,
    Outcome,
    PaymentMethod,
    Settlement,
    Tenure,
)
from app.domain.complaint.state import OfferStatus
from app.domain.reporting.code_compliance import (
    Declines,
    PeriodView,
    SatisfactionFigures,
    declines,
    period_view,
    satisfaction,
)
from app.domain.reporting.facts import ItemFacts, ItemKind
from app.domain.reporting.figures import (
    Amount,
    Count,
    Ratio,
    Spread,
    counts,
    normalise_text,
    ratio,
    spread,
)
from app.domain.reporting.period import Period, reporting_year
from app.domain.reporting.selection import ReportData, Timeliness, policy_timeliness
from app.domain.reporting.tsm import UNKNOWN
from app.domain.reporting.wording import WITHHELD, Wording

WORDED_KINDS = frozenset({ItemKind.learning})  # root causes, lessons and improvements listed


@dataclass(frozen=True, slots=True, kw_only=True)
class Volumes:
    """Complaints received in the year (declined ones are counted apart)."""

    received: int
    by_category: list[Count]
    by_channel: list[Count]
    by_tenure: list[Count]
    by_stage: list[Count]  # stage records entered in the year, keyed "stage N"
    declined: Declines


@dataclass(frozen=True, slots=True, kw_only=True)
class StageOutcomes:
    stage: int
    responded: int
    by_outcome: list[Count]
    upheld: Ratio  # upheld or partly upheld, of the responses


@dataclass(frozen=True, slots=True, kw_only=True)
class StageTimes:
    stage: int
    working_days: Spread  # from the stage's start to its response
    within_timescale: Ratio  # by the policy's deadline, or an agreed extension


@dataclass(frozen=True, slots=True, kw_only=True)
class Compensation:
    """Offers made in the year and the residents' answers to them; and the money that moved in
    the year, each on its own day: paid to residents, and set against their rent arrears (with
    their agreement), net of what was reversed in the year (a payment that failed, a payment or
    an offset recorded in error), the reversals counted on their own too. An accepted offer is a
    promise, not a payment: it is not counted as paid.

    Net pence may be below zero in a year that reverses more of earlier years' money than moved
    in it: each year's report stands as it was, and the correction falls in the year it is made.
    """

    offered: Amount
    accepted: Amount
    declined: Amount
    awaiting_answer: Amount
    # count: the payments made in the year (an offer may be paid in parts); pence: net of the
    # payments reversed in the year.
    paid: Amount
    offset: Amount  # set against rent arrears, as `paid`: count made, pence net of reversals
    reversed: list[Amount]  # the year's reversals, by what they undo: payment, offset
    # The payments made in the year by method, before reversals (a reversal names no method).
    paid_by_method: list[Amount]
    by_kind: list[KindAmounts]


@dataclass(frozen=True, slots=True, kw_only=True)
class KindAmounts:
    key: str  # the kind of compensation
    offered: Amount
    accepted: Amount
    paid: Amount  # net of reversals, as in Compensation
    offset: Amount


@dataclass(frozen=True, slots=True, kw_only=True)
class Lesson:
    lesson: str
    improvement: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningGroup:
    root_cause: str
    count: int
    lessons: list[Lesson]


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningFigures:
    """Lessons recorded in the year, grouped by root cause (the landlord's words)."""

    recorded: int
    text_shown: bool  # false for a caller the catalogue hides this text from
    by_root_cause: list[LearningGroup]  # empty unless text_shown


@dataclass(frozen=True, slots=True, kw_only=True)
class Referrals:
    """Complaints referred in the year, by where to; the Ombudsman's evidence requests and its
    determinations made in the year, by finding."""

    referred: int
    by_body: list[Count]
    ombudsman_evidence_requested: int
    determined: int
    findings: list[Count]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnualReport:
    landlord: str
    year: str
    period: PeriodView
    volumes: Volumes
    outcomes: list[StageOutcomes]
    remedies: list[Count]  # remedies named in the year's responses, by the landlord's label
    compensation: Compensation
    time_to_respond: list[StageTimes]
    satisfaction: SatisfactionFigures
    learning: LearningFigures
    referrals: Referrals


def annual(
    data: ReportData, year: int, *, landlord: str, wording: Wording = WITHHELD
) -> AnnualReport:
    """Root causes, lessons and improvements are grouped only from `wording`, read for a reader
    allowed to see them (wording.py); without it the lessons are counted, not listed."""
    period = reporting_year(year)
    received = [
        c for c in data.complaints.values() if period.holds(c.received_at) and c.declined_at is None
    ]
    responded = data.responded(period)
    determinations = data.items_in(period, ItemKind.determination)
    numbers = sorted({s.stage for s in responded} | {1, 2})
    return AnnualReport(
        landlord=landlord,
        year=f"{year}/{(year + 1) % 100:02d}",
        period=period_view(period),
        volumes=Volumes(
            received=len(received),
            by_category=counts(c.category for c in received),
            by_channel=counts(c.channel for c in received),
            by_tenure=counts(
                (c.tenure.value if c.tenure else UNKNOWN for c in received),
                every=[*(t.value for t in Tenure), UNKNOWN],
            ),
            by_stage=counts(
                (f"stage {s.stage}" for s in data.received(period)),
                every=[f"stage {n}" for n in (1, 2)],
            ),
            declined=declines(data, period),
        ),
        outcomes=[
            _outcomes(n, [s.outcome for s in responded if s.stage == n and s.outcome])
            for n in numbers
        ],
        remedies=counts(normalise_text(r) for s in responded for r in s.remedies if r.strip()),
        compensation=_compensation(
            data.items_in(period, ItemKind.compensation),
            paid=_moved(data, period, ItemKind.compensation_paid),
            offset=_moved(data, period, ItemKind.compensation_offset),
            undone=_moved(data, period, ItemKind.compensation_reversed),
        ),
        time_to_respond=[
            StageTimes(
                stage=n,
                working_days=spread(
                    s.working_days_to_respond
                    for s in responded
                    if s.stage == n and s.working_days_to_respond is not None
                ),
                within_timescale=ratio(
                    sum(
                        1
                        for s in responded
                        if s.stage == n and policy_timeliness(s) is not Timeliness.late
                    ),
                    sum(1 for s in responded if s.stage == n),
                ),
            )
            for n in numbers
        ],
        satisfaction=satisfaction(data, period),
        learning=_learning(data.items_in(period, ItemKind.learning), wording),
        referrals=Referrals(
            referred=len(data.items_in(period, ItemKind.referral)),
            by_body=counts(i.code or "" for i in data.items_in(period, ItemKind.referral)),
            ombudsman_evidence_requested=len(data.items_in(period, ItemKind.evidence_request)),
            determined=len(determinations),
            findings=counts(
                (i.code or "" for i in determinations), every=[f.value for f in OmbudsmanFinding]
            ),
        ),
    )


def _amount(key: str, offers: list[ItemFacts]) -> Amount:
    return Amount(key=key, count=len(offers), pence=sum(o.amount_pence or 0 for o in offers))


def _net(key: str, moved: list[ItemFacts], undone: list[ItemFacts]) -> Amount:
    """How many moved, and how much net of what was reversed."""
    made = _amount(key, moved)
    return replace(made, pence=made.pence - sum(u.amount_pence or 0 for u in undone))


def _moved(data: ReportData, period: Period, kind: ItemKind) -> list[ItemFacts]:
    """Payments, offsets or reversals whose own day (not the day recorded) is in the period."""
    return [
        i for i in data.items
        if i.kind is kind and i.due is not None and period.start <= i.due < period.end
    ]  # fmt: skip


def _compensation(
    offers: list[ItemFacts],
    *,
    paid: list[ItemFacts],
    offset: list[ItemFacts],
    undone: list[ItemFacts],
) -> Compensation:
    def having(status: str, among: list[ItemFacts]) -> list[ItemFacts]:
        return [o for o in among if o.status == status]

    def of_kind(kind: str, items: list[ItemFacts]) -> list[ItemFacts]:
        return [i for i in items if (i.code or "") == kind]

    def accepted(among: list[ItemFacts]) -> list[ItemFacts]:
        return having(OfferStatus.accepted.value, among)

    payments, offsets = Settlement.payment.value, Settlement.offset.value
    kinds = sorted({i.code or "" for i in (*offers, *paid, *offset, *undone)})
    return Compensation(
        offered=_amount("offered", offers),
        accepted=_amount("accepted", accepted(offers)),
        declined=_amount("declined", having(OfferStatus.declined.value, offers)),
        awaiting_answer=_amount("awaiting_answer", having(OfferStatus.offered.value, offers)),
        paid=_net("paid", paid, having(payments, undone)),
        offset=_net("offset", offset, having(offsets, undone)),
        reversed=[_amount(s.value, having(s.value, undone)) for s in Settlement],
        paid_by_method=[_amount(m.value, having(m.value, paid)) for m in PaymentMethod],
        by_kind=[
            KindAmounts(
                key=kind,
                offered=_amount("offered", of_kind(kind, offers)),
                accepted=_amount("accepted", accepted(of_kind(kind, offers))),
                paid=_net("paid", of_kind(kind, paid), of_kind(kind, having(payments, undone))),
                offset=_net(
                    "offset", of_kind(kind, offset), of_kind(kind, having(offsets, undone))
                ),
            )
            for kind in kinds
        ],
    )


def _learning(learnt: list[ItemFacts], wording: Wording) -> LearningFigures:
    shown = ItemKind.learning in wording.shown
    groups: dict[str, list[ItemFacts]] = {}
    for item in learnt if shown else []:
        groups.setdefault(normalise_text(wording.of(item, "root_cause")), []).append(item)
    by_cause = [
        LearningGroup(
            root_cause=cause,
            count=len(items),
            lessons=[
                Lesson(lesson=lesson, improvement=improvement, count=n)
                for (lesson, improvement), n in sorted(
                    Counter(
                        (
                            normalise_text(wording.of(i, "lesson")),
                            normalise_text(wording.of(i, "improvement")),
                        )
                        for i in items
                    ).items(),
                    key=lambda kv: (-kv[1], kv[0]),
                )
            ],
        )
        for cause, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return LearningFigures(recorded=len(learnt), text_shown=shown, by_root_cause=by_cause)


def _outcomes(stage: int, outcomes: list[Outcome]) -> StageOutcomes:
    tally = Counter(outcomes)
    return StageOutcomes(
        stage=stage,
        responded=len(outcomes),
        by_outcome=[Count(o.value, tally[o]) for o in Outcome],
        upheld=ratio(tally[Outcome.upheld] + tally[Outcome.partly_upheld], len(outcomes)),
    )
