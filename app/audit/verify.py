"""Tamper evidence: check the whole event log against its own hash chains and the projection.

Two streaming passes, each over one index in batches, so memory does not grow with the log:

1. **Positions** (primary key order): positions are 1, 2, 3, ... with no gap (ADR 0001), so a
   missing position is a deleted row.
2. **Streams** (`(stream_id, version)` order): per stream, versions are 1..n with no gap, each
   `previous_hash` is the previous event's hash, each hash recomputes from the row
   (`app.events.hashing`), and positions increase with the version. The stream's head is compared
   with the complaint projection's `version`, written in the same transaction as every append: that
   anchor makes a removed *last* event, or a forged event appended with a valid hash, visible.

Kinds of problem, each naming its row (stream id and version; position when the row exists):

- `altered`: the row's hash does not recompute from its content;
- `deleted`: a version or position is missing, or the stream stops short of the projection;
- `inserted`: a link that does not match the previous event, a row past the projection's version,
  or a stream that belongs to no complaint;
- `reordered`: a stream's positions are not in version order.

Positions are not hashed, so events of two *different* streams swapping positions cannot be seen;
within one stream the version order gives it away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events import scan
from app.events.hashing import stored_event_hash
from app.events.store import StoredEvent
from app.events.streams import (
    LANDLORD_PREFIX,
    is_landlord_stream,
    landlord_of_stream,
    landlord_stream,
)
from app.events.tables import events
from app.projections.tables import complaints, landlords


class Kind(StrEnum):
    altered = "altered"
    deleted = "deleted"
    inserted = "inserted"
    reordered = "reordered"


@dataclass(frozen=True)
class Finding:
    """One problem. For `deleted`, `version` is the missing version and `position` is None."""

    kind: Kind
    stream_id: str
    version: int
    position: int | None
    detail: str
    landlord: str | None
    # Where in the log the problem was seen: orders findings ("first"), even for missing rows.
    seen_at: int


@dataclass
class VerifyReport:
    events: int = 0
    streams: int = 0
    last_position: int = 0
    # Global positions: the first missing one (a row deleted somewhere) and how many are missing.
    first_missing_position: int | None = None
    missing_positions: int = 0
    # Stream problems per kind (whole log), and the first of each kind in the report's scope.
    counts: dict[Kind, int] = field(default_factory=dict)
    first: dict[Kind, Finding] = field(default_factory=dict)

    @property
    def positions_ok(self) -> bool:
        return self.missing_positions == 0

    @property
    def problems(self) -> int:
        return sum(self.counts.values()) + self.missing_positions

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def findings(self) -> list[Finding]:
        """The first problem of each kind, in log order."""
        return sorted(self.first.values(), key=lambda f: (f.seen_at, f.kind))


async def verify(
    conn: AsyncConnection, *, landlord: str | None = None, batch_size: int = scan.BATCH_SIZE
) -> VerifyReport:
    """Check the whole log. With `landlord`, `first` holds only findings about its complaints;
    the counts, positions and `ok` are always about the whole log."""
    report = VerifyReport()
    async for batch in scan.positions(conn, batch_size=batch_size * 10):
        for position in batch:
            if position != report.last_position + 1:
                if report.first_missing_position is None:
                    report.first_missing_position = report.last_position + 1
                report.missing_positions += position - report.last_position - 1
            report.last_position = position
            report.events += 1
    checker = _StreamChecker(report, landlord)
    async for events_batch in scan.by_stream(conn, batch_size=batch_size):
        await checker.load_anchors(conn, events_batch)
        for event in events_batch:
            checker.check(event)
    checker.finish()
    has_events = sa.exists().where(events.c.stream_id == complaints.c.id)
    query = sa.select(complaints.c.id, complaints.c.landlord).where(~has_events)
    for row in await conn.execute(query.order_by(complaints.c.id)):
        # The stream walk never meets a complaint whose every event is gone.
        checker.add(
            Finding(
                kind=Kind.deleted,
                stream_id=str(row.id),
                version=1,
                position=None,
                detail="the complaint has no events at all",
                landlord=str(row.landlord),
                seen_at=report.last_position + 1,
            )
        )
    stream = sa.literal(LANDLORD_PREFIX) + landlords.c.id
    orphans = sa.select(landlords.c.id).where(~sa.exists().where(events.c.stream_id == stream))
    for row in await conn.execute(orphans.order_by(landlords.c.id)):
        checker.add(
            Finding(
                kind=Kind.deleted,
                stream_id=landlord_stream(str(row.id)),
                version=1,
                position=None,
                detail="the landlord has no events at all",
                landlord=str(row.id),
                seen_at=report.last_position + 1,
            )
        )
    return report


class _StreamChecker:
    """Walks events in (stream, version) order holding only the current stream's last event and
    the projection anchors of the current batch."""

    def __init__(self, report: VerifyReport, landlord: str | None) -> None:
        self.report = report
        self.landlord = landlord
        self.anchors: dict[str, tuple[int, str]] = {}  # stream id -> (version, landlord)
        self.previous: StoredEvent | None = None
        self.beyond_anchor = False

    async def load_anchors(self, conn: AsyncConnection, batch: list[StoredEvent]) -> None:
        ids = sorted({event.stream_id for event in batch})
        rows = await conn.execute(
            sa.select(complaints.c.id, complaints.c.version, complaints.c.landlord).where(
                complaints.c.id.in_(ids)
            )
        )
        kept = {}
        if self.previous is not None and self.previous.stream_id in self.anchors:
            kept[self.previous.stream_id] = self.anchors[self.previous.stream_id]
        self.anchors = kept | {str(row.id): (int(row.version), str(row.landlord)) for row in rows}
        # A landlord's stream is anchored by its landlord row, as a complaint's by its row.
        landlord_ids = [landlord_of_stream(i) for i in ids if is_landlord_stream(i)]
        if landlord_ids:
            found = await conn.execute(
                sa.select(landlords.c.id, landlords.c.version).where(
                    landlords.c.id.in_(landlord_ids)
                )
            )
            self.anchors |= {
                landlord_stream(str(row.id)): (int(row.version), str(row.id)) for row in found
            }

    def add(self, finding: Finding) -> None:
        report = self.report
        report.counts[finding.kind] = report.counts.get(finding.kind, 0) + 1
        if self.landlord is not None and finding.landlord != self.landlord:
            return
        known = report.first.get(finding.kind)
        if known is None or finding.seen_at < known.seen_at:
            report.first[finding.kind] = finding

    def _found(
        self, kind: Kind, event: StoredEvent, detail: str, *, missing: int | None = None
    ) -> None:
        anchor = self.anchors.get(event.stream_id)
        self.add(
            Finding(
                kind=kind,
                stream_id=event.stream_id,
                version=event.version if missing is None else missing,
                position=event.position if missing is None else None,
                detail=detail,
                landlord=None if anchor is None else anchor[1],
                seen_at=event.position,
            )
        )

    def check(self, event: StoredEvent) -> None:
        previous = self.previous
        if previous is not None and previous.stream_id != event.stream_id:
            self._end_stream(previous)
            previous = None
        if previous is None:
            self.report.streams += 1
            self.beyond_anchor = False
        expected = 1 if previous is None else previous.version + 1
        anchor = self.anchors.get(event.stream_id)
        # One finding per event, the most specific first; the walk then carries on from this
        # event, so one tampered row is not reported again for every row after it.
        if event.version != expected:
            after = "the stream's start" if previous is None else f"version {previous.version}"
            self._found(
                Kind.deleted,
                event,
                f"version {expected} is missing: version {event.version} "
                f"(position {event.position}) follows {after}",
                missing=expected,
            )
        elif not self.beyond_anchor and (anchor is None or event.version > anchor[0]):
            self.beyond_anchor = True
            self._found(
                Kind.inserted,
                event,
                "no complaint or landlord has this stream"
                if anchor is None
                else f"past the projection's version {anchor[0]}",
            )
        elif event.previous_hash != (None if previous is None else previous.hash):
            self._found(Kind.inserted, event, "previous_hash does not link to the event before")
        elif event.hash != stored_event_hash(event):
            self._found(Kind.altered, event, "the hash does not match the event's content")
        if previous is not None and event.position <= previous.position:
            self._found(
                Kind.reordered,
                event,
                f"at position {event.position}, before version {previous.version} "
                f"at position {previous.position}",
            )
        self.previous = event

    def _end_stream(self, last: StoredEvent) -> None:
        anchor = self.anchors.get(last.stream_id)
        if anchor is not None and last.version < anchor[0]:
            self._found(
                Kind.deleted,
                last,
                f"the stream ends at version {last.version} (position {last.position}) but its "
                f"projection is at version {anchor[0]}",
                missing=last.version + 1,
            )

    def finish(self) -> None:
        if self.previous is not None:
            self._end_stream(self.previous)
