"""Complaints taken on although their matter was older than the policy's time limit (`logged`
v4 `late_acceptance_reason`; the Code, 2.3: twelve months), for the self-assessment."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.reporting.figures import Count, tallied
from app.domain.reporting.tallies import Tallies


@dataclass(frozen=True, slots=True, kw_only=True)
class LateAcceptances:
    """Complaints received in the period about a matter older than the pinned policy's time
    limit, accepted with a recorded reason (declined later or not), by that reason."""

    accepted: int
    by_reason: list[Count]


def late_acceptances(tallies: Tallies) -> LateAcceptances:
    late = tallies.late_acceptances
    return LateAcceptances(accepted=sum(late.values()), by_reason=tallied(late))
