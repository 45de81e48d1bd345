"""The stream checks, walking events in (stream, version) order: each stream's versions, links and
position order, and its head against the projection row written with every append (the anchor
that makes a removed *last* event, or a forged event appended with a valid hash, visible).

One finding per event, the most specific first; the walk then carries on from that event, so one
tampered row is not reported again for every row after it.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit import checkpoints, rows
from app.audit.checkpoints import fingerprint_of
from app.audit.findings import Finding, Findings, Kind
from app.audit.rows import Link
from app.db import one_of
from app.events.streams import (
    LANDLORD_PREFIX,
    feedback_stream,
    is_landlord_stream,
    landlord_of_stream,
    landlord_stream,
    restriction_stream,
)
from app.events.tables import events
from app.projections.owners import PREFIXED, stream_owners
from app.projections.tables import complaints, feedback, landlords, restrictions


class StreamChecker:
    """Holds only the current stream's last event and the anchors of the current batch.

    `altered`: the positions whose hash does not recompute from the row (found by the position
    pass); reported here, where a more specific problem of the same row takes precedence."""

    def __init__(self, findings: Findings, altered: Container[int]) -> None:
        self.findings = findings
        self.altered = altered
        self.anchors: dict[str, tuple[int, str]] = {}  # stream id -> (version, landlord)
        self.previous: Link | None = None
        self.beyond_anchor = False

    async def load_anchors(self, conn: AsyncConnection, batch: Sequence[Link]) -> None:
        ids = sorted({link[1] for link in batch})
        found = await conn.execute(
            sa.select(complaints.c.id, complaints.c.version, complaints.c.landlord).where(
                one_of(conn, complaints.c.id, ids)
            )
        )
        kept = {}
        if self.previous is not None and self.previous[1] in self.anchors:
            kept[self.previous[1]] = self.anchors[self.previous[1]]
        self.anchors = kept | {str(row.id): (int(row.version), str(row.landlord)) for row in found}
        # A landlord's stream is anchored by its landlord row, as a complaint's by its row.
        landlord_ids = [landlord_of_stream(i) for i in ids if is_landlord_stream(i)]
        if landlord_ids:
            rows_ = await conn.execute(
                sa.select(landlords.c.id, landlords.c.version).where(
                    one_of(conn, landlords.c.id, landlord_ids)
                )
            )
            self.anchors |= {
                landlord_stream(str(row.id)): (int(row.version), str(row.id)) for row in rows_
            }
        # A piece of feedback's stream, and a restriction's, is anchored by its row.
        for table, prefix in PREFIXED:
            prefixed_ids = [i.removeprefix(prefix) for i in ids if i.startswith(prefix)]
            if not prefixed_ids:
                continue
            found_ = await conn.execute(
                sa.select(table.c.id, table.c.version, table.c.landlord).where(
                    one_of(conn, table.c.id, prefixed_ids)
                )
            )
            self.anchors |= {
                f"{prefix}{row.id}": (int(row.version), str(row.landlord)) for row in found_
            }

    def _found(self, kind: Kind, link: Link, detail: str, *, missing: int | None = None) -> None:
        position, stream_id, version = link[0], link[1], link[2]
        anchor = self.anchors.get(stream_id)
        self.findings.add(
            Finding(
                kind=kind,
                stream_id=stream_id,
                version=version if missing is None else missing,
                position=position if missing is None else None,
                detail=detail,
                landlord=None if anchor is None else anchor[1],
                seen_at=position,
            )
        )

    def check(self, link: Link) -> None:
        position, stream_id, version, _, previous_hash = link
        previous = self.previous
        if previous is not None and previous[1] != stream_id:
            self._end_stream(previous)
            previous = None
        if previous is None:
            self.beyond_anchor = False
        expected = 1 if previous is None else previous[2] + 1
        anchor = self.anchors.get(stream_id)
        if version != expected:
            after = "the stream's start" if previous is None else f"version {previous[2]}"
            self._found(
                Kind.deleted,
                link,
                f"version {expected} is missing: version {version} "
                f"(position {position}) follows {after}",
                missing=expected,
            )
        elif not self.beyond_anchor and (anchor is None or version > anchor[0]):
            self.beyond_anchor = True
            self._found(
                Kind.inserted,
                link,
                "no complaint, landlord or feedback has this stream"
                if anchor is None
                else f"past the projection's version {anchor[0]}",
            )
        elif previous_hash != (None if previous is None else previous[3]):
            self._found(Kind.inserted, link, "previous_hash does not link to the event before")
        elif position in self.altered:
            self._found(Kind.altered, link, "the hash does not match the event's content")
        if previous is not None and position <= previous[0]:
            self._found(
                Kind.reordered,
                link,
                f"at position {position}, before version {previous[2]} at position {previous[0]}",
            )
        self.previous = link

    def _end_stream(self, last: Link) -> None:
        anchor = self.anchors.get(last[1])
        if anchor is not None and last[2] < anchor[0]:
            self._found(
                Kind.deleted,
                last,
                f"the stream ends at version {last[2]} (position {last[0]}) but its "
                f"projection is at version {anchor[0]}",
                missing=last[2] + 1,
            )

    def finish(self) -> None:
        if self.previous is not None:
            self._end_stream(self.previous)


async def check_streams(
    conn: AsyncConnection,
    findings: Findings,
    altered: Container[int],
    *,
    stream_ids: Sequence[str] | None = None,
    batch_size: int,
    heads_at: int | None = None,
) -> dict[str, Link]:
    """Walk every stream (or only `stream_ids`), whole, in (stream, version) order. Returns each
    stream's last event at or before position `heads_at` (none without it)."""
    checker = StreamChecker(findings, altered)
    source = (
        rows.links(conn, batch_size=batch_size)
        if stream_ids is None
        else rows.links_of(conn, stream_ids)
    )
    heads: dict[str, Link] = {}
    async for batch in source:
        await checker.load_anchors(conn, batch)
        for link in batch:
            checker.check(link)
            if heads_at is not None and link[0] <= heads_at:
                heads[link[1]] = link
    checker.finish()
    return heads


