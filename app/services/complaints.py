"""Application service for complaints: load the stream, `decide`, append, project.

Functions take the caller's connection and never commit: the route owns the transaction, so the
append, the projection row and the idempotency record commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.complaint.commands import Command, LogComplaint
from app.domain.complaint.decide import decide
from app.domain.complaint.events import ComplaintEvent, Logged
from app.domain.complaint.evolve import evolve, fold
from app.domain.complaint.state import ComplaintState
from app.domain.policies.model import Policy
from app.domain.reporting.facts import facts_of
from app.domain.reporting.items import ItemFold
from app.events.blind_index import search_rows
from app.events.codec import decode, to_new_event
from app.events.sealed_store import SealingEventStore
from app.events.store import (
    LAST_HASH,
    NEW_STREAM,
    EventStore,
    Head,
    JsonValue,
    StoredEvent,
    Upsert,
)
from app.events.tables import complainant_keys, complaint_search
from app.projections import complaints as projection
from app.projections import reports
from app.projections.state_document import NO_DOCUMENT, seal_state
from app.projections.tables import complaints as complaints_table
from app.services.catalog import Catalog, load_catalog
from app.services.privacy import pseudonym_for
from app.services.references import next_reference
from app.services.versions import StaleVersion


class VersionMismatch(StaleVersion):
    """The caller's If-Match names a version that is not the complaint's current one."""

    what = "complaint"


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
    # The contact restriction in force on the complainant now (`projections.restrictions.shown`),
    # read in the complaint row's own statement (ADR 0020). None: none, or not read (history).
    restriction: str | None = None

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


@dataclass(frozen=True)
class Writable:
    """A complaint read for a write: its state and report items so far, the head its next event
    continues the chain from, and its live data key (None: it has none, or the store seals
    nothing). From the sealed state document (one statement) or, failing that, from the stream."""

    complaint: Complaint
    items: ItemFold
    head: Head
    key: tuple[str, bytes] | None


async def writable_from_stream(
    conn: AsyncConnection, store: EventStore, complaint_id: str
) -> Writable | None:
    """The slow way: replay the stream (a complaint with no readable document)."""
    complaint = await load(conn, store, complaint_id)
    return None if complaint is None else await _writable(conn, store, complaint)


async def _writable(conn: AsyncConnection, store: EventStore, complaint: Complaint) -> Writable:
    items = ItemFold(complaint_id=complaint.id).advance(decode(e) for e in complaint.events)
    head = Head(complaint.version, complaint.events[-1].hash if complaint.events else None)
    key = None
    if isinstance(store, SealingEventStore):
        key = await store.keyring.live(conn, complaint.id)
    return Writable(complaint, items, head, key)


@dataclass(frozen=True)
class Pending:
    """A decided write: the complaint as it will stand, and the append that makes it so, which the
    caller runs with its own rows (an idempotency record) so they commit together."""

    complaint: Complaint
    key: tuple[str, bytes] | None
    append: Callable[[Sequence[Upsert]], Awaitable[list[StoredEvent]]]

    async def commit(self, also: Sequence[Upsert] = ()) -> Complaint:
        stored = await self.append(also)
        return replace(self.complaint, events=(*self.complaint.events, *stored))


async def _pending(
    conn: AsyncConnection,
    store: EventStore,
    before: Writable | None,
    complaint_id: str,
    events: Sequence[ComplaintEvent],
    metadata: Mapping[str, JsonValue],
    policy: Policy,
    calendar: WorkingCalendar,
    key: tuple[str, bytes] | None,
    key_row: Mapping[str, object] | None = None,
    more: Sequence[Upsert] = (),
    restriction: str | None = None,
) -> Pending:
    """Everything of the write but the statement: the new state and items, the projection rows
    (the state document sealed with `key`), the events to append."""
    state = None if before is None else before.complaint.state
    for event in events:
        state = evolve(state, event)
    assert state is not None
    items_before = ItemFold(complaint_id=complaint_id) if before is None else before.items
    items = items_before.advance(events)
    was = (
        None
        if before is None
        else facts_of(complaint_id, before.complaint.state, items_before.items, policy, calendar)
    )
    now = facts_of(complaint_id, state, items.items, policy, calendar)
    report_rows, gone = reports.changes(was, now)
    await reports.delete(conn, gone)
    row = projection.row_for(complaint_id, state, policy, calendar) | {"head_hash": LAST_HASH}
    row |= NO_DOCUMENT if key is None else seal_state(complaint_id, state, *key, items)
    rows = [Upsert(complaints_table, [row], ("id",)), *report_rows, *more]
    if key_row is not None:
        rows.insert(0, Upsert(complainant_keys, [key_row], ("id",), update=False))
    new_events = [to_new_event(event, metadata) for event in events]
    head = NEW_STREAM if before is None else before.head
    prior = () if before is None else before.complaint.events

    async def append(also: Sequence[Upsert]) -> list[StoredEvent]:
        if isinstance(store, SealingEventStore):
            return await store.append(
                conn, complaint_id, head.version, new_events, head=head, also=[*rows, *also],
                key=key,
            )  # fmt: skip
        return await store.append(
            conn, complaint_id, head.version, new_events, head=head, also=[*rows, *also]
        )

    if before is not None:
        restriction = before.complaint.restriction
    complaint = Complaint(
        id=complaint_id,
        state=state,
        policy=policy,
        calendar=calendar,
        events=tuple(prior),
        restriction=restriction,
    )
    return Pending(with_pseudonym(complaint, store), key, append)


async def prepare_log(
    conn: AsyncConnection,
    store: EventStore,
    command: LogComplaint,
    *,
    metadata: Mapping[str, JsonValue],
    now: datetime,
    complaint_id: str | None = None,
) -> Pending:
    """Log a new complaint under the policy the command pins (the landlord's default or one of
    its own versions); the reference and complaint id (unless the caller has one: an import's)
    are assigned here. The command is decided once before its reference number is taken, so a
    refused one takes no number."""
    pin = (command.landlord, command.policy_id, command.policy_version)
    catalog = await load_catalog(conn, [command.landlord], [pin])
    policy = catalog.policy(*pin)
    calendar = catalog.calendar(command.landlord)
    decide(command, None, policy=policy, calendar=calendar, now=now)
    year = london_date(command.received_at).year
    # An anonymous complaint is not tied to the restriction of whoever made it.
    resident = None if command.anonymous else command.complainant.resident_id
    reference, restriction = await next_reference(conn, command.landlord, year, resident)
    command = replace(command, reference=reference)
    events = decide(command, None, policy=policy, calendar=calendar, now=now)
    complaint_id = complaint_id or str(uuid.uuid4())
    key, key_row, found_by = None, None, []
    if isinstance(store, SealingEventStore):
        key_id, data_key, key_row = store.keyring.new(
            complaint_id, command.landlord, command.complainant.resident_id
        )
        key = (key_id, data_key)
        logged = next(e for e in events if isinstance(e, Logged))
        found_by = search_rows(store.keyring.blind_index, complaint_id, logged)
    # In the append's one statement, like the key: a complaint is findable once it exists.
    search = [Upsert(complaint_search, found_by, ("complaint_id", "field"))] if found_by else []
    return await _pending(
        conn, store, None, complaint_id, events, metadata, policy, calendar, key, key_row, search,
        restriction,
    )  # fmt: skip


async def prepare_record(
    conn: AsyncConnection,
    store: EventStore,
    writable: Writable,
    command: Command,
    *,
    if_match: int | None,
    metadata: Mapping[str, JsonValue],
    now: datetime,
) -> Pending:
    """Apply a command to a complaint read for writing (`current.for_write`)."""
    complaint = writable.complaint
    if if_match is not None and if_match != complaint.version:
        raise VersionMismatch(if_match, complaint.version)
    events = decide(
        command, complaint.state, policy=complaint.policy, calendar=complaint.calendar, now=now
    )
    return await prepare_events(conn, store, writable, events, metadata=metadata)


async def prepare_events(
    conn: AsyncConnection,
    store: EventStore,
    writable: Writable,
    events: Sequence[ComplaintEvent],
    *,
    metadata: Mapping[str, JsonValue],
) -> Pending:
    """Append events already decided (a command's, or the deadline alerts' rule's) to a complaint
    read for writing: one statement with its projection rows, continuing its chain."""
    complaint = writable.complaint
    key = writable.key
    if key is None and isinstance(store, SealingEventStore):
        new_events = [to_new_event(event, metadata) for event in events]
        key = await store.key_for(conn, complaint.id, new_events)
    return await _pending(
        conn, store, writable, complaint.id, events, metadata, complaint.policy,
        complaint.calendar, key,
    )  # fmt: skip


async def log_complaint(
    conn: AsyncConnection,
    store: EventStore,
    command: LogComplaint,
    *,
    metadata: Mapping[str, JsonValue],
    now: datetime,
    complaint_id: str | None = None,
) -> Complaint:
    pending = await prepare_log(
        conn, store, command, metadata=metadata, now=now, complaint_id=complaint_id
    )
    return await pending.commit()


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
    """Apply a command to a complaint loaded (replayed) in this transaction."""
    pending = await prepare_record(
        conn, store, await _writable(conn, store, complaint), command,
        if_match=if_match, metadata=metadata, now=now,
    )  # fmt: skip
    return await pending.commit()
