"""Application service for resident feedback: load a feedback stream, decide, append, project.

Feedback lives in streams of its own (`feedback:<id>`), sealed with keys of its own (filed under
its landlord and resident, as a complaint's are), so erasing a resident reaches their feedback the
way it reaches their complaints. No commits here: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.commands import LinkEnquiry
from app.domain.complaint.events import ErasureReason
from app.domain.feedback.commands import ConvertEnquiry, EraseFeedback, FeedbackCommand
from app.domain.feedback.decide import decide_feedback
from app.domain.feedback.events import FeedbackReceived
from app.domain.feedback.state import FeedbackState, evolve_feedback, fold_feedback
from app.events.codec import decode_feedback, to_new_event
from app.events.keyring import Keyring
from app.events.store import EventStore, JsonValue, StoredEvent
from app.events.streams import FEEDBACK_PREFIX, feedback_stream
from app.projections import feedback as projection
from app.projections.tables import feedback
from app.services import complaints as complaint_service
from app.services.retention import past_retention_in
from app.services.versions import StaleVersion


class FeedbackVersionMismatch(StaleVersion):
    what = "feedback"


class ComplaintNotFound(Exception):
    """An enquiry converted into a complaint this landlord does not have."""


@dataclass(frozen=True)
class Feedback:
    id: str
    state: FeedbackState
    events: tuple[StoredEvent, ...]  # as the store read them: opened where their key lives

    @property
    def version(self) -> int:
        return self.state.version

    @property
    def received(self) -> StoredEvent:
        return self.events[0]


async def load(conn: AsyncConnection, store: EventStore, feedback_id: str) -> Feedback | None:
    stored = await store.read_stream(conn, feedback_stream(feedback_id))
    return _folded(feedback_id, stored)


async def load_many(
    conn: AsyncConnection, store: EventStore, feedback_ids: Sequence[str]
) -> list[Feedback]:
    """Several, in the order asked for, their streams read in one query (a list page)."""
    streams = await store.read_streams(conn, [feedback_stream(i) for i in feedback_ids])
    found = (_folded(i, streams[feedback_stream(i)]) for i in feedback_ids)
    return [f for f in found if f is not None]


def _folded(feedback_id: str, stored: Sequence[StoredEvent]) -> Feedback | None:
    state = fold_feedback(feedback_id, (decode_feedback(event) for event in stored))
    return None if state is None else Feedback(feedback_id, state, tuple(stored))


def at_version(found: Feedback, version: int) -> Feedback:
    """The feedback as it stood after its event `version` (a replay's body)."""
    earlier = _folded(found.id, found.events[:version])
    return found if earlier is None else earlier


async def execute(
    conn: AsyncConnection,
    store: EventStore,
    feedback_id: str,
    command: FeedbackCommand,
    *,
    metadata: Mapping[str, JsonValue],
    now: datetime,
    if_match: int | None = None,
) -> Feedback:
    """Apply `command` to the feedback (a new one for `ReceiveFeedback`), in the caller's
    transaction: its events appended and its row written, or a DomainError and nothing."""
    found = await load(conn, store, feedback_id)
    before = None if found is None else found.state
    version = 0 if before is None else before.version
    if if_match is not None and if_match != version:
        raise FeedbackVersionMismatch(if_match, version)
    complaint = None
    if isinstance(command, ConvertEnquiry) and before is not None:
        complaint = await _complaint(conn, store, before.landlord, command.complaint_id)
    events = decide_feedback(command, before, now=now)
    state = before
    for event in events:
        state = evolve_feedback(feedback_id, state, event)
    assert state is not None
    stored = await store.append(
        conn,
        feedback_stream(feedback_id),
        version,
        [to_new_event(event, metadata) for event in events],
    )
    await projection.upsert(conn, projection.row_for(state))
    if complaint is not None:
        # Both streams say so: the complaint records which enquiry it came from, no earlier than
        # its own last event (a complaint's events are in the order they happened).
        at = max(command.occurred_at, complaint.state.last_occurred_at)
        link = LinkEnquiry(occurred_at=at, feedback_id=feedback_id)
        await complaint_service.record(
            conn, store, complaint, link, if_match=None, metadata=metadata, now=max(now, at)
        )
    return Feedback(feedback_id, state, (*(found.events if found else ()), *stored))


async def _complaint(
    conn: AsyncConnection, store: EventStore, landlord: str, complaint_id: str
) -> complaint_service.Complaint:
    """The complaint an enquiry is converted into: the same landlord's, logged already."""
    found = await complaint_service.load(conn, store, complaint_id)
    if found is None or found.state.landlord != landlord:
        raise ComplaintNotFound(complaint_id)
    return found


def received_event(found: Feedback) -> FeedbackReceived:
    event = decode_feedback(found.received)
    assert isinstance(event, FeedbackReceived)
    return event


@dataclass
class Erased:
    feedback: list[str]
    keys_destroyed: int


async def erase(
    conn: AsyncConnection,
    store: EventStore,
    keyring: Keyring,
    feedback_ids: Sequence[str],
    *,
    reason: ErasureReason,
    metadata: Mapping[str, JsonValue],
    now: datetime,
) -> Erased:
    """Record `feedback_erased` on each (once: one already erased only loses any key made since)
    and destroy every data key of each, in the caller's transaction."""
    done: list[str] = []
    for feedback_id in sorted(set(feedback_ids)):
        found = await load(conn, store, feedback_id)
        if found is None:
            continue
        if found.state.erased_at is None:
            at = max(now, found.state.last_occurred_at)
            command = EraseFeedback(occurred_at=at, reason=reason)
            await execute(conn, store, feedback_id, command, metadata=metadata, now=at)
        done.append(feedback_id)
    keys = await keyring.erase(conn, [feedback_stream(f) for f in done])
    return Erased(done, keys)


async def past_retention(
    conn: AsyncConnection, *, now: datetime, landlord: str | None = None
) -> list[str]:
    """Ended feedback (closed, or converted) whose last event is older than their landlord's
    retention period and whose data is still readable (app/services/retention.py)."""
    return await past_retention_in(
        conn,
        feedback,
        stream_id=sa.literal(FEEDBACK_PREFIX) + feedback.c.id,
        ended=feedback.c.status.in_(["closed", "converted"]),
        now=now,
        landlord=landlord,
    )
