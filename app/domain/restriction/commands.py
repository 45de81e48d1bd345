"""What a landlord (or the resident, challenging) asks of a restriction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.complaint.events.vocabulary import ContactMethod, ErasureReason
from app.domain.restriction.events import EndReason, Measure, ReviewOutcome


@dataclass(frozen=True, kw_only=True, slots=True)
class Impose:
    occurred_at: datetime
    landlord: str
    resident_id: str
    measures: tuple[Measure, ...]
    reason: str
    contact_person: str | None = None
    channels: tuple[ContactMethod, ...] = ()
    times: str | None = None
    review_due: date | None = None  # None: a year after it is imposed


@dataclass(frozen=True, kw_only=True, slots=True)
class Review:
    occurred_at: datetime
    outcome: ReviewOutcome
    next_review_due: date | None = None  # None: a year after the review (unless it ends)
    notes: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Challenge:
    occurred_at: datetime
    grounds: str


@dataclass(frozen=True, kw_only=True, slots=True)
class DecideChallenge:
    occurred_at: datetime
    upheld: bool
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class End:
    occurred_at: datetime
    reason: EndReason


@dataclass(frozen=True, kw_only=True, slots=True)
class Erase:
    occurred_at: datetime
    reason: ErasureReason


RestrictionCommand = Impose | Review | Challenge | DecideChallenge | End | Erase
