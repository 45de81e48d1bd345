"""A complaint's letter, composed: the template the landlord uses for the kind, the plain facts of
the complaint as it stood, rendered and checked. The imperative shell around the pure parts
(`app.domain.letters`): it reads nothing itself, it is handed the complaint and the landlord."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.complaint.events import LetterIssued, LetterKind
from app.domain.landlord.state import LandlordState
from app.domain.letters.context import letter_context
from app.domain.letters.issuing import letter_stage
from app.events.codec import decode
from app.rendering.letters.render import (
    BUILTIN_TEMPLATE_ID,
    BUILTIN_VERSION,
    builtin_source,
    render_html,
)
from app.services.complaints import Complaint, at_version


@dataclass(frozen=True, slots=True)
class TemplateRef:
    id: str  # "builtin", or the landlord's id
    version: int


@dataclass(frozen=True, slots=True)
class ComposedLetter:
    kind: LetterKind
    stage: int
    template: TemplateRef
    html: str


class TemplateGone(Exception):
    """An issued letter names a template version its landlord's stream does not hold."""


def template_for(
    landlord: LandlordState | None, kind: LetterKind, ref: TemplateRef | None = None
) -> tuple[TemplateRef, str]:
    """`ref`'s source, or (None) the landlord's latest version for `kind`, else the built-in."""
    if ref is not None and ref.id == BUILTIN_TEMPLATE_ID:
        return ref, builtin_source(kind)
    if landlord is not None:
        own = landlord.letter_template(kind, None if ref is None else ref.version)
        if own is not None:
            return TemplateRef(landlord.id, own.version), own.source
    if ref is not None:
        raise TemplateGone(f"{ref.id} {kind.value} template version {ref.version}")
    return TemplateRef(BUILTIN_TEMPLATE_ID, BUILTIN_VERSION), builtin_source(kind)


def compose(
    complaint: Complaint,
    landlord: LandlordState | None,
    kind: LetterKind,
    issued_at: datetime,
) -> ComposedLetter:
    """The letter of `kind` the complaint calls for now (LetterNotIssuable when its fact is not
    recorded; LetterIncomplete when the template lacks a part the Code requires)."""
    stage = letter_stage(kind, complaint.state)
    ref, source = template_for(landlord, kind)
    return _render(complaint, landlord, kind, stage, ref, source, issued_at)


def recompose(
    complaint: Complaint, landlord: LandlordState | None, version: int
) -> tuple[LetterIssued, ComposedLetter]:
    """The letter recorded at the complaint's event `version`, rendered again from the events
    before it with the template version it names. After an erasure the person's fields read
    `[erased]`, so the letter gives no one back (and its hash no longer matches: by design)."""
    issued = decode(complaint.events[version - 1])
    if not isinstance(issued, LetterIssued):
        raise LookupError(version)
    then = at_version(complaint, version - 1)
    ref, source = template_for(
        landlord, issued.kind, TemplateRef(issued.template_id, issued.template_version)
    )
    letter = _render(then, landlord, issued.kind, issued.stage, ref, source, issued.occurred_at)
    return issued, letter


def _render(
    complaint: Complaint,
    landlord: LandlordState | None,
    kind: LetterKind,
    stage: int,
    ref: TemplateRef,
    source: str,
    issued_at: datetime,
) -> ComposedLetter:
    context = letter_context(
        kind=kind,
        stage=stage,
        state=complaint.state,
        events=[decode(e) for e in complaint.events],
        policy=complaint.policy,
        calendar=complaint.calendar,
        landlord_name=landlord.name if landlord is not None else complaint.state.landlord,
        issued_at=issued_at,
    )
    html = render_html(kind, source, context).html
    return ComposedLetter(kind=kind, stage=stage, template=ref, html=html)
