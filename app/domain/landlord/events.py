"""The facts of a landlord's configuration. Each change is recorded, never edited in place.

Policy versions live in the landlord's stream: a complaint pins `(policy id, version)`, and a
published version is never altered, so the deadlines of complaints already logged never move when
the landlord changes its policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.policies.model import Policy


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicyRef:
    id: str
    version: int


@dataclass(frozen=True, kw_only=True, slots=True)
class LandlordRegistered:
    occurred_at: datetime
    name: str
    region: str
    closures: tuple[date, ...]  # extra days the landlord's office is shut (e.g. Christmas)
    homes_rented: int
    homes_shared_ownership: int
    default_policy: PolicyRef
    # Years after a complaint's closure its personal data is kept; a field added after the first
    # registrations, so older events read as the default.
    retention_years: int = 6


@dataclass(frozen=True, kw_only=True, slots=True)
class LandlordChanged:
    """Only the fields that changed are set; None means "unchanged" (an empty closure list clears
    the closures)."""

    occurred_at: datetime
    name: str | None = None
    region: str | None = None
    closures: tuple[date, ...] | None = None
    homes_rented: int | None = None
    homes_shared_ownership: int | None = None
    default_policy: PolicyRef | None = None
    retention_years: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicyPublished:
    """A new version of one of the landlord's own policies (the version is inside `policy`)."""

    occurred_at: datetime
    policy: Policy


LandlordEvent = LandlordRegistered | LandlordChanged | PolicyPublished

LANDLORD_EVENT_TYPES: dict[type[LandlordEvent], str] = {
    LandlordRegistered: "landlord_registered",
    LandlordChanged: "landlord_changed",
    PolicyPublished: "policy_published",
}

# The fields a change may carry, in the order they are shown.
CHANGEABLE = (
    "name",
    "region",
    "closures",
    "homes_rented",
    "homes_shared_ownership",
    "default_policy",
    "retention_years",
)
