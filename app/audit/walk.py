"""One walk over the events in position order, doing per row everything that needs the row itself.

For each event: its position follows the one before (a missing one is a deleted row), its hash
recomputes from its content (`row_hash`; a mismatch is confirmed with the store's own
`stored_event_hash` before it counts), and it extends the position chain (`checkpoints`), which is
closed at each boundary (a checkpoint's position, or where a new checkpoint will end). In a full
walk each stream's last version and hash are kept too, so that versions and links are known to be
right without walking the streams a second time, in (stream, version) order, unless they are not.

The loop is most of what a full verify costs, so it keeps to locals and calls nothing it can avoid.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit import checkpoints, rows
from app.audit.findings import VerifyReport
from app.audit.rows import Row
from app.events.hashing import row_hash, stored_event_hash

_END = sys.maxsize


@dataclass(frozen=True)
class Segment:
    """A stretch of the position chain, closed at a boundary."""

    position: int
    previous_position: int
    digest: bytes
    streams: int
    fingerprints: bytes | None  # of the events in it, for a checkpoint to write


class PositionWalk:
    """`restart(b, digest)`: the digest the chain continues from after boundary `b`, given the one
    computed up to it (a valid checkpoint's stored digest there localises a change to the
    checkpoints whose range holds it). Segments past `write_after` collect their fingerprints."""

    def __init__(
        self,
        report: VerifyReport,
        *,
        after: int,
        start: bytes,
        streams: int,
        boundaries: Iterable[int],
        restart: Callable[[int, bytes], bytes],
        write_after: int | None,
        heads: bool,
    ) -> None:
        self.report = report
        self.expected = after + 1
        self.last = after
        self.previous_boundary = after
        self.digest = hashlib.sha256(start)
        self.boundaries = sorted({b for b in boundaries if b > after}, reverse=True)
        self.restart = restart
        self.write_after = write_after
        self.collecting: list[str] | None = (
            [] if write_after is not None and after >= write_after else None
        )
        self.segments: dict[int, Segment] = {}
        self.streams = streams  # at the last event walked: the count before plus the new ones
        self.suspects: list[int] = []
        self.altered: set[int] = set()
        self.heads: dict[str, tuple[int, str]] | None = {} if heads else None
        self.structural = False  # versions or links are off somewhere (full walk)
        self.touched: set[str] = set()

    def _next_boundary(self) -> int:
        return self.boundaries[-1] if self.boundaries else _END

    def _close(self, boundary: int) -> None:
        self.boundaries.pop()
        digest = self.digest.digest()
        collected = self.collecting
        fingerprints = None if collected is None else checkpoints.fingerprints_of(collected)
        self.segments[boundary] = Segment(
            boundary, self.previous_boundary, digest, self.streams, fingerprints
        )
        self.previous_boundary = boundary
        self.digest = hashlib.sha256(self.restart(boundary, digest))
        if self.write_after is not None and boundary >= self.write_after:
            self.collecting = []

    def feed(self, batch: Sequence[Row], until: int = _END) -> bool:
        """Walk `batch`; False once past `until` (the rows after it are left unwalked). Rows
        whose hash is suspect wait for `confirm`, so the walk never waits for the database."""
        report = self.report
        expected, streams, heads = self.expected, self.streams, self.heads
        collecting, touched = self.collecting, self.touched
        update = self.digest.update
        boundary = self._next_boundary()
        structural = False
        suspects = self.suspects
        loads = orjson.loads
        walked = 0
        for row in batch:
            position, stream_id, version, type_, schema, data, meta, at, on, hash_, link = row
            if position > until:
                break
            walked += 1
            if position != expected:
                report.missing(expected, position)
            expected = position + 1
            if version == 1:
                streams += 1
            if position > boundary:
                self.streams = streams - (version == 1)
                while position > boundary:
                    self._close(boundary)
                    boundary = self._next_boundary()
                update, collecting = self.digest.update, self.collecting
            update(f"{position}:{len(hash_)}:{hash_}\n".encode())
            if collecting is not None:
                collecting.append(hash_)
            if position == boundary:
                self.streams = streams
                self._close(boundary)
                boundary = self._next_boundary()
                update, collecting = self.digest.update, self.collecting
            try:
                data, meta = loads(data), loads(meta)
                fast = row_hash(link, stream_id, version, type_, schema, data, meta, at, on)
            except (TypeError, ValueError):  # orjson's errors are these
                fast = None
            if fast != hash_:
                suspects.append(position)
            if heads is not None:
                head = heads.get(stream_id)
                if head is None:
                    structural |= version != 1 or link is not None
                else:
                    structural |= head[0] + 1 != version or head[1] != link
                heads[stream_id] = (version, hash_)
            else:
                touched.add(stream_id)
        self.expected, self.streams, self.collecting = expected, streams, collecting
        self.structural |= structural
        self.last = expected - 1
        report.events += walked
        report.checked_events += walked
        return walked == len(batch)

    async def confirm(self, conn: AsyncConnection, *, chunk: int = 1_000) -> None:
        """Check the suspects again with the store's own reading and hash: `altered` are those
        whose hash does not recompute from the row."""
        for start in range(0, len(self.suspects), chunk):
            for event in await rows.stored(conn, self.suspects[start : start + chunk]):
                try:
                    same = stored_event_hash(event) == event.hash
                except ValueError:  # a value the store would never have written
                    same = False
                if not same:
                    self.altered.add(event.position)
        self.suspects = []

    def finish(self, end: int) -> None:
        """Close the boundaries left (a checkpoint past the last row: its rows are gone) and,
        when collecting, the last segment at the last event walked. `end`: the last position
        given out; positions after the last row up to it are missing."""
        if self.last < end:
            self.report.missing(self.expected, end + 1)
        while self.boundaries:
            self._close(self.boundaries[-1])
        if self.collecting and self.last > self.previous_boundary:
            self.boundaries.append(self.last)
            self._close(self.last)
