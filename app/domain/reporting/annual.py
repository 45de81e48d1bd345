"""The annual complaints performance and service improvement report (the Code's section 8), for
the landlord's board and residents, over the regulator's reporting year (1 April to 31 March)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

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
from app.domain.reporting.feedback import FeedbackFigures, FeedbackTallies, feedback_figures
from app.domain.reporting.figures import (
    Amount,
    Count,
    Ratio,
    Spread,
    normalise_text,
    ratio,
    spread,
    tallied,
)
from app.domain.reporting.period import reporting_year
from app.domain.reporting.restrictions import (
    RestrictionFacts,
    RestrictionFigures,
    restriction_figures,
)
from app.domain.reporting.selection import Timeliness
from app.domain.reporting.tallies import UNKNOWN, Money, Tallies, by_part
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
    landlord_name: str | None  # as the landlord registered it (None: not known)
    year: str
    # A year still running: the day its figures stand at (null once the year is over).
    to_date: date | None
    period: PeriodView
    volumes: Volumes
    outcomes: list[StageOutcomes]
    remedies: list[Count]  # remedies named in the year's responses, by the landlord's label
    compensation: Compensation
    time_to_respond: list[StageTimes]
    satisfaction: SatisfactionFigures
    learning: LearningFigures
    referrals: Referrals
    # Compliments, comments and enquiries (never complaints): what residents praised.
    feedback: FeedbackFigures
    # Contact restrictions for unreasonable behaviour (never a complaint figure).
    restrictions: RestrictionFigures


def annual(
    tallies: Tallies,
    year: int,
    *,
    landlord: str,
    landlord_name: str | None = None,
    wording: Wording = WITHHELD,
    as_at: date | None = None,
    feedback: FeedbackTallies | None = None,
    restrictions: Iterable[RestrictionFacts] = (),
) -> AnnualReport:
    """The figures of `tallies`, counted for the reporting year; `as_at`, for a year still
    running, the day they stand at. Root causes, lessons and improvements are grouped only from
    `wording`, read for a reader allowed to see them (wording.py); without it the lessons are
    counted, not listed. `feedback`: the year's compliments, comments and enquiries, counted
    apart (none without it); `restrictions`, the landlord's contact restrictions."""
    period = reporting_year(year)
    received, responded = tallies.received_complaints, tallies.responded
    numbers = sorted({k[0] for k in responded} | {1, 2})
    remedies: Counter[str] = Counter()
    for label, n in tallies.remedies.items():
        if label.strip():
            remedies[normalise_text(label)] += n
    return AnnualReport(
        landlord=landlord,
        landlord_name=landlord_name,
        to_date=as_at,
        year=f"{year}/{(year + 1) % 100:02d}",
        period=period_view(period),
        volumes=Volumes(
            received=sum(received.values()),
            by_category=tallied(by_part(received, 0)),
            by_channel=tallied(by_part(received, 1)),
            by_tenure=tallied(by_part(received, 2), every=[*(t.value for t in Tenure), UNKNOWN]),
            by_stage=tallied(
                {f"stage {stage}": n for stage, n in by_part(tallies.received, 0).items()},
                every=[f"stage {n}" for n in (1, 2)],
            ),
            declined=declines(tallies),
        ),
        outcomes=[_outcomes(n, by_part(responded, 4, stage=n)) for n in numbers],
        remedies=tallied(remedies),
        compensation=_compensation(tallies.offers, tallies.moved),
        time_to_respond=[
            _times(n, by_part(responded, 5, stage=n), by_part(responded, 2, stage=n))
            for n in numbers
        ],
        satisfaction=satisfaction(tallies),
        learning=_learning(tallies, wording),
        referrals=Referrals(
            referred=sum(tallies.referrals.values()),
            by_body=tallied(tallies.referrals),
            ombudsman_evidence_requested=sum(tallies.evidence.values()),
            determined=sum(tallies.determinations.values()),
            findings=tallied(tallies.determinations, every=[f.value for f in OmbudsmanFinding]),
        ),
        feedback=feedback_figures(feedback or FeedbackTallies()),
        restrictions=restriction_figures(restrictions, period),
    )


