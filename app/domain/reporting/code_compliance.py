"""The Complaint Handling Code self-assessment figures for one landlord and period.

Each figure answers a question of the Housing Ombudsman's self-assessment form that a landlord
without an event log could not (see docs/reports.md for every definition and its source events).
The reasons for extensions and refusals are listed only from a `Wording` the caller read for a
reader allowed to see them (wording.py); their counts do not depend on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.complaint.events import Satisfaction
from app.domain.reporting.escalations import EscalationFigures, escalations
from app.domain.reporting.explained import at_stage, by_code, explained, reasons
from app.domain.reporting.facts import ItemKind
from app.domain.reporting.figures import Count, Ratio, TextCount, ratio, tallied
from app.domain.reporting.late import LateAcceptances, late_acceptances
from app.domain.reporting.period import Period
from app.domain.reporting.selection import Acknowledgement, Timeliness
from app.domain.reporting.tallies import Evidence, Tallies, by_part
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
    landlord_name: str | None  # as the landlord registered it (None: not known)
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
    tallies: Tallies,
    period: Period,
    *,
    landlord: str,
    today: date,
    wording: Wording = WITHHELD,
    landlord_name: str | None = None,
) -> CodeComplianceReport:
    """The figures of `tallies`, counted for `period` on `today`."""
    received, responded = tallies.received, tallies.responded
    closures = tallies.last_closures
    numbers = sorted(
        {*CODE_STAGES, *(k[0] for k in received), *(k[0] for k in responded)}
        | {stage for stage, withdrawn in closures if not withdrawn}
        | set(tallies.missed)
    )
    resolved = sum(n for (_, withdrawn), n in closures.items() if not withdrawn)
    stages = [
        StageFigures(
            stage=number,
            informal=number in tallies.informal_stages,
            received=sum(n for k, n in received.items() if k[0] == number),
            acknowledgements=_acknowledgements(by_part(received, 2, stage=number)),
            responses=_responses(
                by_part(responded, 2, stage=number), missed=tallies.missed[number]
            ),
            extensions=_extensions(tallies, number, wording),
            resolved=ratio(
                sum(
                    n
                    for (stage, withdrawn), n in closures.items()
                    if stage == number and not withdrawn
                ),
                resolved,
            ),
            open_at_end=OpenAtEnd(
                awaiting_response=tallies.open_at_end[(number, False)]
                + tallies.open_at_end[(number, True)],
                past_due=tallies.open_at_end[(number, True)],
            ),
            handled_by_someone_involved_before=sum(
                n for k, n in received.items() if k[0] == number and k[3]
            ),
        )
        for number in numbers
    ]
    return CodeComplianceReport(
        landlord=landlord,
        landlord_name=landlord_name,
        period=period_view(period),
        as_of=today,
        stages=stages,
        closures=Closures(
            closed=resolved,
            withdrawn=sum(n for (_, withdrawn), n in closures.items() if withdrawn),
            reopened=tallies.reopened,
        ),
        escalations=escalations(tallies, wording),
        informal=InformalFigures(
            received=tallies.informal_received,
            became_formal=ratio(tallies.informal_formal, tallies.informal_received),
            resolved_informally=tallies.informal_resolved,
        ),
        declined=declines(tallies),
        satisfaction=satisfaction(tallies),
        ombudsman_evidence=_evidence(tallies),
        late_acceptances=late_acceptances(tallies),
    )


def _acknowledgements(tally: Counter[Acknowledgement]) -> Acknowledgements:
    on_time, late = tally[Acknowledgement.on_time], tally[Acknowledgement.late]
    missed = tally[Acknowledgement.missed]
    return Acknowledgements(
        on_time=ratio(on_time, on_time + late + missed),
        late=late,
        missed=missed,
        not_due=tally[Acknowledgement.not_due],
        no_deadline=tally[Acknowledgement.no_deadline],
    )


def _responses(tally: Counter[Timeliness], *, missed: int) -> Responses:
    on_time, extended = tally[Timeliness.on_time], tally[Timeliness.within_extension]
    responded = sum(tally.values())
    return Responses(
        responded=responded,
        on_time=on_time,
        on_time_within_extension=extended,
        late=tally[Timeliness.late],
        within_timescale=ratio(on_time, responded),
        within_timescale_with_extension=ratio(on_time + extended, responded),
        missed=missed,
    )


def _extensions(tallies: Tallies, stage: int, wording: Wording) -> Extensions:
    agreed = at_stage(tallies.extensions, stage)
    shown = ItemKind.extension in wording.shown
    return Extensions(
        agreed=sum(agreed.values()),
        stages_extended=tallies.stages_extended[stage],
        by_reason=by_code(agreed),
        explained=explained(agreed),
        text_shown=shown,
        reasons=reasons(tallies, wording, ItemKind.extension, stage),
    )


def declines(tallies: Tallies) -> Declines:
    declined = tallies.declined
    return Declines(
        declined=sum(declined.values()),
        by_reason=tallied({str(r): n for r, n in declined.items() if r is not None}),
    )


SATISFIED = frozenset({Satisfaction.very_satisfied.value, Satisfaction.fairly_satisfied.value})


def satisfaction(tallies: Tallies) -> SatisfactionFigures:
    tally = tallies.satisfaction
    answered = sum(tally.values())
    return SatisfactionFigures(
        surveyed=answered,
        by_answer=[Count(a.value, tally[a.value]) for a in Satisfaction],
        satisfied=ratio(sum(tally[a] for a in SATISFIED), answered),
    )


def _evidence(tallies: Tallies) -> EvidenceFigures:
    tally = tallies.evidence
    on_time, late = tally[Evidence.on_time], tally[Evidence.late]
    return EvidenceFigures(
        requested=sum(tally.values()),
        on_time=ratio(on_time, on_time + late),
        late=late,
        not_due=tally[Evidence.not_due],
    )
