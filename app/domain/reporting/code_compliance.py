"""The Complaint Handling Code self-assessment figures for one landlord and period.

Each figure answers a question of the Housing Ombudsman's self-assessment form that a landlord
without an event log could not (see docs/reports.md for every definition and its source events).
The reasons for extensions and refusals are listed only from a `Wording` the caller read for a
reader allowed to see them (wording.py); their counts do not depend on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.clocks.calendar import london_date
from app.domain.complaint.events import ClosureReason, Satisfaction
from app.domain.reporting.escalations import EscalationFigures, escalations
from app.domain.reporting.explained import by_code, explained
from app.domain.reporting.facts import ItemKind, StageFacts
from app.domain.reporting.figures import Count, Ratio, TextCount, counts, ratio, text_counts
from app.domain.reporting.late import LateAcceptances, late_acceptances
from app.domain.reporting.period import Period
from app.domain.reporting.selection import (
    Acknowledgement,
    ReportData,
    Timeliness,
    acknowledgement,
    policy_timeliness,
)
from app.domain.reporting.wording import WITHHELD, Wording

CODE_STAGES = (1, 2)
WORDED_KINDS = frozenset({ItemKind.extension, ItemKind.escalation_refusal})  # reasons listed


@dataclass(frozen=True, slots=True)
class PeriodView:
    """The period covered, both days included."""

    first_day: date
    last_day: date


def period_view(period: Period) -> PeriodView:
    return PeriodView(first_day=period.start, last_day=period.end - timedelta(days=1))


@dataclass(frozen=True, slots=True, kw_only=True)
class Acknowledgements:
    """The stage records received in the period against the policy's acknowledgement deadline."""

    on_time: Ratio  # of those decided (on time + late + missed)
    late: int  # acknowledged after the deadline, or not yet and it has passed
    missed: int  # never acknowledged: the stage was answered or ended after the deadline
    not_due: int
    no_deadline: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Responses:
    """Responses sent in the period against the pinned policy's deadline, and the responses
    never sent whose stage ended in the period after their deadline."""

    responded: int
    on_time: int
    on_time_within_extension: int
    late: int
    within_timescale: Ratio  # by the deadline as first set
    within_timescale_with_extension: Ratio  # by the deadline or an agreed extension
    # Never sent: the stage ended (escalated, closed, withdrawn) after the response's deadline.
    # A breach, but no response, so in neither share (the Code asks about responses sent).
    missed: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Extensions:
    agreed: int  # extensions agreed in the period
    stages_extended: int  # stage records they moved (one may be extended twice)
    by_reason: list[Count]  # by the policy's reason code
    explained: Ratio  # the resident was told (`resident_informed` about the extension)
    text_shown: bool  # false for a caller the catalogue hides the reasons from
    reasons: list[TextCount]  # empty unless text_shown


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenAtEnd:
    """Stage records still awaiting their response when the period ended (or today, if it has
    not ended yet)."""

    awaiting_response: int
    past_due: int  # of which the response's due day had passed by then


@dataclass(frozen=True, slots=True, kw_only=True)
class StageFigures:
    stage: int
    informal: bool
    received: int
    acknowledgements: Acknowledgements
    responses: Responses
    extensions: Extensions
    # Complaints closed in the period at this stage, of all closed in it (withdrawn aside).
    resolved: Ratio
    open_at_end: OpenAtEnd
    # Stage records received in the period whose handler was assigned at an earlier stage too:
    # refused where the policy requires someone new (`handler_independence`), counted here.
    handled_by_someone_involved_before: int


@dataclass(frozen=True, slots=True, kw_only=True)
class InformalFigures:
    """Complaints logged at an informal stage 0 in the period."""

    received: int
    became_formal: Ratio  # went on to stage 1 (at any time since)
    resolved_informally: int  # closed at stage 0, withdrawn aside


@dataclass(frozen=True, slots=True, kw_only=True)
class Closures:
    closed: int  # complaints closed in the period, withdrawn aside (the "resolved" denominator)
    withdrawn: int
    reopened: int  # closed stages reopened in the period


