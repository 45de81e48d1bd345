"""The annual report's feedback figures from their counts: by kind, by service, what residents
praised (by service and team), and converted enquiries apart."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from app.domain.feedback.events import FeedbackKind
from app.domain.reporting.feedback import (
    FeedbackFacts,
    FeedbackTallies,
    feedback_figures,
    feedback_tallies_of,
)
from app.domain.reporting.figures import Count
from app.domain.reporting.period import reporting_year

YEAR = reporting_year(2025)


def fact(kind: FeedbackKind, at: datetime, *, team: str | None = "north", converted: bool = False,
         category: str = "repairs") -> FeedbackFacts:  # fmt: skip
    return FeedbackFacts(
        feedback_id=f"{kind}-{at.isoformat()}-{team}-{category}",
        landlord="acme",
        kind=kind,
        category=category,
        team=team,
        received_at=at,
        converted=converted,
    )


def test_received_in_the_year_by_its_london_date() -> None:
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April: the next year.
    late = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    # 23:30 UTC on 31 March 2025 is 00:30 BST on 1 April 2025: this year.
    early = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    tallies = feedback_tallies_of(
        [fact(FeedbackKind.compliment, late), fact(FeedbackKind.compliment, early)], YEAR
    )
    assert tallies.received == Counter({("compliment", "repairs", "north"): 1})


def test_a_converted_enquiry_is_counted_apart_never_as_an_enquiry() -> None:
    at = datetime(2025, 6, 1, 12, tzinfo=UTC)
    tallies = feedback_tallies_of(
        [fact(FeedbackKind.enquiry, at, converted=True), fact(FeedbackKind.enquiry, at)], YEAR
    )
    figures = feedback_figures(tallies)
    assert figures.enquiries_converted == 1
    assert figures.received == 1
    assert Count("enquiry", 1) in figures.by_kind


def test_what_residents_praised() -> None:
    tallies = FeedbackTallies(
        received=Counter(
            {
                ("compliment", "repairs", "north"): 3,
                ("compliment", "repairs", ""): 1,
                ("compliment", "estates", "south"): 2,
                ("comment", "estates", ""): 4,
                ("enquiry", "rents", ""): 5,
            }
        )
    )
    figures = feedback_figures(tallies)
    assert figures.received == 15
    assert figures.by_kind == [Count("compliment", 6), Count("comment", 4), Count("enquiry", 5)]
    assert figures.praised.compliments == 6
    assert figures.praised.by_category == [Count("repairs", 4), Count("estates", 2)]
    assert figures.praised.by_team == [
        Count("north", 3),
        Count("south", 2),
        Count("not_recorded", 1),
    ]
    assert [(k.key, k.compliment, k.comment, k.enquiry) for k in figures.by_category] == [
        ("estates", 2, 4, 0),
        ("rents", 0, 0, 5),
        ("repairs", 4, 0, 0),
    ]


def test_no_feedback_still_lists_every_kind() -> None:
    figures = feedback_figures(FeedbackTallies())
    assert figures.by_kind == [Count(k.value, 0) for k in FeedbackKind]
    assert (figures.received, figures.by_category, figures.praised.by_team) == (0, [], [])
