"""Tamper evidence: check the event log against its hash chains, its positions, the projection and
the signed checkpoints of earlier checks (docs/adr/0010-verify-checkpoints.md).

`verify` (full) walks every event from position 1 in position order (`walk.PositionWalk`): no
position is missing (ADR 0001: positions are 1, 2, 3, ... up to the counter's last), every hash
recomputes from its row, each stream's versions and links follow on, and the position chain
matches every checkpoint. Only if something is off does it walk the streams again, in (stream,
version) order, to name each problem exactly as ever (`streams.StreamChecker`); where the log no
longer matches a checkpoint it names the rows that moved or were rewritten (`ledger.trace`), which
is how two events of different streams that swapped positions are seen.

`verify_since_checkpoint` checks only what was appended since the last checkpoint whose signature
holds: the events after it (positions, hashes, the position chain continuing from the signed
digest), and every stream they belong to, whole, against its projection row, with the event it
continued from compared with the checkpoint's fingerprint. What lies before the checkpoint was
checked when it was written; `verify --full` checks it again.

Kinds of problem, each naming its row (stream id and version; position when the row exists):

- `altered`: the row's hash does not recompute from its content, or the row is not the one a
  checkpoint recorded at its position (rewritten with a recomputed hash);
- `deleted`: a version or position is missing, or the stream stops short of the projection;
- `inserted`: a link that does not match the previous event, a row past the projection's version,
  or a stream that belongs to no complaint;
- `reordered`: a stream's positions are not in version order, or an event is at another position
  than a checkpoint recorded (two events swapped: each names the other).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import aclosing, contextmanager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.audit import checkpoints, rows, streams
from app.audit.checkpoints import GENESIS, SPAN, Pending
from app.audit.findings import CheckpointProblem, Findings, VerifyReport
from app.audit.ledger import Ledger, trace
from app.audit.walk import PositionWalk, Segment
from app.db import writing
from app.events import scan

BATCH_SIZE = 2_000


@contextmanager
def _no_collection() -> Iterator[None]:
    """A full walk makes a few short-lived objects per event and keeps one tuple per stream; the
    cycle collector would scan that growing dictionary again and again, finding no cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def verify(
    conn: AsyncConnection,
    *,
    key: bytes | None = None,
    landlord: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> VerifyReport:
    """Check the whole log, and with `key` compare it with every checkpoint. With `landlord`,
    `first` holds only findings about its complaints; the counts, positions and `ok` are always
    about the whole log."""
    report = VerifyReport(full=True)
    findings = Findings(report, landlord)
    ledger = Ledger(key, await checkpoints.every(conn), report) if key is not None else None
    end = await rows.last_position(conn)
    last = 0 if ledger is None else ledger.last
    boundaries = set() if ledger is None else {*ledger.boundaries(), *range(last + SPAN, end, SPAN)}
    walk = PositionWalk(
        report,
        after=0,
        start=GENESIS,
        streams=0,
        boundaries=boundaries,
        restart=(lambda _, digest: digest) if ledger is None else ledger.restart,
        write_after=None if ledger is None else last,
        heads=True,
    )
    with _no_collection():
        async with aclosing(rows.by_position(conn, after=0, batch_size=batch_size)) as batches:
            async for batch in batches:
                walk.feed(batch)
    walk.finish(end)
    await walk.confirm(conn)
    heads, walk.heads = walk.heads or {}, None
    report.last_position = report.checked_to = end
    report.streams = len(heads)
    off = walk.structural or bool(walk.altered) or not await streams.anchors_match(conn, heads)
    heads = {}  # the largest thing the walk holds: let it go before the next
    if off:
        # Something is off: walk the streams to name it, as precisely as ever.
        await streams.check_streams(conn, findings, walk.altered, batch_size=batch_size)
        await streams.check_orphans(conn, findings, seen_at=end + 1)
    if ledger is not None:
        mismatched = ledger.compare(walk.segments)
        await ledger.check_fingerprints(conn)
        if mismatched:
            await trace(conn, findings, mismatched, tail_after=last)
        if report.ok and key is not None:
            report.pending = _pending(key, walk.segments.values(), after=last)
    return report


async def verify_since_checkpoint(
    conn: AsyncConnection,
    *,
    key: bytes,
    landlord: str | None = None,
    limit: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> VerifyReport:
    """Check the events after the last valid checkpoint, at most `limit` of them (the report
    says up to which position). Without a checkpoint and a limit, the full check."""
    start, problems = await checkpoints.latest(conn, key)
    if start is None and limit is None:
        return await verify(conn, key=key, landlord=landlord, batch_size=batch_size)
    after = 0 if start is None else start.position
    report = VerifyReport(full=False, start=None if start is None else start.start, events=after)
    report.checkpoint_problems += problems
    if start is not None and not await checkpoints.still_ends_the_range(conn, start):
        report.checkpoint_problems.append(
            CheckpointProblem(
                start.position,
                "the event at the checkpoint's position is gone or is not the one it recorded: "
                "the log was cut short or rewritten before it (`redress verify --full` names it)",
            )
        )
    findings = Findings(report, landlord)
    end = await rows.last_position(conn)
    until = end if limit is None else min(end, after + limit)
    walk = PositionWalk(
        report,
        after=after,
        start=GENESIS if start is None else bytes.fromhex(start.chain),
        streams=0 if start is None else start.streams,
        boundaries=range(after + SPAN, until, SPAN),
        restart=lambda _, digest: digest,
        write_after=after,
        heads=False,
    )
    async with aclosing(rows.by_position(conn, after=after, batch_size=batch_size)) as batches:
        async for batch in batches:
            if not walk.feed(batch, until):
                break
    walk.finish(until)
    await walk.confirm(conn)
    report.last_position, report.checked_to, report.streams = end, until, walk.streams
    if walk.touched:
        heads = await streams.check_streams(
            conn,
            findings,
            walk.altered,
            stream_ids=sorted(walk.touched),
            batch_size=batch_size,
            heads_at=after,
        )
        await streams.check_heads(conn, findings, heads)
    if report.ok:
        report.pending = _pending(key, walk.segments.values(), after=after)
    return report


def _pending(key: bytes, segments: Iterable[Segment], *, after: int) -> list[Pending]:
    now = datetime.now(UTC)
    written: list[Pending] = []
    for segment in sorted(segments, key=lambda s: s.position):
        if segment.position <= after or segment.fingerprints is None:
            continue
        written.append(
            checkpoints.seal(
                key,
                position=segment.position,
                previous_position=segment.previous_position,
                chain=segment.digest,
                streams=segment.streams,
                fingerprints=segment.fingerprints,
                created_at=now,
            )
        )
    return written


async def record(engine: AsyncEngine, report: VerifyReport) -> None:
    """Save the checkpoints a clean check computed (`report.written`: up to which position)."""
    if report.pending:
        # One checkpoint is one statement: on PostgreSQL no BEGIN and COMMIT round trips.
        async with writing(engine, one_statement=len(report.pending) == 1) as conn:
            report.written = await checkpoints.save(conn, report.pending)


async def check(
    engine: AsyncEngine,
    key: bytes,
    *,
    full: bool,
    landlord: str | None = None,
    limit: int | None = None,
) -> VerifyReport:
    """Check in one snapshot of the log, then record the new checkpoint if it was clean."""
    async with scan.snapshot(engine) as conn:
        if full:
            report = await verify(conn, key=key, landlord=landlord)
        else:
            report = await verify_since_checkpoint(conn, key=key, landlord=landlord, limit=limit)
    await record(engine, report)
    return report
