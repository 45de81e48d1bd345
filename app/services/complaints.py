"""Application service for complaints: load the stream, `decide`, append, project.

Functions take the caller's connection and never commit: the route owns the transaction, so the
append, the projection row and the idempotency record commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.complaint.commands import Command, LogComplaint
from app.domain.complaint.decide import decide
from app.domain.complaint.events import ComplaintEvent
from app.domain.complaint.evolve import evolve, fold
from app.domain.complaint.state import ComplaintState
from app.domain.policies.model import Policy
from app.domain.reporting.facts import complaint_facts
from app.events.codec import decode, to_new_event
from app.events.sealed_store import SealingEventStore
from app.events.store import EventStore, JsonValue, StoredEvent
from app.projections import complaints as projection
from app.projections import reports
from app.projections.state_document import NO_DOCUMENT, seal_state
from app.services.catalog import Catalog, load_catalog
from app.services.privacy import pseudonym_for
from app.services.references import next_reference


class VersionMismatch(Exception):
    """The caller's If-Match names a version that is not the complaint's current one."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"the complaint is at version {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class Complaint:
    """A complaint as read from its stream, with what is needed to evaluate its clocks."""

    id: str
    state: ComplaintState
    policy: Policy
    calendar: WorkingCalendar
    events: tuple[StoredEvent, ...]
    # A stable stand-in for the complainant, shown to roles that may not see who they are.
    pseudonym: str | None = None

    @property
    def version(self) -> int:
        return self.state.version


def _with_state(
    complaint_id: str, state: ComplaintState, catalog: Catalog, stored: Sequence[StoredEvent]
) -> Complaint:
    return Complaint(
        id=complaint_id,
        state=state,
        policy=catalog.policy(state.landlord, state.policy_id, state.policy_version),
        calendar=catalog.calendar(state.landlord),
        events=tuple(stored),
    )


async def catalog_for(conn: AsyncConnection, states: Sequence[ComplaintState]) -> Catalog:
    """The calendars and pinned policies of `states`, read in one go."""
    return await load_catalog(
        conn,
        {state.landlord for state in states},
        {(state.landlord, state.policy_id, state.policy_version) for state in states},
    )


def _up_to(stored: Sequence[StoredEvent], as_of: datetime | None) -> Sequence[StoredEvent]:
    if as_of is None:
        return stored
    return [event for event in stored if event.occurred_at <= as_of]


def at_moment(complaint: Complaint, as_of: datetime) -> Complaint | None:
    """The complaint as it stood at `as_of`, from events already read (None: not yet logged).

    The pinned policy is the same at every moment; the calendar is today's (see catalog)."""
    stored = _up_to(complaint.events, as_of)
    state = fold(decode(event) for event in stored)
    if state is None:
        return None
    return replace(complaint, state=state, events=tuple(stored))


def at_version(complaint: Complaint, version: int) -> Complaint:
    """The complaint as it stood just after its event `version`, from events already read."""
    stored = complaint.events[:version]
    state = fold(decode(event) for event in stored)
    if state is None:
        raise ValueError(f"a complaint has no version {version}")
    return replace(complaint, state=state, events=tuple(stored))


async def load(
    conn: AsyncConnection, store: EventStore, complaint_id: str, *, as_of: datetime | None = None
) -> Complaint | None:
    stored = _up_to(await store.read_stream(conn, complaint_id), as_of)
    state = fold(decode(event) for event in stored)
    if state is None:
        return None
    complaint = _with_state(complaint_id, state, await catalog_for(conn, [state]), stored)
    return with_pseudonym(complaint, store)


async def load_many(
    conn: AsyncConnection,
    store: EventStore,
    complaint_ids: Sequence[str],
    *,
    as_of: datetime | None = None,
) -> list[Complaint]:
    streams = await store.read_streams(conn, complaint_ids)
    folded: list[tuple[str, ComplaintState, Sequence[StoredEvent]]] = []
    for cid in complaint_ids:
        stored = _up_to(streams.get(cid, []), as_of)
        state = fold(decode(event) for event in stored)
        if state is not None:
            folded.append((cid, state, stored))
    catalog = await catalog_for(conn, [state for _, state, _ in folded])
    return [
        with_pseudonym(_with_state(cid, state, catalog, stored), store)
        for cid, state, stored in folded
    ]


def with_pseudonym(complaint: Complaint, store: EventStore) -> Complaint:
    """The complaint with its complainant's pseudonym, where the store can make one."""
    state = complaint.state
    pseudonym = pseudonym_for(store, state.landlord, complaint.id, state.complainant.resident_id)
    return complaint if pseudonym is None else replace(complaint, pseudonym=pseudonym)


async def _commit_events(
    conn: AsyncConnection,
    store: EventStore,
    complaint_id: str,
    before: ComplaintState | None,
    events: Sequence[ComplaintEvent],
    metadata: Mapping[str, JsonValue],
    prior: Sequence[StoredEvent],
    policy: Policy,
    calendar: WorkingCalendar,
) -> Complaint:
    state = before
    for event in events:
        state = evolve(state, event)
    assert state is not None
    new_events = [to_new_event(event, metadata) for event in events]
    # The document is sealed with the key the append seals with, fetched once for both.
    key = (
        await store.key_for(conn, complaint_id, new_events)
        if isinstance(store, SealingEventStore)
        else None
    )
    row = projection.row_for(complaint_id, state, policy, calendar)
    row |= NO_DOCUMENT if key is None else seal_state(complaint_id, state, *key)
    # The projection rows go first: they need no global lock, so the append's critical section
    # (position assignment) stays as short as possible.
    await projection.upsert(conn, row)
    history = [decode(event) for event in prior]
    was = (
        None if before is None else complaint_facts(complaint_id, before, history, policy, calendar)
    )
    now = complaint_facts(complaint_id, state, [*history, *events], policy, calendar)
    await reports.write(conn, was, now)
    expected = 0 if before is None else before.version
    if isinstance(store, SealingEventStore):
        stored = await store.append(conn, complaint_id, expected, new_events, key=key)
    else:
        stored = await store.append(conn, complaint_id, expected, new_events)
    written = Complaint(
        id=complaint_id,
        state=state,
        policy=policy,
        calendar=calendar,
        events=(*prior, *stored),
    )
    return with_pseudonym(written, store)


async def log_complaint(
    conn: AsyncConnection,
    store: EventStore,
    command: LogComplaint,
    *,
    metadata: Mapping[str, JsonValue],
    now: datetime,
) -> Complaint:
    """Log a new complaint under the policy the command pins (the landlord's default or one of
    its own versions); the reference and complaint id are assigned here."""
    pin = (command.landlord, command.policy_id, command.policy_version)
    catalog = await load_catalog(conn, [command.landlord], [pin])
    policy = catalog.policy(*pin)
    calendar = catalog.calendar(command.landlord)
    # A refused command rolls the transaction back, and the reference number with it.
    year = london_date(command.received_at).year
    command = replace(command, reference=await next_reference(conn, command.landlord, year))
    events = decide(command, None, policy=policy, calendar=calendar, now=now)
    return await _commit_events(
        conn, store, str(uuid.uuid4()), None, events, metadata, (), policy, calendar
    )


async def record(
    conn: AsyncConnection,
    store: EventStore,
    complaint: Complaint,
    command: Command,
    *,
    if_match: int | None,
    metadata: Mapping[str, JsonValue],
    now: datetime,
) -> Complaint:
    """Apply a command to a complaint loaded in this transaction."""
    if if_match is not None and if_match != complaint.version:
        raise VersionMismatch(if_match, complaint.version)
    events = decide(
        command, complaint.state, policy=complaint.policy, calendar=complaint.calendar, now=now
    )
    return await _commit_events(
        conn,
        store,
        complaint.id,
        complaint.state,
        events,
        metadata,
        complaint.events,
        complaint.policy,
        complaint.calendar,
    )
