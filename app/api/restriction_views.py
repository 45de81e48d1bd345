"""A contact restriction as the API shows it, a request as the command it asks for, and the
restriction in force as a complaint view shows it."""

from __future__ import annotations

from datetime import datetime

from app.api.deps import Actor
from app.api.schemas.restrictions import (
    RestrictionChallengeDecidedIn,
    RestrictionEndedIn,
    RestrictionEventRequest,
    RestrictionInForce,
    RestrictionReviewedIn,
    RestrictionStep,
    RestrictionVariedIn,
    RestrictionView,
)
from app.domain.restriction import commands as c
from app.domain.restriction.decide import possible
from app.domain.restriction.state import RestrictionState
from app.events.store import EventStore
from app.projections.restrictions import parse_shown
from app.services import restrictions as service
from app.services.keys import Role
from app.services.privacy import pseudonym_for, visible_data


def restriction_view(
    found: service.Restriction, actor: Actor, store: EventStore
) -> RestrictionView:
    state = found.state
    reader = actor.reader
    terms = next(e for e in reversed(found.events) if e.type == "restriction_imposed")
    pseudonym = pseudonym_for(store, state.landlord, found.id, state.resident_id)
    return RestrictionView(
        id=found.id,
        landlord=state.landlord,
        resident_id=state.resident_id if reader.personal else None,
        resident_pseudonym=pseudonym,
        in_force=state.in_force,
        measures=list(state.measures),
        contact_person=state.contact_person,
        channels=list(state.channels),
        imposed_at=state.imposed_at,
        review_due=state.review_due,
        challenged_at=state.challenged_at,
        challenge_decided_at=state.challenge_decided_at,
        ended_at=state.ended_at,
        erased=state.erased_at is not None,
        terms=visible_data(terms, reader, pseudonym),
        steps=[
            RestrictionStep(
                type=e.type, occurred_at=e.occurred_at, data=visible_data(e, reader, pseudonym)
            )
            for e in found.events[1:]
            if reader.sees_event(e.type, e.data)
        ],
        next=_next(state, actor),
        version=state.version,
    )


def _next(state: RestrictionState, actor: Actor) -> list[str]:
    """What this key may record next: a resident may only challenge (once)."""
    steps = possible(state)
    if actor.role is Role.portal:
        return [s for s in steps if s == "restriction_challenged"]
    return steps


def restriction_command(body: RestrictionEventRequest, now: datetime) -> c.RestrictionCommand:
    at = body.occurred_at or now
    match body:
        case RestrictionVariedIn():
            return c.Impose(
                occurred_at=at,
                landlord="",  # kept from the restriction: the domain ignores it on a variation
                resident_id="",
                measures=tuple(body.measures),
                reason=body.reason,
                contact_person=body.contact_person,
                channels=tuple(body.channels),
                times=body.times,
                review_due=body.review_due,
            )
        case RestrictionReviewedIn():
            return c.Review(
                occurred_at=at,
                outcome=body.outcome,
                next_review_due=body.next_review_due,
                notes=body.notes,
            )
        case RestrictionChallengeDecidedIn():
            return c.DecideChallenge(
                occurred_at=at, upheld=body.upheld, explanation=body.explanation
            )
        case RestrictionEndedIn():
            return c.End(occurred_at=at, reason=body.reason)


def in_force_view(raw: str | None) -> RestrictionInForce | None:
    """The restriction in force, from the complaint row's read of `restrictions.shown`."""
    shown = parse_shown(raw)
    return None if shown is None else RestrictionInForce.model_validate(shown)
