"""Contact restrictions (ADR 0020, docs/restrictions.md): what `/v1/restrictions` accepts and shows,
and what a complaint view shows of the one in force on its resident."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.api.schemas.inputs import MOMENT_RANGE, Day, Input, Instant, LongText, ShortText, Text
from app.domain.complaint.events import ContactMethod
from app.domain.restriction.events import EndReason, Measure, ReviewOutcome

ResidentId = Annotated[str, StringConstraints(min_length=1, max_length=128)]

MEASURES = (
    "What the landlord does differently: `acknowledge_only` (contact is acknowledged, with no "
    "other response), `single_point_of_contact` (one named member of staff: `contact_person`), "
    "`channels` (only by the `channels` named, often in writing only), `set_times` (calls only at "
    "the `times` given), `appointments_only` (visits only by appointment), `other` (said in the "
    "reason)."
)
REVIEW_DUE = (
    "When it is next reviewed; a year on unless given, and never later (the source policies "
    "review each restriction yearly). Its alerts come with the complaints' deadline alerts."
)


class RestrictionTerms(Input):
    measures: list[Measure] = Field(min_length=1, max_length=6, description=MEASURES)
    contact_person: ShortText | None = Field(
        default=None,
        description="The member of staff who is the single point of contact (their name as the "
        "resident is told it).",
    )
    channels: list[ContactMethod] = Field(
        default_factory=list, max_length=8, description="The channels the resident may use."
    )
    times: Text | None = Field(
        default=None,
        description="When calls are taken, in words (`Tuesdays 10:00 to 12:00`). Personal data.",
    )
    reason: LongText = Field(
        description="Why, as explained to the resident (personal data: sealed, erased with them)."
    )
    review_due: Day | None = Field(default=None, description=REVIEW_DUE)
    occurred_at: Instant | None = Field(
        default=None, description=f"When it was decided; defaults to now. {MOMENT_RANGE}"
    )


class ImposeRestrictionRequest(RestrictionTerms):
    resident_id: ResidentId = Field(
        description="The resident restricted, by their id in the landlord's systems. A restriction "
        "never stops a complaint being logged: their complaints show it is in force."
    )


class RestrictionVariedIn(RestrictionTerms):
    """New terms for the restriction in force (its measures, contact, channels, times)."""

    type: Literal["restriction_imposed"]


class RestrictionReviewedIn(Input):
    type: Literal["restriction_reviewed"]
    occurred_at: Instant
    outcome: ReviewOutcome = Field(
        description="`continued`, `varied` (record the new terms with `restriction_imposed` too) "
        "or `ended`."
    )
    next_review_due: Day | None = Field(default=None, description=REVIEW_DUE)
    notes: Text | None = Field(default=None, description="What the review found. Personal data.")


class RestrictionChallengeDecidedIn(Input):
    type: Literal["restriction_challenge_decided"]
    occurred_at: Instant
    upheld: bool = Field(description="Upheld: the restriction ends.")
    explanation: LongText = Field(description="Why, as told to the resident. Personal data.")


class RestrictionEndedIn(Input):
    type: Literal["restriction_ended"]
    occurred_at: Instant
    reason: EndReason = Field(
        description="`withdrawn`: lifted between reviews. (A review that ends it, "
        "or an upheld challenge, ends it by itself.)"
    )


RestrictionEventRequest = Annotated[
    RestrictionVariedIn
    | RestrictionReviewedIn
    | RestrictionChallengeDecidedIn
    | RestrictionEndedIn,
    Field(discriminator="type"),
]


class ChallengeRequest(Input):
    grounds: LongText = Field(
        description="Why the resident thinks the restriction is wrong, in their words. Heard once: "
        "a second challenge is refused (409 `restriction-already-challenged`)."
    )
    occurred_at: Instant | None = Field(
        default=None, description=f"When it was made; defaults to now. {MOMENT_RANGE}"
    )


class RestrictionInForce(BaseModel):
    """The restriction in force on a complaint's resident, as the complaint view shows it."""

    restriction_id: str
    measures: list[Measure]
    contact_person: str | None
    channels: list[ContactMethod]
    review_due: date | None


class RestrictionStep(BaseModel):
    type: str
    occurred_at: datetime
    data: dict[str, object]


class RestrictionView(BaseModel):
    id: str
    landlord: str
    resident_id: str | None = Field(description="Null for keys without personal data.")
    resident_pseudonym: str | None = Field(
        default=None, description="A stable stand-in for the resident, as on their complaints."
    )
    in_force: bool
    measures: list[Measure] = Field(description=MEASURES)
    contact_person: str | None
    channels: list[ContactMethod]
    imposed_at: datetime
    review_due: date | None = Field(description="Null once it has ended.")
    challenged_at: datetime | None
    challenge_decided_at: datetime | None
    ended_at: datetime | None
    erased: bool = Field(description="Its personal data was erased.")
    terms: dict[str, object] = Field(
        description="The latest `restriction_imposed` event's data as this key may see it (the "
        "reason and the times only to keys that see personal data)."
    )
    steps: list[RestrictionStep] = Field(
        description="Every event after the first, in order, as this key may see it."
    )
    next: list[str] = Field(description="What may be recorded next.")
    version: int


class RestrictionPage(BaseModel):
    items: list[RestrictionView]
    next_cursor: str | None


class RestrictionErasureResult(BaseModel):
    restrictions: list[str] = Field(description="The restrictions whose personal data was erased.")
    keys_destroyed: int