@dataclass(frozen=True, slots=True, kw_only=True)
class Declines:
    """Not accepted as complaints under the policy's exclusions, by the exclusion."""

    declined: int
    by_reason: list[Count]


@dataclass(frozen=True, slots=True, kw_only=True)
class SatisfactionFigures:
    """Survey answers recorded in the period."""

    surveyed: int
    by_answer: list[Count]
    satisfied: Ratio  # very or fairly satisfied, of the answers


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceFigures:
    """The Housing Ombudsman's requests for the case file made in the period."""

    requested: int
    on_time: Ratio  # sent by the Ombudsman's date, of those decided (on time + late)
    late: int  # sent after the date, or not sent and the date has passed
    not_due: int  # not sent yet, and the date has not passed


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeComplianceReport:
    landlord: str
    period: PeriodView
    as_of: date  # "not yet due" is judged on this day
    stages: list[StageFigures]
    closures: Closures
    escalations: list[EscalationFigures]
    informal: InformalFigures
    declined: Declines
    satisfaction: SatisfactionFigures
    ombudsman_evidence: EvidenceFigures
    late_acceptances: LateAcceptances  # matters older than the policy's time limit, taken on


def code_compliance(
    data: ReportData,
    period: Period,
    *,
    landlord: str,
    today: date,
    wording: Wording = WITHHELD,
) -> CodeComplianceReport:
    received = data.received(period)
    responded = data.responded(period)
    missed = data.unanswered(period)
    last_closures = _last_closures(data, period)
    resolved = [s for s in last_closures if s.closure_reason is not ClosureReason.withdrawn]
    numbers = sorted(
        {*CODE_STAGES, *(s.stage for s in received), *(s.stage for s in responded)}
        | {s.stage for s in [*resolved, *missed]}
    )
    informal = {s.stage for s in data.stages if s.informal}
    stages = [
        StageFigures(
            stage=n,
            informal=n in informal,
            received=sum(1 for s in received if s.stage == n),
            acknowledgements=_acknowledgements([s for s in received if s.stage == n], today),
            responses=_responses(
                [s for s in responded if s.stage == n],
                missed=sum(1 for s in missed if s.stage == n),
            ),
            extensions=_extensions(data, period, n, wording),
            resolved=ratio(sum(1 for s in resolved if s.stage == n), len(resolved)),
            open_at_end=_open_at_end(data, period, n, today),
            handled_by_someone_involved_before=sum(
                1 for s in received if s.stage == n and s.handler_involved_before
            ),
        )
        for n in numbers
    ]
    return CodeComplianceReport(
        landlord=landlord,
        period=period_view(period),
        as_of=today,
        stages=stages,
        closures=Closures(
            closed=len(resolved),
            withdrawn=len(last_closures) - len(resolved),
            reopened=sum(1 for s in data.stages if s.reopened and period.holds(s.started_at)),
        ),
        escalations=escalations(data, period, wording),
        informal=_informal(data, period),
        declined=declines(data, period),
        satisfaction=satisfaction(data, period),
        ombudsman_evidence=_evidence(data, period, today),
        late_acceptances=late_acceptances(data, period),
    )


def _acknowledgements(received: list[StageFacts], today: date) -> Acknowledgements:
    tally = Counter(acknowledgement(s, today) for s in received)
    on_time, late = tally[Acknowledgement.on_time], tally[Acknowledgement.late]
    missed = tally[Acknowledgement.missed]
    return Acknowledgements(
        on_time=ratio(on_time, on_time + late + missed),
        late=late,
        missed=missed,
        not_due=tally[Acknowledgement.not_due],
        no_deadline=tally[Acknowledgement.no_deadline],
    )


def _responses(responded: list[StageFacts], *, missed: int) -> Responses:
    tally = Counter(policy_timeliness(s) for s in responded)
    on_time, extended = tally[Timeliness.on_time], tally[Timeliness.within_extension]
    return Responses(
        responded=len(responded),
        on_time=on_time,
        on_time_within_extension=extended,
        late=tally[Timeliness.late],
        within_timescale=ratio(on_time, len(responded)),
        within_timescale_with_extension=ratio(on_time + extended, len(responded)),
        missed=missed,
    )


