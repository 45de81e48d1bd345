"""Compliments, comments and enquiries in the annual report: how many the year brought, of each
kind, about which service, and what residents praised (compliments by service area and team).

Feedback is never a complaint and no complaint figure counts it: these figures are counted from
the feedback streams alone (their projection, app/projections/feedback_tallies.py, counts in the
database what `feedback_tallies_of` defines here; a test holds the two equal on both databases).
An enquiry that turned out to be a complaint and was converted is counted as that complaint, by
the complaint figures, and here only as `enquiries_converted`, never as an enquiry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.feedback.events import FeedbackKind
from app.domain.feedback.state import FeedbackState, FeedbackStatus
from app.domain.reporting.figures import Count, tallied
from app.domain.reporting.period import Period

NO_TEAM = "not_recorded"  # a compliment that named no team


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackFacts:
    """What the report needs of one piece of feedback (no words, no person)."""

    feedback_id: str
    landlord: str
    kind: FeedbackKind
    category: str
    team: str | None
    received_at: datetime
    converted: bool  # an enquiry that became a complaint


def feedback_facts(state: FeedbackState) -> FeedbackFacts:
    return FeedbackFacts(
        feedback_id=state.id,
        landlord=state.landlord,
        kind=state.kind,
        category=state.category,
        team=state.team,
        received_at=state.received_at,
        converted=state.status is FeedbackStatus.converted,
    )


@dataclass(frozen=True, kw_only=True)
class FeedbackTallies:
    # Received in the period and not converted into a complaint: (kind, category, team or "").
    received: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    converted: int = 0  # enquiries received in the period that became complaints


def feedback_tallies_of(facts: Iterable[FeedbackFacts], period: Period) -> FeedbackTallies:
    """The counts of one landlord's feedback `facts` for `period` (received in it: the London
    date of `received_at`, as a complaint's receipt)."""
    received: Counter[tuple[str, str, str]] = Counter()
    converted = 0
    for f in facts:
        if not period.holds(f.received_at):
            continue
        if f.converted:
            converted += 1
        else:
            received[(f.kind.value, f.category, f.team or "")] += 1
    return FeedbackTallies(received=received, converted=converted)


@dataclass(frozen=True, slots=True, kw_only=True)
class KindCounts:
    key: str  # a service area (category)
    compliment: int
    comment: int
    enquiry: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Praise:
    """What residents praised: the year's compliments by service area and by team."""

    compliments: int
    by_category: list[Count]
    by_team: list[Count]  # `not_recorded`: compliments that named no team


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackFigures:
    """Compliments, comments and enquiries received in the year: not complaints, and in no
    complaint figure."""

    received: int
    by_kind: list[Count]
    by_category: list[KindCounts]
    praised: Praise
    enquiries_converted: int  # became complaints: counted as complaints, not here


def feedback_figures(tallies: FeedbackTallies) -> FeedbackFigures:
    received = tallies.received
    by_kind: Counter[str] = Counter()
    per_category: dict[str, Counter[str]] = {}
    praised_category: Counter[str] = Counter()
    praised_team: Counter[str] = Counter()
    for (kind, category, team), n in received.items():
        by_kind[kind] += n
        per_category.setdefault(category, Counter())[kind] += n
        if kind == FeedbackKind.compliment.value:
            praised_category[category] += n
            praised_team[team or NO_TEAM] += n
    categories = sorted(per_category.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return FeedbackFigures(
        received=sum(received.values()),
        by_kind=[Count(k.value, by_kind[k.value]) for k in FeedbackKind],
        by_category=[
            KindCounts(
                key=category,
                compliment=counts[FeedbackKind.compliment.value],
                comment=counts[FeedbackKind.comment.value],
                enquiry=counts[FeedbackKind.enquiry.value],
            )
            for category, counts in categories
        ],
        praised=Praise(
            compliments=by_kind[FeedbackKind.compliment.value],
            by_category=tallied(praised_category),
            by_team=tallied(praised_team),
        ),
        enquiries_converted=tallies.converted,
    )
