"""A restriction as its events add up to, and the fold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from app.domain.complaint.events.vocabulary import ContactMethod
from app.domain.restriction.events import (
    Measure,
    RestrictionChallenged,
    RestrictionChallengeDecided,
    RestrictionEnded,
    RestrictionErased,
    RestrictionEvent,
    RestrictionImposed,
    RestrictionReviewAlertRaised,
    RestrictionReviewed,
    ReviewOutcome,
)

# (the review date it was for, working days before it or None for overdue): one alert raised.
Alerted = tuple[date, int | None]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionState:
    landlord: str
    resident_id: str
    measures: tuple[Measure, ...]
    contact_person: str | None
    channels: tuple[ContactMethod, ...]
    imposed_at: datetime
    review_due: date | None  # None once it has ended: nothing left to review
    ended_at: datetime | None = None
    challenged_at: datetime | None = None  # the one challenge, when made
    challenge_decided_at: datetime | None = None
    challenge_upheld: bool | None = None  # once decided
    erased_at: datetime | None = None
    alerts: tuple[Alerted, ...] = ()  # the review alerts raised, oldest first
    last_occurred_at: datetime
    version: int = 1

    @property
    def in_force(self) -> bool:
        return self.ended_at is None

    @property
    def challenge_pending(self) -> bool:
        return self.challenged_at is not None and self.challenge_decided_at is None


def _ended(state: RestrictionState, at: datetime) -> RestrictionState:
    return replace(state, ended_at=at, review_due=None)


def evolve(state: RestrictionState | None, event: RestrictionEvent) -> RestrictionState:
    if state is None:
        if not isinstance(event, RestrictionImposed):
            raise ValueError(f"a restriction starts with restriction_imposed, not {event}")
        return RestrictionState(
            landlord=event.landlord,
            resident_id=event.resident_id,
            measures=event.measures,
            contact_person=event.contact_person,
            channels=event.channels,
            imposed_at=event.occurred_at,
            review_due=event.review_due,
            last_occurred_at=event.occurred_at,
        )
    state = replace(state, last_occurred_at=event.occurred_at, version=state.version + 1)
    match event:
        case RestrictionImposed():  # varied: the new measures, and a new review date
            return replace(
                state,
                measures=event.measures,
                contact_person=event.contact_person,
                channels=event.channels,
                review_due=event.review_due,
            )
        case RestrictionReviewed(outcome=ReviewOutcome.ended):
            return _ended(state, event.occurred_at)
        case RestrictionReviewed():
            return replace(state, review_due=event.next_review_due or state.review_due)
        case RestrictionChallenged():
            return replace(state, challenged_at=event.occurred_at)
        case RestrictionChallengeDecided(upheld=upheld):
            decided = replace(
                state, challenge_decided_at=event.occurred_at, challenge_upheld=upheld
            )
            return _ended(decided, event.occurred_at) if upheld else decided
        case RestrictionEnded():
            return _ended(state, event.occurred_at)
        case RestrictionErased():
            return replace(state, erased_at=event.occurred_at)
        case RestrictionReviewAlertRaised():
            alerted = (event.review_due, event.working_days_before)
            return replace(state, alerts=(*state.alerts, alerted))
        case _:
            assert_never(event)


def fold(events: Iterable[RestrictionEvent]) -> RestrictionState | None:
    state: RestrictionState | None = None
    for event in events:
        state = evolve(state, event)
    return state
