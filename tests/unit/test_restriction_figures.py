"""The annual report's contact restriction figures (app/domain/reporting/restrictions.py): counted
by the London dates of their steps within the reporting year; in force at its end."""

from __future__ import annotations

from datetime import date

from app.domain.reporting.period import reporting_year
from app.domain.reporting.restrictions import RestrictionFacts, restriction_figures

YEAR = reporting_year(2025)  # 1 April 2025 to 31 March 2026


def facts(imposed: date, **steps: object) -> RestrictionFacts:
    fields: dict[str, object] = {
        "measures": ("channels",),
        "imposed_on": imposed,
        "challenged_on": None,
        "challenge_upheld": None,
        "ended_on": None,
    }
    return RestrictionFacts(**(fields | steps))  # type: ignore[arg-type]


def test_each_step_counts_in_the_year_it_happened_and_in_force_at_the_end() -> None:
    figures = restriction_figures(
        [
            facts(date(2025, 3, 31)),  # the year before, still in force
            facts(
                date(2025, 4, 1),
                challenged_on=date(2025, 5, 1),
                challenge_upheld=True,
                ended_on=date(2025, 5, 2),
            ),
            facts(
                date(2026, 3, 31),
                measures=("channels", "set_times"),
                challenged_on=date(2026, 4, 1),
            ),
            facts(date(2024, 6, 1), ended_on=date(2026, 4, 1)),  # lifted the day after the year
        ],
        YEAR,
    )
    assert (figures.imposed, figures.challenged, figures.challenges_upheld) == (2, 1, 1)
    assert (figures.ended, figures.in_force_at_end) == (1, 3)
    counts = {c.key: c.count for c in figures.by_measure}
    assert counts["channels"] == 2
    assert counts["set_times"] == 1
    assert counts["other"] == 0
