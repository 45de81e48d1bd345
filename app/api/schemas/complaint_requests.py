"""A complaint as logged: the body of `POST /v1/complaints` (the view is in complaints.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from app.api.schemas.inputs import MOMENT_RANGE, Input, Instant, LongText, ShortText, Slug, Text
from app.domain.complaint.events import (
    Channel,
    ConsentMethod,
    LateAcceptanceReason,
    RepresentativeKind,
    Tenure,
)

AddressLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Postcode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_upper=True,
        pattern=r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
    ),
]

# A Unique Property Reference Number: up to 12 digits (OS AddressBase), without leading zeros.
Uprn = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[1-9][0-9]{0,11}$")]


class PostalAddressIn(Input):
    lines: list[AddressLine] = Field(
        min_length=1, max_length=6, description="Address lines, house first, without the postcode."
    )
    postcode: Postcode | None = Field(default=None, description="A UK postcode, e.g. `AB1 2CD`.")


class ComplainantIn(Input):
    name: ShortText | None = Field(
        default=None,
        description="Required, unless the complaint is `anonymous` (then it may be left out; "
        "without it and not anonymous: 422 `complainant-name-required`).",
    )
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}$")] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()\-]{3,30}$")] | None = None
    address: PostalAddressIn | None = None
    resident_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = Field(
        default=None, description="The landlord's id for the resident (portals set it themselves)."
    )


class ConsentIn(Input):
    given: bool = Field(description="Whether the resident agreed to the representative acting.")
    recorded_at: Instant | None = Field(
        default=None, description=f"When the consent was recorded. {MOMENT_RANGE}"
    )
    method: ConsentMethod | None = Field(
        default=None, description="How: `written`, `verbal`, `electronic` or `other`."
    )


class RepresentativeIn(Input):
    name: ShortText
    relationship: ShortText
    contact: ShortText | None = None
    kind: RepresentativeKind | None = Field(
        default=None,
        description="Who acts for the resident: `mp`, `councillor`, `advocate` (an advice "
        "agency, advocate or solicitor), `family` (a relative or friend) or `other`.",
    )
    consent: ConsentIn | None = Field(
        default=None,
        description="The resident's consent to the representative acting for them; leave it "
        "out when not recorded.",
    )


class LateAcceptanceIn(Input):
    reason: LateAcceptanceReason = Field(
        description="Why a matter older than the policy's time limit is taken on: "
        "`continuing_issue`, `recently_discovered`, `resident_circumstances`, "
        "`serious_matter`, `landlord_delay` or `other`."
    )
    explanation: Text = Field(description="What the landlord records and tells the resident.")


class LogComplaintRequest(Input):
    channel: Channel
    received_at: Instant | None = Field(
        default=None,
        description=f"When the landlord received it; defaults to `occurred_at`. {MOMENT_RANGE}",
    )
    occurred_at: Instant | None = Field(
        default=None, description=f"When it was logged; defaults to now. {MOMENT_RANGE}"
    )
    stage: Annotated[int, Field(ge=0, le=3)] | None = Field(
        default=None, description="Stage it starts at; defaults to the policy's first stage."
    )
    category: Slug = Field(
        description="Lower-case category, e.g. `repairs`, `anti_social_behaviour`."
    )
    description: LongText
    desired_outcome: Text | None = None
    complainant: ComplainantIn
    representative: RepresentativeIn | None = None
    anonymous: bool = False
    vulnerability: Text | None = None
    reasonable_adjustments: Text | None = None
    tenure: Tenure | None = Field(
        default=None,
        description="The complainant's home: `rented` (social rent, LCRA) or `shared_ownership` "
        "(LCHO), `leasehold` (a leaseholder who bought outright) or `other` (any other tenure; "
        "these two are outside the TSM's measures). Leave it out when unknown: reports count "
        "unknown tenure apart, never guess. Only `leasehold` and `shared_ownership` may be "
        "referred to the `first_tier_tribunal`.",
    )
    incident_at: date | None = Field(
        default=None,
        description="The day the matter complained about happened (not after `received_at`). "
        "Older than the policy's `complaint_time_limit_months` (the Code: 12) at receipt, the "
        "complaint needs `late_acceptance` (else 422 `policy-rule-broken`, rule "
        "`complaint_time_limit_months`).",
    )
    uprn: Uprn | None = Field(
        default=None,
        description="The Unique Property Reference Number of the home complained about (up to "
        "12 digits), to find a property's complaints (`GET /v1/complaints?uprn=`). Personal: "
        "sealed at rest, shown only to roles that see personal data.",
    )
    late_acceptance: LateAcceptanceIn | None = Field(
        default=None,
        description="Why a matter older than the policy's time limit is accepted; only for such "
        "a matter (else 422 `late-acceptance-not-needed`).",
    )


# Responses