def _extensions(data: ReportData, period: Period, stage: int, wording: Wording) -> Extensions:
    agreed = [i for i in data.items_in(period, ItemKind.extension) if i.stage == stage]
    shown = ItemKind.extension in wording.shown
    return Extensions(
        agreed=len(agreed),
        stages_extended=len({(i.complaint_id, i.stage) for i in agreed}),
        by_reason=by_code(agreed),
        explained=explained(data, agreed),
        text_shown=shown,
        reasons=text_counts(wording.of(i, "explanation") for i in agreed) if shown else [],
    )


def _open_at_end(data: ReportData, period: Period, stage: int, today: date) -> OpenAtEnd:
    # A period that has not ended yet is judged today: nothing is overdue before its day.
    cutoff = min(period.end, today + timedelta(days=1))
    still_open = [
        s
        for s in data.stages
        if s.stage == stage
        and s.started_at < period.closes
        and not period.ended_by(s.responded_at)
        and not period.ended_by(s.ended_at)
    ]
    return OpenAtEnd(
        awaiting_response=len(still_open),
        past_due=sum(1 for s in still_open if s.response_due < cutoff),
    )


def _last_closures(data: ReportData, period: Period) -> list[StageFacts]:
    """Per complaint closed in the period, the stage record current at its last closure then."""
    last: dict[str, StageFacts] = {}
    for s in data.stages:
        if s.closed_at is None or not period.holds(s.closed_at):
            continue
        seen = last.get(s.complaint_id)
        if seen is None or _after(s.closed_at, seen.closed_at):
            last[s.complaint_id] = s
    return list(last.values())


def _after(a: datetime, b: datetime | None) -> bool:
    return b is None or a > b


def _informal(data: ReportData, period: Period) -> InformalFigures:
    logged = {
        c.complaint_id
        for c in data.complaints.values()
        if c.logged_stage == 0 and c.declined_at is None and period.holds(c.received_at)
    }
    formal = {s.complaint_id for s in data.stages if s.complaint_id in logged and s.stage >= 1}
    resolved = {
        s.complaint_id
        for s in data.stages
        if s.complaint_id in logged
        and s.complaint_id not in formal
        and s.closed_at is not None
        and s.closure_reason is not ClosureReason.withdrawn
    }
    return InformalFigures(
        received=len(logged),
        became_formal=ratio(len(formal), len(logged)),
        resolved_informally=len(resolved),
    )


def declines(data: ReportData, period: Period) -> Declines:
    declined = [c for c in data.complaints.values() if period.holds(c.declined_at)]
    return Declines(
        declined=len(declined),
        by_reason=counts(c.decline_reason.value for c in declined if c.decline_reason),
    )


SATISFIED = frozenset({Satisfaction.very_satisfied.value, Satisfaction.fairly_satisfied.value})


def satisfaction(data: ReportData, period: Period) -> SatisfactionFigures:
    answers = [i.code or "" for i in data.items_in(period, ItemKind.satisfaction)]
    tally = Counter(answers)
    return SatisfactionFigures(
        surveyed=len(answers),
        by_answer=[Count(a.value, tally[a.value]) for a in Satisfaction],
        satisfied=ratio(sum(tally[a] for a in SATISFIED), len(answers)),
    )


def _evidence(data: ReportData, period: Period, today: date) -> EvidenceFigures:
    on_time = late = not_due = 0
    requests = data.items_in(period, ItemKind.evidence_request)
    for r in requests:
        assert r.due is not None
        if r.answered_at is not None:
            if london_date(r.answered_at) <= r.due:
                on_time += 1
            else:
                late += 1
        elif r.due < today:
            late += 1
        else:
            not_due += 1
    return EvidenceFigures(
        requested=len(requests), on_time=ratio(on_time, on_time + late), late=late, not_due=not_due
    )
