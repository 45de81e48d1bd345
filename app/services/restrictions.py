"""Application service for contact restrictions (ADR 0020): load a restriction's stream, decide,
append, project.

A restriction is a stream of its own (`restriction:<id>`), sealed with keys of its own filed under
its landlord and resident, so a resident's erasure reaches it as it reaches their complaints. Its
review date is a clock: the row's `alert_due_on` is the next warning point, on the landlord's
calendar with its policy's points. No commits here: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.events import ErasureReason
from app.domain.restriction.alerts import next_review_alert_on
from app.domain.restriction.commands import Erase, Impose, RestrictionCommand
from app.domain.restriction.decide import decide
from app.domain.restriction.events import RestrictionEvent
from app.domain.restriction.state import RestrictionState, evolve, fold
from app.events.codec import decode_restriction, to_new_event
from app.events.keyring import Keyring
from app.events.store import EventStore, JsonValue, StoredEvent
from app.events.streams import RESTRICTION_PREFIX, restriction_stream
from app.projections import restrictions as projection
from app.projections.tables import restrictions
from app.services.catalog import LandlordSettings, settings_for
from app.services.retention import past_retention_in
from app.services.versions import StaleVersion


class RestrictionVersionMismatch(StaleVersion):
    what = "restriction"


class RestrictionInForce(Exception):
    """The resident already has a restriction in force: vary it rather than impose a second."""

    def __init__(self, restriction_id: str) -> None:
        super().__init__(restriction_id)
        self.restriction_id = restriction_id


@dataclass(frozen=True)
class Restriction:
    id: str
    state: RestrictionState
    events: tuple[StoredEvent, ...]  # as the store read them: opened where their key lives

    @property
    def version(self) -> int:
        return self.state.version


async def load(conn: AsyncConnection, store: EventStore, restriction_id: str) -> Restriction | None:
    stored = await store.read_stream(conn, restriction_stream(restriction_id))
    return _folded(restriction_id, stored)


async def load_many(
    conn: AsyncConnection, store: EventStore, restriction_ids: Sequence[str]
) -> list[Restriction]:
    """Several, in the order asked for, their streams read in one query (a list page)."""
    streams = await store.read_streams(conn, [restriction_stream(i) for i in restriction_ids])
    found = (_folded(i, streams[restriction_stream(i)]) for i in restriction_ids)
    return [r for r in found if r is not None]


def _folded(restriction_id: str, stored: Sequence[StoredEvent]) -> Restriction | None:
    state = fold(decode_restriction(event) for event in stored)
    return None if state is None else Restriction(restriction_id, state, tuple(stored))


def at_version(found: Restriction, version: int) -> Restriction:
    """The restriction as it stood after its event `version` (a replay's body)."""
    earlier = _folded(found.id, found.events[:version])
    return found if earlier is None else earlier


def alert_due_on(state: RestrictionState, settings: LandlordSettings) -> date | None:
    """The next day the review's alert scheduler must look at the restriction: the landlord's
    policy's points on its calendar (`settings_for`)."""
    return next_review_alert_on(state, settings.policy, settings.calendar)


async def append(
    conn: AsyncConnection,
    store: EventStore,
    found: Restriction | None,
    restriction_id: str,
    events: Sequence[RestrictionEvent],
    metadata: Mapping[str, JsonValue],
    settings: LandlordSettings,
) -> Restriction:
    """Append decided (or raised) events and write the row, in the caller's transaction;
    `settings`, the landlord's, for the review's next alert day."""
    state = None if found is None else found.state
    version = 0 if state is None else state.version
    for event in events:
        state = evolve(state, event)
    assert state is not None
    stored = await store.append(
        conn,
        restriction_stream(restriction_id),
        version,
        [to_new_event(event, metadata) for event in events],
    )
    row = projection.row_for(restriction_id, state, alert_due_on(state, settings))
    await projection.upsert(conn, row)
    return Restriction(restriction_id, state, (*(found.events if found else ()), *stored))


async def execute(
    conn: AsyncConnection,
    store: EventStore,
    restriction_id: str,
    command: RestrictionCommand,
    *,
    metadata: Mapping[str, JsonValue],
    now: datetime,
    if_match: int | None = None,
) -> Restriction:
    """Apply `command` to the restriction (a new one for an `Impose` on an unknown id), in the
    caller's transaction: its events appended and its row written, or a DomainError and nothing.
    A resident has one restriction in force at a time: a second is refused (vary the first)."""
    found = await load(conn, store, restriction_id)
    before = None if found is None else found.state
    version = 0 if before is None else before.version
    if if_match is not None and if_match != version:
        raise RestrictionVersionMismatch(if_match, version)
    settings = None  # the landlord's, for the review's alert day
    if before is not None:
        settings = await settings_for(conn, before.landlord)
    elif isinstance(command, Impose):
        settings = await settings_for(conn, command.landlord)  # an unregistered one restricts none
        current = await projection.in_force_of_resident(conn, command.landlord, command.resident_id)
        if current:
            raise RestrictionInForce(current[0])
    events = decide(command, before, now=now)
    assert settings is not None  # decide refuses all but an Impose on a new restriction
    return await append(conn, store, found, restriction_id, events, metadata, settings)


@dataclass
class Erased:
    restrictions: list[str]
    keys_destroyed: int


async def erase(
    conn: AsyncConnection,
    store: EventStore,
    keyring: Keyring,
    restriction_ids: Sequence[str],
    *,
    reason: ErasureReason,
    metadata: Mapping[str, JsonValue],
    now: datetime,
) -> Erased:
    """Record `restriction_erased` on each (once) and destroy every data key of each, in the
    caller's transaction."""
    done: list[str] = []
    for restriction_id in sorted(set(restriction_ids)):
        found = await load(conn, store, restriction_id)
        if found is None:
            continue
        if found.state.erased_at is None:
            at = max(now, found.state.last_occurred_at)
            command = Erase(occurred_at=at, reason=reason)
            await execute(conn, store, restriction_id, command, metadata=metadata, now=at)
        done.append(restriction_id)
    keys = await keyring.erase(conn, [restriction_stream(r) for r in done])
    return Erased(done, keys)


async def past_retention(
    conn: AsyncConnection, *, now: datetime, landlord: str | None = None
) -> list[str]:
    """Ended restrictions whose last event is older than their landlord's retention period and
    whose data is still readable (app/services/retention.py)."""
    return await past_retention_in(
        conn,
        restrictions,
        stream_id=sa.literal(RESTRICTION_PREFIX) + restrictions.c.id,
        ended=restrictions.c.in_force.is_(False),
        now=now,
        landlord=landlord,
    )
