"""Complaints taken on although their matter was older than the policy's time limit (`logged`
v4 `late_acceptance_reason`; the Code, 2.3: twelve months), for the self-assessment."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.reporting.figures import Count, counts
from app.domain.reporting.period import Period
from app.domain.reporting.selection import ReportData


@dataclass(frozen=True, slots=True, kw_only=True)
class LateAcceptances:
    """Complaints received in the period about a matter older than the pinned policy's time
    limit, accepted with a recorded reason (declined later or not), by that reason."""

    accepted: int
    by_reason: list[Count]


def late_acceptances(data: ReportData, period: Period) -> LateAcceptances:
    late = [
        c.late_acceptance_reason.value
        for c in data.complaints.values()
        if c.late_acceptance_reason is not None and period.holds(c.received_at)
    ]
    return LateAcceptances(accepted=len(late), by_reason=counts(late))
