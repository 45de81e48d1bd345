"""The annual complaints performance and service improvement report (the Code's section 7), for
the landlord's board and residents, over the regulator's reporting year (1 April to 31 March)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.domain.complaint.events import Outcome, Tenure
from app.domain.reporting.code_compliance import Declines, PeriodView, declines, period_view
from app.domain.reporting.figures import Count, Ratio, Spread, counts, normalise_text, ratio, spread
from app.domain.reporting.period import reporting_year
from app.domain.reporting.selection import ReportData, Timeliness, policy_timeliness
from app.domain.reporting.tsm import UNKNOWN


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
class AnnualReport:
    landlord: str
    year: str
    period: PeriodView
    volumes: Volumes
    outcomes: list[StageOutcomes]
    remedies: list[Count]  # remedies named in the year's responses, by the landlord's label
    time_to_respond: list[StageTimes]


def annual(data: ReportData, year: int, *, landlord: str) -> AnnualReport:
    period = reporting_year(year)
    received = [
        c for c in data.complaints.values() if period.holds(c.received_at) and c.declined_at is None
    ]
    responded = data.responded(period)
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
    )


def _outcomes(stage: int, outcomes: list[Outcome]) -> StageOutcomes:
    tally = Counter(outcomes)
    return StageOutcomes(
        stage=stage,
        responded=len(outcomes),
        by_outcome=[Count(o.value, tally[o]) for o in Outcome],
        upheld=ratio(tally[Outcome.upheld] + tally[Outcome.partly_upheld], len(outcomes)),
    )