def _times(stage: int, days: Counter[int | None], timeliness: Counter[Timeliness]) -> StageTimes:
    """A stage's response times (working days taken, by how many) and its responses by how
    they met the policy's deadline."""
    in_time = sum(n for t, n in timeliness.items() if t is not Timeliness.late)
    return StageTimes(
        stage=stage,
        working_days=spread({d: n for d, n in days.items() if d is not None}),
        within_timescale=ratio(in_time, sum(timeliness.values())),
    )


def _amount(key: str, money: Iterable[Money]) -> Amount:
    count = pence = 0
    for n, p in money:
        count, pence = count + n, pence + p
    return Amount(key=key, count=count, pence=pence)


def _compensation(
    offers: Mapping[tuple[str, str], Money], moved: Mapping[tuple[str, str, str], Money]
) -> Compensation:
    def offered(status: str | None = None, kind: str | None = None) -> list[Money]:
        return [m for (k, s), m in offers.items() if status in (None, s) and kind in (None, k)]

    def money(item: ItemKind, status: str | None = None, kind: str | None = None) -> list[Money]:
        return [
            m for (i, k, s), m in moved.items()
            if i == item.value and status in (None, s) and kind in (None, k)
        ]  # fmt: skip

    def net(key: str, made: list[Money], undone: list[Money]) -> Amount:
        """How many moved, and how much net of what was reversed."""
        amount = _amount(key, made)
        return replace(amount, pence=amount.pence - _amount(key, undone).pence)

    paid, offset, reversed_ = (
        ItemKind.compensation_paid, ItemKind.compensation_offset, ItemKind.compensation_reversed
    )  # fmt: skip
    payments, offsets = Settlement.payment.value, Settlement.offset.value
    accepted, declined = OfferStatus.accepted.value, OfferStatus.declined.value
    kinds = sorted({k for k, _ in offers} | {k for _, k, _ in moved})
    return Compensation(
        offered=_amount("offered", offered()),
        accepted=_amount("accepted", offered(accepted)),
        declined=_amount("declined", offered(declined)),
        awaiting_answer=_amount("awaiting_answer", offered(OfferStatus.offered.value)),
        paid=net("paid", money(paid), money(reversed_, payments)),
        offset=net("offset", money(offset), money(reversed_, offsets)),
        reversed=[_amount(s.value, money(reversed_, s.value)) for s in Settlement],
        paid_by_method=[_amount(m.value, money(paid, m.value)) for m in PaymentMethod],
        by_kind=[
            KindAmounts(
                key=kind,
                offered=_amount("offered", offered(kind=kind)),
                accepted=_amount("accepted", offered(accepted, kind)),
                paid=net("paid", money(paid, kind=kind), money(reversed_, payments, kind)),
                offset=net("offset", money(offset, kind=kind), money(reversed_, offsets, kind)),
            )
            for kind in kinds
        ],
    )


def _learning(tallies: Tallies, wording: Wording) -> LearningFigures:
    shown = ItemKind.learning in wording.shown
    learnt = [i for i in tallies.worded if i.kind is ItemKind.learning]
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
    return LearningFigures(recorded=tallies.learning, text_shown=shown, by_root_cause=by_cause)


def _outcomes(stage: int, tally: Counter[str | None]) -> StageOutcomes:
    responded = sum(n for outcome, n in tally.items() if outcome)
    return StageOutcomes(
        stage=stage,
        responded=responded,
        by_outcome=[Count(o.value, tally[o.value]) for o in Outcome],
        upheld=ratio(tally[Outcome.upheld.value] + tally[Outcome.partly_upheld.value], responded),
    )
