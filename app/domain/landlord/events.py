"""The facts of a landlord's configuration. Each change is recorded, never edited in place.

Policy versions live in the landlord's stream: a complaint pins `(policy id, version)`, and a
published version is never altered, so the deadlines of complaints already logged never move when
the landlord changes its policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, ClassVar

from app.domain.complaint.events.vocabulary import LetterKind
from app.domain.policies.model import Policy
from app.domain.treatment import INTERNAL, Audience


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicyRef:
    id: str
    version: int


# A landlord's configuration is about an organisation, not a person: every field is internal and
# structured (the landlord's own keys and analysts read it; a resident's portal does not).


@dataclass(frozen=True, kw_only=True, slots=True)
class LandlordRegistered:
    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    name: Annotated[str, INTERNAL]
    region: Annotated[str, INTERNAL]
    # Extra days the landlord's office is shut (e.g. Christmas).
    closures: Annotated[tuple[date, ...], INTERNAL]
    homes_rented: Annotated[int, INTERNAL]
    homes_shared_ownership: Annotated[int, INTERNAL]
    default_policy: Annotated[PolicyRef, INTERNAL]
    # Years after a complaint's closure its personal data is kept; a field added after the first
    # registrations, so older events read as the default.
    retention_years: Annotated[int, INTERNAL] = 6


@dataclass(frozen=True, kw_only=True, slots=True)
class LandlordChanged:
    """Only the fields that changed are set; None means "unchanged" (an empty closure list clears
    the closures)."""

    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    name: Annotated[str | None, INTERNAL] = None
    region: Annotated[str | None, INTERNAL] = None
    closures: Annotated[tuple[date, ...] | None, INTERNAL] = None
    homes_rented: Annotated[int | None, INTERNAL] = None
    homes_shared_ownership: Annotated[int | None, INTERNAL] = None
    default_policy: Annotated[PolicyRef | None, INTERNAL] = None
    retention_years: Annotated[int | None, INTERNAL] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicyPublished:
    """A new version of one of the landlord's own policies (the version is inside `policy`)."""

    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    policy: Annotated[Policy, INTERNAL]


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterTemplate:
    """One version of the landlord's own template for a kind of letter: Jinja2 HTML, rendered in
    the sandbox over a complaint's plain facts (docs/letters.md). Versions count from 1 per kind;
    the service's built-in template is version 0."""

    kind: LetterKind
    version: int
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterTemplatePublished:
    """A new version of one of the landlord's letter templates. Like a policy, the landlord's own
    published document (its wording, its letterhead): about the organisation, not a person, so
    internal and structured as a whole."""

    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    template: Annotated[LetterTemplate, INTERNAL]


LandlordEvent = LandlordRegistered | LandlordChanged | PolicyPublished | LetterTemplatePublished

LANDLORD_EVENT_TYPES: dict[type[LandlordEvent], str] = {
    LandlordRegistered: "landlord_registered",
    LandlordChanged: "landlord_changed",
    PolicyPublished: "policy_published",
    LetterTemplatePublished: "letter_template_published",
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
