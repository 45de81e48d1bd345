"""Who a complaint is from: the complainant and anyone acting for them. Every part is classified
(`app.domain.treatment`): the person is sealed and erased, the resident id stays as the portal's
pseudonymous key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from app.domain.complaint.events.vocabulary import ConsentMethod, RepresentativeKind
from app.domain.treatment import IDENTIFIER, PERSONAL


@dataclass(frozen=True, kw_only=True, slots=True)
class PostalAddress:
    """A postal address: its lines as written, and the postcode on its own, so that a letter can
    be addressed and complaints can be matched to homes without parsing free text."""

    lines: Annotated[tuple[str, ...], PERSONAL]
    postcode: Annotated[str | None, PERSONAL] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Complainant:
    """The person complaining: personal data, to be protected and, one day, erased. `name` is
    null only on an anonymous complaint (since `logged` v4); always given otherwise."""

    name: Annotated[str | None, PERSONAL]
    email: Annotated[str | None, PERSONAL] = None
    phone: Annotated[str | None, PERSONAL] = None
    address: Annotated[PostalAddress | None, PERSONAL] = None
    resident_id: Annotated[str | None, IDENTIFIER] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Consent:
    """The resident's consent to someone acting for them: whether it was given, and when and how
    it was recorded (each null where not said)."""

    given: Annotated[bool, PERSONAL]
    recorded_at: Annotated[datetime | None, PERSONAL] = None
    method: Annotated[ConsentMethod | None, PERSONAL] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Representative:
    """Someone acting for the complainant (advocate, relative, councillor, MP). `kind` and
    `consent` since `logged` v4: null (unknown) on every older complaint."""

    name: Annotated[str, PERSONAL]
    relationship: Annotated[str, PERSONAL]
    contact: Annotated[str | None, PERSONAL] = None
    kind: Annotated[RepresentativeKind | None, PERSONAL] = None
    consent: Annotated[Consent | None, PERSONAL] = None
