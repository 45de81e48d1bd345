"""Tenant Satisfaction Measures CH01 and CH02 for one landlord and reporting year.

- CH01: stage 1 and stage 2 complaints received in the year per 1,000 homes, for rented homes
  (low-cost rental accommodation, LCRA) and shared ownership (low-cost home ownership, LCHO).
- CH02: the share of stage 1 and stage 2 responses sent in the year within the Complaint Handling
  Code's timescales, whatever policy the complaint was logged under: the response clock the view
  shows, with the Code's numbers (app/domain/clocks/code.py), so for a complaint under hoc-2024
  CH02 and the view agree on every due date. A response never sent is not in CH02 (the measure
  is of responses); the self-assessment counts it as `missed`.

A complaint whose tenure was not recorded is counted on a line of its own ("unknown"), never
assigned to either; it is in the "all" line, whose homes are the landlord's total.

Leaseholders who bought outright and other tenures (`leasehold`, `other`) are outside both
measures: the TSMs are of low-cost rental and low-cost home ownership stock. Their complaints are
counted on lines of their own, with no homes to divide by (the landlord records no count of them:
no TSM figure needs one), and are not in the "all" line, whose homes are LCRA and LCHO only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from app.domain.complaint.events import Tenure
from app.domain.reporting.code_compliance import PeriodView, period_view
from app.domain.reporting.figures import Ratio, ratio
from app.domain.reporting.period import reporting_year
from app.domain.reporting.selection import Timeliness
from app.domain.reporting.tallies import UNKNOWN, Tallies

__all__ = ["ALL", "UNKNOWN", "Homes", "TsmReport", "tsm"]
ALL = "all"
# The regulator's names for the two kinds of home.
TSM_NAMES = {Tenure.rented.value: "LCRA", Tenure.shared_ownership.value: "LCHO"}
# Tenures the TSMs do not measure: their own lines, outside "all".
OUTSIDE_TSM = frozenset({Tenure.leasehold.value, Tenure.other.value})


@dataclass(frozen=True, slots=True)
class Homes:
    """The landlord's homes, as its record stood at `as_at` (the end of the reporting year)."""

    rented: int
    shared_ownership: int
    as_at: date

    @property
    def total(self) -> int:
        return self.rented + self.shared_ownership


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    count: int
    homes: int | None  # null for complaints of unknown tenure: no homes to divide by
    per_1000_homes: float | None


def rate(count: int, homes: int | None) -> Rate:
    per = None if not homes else round(1000 * count / homes, 2)
    return Rate(count=count, homes=homes, per_1000_homes=per)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ch01:
    tenure: str  # rented, shared_ownership, unknown, leasehold, other or all
    tsm_name: str | None  # LCRA or LCHO
    stage_1: Rate
    stage_2: Rate


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeTimeliness:
    responded: int
    within_timescale: Ratio  # the measure: by the Code's deadline or a Code-capped extension
    without_extension: Ratio  # by the Code's deadline as first set
    within_extension: int  # of the measure's numerator, how many needed the extension
    late: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Ch02:
    tenure: str
    tsm_name: str | None
    stage_1: CodeTimeliness
    stage_2: CodeTimeliness


@dataclass(frozen=True, slots=True, kw_only=True)
class TsmReport:
    landlord: str
    landlord_name: str | None  # as the landlord registered it (None: not known)
    year: str  # "2025/26"
    period: PeriodView
    homes: Homes
    ch01: list[Ch01]
    ch02: list[Ch02]


def tsm(
    tallies: Tallies,
    year: int,
    *,
    landlord: str,
    homes: Homes,
    landlord_name: str | None = None,
) -> TsmReport:
    period = reporting_year(year)
    homes_of = {
        Tenure.rented.value: homes.rented,
        Tenure.shared_ownership.value: homes.shared_ownership,
        UNKNOWN: None,
        Tenure.leasehold.value: None,
        Tenure.other.value: None,
        ALL: homes.total,
    }
    ch01, ch02 = [], []
    for tenure, count_homes in homes_of.items():
        received: Counter[int] = Counter()
        for (stage, of, *_), n in tallies.received.items():
            if _matches(of, tenure):
                received[stage] += n
        code: dict[int, Counter[Timeliness]] = {1: Counter(), 2: Counter()}
        for (stage, of, _, timeliness, *_), n in tallies.responded.items():
            if stage in code and timeliness is not None and _matches(of, tenure):
                code[stage][timeliness] += n
        ch01.append(
            Ch01(
                tenure=tenure,
                tsm_name=TSM_NAMES.get(tenure),
                stage_1=rate(received[1], count_homes),
                stage_2=rate(received[2], count_homes),
            )
        )
        ch02.append(
            Ch02(
                tenure=tenure,
                tsm_name=TSM_NAMES.get(tenure),
                stage_1=_timeliness(code[1]),
                stage_2=_timeliness(code[2]),
            )
        )
    return TsmReport(
        landlord=landlord,
        landlord_name=landlord_name,
        year=f"{year}/{(year + 1) % 100:02d}",
        period=period_view(period),
        homes=homes,
        ch01=ch01,
        ch02=ch02,
    )


def _matches(recorded: str, tenure: str) -> bool:
    """Whether a complaint of the `recorded` tenure is on the `tenure` line."""
    return recorded not in OUTSIDE_TSM if tenure == ALL else recorded == tenure


def _timeliness(tally: Counter[Timeliness]) -> CodeTimeliness:
    on_time, extended = tally[Timeliness.on_time], tally[Timeliness.within_extension]
    responded = sum(tally.values())
    return CodeTimeliness(
        responded=responded,
        within_timescale=ratio(on_time + extended, responded),
        without_extension=ratio(on_time, responded),
        within_extension=extended,
        late=tally[Timeliness.late],
    )
