"""Contact restrictions in the annual report (docs/restrictions.md): how many the landlord imposed
in the year and by which measure, how many residents challenged theirs and how many challenges were
upheld, how many were lifted, and how many were in force when the year ended (or today, for a year
still running). Counted from the restrictions' projection rows, never a complaint figure, and
never a person: no resident, no reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.reporting.figures import Count, tallied
from app.domain.reporting.period import Period
from app.domain.restriction.events import Measure


@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictionFacts:
    """What the report needs of one restriction: its measures and the London dates of its steps."""

    measures: tuple[str, ...]
    imposed_on: date
    challenged_on: date | None
    challenge_upheld: bool | None
    ended_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictionFigures:
    """Contact restrictions: imposed, challenged and lifted in the year; in force at its end."""

    imposed: int
    by_measure: list[Count]  # among those imposed in the year (one may take several measures)
    challenged: int  # challenges made in the year
    challenges_upheld: int  # of those, upheld (the restriction ended)
    ended: int  # lifted in the year, by a review, an upheld challenge or the landlord
    in_force_at_end: int


def restriction_figures(facts: Iterable[RestrictionFacts], period: Period) -> RestrictionFigures:
    def within(day: date | None) -> bool:
        return day is not None and period.start <= day < period.end

    imposed = challenged = upheld = ended = in_force = 0
    measures: Counter[str] = Counter()
    for f in facts:
        if within(f.imposed_on):
            imposed += 1
            measures.update(f.measures)
        if within(f.challenged_on):
            challenged += 1
            upheld += f.challenge_upheld is True
        ended += within(f.ended_on)
        if f.imposed_on < period.end and (f.ended_on is None or f.ended_on >= period.end):
            in_force += 1
    return RestrictionFigures(
        imposed=imposed,
        by_measure=tallied(measures, every=[m.value for m in Measure]),
        challenged=challenged,
        challenges_upheld=upheld,
        ended=ended,
        in_force_at_end=in_force,
    )
