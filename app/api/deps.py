"""Request dependencies: the database, the event store, and who is calling with what rights.

Authorisation is one table (`PERMISSIONS`, with `EVENT_TYPES` beside it for what each role may
append to a complaint) checked by one dependency (`authorize`, or `authorize_event` for an
append), plus one rule for reading a complaint (`can_see`): never another landlord's, and for a
portal only its resident's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Protocol

from fastapi import Depends, Header, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.errors import ApiError
from app.api.ratelimit import RateLimiter, retry_after
from app.domain.catalogue import COMPLAINT_EVENTS
from app.domain.complaint.state import ComplaintState
from app.events.store import EventStore
from app.services.keys import ApiKey, Role, authenticate_on
from app.services.privacy import Reader


class Action(StrEnum):
    log_complaint = "log_complaint"
    read_complaint = "read_complaint"
    record_event = "record_event"
    record_resident_event = "record_resident_event"
    read_events = "read_events"
    read_letters = "read_letters"
    read_feed = "read_feed"
    audit = "audit"
    read_reports = "read_reports"
    read_policies = "read_policies"
    read_landlord = "read_landlord"
    manage_landlord = "manage_landlord"
    manage_keys = "manage_keys"
    manage_webhooks = "manage_webhooks"
    read_workload = "read_workload"
    erase = "erase"
    attach_evidence = "attach_evidence"
    read_attachment = "read_attachment"
    evidence_pack = "evidence_pack"
    log_feedback = "log_feedback"
    read_feedback = "read_feedback"
    record_feedback = "record_feedback"
    impose_restriction = "impose_restriction"
    read_restrictions = "read_restrictions"
    challenge_restriction = "challenge_restriction"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.read_policies: frozenset(Role),
    Action.log_complaint: frozenset({Role.portal, Role.crm, Role.admin}),
    Action.read_complaint: frozenset({Role.portal, Role.crm, Role.analyst, Role.admin}),
    Action.record_event: frozenset({Role.crm, Role.admin}),
    Action.record_resident_event: frozenset({Role.portal}),
    Action.read_events: frozenset({Role.crm, Role.analyst, Role.admin}),
    # An issued letter is the person's own correspondence: never an analyst's.
    Action.read_letters: frozenset({Role.portal, Role.crm, Role.admin}),
    Action.read_feed: frozenset({Role.crm, Role.analyst, Role.admin}),
    Action.audit: frozenset({Role.analyst, Role.admin}),
    Action.read_reports: frozenset({Role.analyst, Role.admin}),
    Action.read_landlord: frozenset({Role.crm, Role.analyst, Role.admin}),
    Action.manage_landlord: frozenset({Role.admin}),
    Action.manage_keys: frozenset({Role.admin}),
    Action.manage_webhooks: frozenset({Role.crm, Role.admin}),
    Action.read_workload: frozenset({Role.crm, Role.analyst, Role.admin}),
    Action.erase: frozenset({Role.admin}),
    # Evidence files: a portal attaches and reads its own resident's (resident-visible ones);
    # an analyst sees only that they exist (the complaint's attachments list), never the bytes.
    Action.attach_evidence: frozenset({Role.portal, Role.crm, Role.admin}),
    Action.read_attachment: frozenset({Role.portal, Role.crm, Role.admin}),
    Action.evidence_pack: frozenset({Role.crm, Role.admin}),
    # Compliments, comments and enquiries, as complaints: a portal logs and reads its resident's.
    Action.log_feedback: frozenset({Role.portal, Role.crm, Role.admin}),
    Action.read_feedback: frozenset({Role.portal, Role.crm, Role.analyst, Role.admin}),
    Action.record_feedback: frozenset({Role.crm, Role.admin}),
    # Contact restrictions (ADR 0020): the landlord imposes and reviews them; the resident reads
    # their own and challenges it from the portal; analysts count them, never seeing the person.
    Action.impose_restriction: frozenset({Role.crm, Role.admin}),
    Action.read_restrictions: frozenset({Role.portal, Role.crm, Role.analyst, Role.admin}),
    Action.challenge_restriction: frozenset({Role.portal, Role.crm, Role.admin}),
}

# What a portal may do only on behalf of a named resident.
RESIDENT_SCOPED = frozenset(
    {
        Action.log_complaint,
        Action.read_complaint,
        Action.record_resident_event,
        Action.read_letters,
        Action.attach_evidence,
        Action.read_attachment,
        Action.log_feedback,
        Action.read_feedback,
        Action.read_restrictions,
        Action.challenge_restriction,
    }
)

# What a resident does themselves, and so may record from the portal (`record_resident_event`):
# ask for the next stage, withdraw (`closed`, only as `withdrawn`), comment or add evidence
# (`note_added`, only resident-visible), answer the survey, answer a compensation offer. The
# portal's request schema (app/api/resident_requests.py) has no other value. Everything else is
# the landlord's case file (`record_event`); `logged` and `personal_data_erased` have routes of
# their own.
RESIDENT_EVENT_TYPES = frozenset(
    {
        "escalation_requested",
        "closed",
        "note_added",
        "satisfaction_recorded",
        "compensation_accepted",
        "compensation_declined",
    }
)
# Deadline alerts are the service's own record (app/services/alerts.py): no key may append one.
# Nor the link to the enquiry a complaint came from: recorded with the enquiry's conversion
# (`enquiry_converted`, POST /v1/feedback/{id}/events), in the same transaction.
SYSTEM_EVENT_TYPES = frozenset({"deadline_alert_raised", "raised_from_enquiry"})
# Events with a door of their own, which a JSON body cannot open: a complaint is logged at
# POST /v1/complaints, erased at .../erasure, a file attached with its bytes at .../attachments,
# and a letter rendered and recorded with the hash of what was rendered at .../letters.
OWN_ROUTE_EVENT_TYPES = frozenset(
    {"logged", "personal_data_erased", "attachment_added", "letter_issued"}
)
CASE_FILE_EVENT_TYPES = frozenset(COMPLAINT_EVENTS) - OWN_ROUTE_EVENT_TYPES - SYSTEM_EVENT_TYPES
# The complaint events each role may append, at the route its action above allows it.
EVENT_TYPES: dict[Role, frozenset[str]] = {
    Role.portal: RESIDENT_EVENT_TYPES,
    Role.crm: CASE_FILE_EVENT_TYPES,
    Role.admin: CASE_FILE_EVENT_TYPES,
    Role.analyst: frozenset(),
}
# Where a role refused an action does what it is after instead.
ELSEWHERE: dict[tuple[Action, Role], str] = {
    (Action.record_event, Role.portal): "a portal records what its resident does at "
    "POST /v1/complaints/{id}/resident-events",
}

# Roles that see a complainant's personal data (a portal sees only its own resident's).
PERSONAL_DATA_ROLES = frozenset({Role.crm, Role.admin, Role.portal})
# Roles that may know who made an anonymous complaint (policy-2022 "anonymous and confidential"):
# the landlord's administrators, and the resident themselves through the portal. Case handlers
# work the case without the name.
ANONYMOUS_IDENTITY_ROLES = frozenset({Role.admin, Role.portal})
# Roles that see the landlord's internal facts (internal notes, who owns an action, lessons).
INTERNAL_ROLES = frozenset({Role.crm, Role.analyst, Role.admin})


@dataclass(frozen=True)
class Actor:
    key_id: str
    role: Role
    landlord: str
    resident_id: str | None  # the resident a portal acts for in this request

    @property
    def reader(self) -> Reader:
        """What of an event this caller may see (the event catalogue decides per field)."""
        return Reader(
            personal=self.role in PERSONAL_DATA_ROLES,
            internal=self.role in INTERNAL_ROLES,
            identity=self.role in ANONYMOUS_IDENTITY_ROLES,
        )

    def can_see(self, state: ComplaintState) -> bool:
        if state.landlord != self.landlord:
            return False
        if self.role is Role.portal:
            return state.complainant.resident_id == self.resident_id
        return True

    def can_see_record(self, state: AboutResident) -> bool:
        """As `can_see`, for a compliment, comment or enquiry, or a contact restriction."""
        if state.landlord != self.landlord:
            return False
        return self.role is not Role.portal or state.resident_id == self.resident_id


class AboutResident(Protocol):
    """A record of a landlord's about one resident (a piece of feedback, a restriction)."""

    @property
    def landlord(self) -> str: ...

    @property
    def resident_id(self) -> str | None: ...


