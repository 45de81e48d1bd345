"""The facts of one contact restriction on a resident.

The source policies (complaints-policy-2022 "Unreasonable customer behaviour", tuntum-2017
"Persistent and unwarranted complaints", jliving-2018 4.8) let a landlord restrict how a resident
contacts it, always saying what and why, review it every year, and hear one challenge. Each field
says beside its type how it is treated (`app.domain.treatment`), as a complaint's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, ClassVar

from app.domain.complaint.events.vocabulary import AlertKind, ContactMethod, ErasureReason
from app.domain.treatment import IDENTIFIER, INTERNAL, PERSONAL_TEXT, RESIDENT, Audience


class Measure(StrEnum):
    """What the landlord does differently, in the source policies' words."""

    acknowledge_only = "acknowledge_only"  # acknowledge contact, offer no other response
    single_point_of_contact = "single_point_of_contact"  # one named member of staff
    channels = "channels"  # only by the channels named (often in writing only)
    set_times = "set_times"  # calls only at set times on set days
    appointments_only = "appointments_only"  # visits only by appointment with a named person
    other = "other"  # any other action, said in the reason


class ReviewOutcome(StrEnum):
    continued = "continued"
    varied = "varied"  # continued with other measures (a new restriction_imposed says which)
    ended = "ended"


class EndReason(StrEnum):
    reviewed = "reviewed"  # a review ended it
    challenge_upheld = "challenge_upheld"
    withdrawn = "withdrawn"  # the landlord lifted it between reviews


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionImposed:
    """The landlord restricted how `resident_id` contacts it: `measures`, through `contact_person`
    (a member of staff) and `channels`, at `times`, for `reason` (told to the resident); to be
    reviewed by `review_due`. Imposed again, it varies the restriction in force."""

    occurred_at: datetime
    landlord: Annotated[str, RESIDENT]
    resident_id: Annotated[str, IDENTIFIER]
    measures: Annotated[tuple[Measure, ...], RESIDENT]
    contact_person: Annotated[str | None, RESIDENT]
    channels: Annotated[tuple[ContactMethod, ...], RESIDENT]
    times: Annotated[str | None, PERSONAL_TEXT]
    reason: Annotated[str, PERSONAL_TEXT]
    review_due: Annotated[date, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionReviewed:
    """The yearly review: continued (to be reviewed again by `next_review_due`), varied or ended."""

    occurred_at: datetime
    outcome: Annotated[ReviewOutcome, RESIDENT]
    next_review_due: Annotated[date | None, RESIDENT]
    notes: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionChallenged:
    """The resident challenged the restriction, on `grounds`: heard once (2022 policy)."""

    occurred_at: datetime
    grounds: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionChallengeDecided:
    """The challenge was decided: upheld (the restriction ends) or not, and why."""

    occurred_at: datetime
    upheld: Annotated[bool, RESIDENT]
    explanation: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionEnded:
    occurred_at: datetime
    reason: Annotated[EndReason, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionErased:
    """The resident's personal data in this restriction was erased (its key destroyed)."""

    occurred_at: datetime
    reason: Annotated[ErasureReason, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestrictionReviewAlertRaised:
    """The service warned the landlord that the review due on `review_due` is coming up
    (`due_soon`, `working_days_before` it on the landlord's calendar) or overdue (`breached`, the
    day after). `point_date` is the London date the point fell on. Raised by the alert scheduler,
    never by an API key; for the landlord."""

    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    review_due: Annotated[date, INTERNAL]
    alert: Annotated[AlertKind, INTERNAL]
    working_days_before: Annotated[int | None, INTERNAL]
    point_date: Annotated[date, INTERNAL]


RestrictionEvent = (
    RestrictionImposed
    | RestrictionReviewed
    | RestrictionChallenged
    | RestrictionChallengeDecided
    | RestrictionEnded
    | RestrictionErased
    | RestrictionReviewAlertRaised
)

RESTRICTION_EVENT_TYPES: dict[type[RestrictionEvent], str] = {
    RestrictionImposed: "restriction_imposed",
    RestrictionReviewed: "restriction_reviewed",
    RestrictionChallenged: "restriction_challenged",
    RestrictionChallengeDecided: "restriction_challenge_decided",
    RestrictionEnded: "restriction_ended",
    RestrictionErased: "restriction_erased",
    RestrictionReviewAlertRaised: "restriction_review_alert_raised",
}
