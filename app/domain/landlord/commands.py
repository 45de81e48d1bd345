"""What an admin asks to change about a landlord; `decide_landlord` turns it into events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.complaint.events.vocabulary import LetterKind
from app.domain.policies.model import Policy


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicyChoice:
    """A policy named by an admin: `version` None means its latest version."""

    id: str
    version: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterLandlord:
    occurred_at: datetime
    name: str
    region: str
    closures: tuple[date, ...] = ()
    homes_rented: int = 0
    homes_shared_ownership: int = 0
    default_policy: PolicyChoice | None = None  # None: the Code (hoc-2024)
    retention_years: int = 6


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangeLandlord:
    """None leaves a field as it is."""

    occurred_at: datetime
    name: str | None = None
    region: str | None = None
    closures: tuple[date, ...] | None = None
    homes_rented: int | None = None
    homes_shared_ownership: int | None = None
    default_policy: PolicyChoice | None = None
    retention_years: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishPolicy:
    """Publish `policy` as a version of its id: `policy.version` must be the next one."""

    occurred_at: datetime
    policy: Policy
    make_default: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishLetterTemplate:
    """Publish the next version of the landlord's template for `kind` (checked for the Code's
    parts before it gets here: rendering is not the domain's)."""

    occurred_at: datetime
    kind: LetterKind
    source: str


LandlordCommand = RegisterLandlord | ChangeLandlord | PublishPolicy | PublishLetterTemplate