# Dependencies are coroutines: FastAPI runs a plain function in a worker thread, a hop to another
# thread and back on every request.
async def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


async def get_store(request: Request) -> EventStore:
    store: EventStore = request.app.state.store
    return store


Engine = Annotated[AsyncEngine, Depends(get_engine)]
Store = Annotated[EventStore, Depends(get_store)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Bearer rdr_...`.")


async def current_key(
    request: Request,
    engine: Engine,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    challenge = {"WWW-Authenticate": 'Bearer realm="redress"'}
    if credentials is None:
        raise ApiError(401, "unauthenticated", "An API key is required.", challenge)
    key = await authenticate_on(engine, credentials.credentials)
    if key is None:
        raise ApiError(401, "unauthenticated", "The API key is not valid.", challenge)
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.acquire(key.id)
    if wait is not None:
        raise ApiError(
            429,
            "rate-limited",
            "Too many requests with this API key; retry after the number of seconds in "
            "Retry-After.",
            {"Retry-After": retry_after(wait)},
        )
    return key


def authorize(action: Action) -> Callable[..., Awaitable[Actor]]:
    async def dependency(
        key: Annotated[ApiKey, Depends(current_key)],
        x_resident_id: Annotated[
            str | None,
            Header(
                max_length=128,
                description="Portal keys only: the resident the portal acts for.",
            ),
        ] = None,
    ) -> Actor:
        if key.role not in PERMISSIONS[action]:
            instead = ELSEWHERE.get((action, key.role))
            raise ApiError(
                403,
                "forbidden",
                f"{a_key(key.role)} may not {action.replace('_', ' ')}"
                + (f"; {instead}." if instead else "."),
            )
        if key.role is Role.portal and action in RESIDENT_SCOPED and not x_resident_id:
            raise ApiError(
                403, "resident-required", "A portal key must name the resident (X-Resident-Id)."
            )
        resident = x_resident_id if key.role is Role.portal else None
        return Actor(key_id=key.id, role=key.role, landlord=key.landlord, resident_id=resident)

    return dependency


def authorize_event(action: Action) -> Callable[..., Awaitable[Actor]]:
    """`authorize(action)`, then the body's event type against `EVENT_TYPES`, before the body is
    validated: a type the role may not record is refused as such (403, naming it and what the key
    may record), not as a body that does not fit the route's schema. A type the catalogue does not
    know is left to validation (422)."""

    authorized = authorize(action)

    # A default, not an annotation: annotations are strings here, read against the module's
    # globals, where `authorized` is not.
    async def dependency(request: Request, actor: Actor = Depends(authorized)) -> Actor:
        event_type = await _event_type(request)
        allowed = EVENT_TYPES[actor.role]
        if event_type in COMPLAINT_EVENTS and event_type not in allowed:
            listed = sorted(allowed)
            raise ApiError(
                403,
                "event-not-allowed",
                f"{a_key(actor.role)} may not record {event_type}; it may record: "
                f"{', '.join(listed)}.",
                event_type=event_type,
                allowed=listed,
            )
        return actor

    return dependency


async def _event_type(request: Request) -> str | None:
    """The body's `type`. FastAPI has read and parsed a JSON body before dependencies run, and
    the request keeps it: this reads nothing more from the client or the database."""
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        return None  # not JSON: validation says so
    kind = body.get("type") if isinstance(body, dict) else None
    return kind if isinstance(kind, str) else None


async def reject_unknown_query(request: Request) -> None:
    """A misspelt filter (`?stauts=open`) must not silently widen a listing: unknown query
    parameters are refused."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ApiError(
            422, "unknown-parameter", f"Unknown query parameter(s): {', '.join(unknown)[:200]}."
        )


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def a_key(role: Role) -> str:
    """ "A crm key", "An analyst key", "An admin key": the article as the role's name is said."""
    return f"{'An' if role.value[0] in 'aeiou' else 'A'} {role.value} key"