async def check_heads(conn: AsyncConnection, findings: Findings, heads: Mapping[str, Link]) -> None:
    """Each stream continued after a checkpoint from the event the checkpoint recorded there:
    a stream rewritten before it (its hashes recomputed) is not continued from its old head."""
    recorded = await checkpoints.fingerprints_at(conn, [link[0] for link in heads.values()])
    changed = {
        stream_id: link
        for stream_id, link in heads.items()
        if link[0] in recorded and recorded[link[0]] != fingerprint_of(link[3])
    }
    owners = await landlords_of(conn, set(changed)) if changed else {}
    for stream_id, link in sorted(changed.items()):
        findings.add(
            Finding(
                kind=Kind.altered,
                stream_id=stream_id,
                version=link[2],
                position=link[0],
                detail="not the event the last checkpoint recorded at this position, which the "
                "events after the checkpoint continue from (run verify --full)",
                landlord=owners.get(stream_id),
                seen_at=link[0],
            )
        )


async def landlords_of(conn: AsyncConnection, stream_ids: set[str]) -> dict[str, str]:
    return await stream_owners(conn, stream_ids)


async def check_orphans(conn: AsyncConnection, findings: Findings, seen_at: int) -> None:
    """Complaints, landlords, feedback and restrictions without a single event: the stream walk
    never meets them."""
    has_events = sa.exists().where(events.c.stream_id == complaints.c.id)
    query = sa.select(complaints.c.id, complaints.c.landlord).where(~has_events)
    for row in await conn.execute(query.order_by(complaints.c.id)):
        findings.add(
            Finding(
                kind=Kind.deleted,
                stream_id=str(row.id),
                version=1,
                position=None,
                detail="the complaint has no events at all",
                landlord=str(row.landlord),
                seen_at=seen_at,
            )
        )
    for table, prefix in PREFIXED:
        unheard = sa.select(table.c.id, table.c.landlord).where(
            ~sa.exists().where(events.c.stream_id == sa.literal(prefix) + table.c.id)
        )
        for row in await conn.execute(unheard.order_by(table.c.id)):
            findings.add(
                Finding(
                    kind=Kind.deleted,
                    stream_id=f"{prefix}{row.id}",
                    version=1,
                    position=None,
                    detail=f"the {prefix.removesuffix(':')} has no events at all",
                    landlord=str(row.landlord),
                    seen_at=seen_at,
                )
            )
    stream = sa.literal(LANDLORD_PREFIX) + landlords.c.id
    orphans = sa.select(landlords.c.id).where(~sa.exists().where(events.c.stream_id == stream))
    for row in await conn.execute(orphans.order_by(landlords.c.id)):
        findings.add(
            Finding(
                kind=Kind.deleted,
                stream_id=landlord_stream(str(row.id)),
                version=1,
                position=None,
                detail="the landlord has no events at all",
                landlord=str(row.id),
                seen_at=seen_at,
            )
        )


async def anchors_match(
    conn: AsyncConnection, heads: Mapping[str, tuple[int, str]], *, batch_size: int = 10_000
) -> bool:
    """Whether every complaint, landlord, feedback and restriction row has a stream in `heads`
    ending at its version, and every stream in `heads` has such a row: the anchors, checked
    without the stream walk."""
    matched = 0
    for table, stream_of in (
        (complaints, lambda id_: id_),
        (landlords, landlord_stream),
        (feedback, feedback_stream),
        (restrictions, restriction_stream),
    ):
        after: str | None = None
        while True:
            query = sa.select(table.c.id, table.c.version).order_by(table.c.id).limit(batch_size)
            if after is not None:
                query = query.where(table.c.id > after)
            batch = (await conn.execute(query)).all()
            if not batch:
                break
            for id_, version in batch:
                head = heads.get(stream_of(str(id_)))
                if head is None or head[0] != version:
                    return False
            matched += len(batch)
            after = str(batch[-1][0])
    return matched == len(heads)
