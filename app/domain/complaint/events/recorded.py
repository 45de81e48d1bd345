"""The facts the service records itself, through doors of their own: a deadline alert (the
scheduler), a letter (rendered and hashed by the service), the link to the enquiry a complaint came
from (recorded with the enquiry's conversion). No API key appends one as a JSON body
(`SYSTEM_EVENT_TYPES` and `OWN_ROUTE_EVENT_TYPES` in app/api/deps.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, ClassVar

from app.domain.complaint.events.vocabulary import AlertKind, ContactMethod, LetterKind
from app.domain.treatment import INTERNAL, RESIDENT, Audience


@dataclass(frozen=True, kw_only=True, slots=True)
class DeadlineAlertRaised:
    """The service warned the landlord that `clock` of `stage`, due on `due`, crossed a point:
    `working_days_before` its due date (`due_soon`), or its due day passed (`breached`, with no
    days). `point_date` is the London date the point fell on, so how late the warning came shows
    against `occurred_at`. Raised by the alert scheduler, never by an API key; for the landlord."""

    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    clock: Annotated[str, INTERNAL]  # the clock's name, as the complaint view shows it
    stage: Annotated[int, INTERNAL]
    due: Annotated[date, INTERNAL]
    alert: Annotated[AlertKind, INTERNAL]
    working_days_before: Annotated[int | None, INTERNAL]
    point_date: Annotated[date, INTERNAL]


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterIssued:
    """A letter of `kind` about `stage` was sent to the resident by `method`, rendered by the
    service from the complaint's facts with template `template_id` at `template_version`
    (`builtin` 0: the service's own; else the landlord's published version). `sha256` is the hash
    of the exact bytes sent (the PDF): being in the event, it is in the hash chain. The letter
    itself is not stored; it is rendered again from the log (docs/letters.md)."""

    occurred_at: datetime
    kind: Annotated[LetterKind, RESIDENT]
    stage: Annotated[int, RESIDENT]
    template_id: Annotated[str, RESIDENT]
    template_version: Annotated[int, RESIDENT]
    sha256: Annotated[str, RESIDENT]
    method: Annotated[ContactMethod, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class RaisedFromEnquiry:
    """The complaint first reached the landlord as the enquiry `feedback_id`, converted into it
    (that stream records `enquiry_converted`). Recorded by the service with the conversion, never
    by an API key on its own."""

    occurred_at: datetime
    feedback_id: Annotated[str, RESIDENT]
